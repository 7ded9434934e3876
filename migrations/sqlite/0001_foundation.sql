-- Accounts, API keys, customers and customer groups.
-- Timestamps are INTEGER microseconds since the Unix epoch (UTC).

CREATE TABLE accounts (
    id                    TEXT PRIMARY KEY NOT NULL,
    name                  TEXT NOT NULL,
    monthly_invoice_limit INTEGER CHECK (monthly_invoice_limit IS NULL OR monthly_invoice_limit >= 0),
    payment_term_days     INTEGER NOT NULL DEFAULT 14 CHECK (payment_term_days BETWEEN 0 AND 365),
    created_at            INTEGER NOT NULL
) STRICT;

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    token_hash  TEXT NOT NULL UNIQUE,
    scopes      TEXT NOT NULL,
    rate_limit  INTEGER CHECK (rate_limit IS NULL OR rate_limit > 0),
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
) STRICT;

CREATE TABLE customers (
    id             TEXT PRIMARY KEY NOT NULL,
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
    created_at     INTEGER NOT NULL,
    deleted_at     INTEGER
) STRICT;

-- The list order (newest first) of live customers, per account.
CREATE INDEX customers_by_account ON customers (account_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;

CREATE TABLE customer_groups (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX customer_groups_by_account ON customer_groups (account_id, created_at DESC, id DESC);

CREATE TABLE customer_group_members (
    group_id     TEXT NOT NULL REFERENCES customer_groups (id) ON DELETE CASCADE,
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    added_at     INTEGER NOT NULL,
    PRIMARY KEY (group_id, customer_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX customer_group_members_by_customer ON customer_group_members (customer_id, group_id);

-- Deployment-wide values that every instance must share, such as the link-signing secret.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
