-- The projection analytics read: one row per incident, one per page, one per action item, folded from the
-- timeline events as they are archived (in the same transaction, and only events stored for the first time,
-- so a retried archive folds nothing twice). Temporal stays the system of record: every row here can be
-- derived again from the incidents' timelines.
CREATE TABLE incidents (
  incident_id text PRIMARY KEY,
  title text NOT NULL,
  summary text NOT NULL DEFAULT '',
  team text,
  first_team text,
  service text,
  phase text NOT NULL DEFAULT 'discover',
  declared_severity text NOT NULL,
  severity text NOT NULL,
  highest_severity text NOT NULL,
  upgrades integer NOT NULL DEFAULT 0,
  downgrades integer NOT NULL DEFAULT 0,
  declared_by text NOT NULL,
  from_alert boolean NOT NULL DEFAULT false,
  alert_rule text,
  declared_at timestamptz NOT NULL,
  first_paged_at timestamptz,
  first_paged_team text,
  acknowledged_at timestamptz,
  acknowledged_by text,
  first_public_update_at timestamptz,
  resolved_at timestamptz,
  resolved_by text,
  closed_at timestamptz,
  responder_needed boolean NOT NULL DEFAULT true,
  rerouted boolean NOT NULL DEFAULT false,
  alert_events integer NOT NULL DEFAULT 0,
  highest_escalation_level integer NOT NULL DEFAULT 0,
  exhausted boolean NOT NULL DEFAULT false,
  postmortem_due_at timestamptz,
  postmortem_published_at timestamptz,
  search tsvector NOT NULL DEFAULT ''::tsvector
);
CREATE INDEX incidents_declared_at ON incidents (declared_at);
CREATE INDEX incidents_team ON incidents (team, declared_at);
CREATE INDEX incidents_search ON incidents USING gin (search);

CREATE TABLE pages (
  incident_id text NOT NULL,
  seq integer NOT NULL,
  at timestamptz NOT NULL,
  person text NOT NULL,
  kind text NOT NULL,
  step integer,
  team text,
  -- The hour on the person's own clock when paged (their policy time zone): night pages are 0–5.
  local_hour integer NOT NULL,
  PRIMARY KEY (incident_id, seq)
);
CREATE INDEX pages_at ON pages (at);
CREATE INDEX pages_person ON pages (person, at);

CREATE TABLE rests (
  incident_id text NOT NULL,
  seq integer NOT NULL,
  at timestamptz NOT NULL,
  person text NOT NULL,
  cover text NOT NULL,
  PRIMARY KEY (incident_id, seq)
);

CREATE TABLE action_items (
  incident_id text NOT NULL,
  item_id text NOT NULL,
  title text NOT NULL,
  owner text NOT NULL,
  team text,
  created_at timestamptz NOT NULL,
  due_at timestamptz,
  state text NOT NULL,
  closed_at timestamptz,
  PRIMARY KEY (incident_id, item_id)
);
CREATE INDEX action_items_owner ON action_items (owner, state);
CREATE INDEX action_items_state_due ON action_items (state, due_at);
