-- The workbench under load (issue 11, measure): indexes that answer its counts from the index alone,
-- without reading the hazards (or records) themselves.
-- Status with active: the home page's 未销号 and 逾期 counts, the status and 逾期 lists' totals.
CREATE INDEX IF NOT EXISTS hazards_status_active ON hazards(status, deadline, id, active);
-- Status alone (未整改, 已整改 …), in the list's own order (deadline, none last): its page read in order, no sort.
CREATE INDEX IF NOT EXISTS hazards_status_order ON hazards(status, (deadline IS NULL), deadline, id, active);
-- 镇街 or 行业 with status (the usual 台账 filters), and the period (finding date): each total counted and each
-- page's hazards chosen from the index alone (ledger/queries.hazard_page reads only the 50 it shows).
CREATE INDEX IF NOT EXISTS hazards_town_status ON hazards(town, status, deadline, id, active);
CREATE INDEX IF NOT EXISTS hazards_industry_status ON hazards(industry, status, deadline, id, active);
CREATE INDEX IF NOT EXISTS hazards_found_order ON hazards(found_date, deadline, id, active);
-- 挂牌督办 with status or 逾期: the supervised few by status, not every hazard of that status.
CREATE INDEX IF NOT EXISTS hazards_supervised_status ON hazards(status, deadline, id, active)
    WHERE supervised = 1 OR level = 'major';
-- The 指令书 page's grouping of the orderable (open) hazards by enterprise, by 镇街 and name.
CREATE INDEX IF NOT EXISTS hazards_orderable ON hazards(status, active, town, enterprise, enterprise_id);
-- The review queue and the home page's count of flagged fields: current records with warnings.
CREATE INDEX IF NOT EXISTS records_flagged ON records(superseded_by, warnings, reporting_unit);
-- The hazards no longer active (those of superseded records), a few: the active ones are all hazards (a count
-- SQLite reads from its smallest index's page counts) less these, for the 未销号 count and the unfiltered list.
CREATE INDEX IF NOT EXISTS hazards_inactive ON hazards(id) WHERE active <> 1;
