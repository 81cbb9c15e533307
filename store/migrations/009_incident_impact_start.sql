-- When an incident's impact began, once someone says so (an edit on its timeline): how long customers were
-- affected counts from it rather than from the declaration. Empty for incidents nobody edited.
ALTER TABLE incidents ADD COLUMN impact_started_at timestamptz;
