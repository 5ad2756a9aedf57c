-- The 台账 page's unfiltered list (ledger/queries.hazard_page) is ordered by "deadline IS NULL, deadline, id":
-- this index serves that order as is (no scan and sort of every hazard), and, carrying active, counts the
-- active hazards from the index alone. The expression is standard SQL (PostgreSQL indexes it too).
CREATE INDEX IF NOT EXISTS hazards_deadline_order ON hazards ((deadline IS NULL), deadline, id, active);
