-- Every incident's timeline event, as the incident workflow archived it. The workflow keeps only what its
-- decisions need; the whole timeline lives here. (incident_id, seq) makes archiving idempotent: an
-- activity retried after a crash writes nothing twice.
CREATE TABLE timeline_events (
  incident_id text NOT NULL,
  seq integer NOT NULL,
  at timestamptz NOT NULL,
  type text NOT NULL,
  actor text NOT NULL,
  event jsonb NOT NULL,
  PRIMARY KEY (incident_id, seq)
);
CREATE INDEX timeline_events_type_at ON timeline_events (type, at);
