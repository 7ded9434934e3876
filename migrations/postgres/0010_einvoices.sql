-- E-invoices (issue 21; twin of migrations/sqlite/0010): the customer's identifiers, the
-- invoice a credit note credits, and each invoice's first UBL rendering, kept like its PDF.

ALTER TABLE customers ADD COLUMN vat_number TEXT;
ALTER TABLE customers ADD COLUMN coc_number TEXT;
ALTER TABLE customers ADD COLUMN peppol_id TEXT;
ALTER TABLE customers ADD COLUMN send_ubl BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE customer_invoices ADD COLUMN credited_invoice_number TEXT;

CREATE TABLE invoice_ubl (
    invoice_id  TEXT PRIMARY KEY REFERENCES customer_invoices (id),
    bytes       BYTEA NOT NULL
);
