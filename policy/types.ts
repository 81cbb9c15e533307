/**
 * The policy model: what the YAML under config/ means once loaded and validated.
 * Durations stay strings ("5m", "2h", "14d"); Temporal's timers and `parseDuration` read them.
 */

export type Role = 'commander' | 'communications' | 'scribe';

export interface SeverityPolicy {
  name: string;
  description?: string;
  acknowledgementTimeout: string;
  escalationRepeats: number;
  statusUpdateCadence: string;
  rolesRequired: Role[];
  publicStatusPage: boolean;
  postmortem: { required: boolean; deadlineBusinessDays?: number };
  actionItemDuePeriod?: string;
  autoResolveOnRecovery: boolean;
}

/** A validated policy, identified by its version (a git commit SHA, or a content hash outside git). */
export interface Policy {
  version: string;
  /** Most severe first, as written in config/severities.yaml. */
  severities: SeverityPolicy[];
  /** Team files keyed by team id (config/teams/<id>.yaml). Empty until teams are configured. */
  teams: Record<string, unknown>;
  /** Service id → owning team id. */
  services: Record<string, { team: string; component?: string; description?: string }>;
}

/** One problem found while loading a policy, located so a person can fix it. */
export interface PolicyProblem {
  level: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  message: string;
  /** What to do about it, in one sentence. */
  hint?: string;
}

export type PolicyLoadResult =
  | { ok: true; policy: Policy; warnings: PolicyProblem[] }
  | { ok: false; errors: PolicyProblem[]; warnings: PolicyProblem[] };
