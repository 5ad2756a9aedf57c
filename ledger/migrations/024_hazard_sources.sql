-- A hazard reported in several returns (a town's 台账 and the 应急管理局's list name the same enterprise
-- and description) is one hazard; each further return that reports it is a source here (the first is
-- hazards.record_id). Matched on the same enterprise and the normalised description (store.py).
CREATE TABLE hazard_sources (
    id             INTEGER PRIMARY KEY,
    hazard_id      INTEGER NOT NULL REFERENCES hazards(id),
    record_id      INTEGER NOT NULL REFERENCES records(id),
    reporting_unit TEXT,
    at             TEXT NOT NULL
);
CREATE INDEX hazard_sources_hazard ON hazard_sources(hazard_id);
CREATE INDEX hazard_sources_record ON hazard_sources(record_id);
