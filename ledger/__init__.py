"""The 台账: a SQLite ledger of sources, records, enterprises, hazards, inspections, statistics and orders."""
