-- The workbench's 台账 page filters and pages hazards in SQL (ledger/queries.hazard_page) by 镇街, 行业,
-- status, 逾期 (status and deadline) and 挂牌督办, ordered by deadline; enterprises listed by 镇街.
-- The filter column leads each index, the deadline follows for the order and the 逾期 range.
CREATE INDEX IF NOT EXISTS hazards_town_deadline ON hazards(town, deadline, id);
CREATE INDEX IF NOT EXISTS hazards_industry_deadline ON hazards(industry, deadline, id);
CREATE INDEX IF NOT EXISTS hazards_status_deadline ON hazards(status, deadline, id);
CREATE INDEX IF NOT EXISTS hazards_supervised_deadline ON hazards(deadline, id) WHERE supervised = 1 OR level = 'major';
CREATE INDEX IF NOT EXISTS enterprises_town ON enterprises(town, name);
