/**
 * Which channels reach a person, and which of them can work in this environment. Pure: the policy, the
 * environment's variables and what the process knows of its SMTP server and store come in as arguments.
 *
 * Every person has the console inbox ("My pages"), listed or not: it needs nothing but the store, so paging
 * works on the first start with the shipped policy, and an organisation that configured only email still
 * sees its pages in the console. It is delivered first, before the outside channels, which keep their order.
 */
import type { ContactChannel, Person, Policy } from './types';

export const INBOX: ContactChannel = { kind: 'inbox' };

/** The channels outside Marshal, in the order the team file lists them (the inbox is always delivered besides). */
export function outsideContacts(person: Pick<Person, 'contacts'>): ContactChannel[] {
  return person.contacts.filter((contact) => contact.kind !== 'inbox');
}

/** Every channel that reaches the person: the inbox, then the outside ones in their order. */
export function contactsOf(person: Pick<Person, 'contacts'>): ContactChannel[] {
  return [INBOX, ...outsideContacts(person)];
}

/** What the process knows beyond the policy: whether it holds the store, and how its SMTP server answered. */
export interface ChannelEnvironment {
  env: Record<string, string | undefined>;
  /** Whether this process can write inboxes (it holds the store). */
  inbox: boolean;
  /** The result of trying the SMTP server's port, if it was tried: undefined when it answered. */
  smtpUnreachable?: string;
}

export interface BrokenChannel {
  channel: ContactChannel['kind'];
  /** Safe to show: an address, a variable's name, a host; never a secret. */
  target: string;
  why: string;
}

export interface PersonChannels {
  person: string;
  team: string;
  working: ContactChannel['kind'][];
  broken: BrokenChannel[];
}

export interface ChannelReport {
  /** People no channel can reach: nobody is told when they are paged. */
  unreachable: PersonChannels[];
  /** People with a working channel but some that cannot work (e.g. only the inbox reaches them). */
  degraded: PersonChannels[];
  /** How many people the policy has, and how many of them every listed channel can reach. */
  people: number;
  fine: number;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}

/** Why this channel cannot work here, or undefined when nothing we can know of says it will not. */
export function channelProblem(contact: ContactChannel, policy: Policy, environment: ChannelEnvironment): BrokenChannel | undefined {
  const set = (name: string | undefined) => Boolean(name && environment.env[name]);
  switch (contact.kind) {
    case 'inbox':
      return environment.inbox ? undefined : { channel: 'inbox', target: 'console', why: 'this process holds no store, so it cannot write inboxes' };
    case 'email': {
      const smtp = policy.integrations?.smtp;
      if (!smtp) return { channel: 'email', target: contact.address, why: 'no SMTP server is configured (smtp in config/integrations.yaml)' };
      if (smtp.userEnv && smtp.passwordEnv && set(smtp.userEnv) !== set(smtp.passwordEnv)) {
        return { channel: 'email', target: contact.address, why: `only one of ${smtp.userEnv} and ${smtp.passwordEnv} is set: set both to log in, or neither` };
      }
      if (environment.smtpUnreachable) return { channel: 'email', target: contact.address, why: `the SMTP server ${smtp.host}:${smtp.port} does not answer: ${environment.smtpUnreachable}` };
      return undefined;
    }
    case 'slack':
      return set(contact.webhookUrlEnv) ? undefined : { channel: 'slack', target: contact.webhookUrlEnv, why: `environment variable ${contact.webhookUrlEnv} (the webhook URL) is not set` };
    case 'webhook':
      return contact.signingSecretEnv && !set(contact.signingSecretEnv)
        ? { channel: 'webhook', target: hostOf(contact.url), why: `environment variable ${contact.signingSecretEnv} (its signing secret) is not set` }
        : undefined;
  }
}

/** Every person's channels judged against the environment: who nothing reaches, and whose channels partly fail. */
export function channelReport(policy: Policy, environment: ChannelEnvironment): ChannelReport {
  const report: ChannelReport = { unreachable: [], degraded: [], people: 0, fine: 0 };
  for (const person of Object.values(policy.people).sort((a, b) => a.id.localeCompare(b.id))) {
    report.people += 1;
    const entry: PersonChannels = { person: person.id, team: person.team, working: [], broken: [] };
    if (outsideContacts(person).length === 0) entry.broken.push({ channel: 'inbox', target: 'contacts', why: 'no contact channel is listed: only the console inbox reaches them' });
    for (const contact of contactsOf(person)) {
      const problem = channelProblem(contact, policy, environment);
      if (problem) entry.broken.push(problem);
      else if (!entry.working.includes(contact.kind)) entry.working.push(contact.kind);
    }
    if (entry.working.length === 0) report.unreachable.push(entry);
    else if (entry.broken.length > 0) report.degraded.push(entry);
    else report.fine += 1;
  }
  return report;
}

/** The report as log lines a person reads at start: one per unreachable person, one per kind of broken channel. */
export function channelReportLines(report: ChannelReport): { level: 'warn' | 'info'; message: string }[] {
  const lines: { level: 'warn' | 'info'; message: string }[] = [];
  for (const entry of report.unreachable) {
    lines.push({
      level: 'warn',
      message: `${entry.person} (${entry.team}) cannot be reached by any channel: ${entry.broken.map((broken) => `${broken.channel} ${broken.target}: ${broken.why}`).join('; ')}`,
    });
  }
  const byWhy = new Map<string, string[]>();
  for (const entry of report.degraded) {
    for (const broken of entry.broken) byWhy.set(`${broken.channel}: ${broken.why}`, [...(byWhy.get(`${broken.channel}: ${broken.why}`) ?? []), entry.person]);
  }
  for (const [why, people] of byWhy) {
    const names = people.length > 10 ? `${people.slice(0, 10).join(', ')} and ${people.length - 10} more` : people.join(', ');
    lines.push({ level: 'warn', message: `${why} (${names})` });
  }
  if (report.unreachable.length === 0) {
    lines.push({ level: 'info', message: `every person can be paged: ${report.fine} of ${report.people} on every listed channel, the others at least in their console inbox (My pages)` });
  }
  return lines;
}
