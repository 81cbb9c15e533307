-- One-time console sign-in links that an admin issues to a person, and CLI logins (a device-authorization
-- style handshake: the CLI holds a device code, the person approves its user code in the console). Only
-- hashes of the secrets are kept: a copy of these tables signs nobody in and fetches no token.
CREATE TABLE sign_in_links (
  id_hash text PRIMARY KEY,
  person text NOT NULL,
  issued_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  used_from text
);
CREATE INDEX sign_in_links_expires ON sign_in_links (expires_at);

CREATE TABLE cli_logins (
  device_hash text PRIMARY KEY,
  user_code text NOT NULL UNIQUE,
  host text NOT NULL,
  requested_from text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  approved_by text,
  approved_at timestamptz,
  denied_at timestamptz,
  token_issued_at timestamptz
);
CREATE INDEX cli_logins_expires ON cli_logins (expires_at);
