"""One function per user action, shared by cli.py and the web workbench.

Every service takes a ledger handle (services.ledgers.open_ledger) where it needs the ledger and plain
values, returns a result object, reports progress through a callback progress(done, total, label) and
warnings in its result, and never prints.
"""
