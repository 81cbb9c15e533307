/**
 * The policy model: what the YAML under config/ means once loaded and validated.
 * Durations stay strings ("5m", "2h", "14d"); `parseDuration` in policy/duration.ts reads them.
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
  /** Remind the owner of an overdue action item's lead after it is this late. */
  actionItemEscalateAfter?: string;
  /** Re-notify the acknowledger when an acknowledged incident has had no activity for this long. */
  acknowledgedIdleReminder?: string;
  /** Suggest a handoff to a commander who has held the role this long. */
  commanderFatigueAfter?: string;
  /** Remind an incoming commander who has not accepted a handoff after this long (default 10m). */
  handoffAcceptWithin?: string;
  autoResolveOnRecovery: boolean;
}

/**
 * Where a page is delivered. Secrets (Slack webhook URLs, signing keys) are named by environment variable only.
 * `inbox` is the person's "My pages" in the console: everyone has it whether or not it is listed (see
 * policy/contacts.ts); listing it changes nothing but makes it visible in the team file.
 */
export type ContactChannel = { kind: 'email'; address: string } | { kind: 'slack'; webhookUrlEnv: string } | { kind: 'webhook'; url: string; signingSecretEnv?: string } | { kind: 'inbox' };

export interface Person {
  id: string;
  name: string;
  /** IANA timezone, e.g. Europe/London; the rest rule and quiet hours are judged in it. */
  timezone: string;
  contacts: ContactChannel[];
  github?: string;
  /** Their identity at the company's OpenID Connect provider: console sign-in maps the claim to this person. */
  email?: string;
}

/** A person as the policy knows them: with the team whose file defines them. */
export interface PersonRecord extends Person {
  team: string;
}

export type RotationName = 'primary' | 'secondary';

/**
 * One layer of a rotation: participants take turns, handing off at `handoff` local time in `timezone`
 * every `shift` (daily, weekly or "<n>d"). `start` is the local date of the first handoff, when
 * participants[0] starts. With `hours`, the layer covers only that daily window (follow-the-sun hubs).
 */
export interface RotationLayer {
  name: string;
  timezone: string;
  participants: string[];
  shift: string;
  handoff: string;
  start: string;
  hours?: { from: string; to: string };
}

export interface Rotation {
  description?: string;
  /** First layer that covers an instant decides who is on call then. */
  layers: RotationLayer[];
}

export type EscalationTarget = { kind: 'rotation'; rotation: RotationName; team?: string } | { kind: 'person'; person: string } | { kind: 'team-lead'; team?: string };

export interface EscalationLevel {
  targets: EscalationTarget[];
  /** How long this level has to acknowledge before the next is paged; defaults to the severity's acknowledgementTimeout. */
  delay?: string;
}

export interface EscalationPolicy {
  levels: EscalationLevel[];
  /** How many times the whole chain is repeated after the first pass; defaults to the severity's escalationRepeats. */
  repeats?: number;
}

export interface TeamPolicy {
  id: string;
  name: string;
  description?: string;
  lead: string;
  /** GitHub handles that own config/teams/<id>.yaml in CODEOWNERS, e.g. ['@acme/payments']. */
  codeowners: string[];
  members: Person[];
  rotations: { primary: Rotation; secondary?: Rotation };
  escalation: { default: EscalationPolicy; bySeverity?: Record<string, EscalationPolicy> };
  services: string[];
  /** Open incidents the primary carries before new pages overflow to the secondary. */
  concurrencyLimit: number;
  restRule: { enabled: boolean; severities: string[]; night: { from: string; to: string } };
  quietHours?: { severities: string[]; from: string; to: string };
}

export interface ServicePolicy {
  team: string;
  component?: string;
  description?: string;
}

/** Alert routing: the first rule whose matchers all match decides service, team and severity. */
export interface RoutingRule {
  name?: string;
  /** Dotted field path (e.g. labels.service) → exact string, or {regex}. */
  match: Record<string, string | { regex: string }>;
  service?: string;
  team?: string;
  severity?: string;
}

/** An alert sender (config/integrations.yaml `intake.<name>`); secrets are environment variable names. */
export interface IntakeIntegration {
  /** The payload shape; defaults to the integration's name (alertmanager, grafana, events, generic). */
  kind?: 'alertmanager' | 'grafana' | 'events' | 'generic';
  /** Bearer token; for events also accepted as the routing key. */
  tokenEnv?: string;
  /** HMAC-SHA256 signing secret; when set, every request must be signed. */
  hmacSecretEnv?: string;
  /** HTTP basic authentication (Grafana's webhook option): the variables holding user and password. */
  basicAuth?: { userEnv: string; passwordEnv: string };
  /** Grafana's webhook HMAC signature; when set, every request must carry it. */
  grafanaHmac?: { secretEnv: string; header?: string; timestampHeader?: string };
  enabled: boolean;
  /** Labels or dotted fields whose values group alerts into one incident. */
  groupBy?: string[];
  defaultSeverity?: string;
  rateLimit?: { perSecond: number; burst?: number };
  heartbeat?: { every: string; alertname?: string; severity?: string; service?: string; team?: string };
}

export interface IntegrationsPolicy {
  intake: Record<string, IntakeIntegration>;
  smtp?: { host: string; port: number; from: string; userEnv?: string; passwordEnv?: string; tls?: 'implicit' | 'starttls' | 'none' };
  slack?: { defaultWebhookUrlEnv?: string };
}

/** A validated policy, identified by its version (a git commit SHA, or a content hash outside git). */
export interface Policy {
  version: string;
  /** Most severe first, as written in config/severities.yaml. */
  severities: SeverityPolicy[];
  /** Team files keyed by team id (config/teams/<id>.yaml). */
  teams: Record<string, TeamPolicy>;
  /** Every person defined in a team file, by id. */
  people: Record<string, PersonRecord>;
  /** Service id → owning team id. */
  services: Record<string, ServicePolicy>;
  routing: { defaultTeam?: string; rules: RoutingRule[] };
  integrations?: IntegrationsPolicy;
  /** config/access.yaml: permissions beyond the default (see usecases/permissions.ts). */
  access?: AccessPolicy;
}

export interface AccessPolicy {
  admins?: string[];
  comms?: string[];
  viewers?: string[];
}

/**
 * A time-boxed change to who is on call, made outside git through the API. With `replaces`, the cover
 * takes only that person's time; without it, the cover holds the rotation for the whole window.
 */
export interface Override {
  id: string;
  team: string;
  /** Default: both rotations when `replaces` is set, otherwise primary. */
  rotation?: RotationName;
  person: string;
  replaces?: string;
  from: string | Date;
  to: string | Date;
  reason: string;
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

export type PolicyLoadResult = { ok: true; policy: Policy; warnings: PolicyProblem[] } | { ok: false; errors: PolicyProblem[]; warnings: PolicyProblem[] };
