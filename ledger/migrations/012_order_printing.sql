-- Orders are numbered first, then printed (ledger/orders.py). printed_at: when the order's document was
-- first written, NULL = numbered but no document yet (a run stopped in between, finished by the next run).
-- print_run: the run printing it, whose lock file beside the ledger says whether it is still alive.
-- fingerprint: the identity of an order typed in (hazard list or spec), so the same input is issued once.
ALTER TABLE orders ADD COLUMN printed_at TEXT;
ALTER TABLE orders ADD COLUMN print_run TEXT;
ALTER TABLE orders ADD COLUMN fingerprint TEXT;
UPDATE orders SET printed_at = created_at WHERE file IS NOT NULL;
CREATE INDEX orders_fingerprint ON orders(fingerprint);
