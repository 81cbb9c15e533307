/**
 * An incident as people read it: the workflow's bounded state joined with the archived timeline, so the
 * timeline, status updates, notifications and the postmortem text are whole however long the incident ran.
 * Pure; the server builds it for the API, the console, the status page and the documents.
 */
import type { IncidentState, Page, StatusUpdate, TimelineEvent } from './incident-state';

export interface IncidentView extends Omit<IncidentState, 'postmortem' | 'landmarks' | 'timeline' | 'pages'> {
  timeline: TimelineEvent[];
  /** How many events the incident has in all (a response may carry only the latest; see the timeline route). */
  timelineCount: number;
  statusUpdates: StatusUpdate[];
  pages: Page[];
  postmortem?: { markdown: string; publishedAt: string; publishedBy: string };
}

/**
 * Join the state with the archive's events (whole, where the state keeps only a glance of them). Events the
 * archive does not have yet are the state's own.
 */
export function incidentView(state: IncidentState, archived: TimelineEvent[]): IncidentView {
  const bySeq = new Map<number, TimelineEvent>();
  for (const event of state.timeline) bySeq.set(event.seq, event);
  for (const event of archived) bySeq.set(event.seq, event);
  const timeline = [...bySeq.values()].sort((a, b) => a.seq - b.seq);

  const statusUpdates: StatusUpdate[] = [];
  const pages = new Map<number, Page>();
  let postmortem: IncidentView['postmortem'];
  for (const event of timeline) {
    if (event.type === 'status-updated') statusUpdates.push({ seq: event.seq, at: event.at, by: event.by, status: event.status, message: event.message, public: event.public });
    if (event.type === 'notified') pages.set(event.seq, { seq: event.seq, at: event.at, to: event.to, kind: event.kind, headline: event.headline, outcome: 'sending' });
    if (event.type === 'delivery') {
      const page = pages.get(event.ref);
      if (page) pages.set(event.ref, { ...page, outcome: event.outcome, channel: event.channel, failures: event.failures });
    }
    if (event.type === 'postmortem-published') postmortem = { markdown: event.markdown, publishedAt: event.at, publishedBy: event.by };
  }
  // A notification whose delivery outcome only the state still knows (its events were glanced) keeps it.
  for (const page of state.pages) if (pages.get(page.seq)?.outcome === 'sending') pages.set(page.seq, page);

  const { landmarks: _landmarks, postmortem: _published, ...facts } = state;
  return { ...facts, timeline, timelineCount: state.lastSeq, statusUpdates, pages: [...pages.values()], ...(postmortem ? { postmortem } : {}) };
}
