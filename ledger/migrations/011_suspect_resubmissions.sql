-- Suspect resubmissions (issue 9): a return much poorer than the record it would supersede
-- (data rows lost, most filled fields empty) waits for a person instead of replacing it.
-- review: NULL (ordinary) | suspect (waiting) | accepted | rejected. A suspect or rejected
-- record keeps superseded_by = the record that stays current, so it is never current itself.
ALTER TABLE records ADD COLUMN review TEXT;
CREATE INDEX IF NOT EXISTS records_review ON records(review);

-- What happened to a record and who decided: suspect (import), accepted, rejected.
CREATE TABLE IF NOT EXISTS record_events (
    id        INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id),
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    note      TEXT
);
CREATE INDEX IF NOT EXISTS record_events_record ON record_events(record_id);
