-- The reports read incidents a year at a time, and each row carried its search words: 320 of its 525 bytes
-- on average at 100,000 incidents (bench/insight.ts), so every report scanned three times the data it
-- uses. The words move to a table of their own, which only search reads. CLUSTER rewrites incidents
-- without the dropped column's bytes (DROP COLUMN alone leaves them in every row), in declared order.
CREATE TABLE incident_search (
  incident_id text PRIMARY KEY,
  search tsvector NOT NULL DEFAULT ''::tsvector
);
INSERT INTO incident_search (incident_id, search) SELECT incident_id, search FROM incidents;
CREATE INDEX incident_search_words ON incident_search USING gin (search);
DROP INDEX incidents_search;
ALTER TABLE incidents DROP COLUMN search;
CLUSTER incidents USING incidents_declared_at;
