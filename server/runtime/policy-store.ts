/**
 * The policy the service runs under, and what happened to every version it was offered. A version that
 * fails validation is recorded as rejected and the last good one stays active.
 */
import type { Policy, PolicyLoadResult, PolicyProblem } from '../../policy/types';
import type { IncidentPolicy } from '../../workflows/incident-state';

export interface PolicyHistoryEntry {
  version: string;
  outcome: 'applied' | 'rejected';
  at: string;
  source: string;
  errors?: PolicyProblem[];
  warnings?: PolicyProblem[];
}

const HISTORY_KEPT = 100;

export class PolicyStore {
  private active: Policy;
  private appliedAt: string;
  readonly history: PolicyHistoryEntry[] = [];

  constructor(initial: Policy, source: string) {
    this.active = initial;
    this.appliedAt = new Date().toISOString();
    this.remember({ version: initial.version, outcome: 'applied', at: this.appliedAt, source });
  }

  get current(): Policy {
    return this.active;
  }

  get currentAppliedAt(): string {
    return this.appliedAt;
  }

  /** What an incident needs of the policy: handed to its workflow at declaration and on every change. */
  incidentPolicy(): IncidentPolicy {
    return { version: this.active.version, severities: this.active.severities };
  }

  /** Offer a newly loaded version; returns whether it became active. */
  offer(result: PolicyLoadResult, version: string, source: string): boolean {
    const at = new Date().toISOString();
    if (!result.ok) {
      this.remember({ version, outcome: 'rejected', at, source, errors: result.errors, warnings: result.warnings });
      return false;
    }
    if (result.policy.version === this.active.version) return false;
    this.active = result.policy;
    this.appliedAt = at;
    this.remember({ version: result.policy.version, outcome: 'applied', at, source, warnings: result.warnings });
    return true;
  }

  private remember(entry: PolicyHistoryEntry) {
    this.history.unshift(entry);
    this.history.length = Math.min(this.history.length, HISTORY_KEPT);
  }
}
