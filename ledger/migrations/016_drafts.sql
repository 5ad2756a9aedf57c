-- 公文 drafts written in the workbench (services/drafts.py): the form's elements and body as JSON,
-- kept until deleted. title is repeated out of the JSON for the list.
CREATE TABLE IF NOT EXISTS drafts (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    content     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS drafts_updated ON drafts(updated_at);
