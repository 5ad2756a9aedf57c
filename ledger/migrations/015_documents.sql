-- Enforcement documents issued one at a time (现场检查记录, 现场处理措施决定书 and any kind whose data
-- file in templates/kinds/ says `ledger: documents`): numbered through order_counters in the same
-- transaction that records them here. file: where the document was written, NULL = numbered, not written.
CREATE TABLE IF NOT EXISTS documents (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    number        TEXT NOT NULL UNIQUE,
    authority     TEXT NOT NULL,
    code          TEXT NOT NULL,
    year          INTEGER NOT NULL,
    serial        INTEGER NOT NULL,
    enterprise_id INTEGER REFERENCES enterprises(id),
    enterprise    TEXT NOT NULL,
    order_id      INTEGER REFERENCES orders(id),
    issued        TEXT NOT NULL,
    actor         TEXT NOT NULL DEFAULT '',
    file          TEXT,
    created_at    TEXT NOT NULL,
    UNIQUE (authority, code, year, serial)
);
CREATE INDEX IF NOT EXISTS documents_enterprise ON documents(enterprise_id);
