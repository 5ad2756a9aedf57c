"""The record contract of ../shared/SCHEMA.md: records, value normalisation, validation and form specs."""
