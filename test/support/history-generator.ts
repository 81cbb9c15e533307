/**
 * Incident histories made with the real lifecycle fold (declare, decide, record from
 * workflows/incident-state.ts), so every timeline is one Marshal could have written: the store test checks
 * the reports against a month of them, the insight benchmark loads a year. Seeded, so a failure or a
 * figure can be reproduced.
 */
import type { Policy } from '../../policy/types';
import { decide, declare, record, type Command, type EventBody, type IncidentPolicy, type IncidentState, type TimelineEvent } from '../../workflows/incident-state';

export const HISTORY_TEAMS = ['payments', 'platform', 'web'];
const DAY = 24 * 3600 * 1000;

export interface HistoryOptions {
  policy: Policy;
  incidents: number;
  /** Incidents are declared at random in [start, start + days). */
  start: number;
  days: number;
  seed?: number;
  /**
   * Extra events per incident on average, while it is open (status updates, reminders, alert repeats,
   * delivery receipts): 0 gives the lean timelines the store test reads; the benchmark asks for a busy year.
   */
  chatter?: number;
  /** Incident ids are `<prefix><n>`. */
  prefix?: string;
}

/** A small seeded generator (an LCG), so a failure can be reproduced. */
function random(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** One incident's timeline after another, lazily: a year of them need not all sit in memory. */
export function* generateHistory(options: HistoryOptions): Generator<{ id: string; events: TimelineEvent[] }> {
  const { policy, start, days } = options;
  const incidentPolicy: IncidentPolicy = { version: policy.version, severities: policy.severities };
  const severities = policy.severities.map((severity) => severity.name);
  const people = Object.keys(policy.people);
  const rand = random(options.seed ?? 42);
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)];
  const prefix = options.prefix ?? 'i';
  for (let n = 0; n < options.incidents; n += 1) {
    let at = start + Math.floor(rand() * days * DAY);
    const iso = () => new Date(at).toISOString();
    const later = (minutes: number) => (at += Math.floor(minutes * 60_000 * (0.5 + rand())));
    const fromAlert = rand() < 0.4;
    const team = pick(HISTORY_TEAMS);
    const id = `${prefix}${n}`;
    let state: IncidentState = declare(
      { id, title: n % 7 === 0 ? `Checkout latency ${n}` : `Disk pressure ${n}`, severity: pick(severities), team, service: undefined, reporter: fromAlert ? 'alertmanager' : pick(people) },
      incidentPolicy,
      iso(),
    );
    const command = (c: Command) => {
      const decision = decide(state, c);
      if (decision.ok) state = record(state, decision.events, iso(), c.by);
    };
    const follow = (events: EventBody[]) => (state = record(state, events, iso(), 'marshal'));
    if (fromAlert) follow([{ type: 'alert', source: 'alertmanager', key: `k${n}`, status: 'firing', summary: 'Disk', labels: { alertname: pick(['DiskFull', 'HighLatency', 'PodCrash']) } }]);
    later(1);
    const paged = pick(people);
    follow([{ type: 'notified', to: paged, kind: 'page', headline: 'Paged', step: 0 }]);
    if (rand() < 0.3) {
      later(5);
      follow([{ type: 'escalation-step', step: 1, level: 2, round: 0, targets: [pick(people)], unresolved: [], overflow: false }]);
      follow([{ type: 'notified', to: pick(people), kind: 'escalation', headline: 'Paged', step: 1 }]);
    }
    if (rand() < 0.2) {
      later(3);
      command({ type: 'reassign-team', by: paged, team: pick(HISTORY_TEAMS.filter((other) => other !== team)), reason: 'not ours' });
    }
    if (rand() < 0.8) {
      later(4);
      command({ type: 'acknowledge', by: paged });
    }
    if (rand() < 0.6) {
      later(10);
      command({ type: 'post-status-update', by: paged, status: 'investigating', message: `Looking at the checkout queue ${n}`, public: rand() < 0.7 });
    }
    if (options.chatter) chatter(Math.floor(rand() * 2 * options.chatter));
    if (rand() < 0.3) {
      later(10);
      command({ type: 'change-severity', by: paged, severity: pick(severities), reason: 'clearer now' });
    }
    if (rand() < 0.3) {
      later(2);
      command({ type: 'add-action-item', by: paged, title: `Fix ${n}`, owner: pick(people), dueAt: new Date(at + Math.floor(rand() * 20) * DAY).toISOString() });
    }
    if (rand() < 0.85) {
      later(60);
      command({ type: 'resolve', by: paged, summary: `Resolved ${n}` });
      if (rand() < 0.5) {
        follow([{ type: 'postmortem-due', dueAt: new Date(at + 5 * DAY).toISOString() }]);
        if (rand() < 0.6) {
          at += Math.floor(rand() * 10 * DAY);
          command({ type: 'publish-postmortem', by: paged, markdown: '# Postmortem' });
        }
      }
      const item = state.actionItems[0];
      if (item && rand() < 0.5) {
        at += Math.floor(rand() * 5 * DAY);
        command({ type: 'complete-action-item', by: item.owner, itemId: item.id });
      }
    }
    yield { id, events: state.timeline };

    function chatter(count: number) {
      const words = ['queue', 'replica', 'rollback', 'cache', 'deploy', 'latency', 'disk', 'dns', 'certificate', 'throttle'];
      for (let k = 0; k < count; k += 1) {
        later(3);
        const roll = rand();
        if (roll < 0.4) command({ type: 'post-status-update', by: paged, status: 'investigating', message: `Checking the ${pick(words)} and the ${pick(words)} (${n}.${k})`, public: rand() < 0.5 });
        else if (roll < 0.6 && fromAlert)
          follow([{ type: 'alert', source: 'alertmanager', key: `k${n}`, status: rand() < 0.5 ? 'firing' : 'resolved', summary: 'Disk', labels: { alertname: 'DiskFull' } }]);
        else if (roll < 0.8) follow([{ type: 'notified', to: paged, kind: 'reminder', headline: 'Post a status update', reason: 'status-update-due' }]);
        else follow([{ type: 'delivery', ref: state.lastSeq, to: paged, outcome: 'delivered', channel: 'webhook', failures: [] }]);
      }
    }
  }
}
