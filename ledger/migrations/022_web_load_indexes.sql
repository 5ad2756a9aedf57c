-- The workbench under load (issue 11, measure): indexes that answer its counts from the index alone,
-- without reading the hazards (or records) themselves.
-- Status with active: the home page's 未销号 and 逾期 counts, the status and 逾期 lists' totals.
CREATE INDEX IF NOT EXISTS hazards_status_active ON hazards(status, deadline, id, active);
-- 镇街 and status together (the usual 台账 filter): its total and its page from one seek.
CREATE INDEX IF NOT EXISTS hazards_town_status ON hazards(town, status, deadline, id, active);
-- The 指令书 page's grouping of the orderable (open) hazards by enterprise, by 镇街 and name.
CREATE INDEX IF NOT EXISTS hazards_orderable ON hazards(status, active, town, enterprise, enterprise_id);
-- The review queue and the home page's count of flagged fields: current records with warnings.
CREATE INDEX IF NOT EXISTS records_flagged ON records(superseded_by, warnings, reporting_unit);
-- The hazards no longer active (those of superseded records), a few: the active ones are all hazards (a count
-- SQLite reads from its smallest index's page counts) less these, for the 未销号 count and the unfiltered list.
CREATE INDEX IF NOT EXISTS hazards_inactive ON hazards(id) WHERE active <> 1;
