-- Personal and service API tokens (only a hash of each is kept; the token is shown once) and the audit
-- trail: who did what, when, with which token or session, from where. The audit trail is append-only.
CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  hash text NOT NULL,
  kind text NOT NULL,
  person text,
  service text,
  scopes text[] NOT NULL DEFAULT '{}',
  name text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by text
);
CREATE INDEX api_tokens_person ON api_tokens (person);

CREATE TABLE audit_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  principal text NOT NULL,
  action text NOT NULL,
  target text,
  outcome text NOT NULL,
  status integer,
  token_id text,
  remote text,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor ON audit_events (actor, at);
