-- The two 执法人员 printed on an order ({name, cert_no} each, JSON), kept so a reprint shows the same
-- names and 证号; NULL for orders issued before (they print the authority file's).
ALTER TABLE orders ADD COLUMN officers TEXT;
