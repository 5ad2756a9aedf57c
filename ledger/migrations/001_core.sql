-- Core ledger: sources, records and the entities drawn from them.
CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    path        TEXT NOT NULL,
    format      TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

-- One row per parsed form instance; `json` is the SCHEMA.md record.
-- supersede_key identifies "the same return" (form type + reporting unit + period + subject);
-- a later record with the same key sets superseded_by on the older one.
CREATE TABLE records (
    id             INTEGER PRIMARY KEY,
    source_id      INTEGER NOT NULL REFERENCES sources(id),
    part           TEXT NOT NULL DEFAULT '',
    form_type      TEXT NOT NULL,
    reporting_unit TEXT,
    period         TEXT,
    fill_date      TEXT,
    supersede_key  TEXT,
    superseded_by  INTEGER REFERENCES records(id),
    warnings       INTEGER NOT NULL DEFAULT 0,
    json           TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX records_type ON records(form_type);
CREATE INDEX records_key ON records(supersede_key);

CREATE TABLE enterprises (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    norm_name   TEXT NOT NULL UNIQUE,
    credit_code TEXT UNIQUE,
    town        TEXT,
    industry    TEXT,
    address     TEXT,
    record_id   INTEGER REFERENCES records(id)
);

-- level: general | major. origin: supervision_check | self_check | major_hazard_list | manual.
-- status: open -> rectified -> rechecked -> closed (销号); also overdue is computed, not stored.
CREATE TABLE hazards (
    id             INTEGER PRIMARY KEY,
    record_id      INTEGER REFERENCES records(id),
    enterprise_id  INTEGER REFERENCES enterprises(id),
    enterprise     TEXT NOT NULL,
    town           TEXT,
    industry       TEXT,
    reporting_unit TEXT,
    description    TEXT NOT NULL,
    measure        TEXT,
    level          TEXT NOT NULL DEFAULT 'general',
    origin         TEXT NOT NULL,
    found_date     TEXT,
    deadline       TEXT,
    responsible    TEXT,
    supervised     INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'open',
    rectified_at   TEXT,
    closed_at      TEXT,
    active         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX hazards_status ON hazards(status);
CREATE INDEX hazards_enterprise ON hazards(enterprise_id);
CREATE INDEX hazards_found ON hazards(found_date);

-- Every status change of a hazard, with its time and who made it.
CREATE TABLE hazard_events (
    id          INTEGER PRIMARY KEY,
    hazard_id   INTEGER NOT NULL REFERENCES hazards(id),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    note        TEXT
);
CREATE INDEX hazard_events_hazard ON hazard_events(hazard_id);

CREATE TABLE inspections (
    id            INTEGER PRIMARY KEY,
    record_id     INTEGER NOT NULL REFERENCES records(id),
    enterprise_id INTEGER REFERENCES enterprises(id),
    enterprise    TEXT,
    check_date    TEXT,
    inspectors    TEXT,
    active        INTEGER NOT NULL DEFAULT 1
);

-- One row per data row of a statistics form (campaign_stats, inspection_stats, progress_dispatch).
CREATE TABLE stats_rows (
    id             INTEGER PRIMARY KEY,
    record_id      INTEGER NOT NULL REFERENCES records(id),
    form_type      TEXT NOT NULL,
    reporting_unit TEXT,
    unit           TEXT,
    period         TEXT,
    data           TEXT NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX stats_rows_type ON stats_rows(form_type, period);
