-- Each person's console inbox ("My pages"): every notification Marshal sent them, written by the paging
-- activity before any outside channel is tried. The notification's idempotency key is the key, so a retried
-- delivery writes nothing twice. Texts are bounded when written; each person keeps their latest 500.
CREATE TABLE inbox (
  key text PRIMARY KEY,
  person_id text NOT NULL,
  incident_id text NOT NULL,
  kind text NOT NULL,
  severity text NOT NULL,
  incident_title text NOT NULL,
  headline text NOT NULL,
  body text NOT NULL,
  occurred_at timestamptz NOT NULL,
  delivered_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbox_person_newest ON inbox (person_id, delivered_at DESC);
