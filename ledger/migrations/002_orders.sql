-- 责令限期整改指令书, 整改复查意见书 and their numbers (ledger/orders.py).
-- Serial numbers are per authority, document code and year; a counter only grows,
-- so a number is never reused (a voided order keeps its number, status 'void').
CREATE TABLE order_counters (
    authority TEXT NOT NULL,
    code      TEXT NOT NULL,
    year      INTEGER NOT NULL,
    last      INTEGER NOT NULL,
    PRIMARY KEY (authority, code, year)
);

-- status: issued -> rechecked (all items passed) | recheck_failed -> closed; or void (作废).
CREATE TABLE orders (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    authority     TEXT NOT NULL,
    code          TEXT NOT NULL,
    year          INTEGER NOT NULL,
    serial        INTEGER NOT NULL,
    enterprise_id INTEGER REFERENCES enterprises(id),
    enterprise    TEXT NOT NULL,
    address       TEXT,
    principal     TEXT,
    issued        TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'issued',
    actor         TEXT NOT NULL DEFAULT '',
    file          TEXT,
    void_reason   TEXT,
    voided_at     TEXT,
    created_at    TEXT NOT NULL,
    UNIQUE (authority, code, year, serial)
);
CREATE INDEX orders_enterprise ON orders(enterprise_id);

-- One numbered problem of an order. basis_source: auto | manual | blank (依据 to fill by hand).
CREATE TABLE order_items (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders(id),
    seq          INTEGER NOT NULL,
    hazard_id    INTEGER REFERENCES hazards(id),
    description  TEXT NOT NULL,
    deadline     TEXT NOT NULL,
    basis        TEXT NOT NULL DEFAULT '',
    basis_source TEXT NOT NULL DEFAULT 'auto',
    UNIQUE (order_id, seq)
);
CREATE INDEX order_items_hazard ON order_items(hazard_id);

-- One 复查 of an order (numbered 应急复查); its per-item results in recheck_items.
CREATE TABLE rechecks (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders(id),
    number       TEXT NOT NULL UNIQUE,
    year         INTEGER NOT NULL,
    serial       INTEGER NOT NULL,
    recheck_date TEXT NOT NULL,
    actor        TEXT NOT NULL DEFAULT '',
    file         TEXT,
    created_at   TEXT NOT NULL
);

CREATE TABLE recheck_items (
    id            INTEGER PRIMARY KEY,
    recheck_id    INTEGER NOT NULL REFERENCES rechecks(id),
    order_item_id INTEGER NOT NULL REFERENCES order_items(id),
    passed        INTEGER NOT NULL
);

-- The inspector's legal basis for a hazard: NULL = suggest automatically,
-- '' = leave "依据：____" to fill by hand, text = print as given.
ALTER TABLE hazards ADD COLUMN legal_basis TEXT;
