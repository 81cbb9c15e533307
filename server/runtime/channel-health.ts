/**
 * Whether people can be paged from this process: the pure channel report (policy/contacts.ts) fed with the
 * environment, whether this process writes inboxes, and whether the SMTP server's port answers. Logged at
 * start and on every policy change, and shown in /healthz, so "every page fails" is said before the first page.
 */
import { connect } from 'node:net';
import { channelReport, channelReportLines, type ChannelReport, type PersonChannels } from '../../policy/contacts';
import type { Policy } from '../../policy/types';
import type { Logger } from './log';

/** People listed in /healthz per kind; the counts say how many more there are. */
const LISTED = 50;
/** How long the SMTP port may take to accept a connection before it counts as not answering. */
const PROBE_MS = 2_000;
/** A /healthz read older than this starts a new probe in the background (the answer never waits for it). */
const STALE_MS = 60_000;

/** Whether something accepts connections on host:port: undefined when it does, else why not. */
export function probePort(host: string, port: number, timeoutMs = PROBE_MS): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (why: string | undefined) => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (error) => done(error.message));
  });
}

export interface ChannelHealthView {
  policyVersion: string;
  checkedAt: string;
  people: number;
  /** Every listed channel works. */
  fine: number;
  unreachableCount: number;
  degradedCount: number;
  unreachable: PersonChannels[];
  degraded: PersonChannels[];
}

export class ChannelHealth {
  private report?: ChannelReport;
  private version = '';
  private checkedAt = 0;
  private refreshing?: Promise<ChannelReport>;

  constructor(
    private readonly policy: () => Policy,
    private readonly options: { inbox: boolean; env?: NodeJS.ProcessEnv; logger: Logger },
  ) {}

  /** Probe SMTP and judge every person's channels again; logs the outcome. */
  refresh(): Promise<ChannelReport> {
    this.refreshing ??= this.evaluate().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async evaluate(): Promise<ChannelReport> {
    const policy = this.policy();
    const smtp = policy.integrations?.smtp;
    const smtpUnreachable = smtp ? await probePort(smtp.host, smtp.port) : undefined;
    const report = channelReport(policy, { env: this.options.env ?? process.env, inbox: this.options.inbox, smtpUnreachable });
    const changed = JSON.stringify(report) !== JSON.stringify(this.report) || policy.version !== this.version;
    this.report = report;
    this.version = policy.version;
    this.checkedAt = Date.now();
    if (changed) {
      for (const line of channelReportLines(report)) this.options.logger[line.level]({ policyVersion: policy.version, check: 'channels' }, line.message);
    }
    return report;
  }

  /** What /healthz shows: the last report, started again in the background when stale or of an older policy. */
  view(): ChannelHealthView | undefined {
    if (!this.report) {
      void this.refresh();
      return undefined;
    }
    if (this.version !== this.policy().version || Date.now() - this.checkedAt > STALE_MS) void this.refresh();
    const report = this.report;
    return {
      policyVersion: this.version,
      checkedAt: new Date(this.checkedAt).toISOString(),
      people: report.people,
      fine: report.fine,
      unreachableCount: report.unreachable.length,
      degradedCount: report.degraded.length,
      unreachable: report.unreachable.slice(0, LISTED),
      degraded: report.degraded.slice(0, LISTED),
    };
  }
}
