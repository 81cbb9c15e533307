/**
 * Slack-compatible incoming webhook. The URL is itself the credential, so it lives in the environment
 * variable the contact names and never appears in results or errors (the variable's name does).
 * Block Kit for Slack; the top-level `text` is what notifications show and what receivers without
 * Block Kit (Mattermost and other "Slack-compatible" hooks) display, so it stands on its own.
 */
import type { ContactChannel } from '../../policy/types';
import { parseUrl, postJson } from './http';
import { PermanentDeliveryError, type DeliveryResult, type Notification } from './types';

export type SlackContact = Extract<ContactChannel, { kind: 'slack' }>;

const KIND_LABEL: Record<Notification['kind'], string> = {
  page: 'Page',
  escalation: 'Escalation',
  reminder: 'Reminder',
  handoff: 'Handoff',
  resolved: 'Resolved',
  info: 'Update',
};

export function slackMessage(n: Notification) {
  const fields = [
    n.team && { type: 'mrkdwn', text: `*Team*\n${escape(n.team)}` },
    n.service && { type: 'mrkdwn', text: `*Service*\n${escape(n.service)}` },
    { type: 'mrkdwn', text: `*Severity*\n${escape(n.severity)}` },
    { type: 'mrkdwn', text: `*For*\n${escape(n.recipient.name)}` },
  ].filter(Boolean);
  const unix = Math.floor(Date.parse(n.occurredAt) / 1000);
  // Slack renders <!date^…> in each reader's own timezone; the part after | is shown where it cannot.
  const when = Number.isFinite(unix) ? `<!date^${unix}^{date_short_pretty} {time}|${n.occurredAt}>` : escape(n.occurredAt);
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${n.severity} · ${n.incidentTitle}`, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*${escape(n.headline)}*\n${escape(n.body)}`, 3000) }, fields },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${KIND_LABEL[n.kind]} · ${escape(n.incidentId)} · ${when}` }] },
  ];
  // Link buttons: Slack opens the URL in the browser, which asks to confirm (an incoming webhook has no interactivity).
  const buttons = [
    ...(n.actions ?? []).map((action) => ({ text: action.label, url: action.url, action_id: action.kind, primary: action.kind === 'acknowledge' })),
    ...(n.url ? [{ text: 'Open incident', url: n.url, action_id: 'open-incident', primary: false }] : []),
  ].filter((button) => /^https?:\/\//.test(button.url));
  if (buttons.length > 0) {
    blocks.push({
      type: 'actions',
      elements: buttons.map(({ text, url, action_id, primary }) => ({ type: 'button', text: { type: 'plain_text', text }, url, action_id, ...(primary ? { style: 'primary' } : {}) })),
    });
  }
  // Receivers without Block Kit show only this text: the links go in it too.
  const links = [...(n.actions ?? []).map((action) => `${action.label}: ${action.url}`), ...(n.url ? [n.url] : [])];
  const text = `[${n.severity}] ${n.incidentTitle} — ${n.headline}${links.map((link) => `\n${link}`).join('')}`;
  return { text, blocks };
}

export async function deliverSlack(n: Notification, contact: SlackContact, env: NodeJS.ProcessEnv = process.env): Promise<DeliveryResult> {
  const target = contact.webhookUrlEnv;
  const raw = env[target];
  if (!raw) {
    throw new PermanentDeliveryError(`slack: environment variable ${target} (the incoming webhook URL) is not set`, 'slack', target);
  }
  const url = parseUrl(raw, 'slack', target);
  // Slack ignores Idempotency-Key; receivers that honour it (Mattermost plugins, our test receiver) dedupe on it.
  const status = await postJson(url, JSON.stringify(slackMessage(n)), { channel: 'slack', target, headers: { 'Idempotency-Key': n.key } });
  return { channel: 'slack', target, outcome: 'delivered', status };
}

/** Slack mrkdwn treats only &, < and > as control characters. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}
