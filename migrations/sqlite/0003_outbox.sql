-- Webhook subscriptions, events and the delivery outbox; invoice notification state.

CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    type        TEXT NOT NULL,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    deleted_at  INTEGER
) STRICT;

CREATE INDEX webhooks_by_account ON webhooks (account_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_by_type ON webhooks (account_id, type) WHERE deleted_at IS NULL;

-- Every event, with the exact JSON body its webhooks receive (the same bytes on every
-- attempt, so signatures and the `id` stay stable for deduplication).
CREATE TABLE events (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    type        TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

-- The outbox: one row per message to send, written in the transaction of its change.
-- `target` is the webhook ID, or 'email' for the customer's notification.
CREATE TABLE deliveries (
    event_id         TEXT NOT NULL REFERENCES events (id),
    target           TEXT NOT NULL,
    account_id       TEXT NOT NULL REFERENCES accounts (id),
    channel          TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),
    invoice_id       TEXT,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    locked_until     INTEGER,
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    delivered_at     INTEGER,
    PRIMARY KEY (event_id, target)
) STRICT;

CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_by_target ON deliveries (target, created_at DESC, event_id DESC);

-- NULL: no notification asked; 'queued', 'sent' or 'failed'.
ALTER TABLE customer_invoices ADD COLUMN notification_status TEXT;
-- The language of e-mails: 'nl' or 'en'.
ALTER TABLE accounts ADD COLUMN locale TEXT NOT NULL DEFAULT 'nl';
