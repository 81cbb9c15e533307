-- An admin can take back a sign-in link not used yet (sent to the wrong address, say): it then refuses
-- like a used one, but says it was revoked and by whom.
ALTER TABLE sign_in_links ADD COLUMN revoked_at timestamptz;
ALTER TABLE sign_in_links ADD COLUMN revoked_by text;
