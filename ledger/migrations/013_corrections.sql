-- Corrections of record fields (issue 10): a person changes a value read from a return, or confirms a
-- flagged value as right (action accepted, old = new). Values are JSON; `warnings` holds the field's
-- warnings the correction cleared (JSON list), so the record's history keeps them. One row per change:
-- the audit trail (who, when, what, before, after, why).
CREATE TABLE IF NOT EXISTS corrections (
    id        INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id),
    path      TEXT NOT NULL,
    action    TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    raw       TEXT,
    warnings  TEXT,
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL,
    reason    TEXT
);
CREATE INDEX IF NOT EXISTS corrections_record ON corrections(record_id);
