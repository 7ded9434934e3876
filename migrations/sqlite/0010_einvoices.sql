-- E-invoices (issue 21): the customer's identifiers for a UBL invoice, the invoice a credit
-- note credits, and each invoice's first UBL rendering, kept like its PDF.

-- The buyer's identifiers (EN 16931 BT-48, BT-47, BT-49) and whether its invoice e-mails
-- carry the UBL; all optional, so existing customers are unchanged.
ALTER TABLE customers ADD COLUMN vat_number TEXT;
ALTER TABLE customers ADD COLUMN coc_number TEXT;
ALTER TABLE customers ADD COLUMN peppol_id TEXT;
ALTER TABLE customers ADD COLUMN send_ubl INTEGER NOT NULL DEFAULT 0;

-- Manual credit notes: the number of the invoice they correct (BT-25, NL-R-001).
ALTER TABLE customer_invoices ADD COLUMN credited_invoice_number TEXT;

-- The first UBL document made for an invoice, with its PDF embedded: an issued e-invoice
-- does not change when the seller or the customer is edited later.
CREATE TABLE invoice_ubl (
    invoice_id  TEXT PRIMARY KEY NOT NULL REFERENCES customer_invoices (id),
    bytes       BLOB NOT NULL
) STRICT;
