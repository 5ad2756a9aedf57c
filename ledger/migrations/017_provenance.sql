-- Where each record's fields were read (issue 11, the review page): one row per record, beside it so the
-- record JSON (SCHEMA.md) is unchanged. `fields` (JSON): field path → {part, row, col, rowspan, colspan,
-- text[, page, box]} for a cell, {line[, page, box]} for a text line; box: fractions of the upright page.
-- `tables` (JSON): part → snapshot {n_rows, n_cols, page, cells: [[row, col, rowspan, colspan, text]]}.
-- `file`: the file as kept on disk (uploads stay in the data folder), `member`: the zip member it was in.
CREATE TABLE IF NOT EXISTS record_provenance (
    record_id INTEGER PRIMARY KEY REFERENCES records(id),
    file      TEXT,
    member    TEXT,
    tables    TEXT NOT NULL,
    fields    TEXT NOT NULL
);
-- A parse job's per-file outcome also names the forms found and counts their warnings (the 回执 page).
ALTER TABLE job_files ADD COLUMN forms TEXT;
ALTER TABLE job_files ADD COLUMN warnings INTEGER;
