-- pgbench script: one invoice create as portaal's PostgreSQL store runs it
-- (`create_invoice_steps` in src/store/sql/invoices.rs, then `record_known_event` in
-- src/store/sql/outbox.rs; `PgStore::insert_invoice` in src/store/postgres.rs gives each
-- create its own transaction). The same statements in the same order:
--   BEGIN; the one SELECT of every check; INSERT; [event and delivery row, with -D webhook=1
--   (the account has one invoice-created webhook)]; counter upsert RETURNING; COMMIT. Keep it in step with the store when that changes.
--
-- Run by `DB=postgres bench/create-invoices.sh` as
--   pgbench -n -M prepared -f bench/pg-create-invoice.sql -D account=ACC -D customers=N
--     -D month=YYYY-MM -D prefix=RUN -D n=0 -D lines=JSON -D webhook=0|1 -D event_body=JSON ...
-- With -M prepared every :variable is a bind parameter, as portaal's are. Customers are
-- seeded as cst_bench000000001 .. cst_benchNNNNNNNNN in that account. Invoice numbers are
-- PREFIX-CLIENT-N: n starts at 0 (-D n=0) and, being a client variable, keeps counting
-- across this client's transactions, so no two transactions (or runs) share a number.
-- The checks' results are not inspected here; the foreign key and the unique index on
-- (account_id, invoice_number) would fail the transaction if they were violated, and the
-- script counts the invoices afterwards.

\set n :n + 1
\set customer random(1, :customers)
\set cents random(100, 1250000)
BEGIN;
SELECT
    EXISTS (SELECT 1 FROM customers
             WHERE account_id = :account AND id = 'cst_bench' || lpad(:customer::text, 9, '0')
               AND deleted_at IS NULL),
    EXISTS (SELECT 1 FROM customer_invoices
             WHERE account_id = :account
               AND invoice_number = :prefix::text || '-' || :client_id::text || '-' || :n::text),
    a.monthly_invoice_limit,
    EXISTS (SELECT 1 FROM webhooks
             WHERE account_id = :account AND type = 'invoice-created' AND deleted_at IS NULL),
    a.payment_term_days
FROM accounts a WHERE a.id = :account;
INSERT INTO customer_invoices (id, account_id, customer_id, invoice_number, issued_at, due_at,
        currency, amount_cents, lines, has_pdf, paid_at, payment_token, send_notification,
        notification_status, created_at)
    VALUES ('inv_' || substr(md5('i' || :prefix::text || '-' || :client_id::text || '-' || :n::text), 1, 14),
            :account,
            'cst_bench' || lpad(:customer::text, 9, '0'),
            :prefix::text || '-' || :client_id::text || '-' || :n::text,
            '2025-04-14', '2025-04-28', 'EUR', :cents, :lines, false, NULL,
            md5('t' || :prefix::text || '-' || :client_id::text || '-' || :n::text),
            false, NULL,
            (extract(epoch FROM clock_timestamp()) * 1000000)::bigint);
\if :webhook
INSERT INTO events (id, account_id, type, body, created_at)
    VALUES ('evt_' || substr(md5('e' || :prefix::text || '-' || :client_id::text || '-' || :n::text), 1, 14),
            :account, 'invoice-created', :event_body,
            (extract(epoch FROM clock_timestamp()) * 1000000)::bigint);
INSERT INTO deliveries (event_id, target, account_id, channel, next_attempt_at, created_at)
    SELECT 'evt_' || substr(md5('e' || :prefix::text || '-' || :client_id::text || '-' || :n::text), 1, 14),
           w.id, w.account_id, 'webhook',
           (extract(epoch FROM clock_timestamp()) * 1000000)::bigint,
           (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
      FROM webhooks w
     WHERE w.account_id = :account AND w.type = 'invoice-created' AND w.deleted_at IS NULL;
\endif
INSERT INTO invoice_month_counts (account_id, month, created) VALUES (:account, :month, 1)
    ON CONFLICT (account_id, month)
    DO UPDATE SET created = invoice_month_counts.created + 1
    RETURNING created;
COMMIT;
