-- Idempotency keys (twin of migrations/sqlite/0005): the first response to a POST or PATCH
-- sent with an `Idempotency-Key`, per API key, replayed to retries for 24 hours. The
-- primary key is the claim: of two instances racing with the same key, one inserts the row.

CREATE TABLE idempotency_keys (
    api_key_id      TEXT NOT NULL REFERENCES api_keys (id),
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('running', 'completed')),
    status_code     BIGINT,
    content_type    TEXT,
    response_body   BYTEA,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (api_key_id, idempotency_key)
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
