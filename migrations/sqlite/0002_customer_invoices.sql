-- Customer invoices, the monthly license counter and uploaded files.

CREATE TABLE customer_invoices (
    id                TEXT PRIMARY KEY NOT NULL,
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    customer_id       TEXT NOT NULL REFERENCES customers (id),
    invoice_number    TEXT NOT NULL,
    issued_at         TEXT NOT NULL,               -- YYYY-MM-DD
    due_at            TEXT NOT NULL,               -- YYYY-MM-DD
    currency          TEXT NOT NULL DEFAULT 'EUR',
    amount_cents      INTEGER NOT NULL,            -- total including VAT
    -- Manual invoices: their lines as JSON [{"description", "amountCents", "vatRate"}];
    -- NULL for uploaded PDF invoices.
    lines             TEXT,
    has_pdf           INTEGER NOT NULL DEFAULT 0,  -- a PDF is stored in invoice_pdfs
    paid_at           INTEGER,
    payment_token     TEXT NOT NULL,
    send_notification INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    deleted_at        INTEGER
) STRICT;

-- Invoice numbers are unique per account, deleted invoices included (DECISIONS.md).
CREATE UNIQUE INDEX customer_invoices_number ON customer_invoices (account_id, invoice_number);

-- The list order, and the list of one customer, of live invoices.
CREATE INDEX customer_invoices_by_account ON customer_invoices (account_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX customer_invoices_by_customer ON customer_invoices (account_id, customer_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;

-- Uploaded (and later rendered) invoice PDFs, in the database so that every instance
-- serves them and an invoice and its PDF are stored in one transaction.
CREATE TABLE invoice_pdfs (
    invoice_id  TEXT PRIMARY KEY NOT NULL REFERENCES customer_invoices (id),
    bytes       BLOB NOT NULL
) STRICT;

-- Invoices created per account per calendar month (YYYY-MM in the deployment's zone),
-- deleted ones included: what the monthly license limit counts. Kept as a counter so the
-- check is one row, not a count over a month of invoices.
CREATE TABLE invoice_month_counts (
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    month       TEXT NOT NULL,
    created     INTEGER NOT NULL,
    PRIMARY KEY (account_id, month)
) STRICT, WITHOUT ROWID;
