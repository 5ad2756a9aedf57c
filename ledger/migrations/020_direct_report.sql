-- 直报 (issue 12): who uploaded a batch and for which unit, the roster of reporting units and enterprises
-- that accounts attach to, and the evidence an enterprise gives with a reported rectification.
ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN owner_role TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN owner_unit TEXT NOT NULL DEFAULT '';
CREATE INDEX jobs_owner_unit ON jobs(owner_unit, id);
-- kind: unit (a 填报单位 that reports returns) or enterprise
CREATE TABLE roster (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'unit' CHECK (kind IN ('unit', 'enterprise')),
    contact TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
-- A rectification reported with evidence: its text, and one row per photo or file (file_id in the file store).
CREATE TABLE hazard_evidence (
    id INTEGER PRIMARY KEY,
    hazard_id INTEGER NOT NULL REFERENCES hazards(id),
    kind TEXT NOT NULL CHECK (kind IN ('text', 'file')),
    text TEXT NOT NULL DEFAULT '',
    file_id TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX hazard_evidence_hazard ON hazard_evidence(hazard_id, id);
