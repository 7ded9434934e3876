-- Customer invoices and the monthly license counter (twin of migrations/sqlite/0002).

CREATE TABLE customer_invoices (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    customer_id       TEXT NOT NULL REFERENCES customers (id),
    invoice_number    TEXT NOT NULL,
    issued_at         TEXT NOT NULL,               -- YYYY-MM-DD
    due_at            TEXT NOT NULL,               -- YYYY-MM-DD
    currency          TEXT NOT NULL DEFAULT 'EUR',
    amount_cents      BIGINT NOT NULL,             -- total including VAT
    lines             TEXT,                        -- manual invoices: JSON lines
    has_pdf           BOOLEAN NOT NULL DEFAULT FALSE,
    paid_at           BIGINT,
    payment_token     TEXT NOT NULL,
    send_notification BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        BIGINT NOT NULL,
    deleted_at        BIGINT
);

CREATE UNIQUE INDEX customer_invoices_number ON customer_invoices (account_id, invoice_number);
CREATE INDEX customer_invoices_by_account ON customer_invoices (account_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX customer_invoices_by_customer ON customer_invoices (account_id, customer_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;

CREATE TABLE invoice_pdfs (
    invoice_id  TEXT PRIMARY KEY REFERENCES customer_invoices (id),
    bytes       BYTEA NOT NULL
);

CREATE TABLE invoice_month_counts (
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    month       TEXT NOT NULL,
    created     BIGINT NOT NULL,
    PRIMARY KEY (account_id, month)
);
