-- Idempotency keys: the first response to a POST or PATCH sent with an `Idempotency-Key`,
-- per API key, replayed to retries for 24 hours. The primary key is the claim: of two
-- requests racing with the same key, one inserts the row and runs, the other does not.

CREATE TABLE idempotency_keys (
    api_key_id      TEXT NOT NULL REFERENCES api_keys (id),
    idempotency_key TEXT NOT NULL,
    -- SHA-256 of method, path and body: a retry must be the same request.
    request_hash    TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('running', 'completed')),
    status_code     INTEGER,
    content_type    TEXT,
    response_body   BLOB,
    -- When the request was claimed (or taken over); expiry and staleness count from here.
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (api_key_id, idempotency_key)
) STRICT;

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
