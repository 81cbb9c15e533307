-- Console sessions, kept server-side so signing out (or an administrator) ends one at once: the cookie
-- holds only a random id, and only its SHA-256 is stored here, so a copy of this table signs nobody in.
CREATE TABLE console_sessions (
  id_hash text PRIMARY KEY,
  actor text NOT NULL,
  via text NOT NULL,
  csrf text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ended_at timestamptz
);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);
