-- Action links (one-click Acknowledge in pages) are single use: each used link's nonce is kept here, so a
-- second use is refused across restarts and across every Marshal process sharing the store. A row is of
-- use only until its link expires (the signature check refuses it after that), so old rows are swept.
CREATE TABLE used_action_links (
  nonce text PRIMARY KEY,
  purpose text NOT NULL,
  person text NOT NULL,
  incident_id text NOT NULL,
  used_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX used_action_links_expires ON used_action_links (expires_at);
