-- Webhook subscriptions, events and the delivery outbox (twin of migrations/sqlite/0003).

CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    type        TEXT NOT NULL,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    deleted_at  BIGINT
);

CREATE INDEX webhooks_by_account ON webhooks (account_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_by_type ON webhooks (account_id, type) WHERE deleted_at IS NULL;

-- Every event, with the exact JSON body its webhooks receive (the same bytes on every
-- attempt, so signatures and the `id` stay stable for deduplication).
CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    type        TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- The outbox: one row per message to send, written in the transaction of its change.
-- `target` is the webhook ID, or 'email' for the customer's notification.
CREATE TABLE deliveries (
    event_id         TEXT NOT NULL REFERENCES events (id),
    target           TEXT NOT NULL,
    account_id       TEXT NOT NULL REFERENCES accounts (id),
    channel          TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),
    invoice_id       TEXT,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    locked_until     BIGINT,
    last_status_code BIGINT,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    delivered_at     BIGINT,
    PRIMARY KEY (event_id, target)
);

CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_by_target ON deliveries (target, created_at DESC, event_id DESC);

-- NULL: no notification asked; 'queued', 'sent' or 'failed'.
ALTER TABLE customer_invoices ADD COLUMN notification_status TEXT;
-- The language of e-mails: 'nl' or 'en'.
ALTER TABLE accounts ADD COLUMN locale TEXT NOT NULL DEFAULT 'nl';
