"""Fuzzing the batch parser: seeded broken variants of the sample returns (generate.py),
the run of `cli.py parse` on them and what it showed (run.py)."""
