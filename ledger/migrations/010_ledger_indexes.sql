-- Lookups the importer and the queries make by record and by source.
CREATE INDEX IF NOT EXISTS records_source ON records(source_id);
CREATE INDEX IF NOT EXISTS hazards_record ON hazards(record_id);
CREATE INDEX IF NOT EXISTS inspections_record ON inspections(record_id);
CREATE INDEX IF NOT EXISTS stats_rows_record ON stats_rows(record_id);
