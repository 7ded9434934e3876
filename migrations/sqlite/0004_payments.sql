-- What a Dutch invoice must show about its seller, how the account takes payments, the
-- payments made through a provider, and payment links.

ALTER TABLE accounts ADD COLUMN legal_name TEXT;
ALTER TABLE accounts ADD COLUMN street TEXT;
ALTER TABLE accounts ADD COLUMN zip_code TEXT;
ALTER TABLE accounts ADD COLUMN city TEXT;
ALTER TABLE accounts ADD COLUMN country_code TEXT NOT NULL DEFAULT 'NL';
ALTER TABLE accounts ADD COLUMN kvk_number TEXT;
ALTER TABLE accounts ADD COLUMN vat_number TEXT;
ALTER TABLE accounts ADD COLUMN iban TEXT;
ALTER TABLE accounts ADD COLUMN bic TEXT;
ALTER TABLE accounts ADD COLUMN email TEXT;
ALTER TABLE accounts ADD COLUMN phone TEXT;
ALTER TABLE accounts ADD COLUMN logo BLOB;
ALTER TABLE accounts ADD COLUMN logo_type TEXT;
-- The account's own Mollie API key (`live_...` / `test_...`); NULL: bank transfer only.
ALTER TABLE accounts ADD COLUMN mollie_api_key TEXT;

CREATE TABLE payment_links (
    id           TEXT PRIMARY KEY NOT NULL,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    description  TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    reusable     INTEGER NOT NULL CHECK (reusable IN (0, 1)),
    expires_at   INTEGER,
    -- open | paid | closed | expired; `expired` is written by the sweep that sends the
    -- event, and a read past `expires_at` shows `expired` even before the sweep ran.
    status       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    closed_at    INTEGER
) STRICT;

CREATE INDEX payment_links_by_account ON payment_links (account_id, created_at DESC, id DESC);
CREATE INDEX payment_links_to_expire ON payment_links (expires_at) WHERE status = 'open' AND expires_at IS NOT NULL;

-- One row per payment started at a provider, for an invoice or for a payment link.
CREATE TABLE payments (
    id                  TEXT PRIMARY KEY NOT NULL,
    account_id          TEXT NOT NULL REFERENCES accounts (id),
    invoice_id          TEXT REFERENCES customer_invoices (id),
    payment_link_id     TEXT REFERENCES payment_links (id),
    provider            TEXT NOT NULL,
    provider_payment_id TEXT NOT NULL,
    amount_cents        INTEGER NOT NULL,
    status              TEXT NOT NULL,
    payers_name         TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    CHECK ((invoice_id IS NULL) <> (payment_link_id IS NULL)),
    UNIQUE (provider, provider_payment_id)
) STRICT;

CREATE INDEX payments_by_link ON payments (payment_link_id, created_at DESC, id DESC) WHERE payment_link_id IS NOT NULL;
CREATE INDEX payments_by_invoice ON payments (invoice_id, created_at DESC) WHERE invoice_id IS NOT NULL;
