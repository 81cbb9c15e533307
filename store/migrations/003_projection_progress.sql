-- How far each incident's timeline has been folded into the projection. Events can reach the archive out of
-- order (a rebuild from Temporal racing the live archive, or an incident archived before the projection
-- existed): the fold takes only the contiguous run after this point, so nothing is skipped or folded twice.
CREATE TABLE projection_progress (
  incident_id text PRIMARY KEY,
  through_seq integer NOT NULL
);
INSERT INTO projection_progress (incident_id, through_seq)
SELECT incident_id, max(seq) FROM timeline_events WHERE incident_id IN (SELECT incident_id FROM incidents) GROUP BY incident_id;
