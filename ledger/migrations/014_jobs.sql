-- Background jobs of the web workbench (services/jobs.py). A job is queued, running, done or failed;
-- a job left running by a stopped server is queued again at the next start. job_files holds one row per
-- input file: a file with done_at set is finished and is never parsed again when the job resumes.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    params TEXT NOT NULL DEFAULT '{}',
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    error TEXT
);
CREATE INDEX jobs_state ON jobs(state, id);
CREATE TABLE job_files (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    file_id TEXT NOT NULL,
    original_name TEXT NOT NULL,
    stored_path TEXT NOT NULL,
    outcome TEXT,
    records INTEGER,
    message TEXT,
    done_at TEXT,
    PRIMARY KEY (job_id, seq)
);
