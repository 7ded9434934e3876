-- Accounts, API keys, customers and customer groups (twin of migrations/sqlite/0001).
-- Timestamps are BIGINT microseconds since the Unix epoch (UTC).

CREATE TABLE accounts (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    monthly_invoice_limit BIGINT CHECK (monthly_invoice_limit IS NULL OR monthly_invoice_limit >= 0),
    payment_term_days     BIGINT NOT NULL DEFAULT 14 CHECK (payment_term_days BETWEEN 0 AND 365),
    created_at            BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    token_hash  TEXT NOT NULL UNIQUE,
    scopes      TEXT NOT NULL,
    rate_limit  BIGINT CHECK (rate_limit IS NULL OR rate_limit > 0),
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE TABLE customers (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    company_name   TEXT NOT NULL,
    address        TEXT NOT NULL,
    zip_code       TEXT NOT NULL,
    city           TEXT NOT NULL,
    country_code   TEXT NOT NULL,
    primary_email  TEXT NOT NULL,
    phone          TEXT,
    integration    TEXT,
    integration_id TEXT,
    created_at     BIGINT NOT NULL,
    deleted_at     BIGINT
);

CREATE INDEX customers_by_account ON customers (account_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;

CREATE TABLE customer_groups (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE INDEX customer_groups_by_account ON customer_groups (account_id, created_at DESC, id DESC);

CREATE TABLE customer_group_members (
    group_id     TEXT NOT NULL REFERENCES customer_groups (id) ON DELETE CASCADE,
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    added_at     BIGINT NOT NULL,
    PRIMARY KEY (group_id, customer_id)
);

CREATE INDEX customer_group_members_by_customer ON customer_group_members (customer_id, group_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
