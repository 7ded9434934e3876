#!/usr/bin/env bash
# Load test of POST /v1/customer-invoices/manual against a fresh local portaal, next to the
# ceiling of the same database transaction run directly: on SQLite by
# examples/sqlite_limit.rs, on PostgreSQL by pgbench with bench/pg-create-invoice.sql.
#
# Usage: bench/create-invoices.sh            (no arguments; see bench/README.md)
# Options by environment:
#   DURATION      per measurement, wrk syntax: 10s (default), 30s, 1m
#   CONNECTIONS   space-separated concurrency levels (default "1 16 64")
#   CUSTOMERS     customers to seed; each invoice picks one at random (default 100)
#   DB            sqlite (default) or postgres: a fresh database portaal_bench_<random> on
#                 the PostgreSQL server of PG_ADMIN_URL, dropped at the end
#   PG_ADMIN_URL  a database URL with the right to create databases
#                 (default postgres://postgres@127.0.0.1:5432/postgres)
#   WEBHOOK       none (default) or hang: the account gets an invoice-created webhook to a
#                 local receiver that accepts connections and never answers
#                 (bench/hang-receiver.py), so every create also writes an event and a
#                 delivery row while the outbox worker waits on that receiver
#
# Everything listens on 127.0.0.1 only, and every load is bounded by DURATION.
set -euo pipefail

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-1 16 64}"
CUSTOMERS="${CUSTOMERS:-100}"
DB="${DB:-sqlite}"
WEBHOOK="${WEBHOOK:-none}"
PG_ADMIN_URL_DEFAULT="postgres://postgres@127.0.0.1:5432/postgres"
PG_ADMIN_URL="${PG_ADMIN_URL:-${PG_ADMIN_URL_DEFAULT}}"

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${bench_dir}/.." && pwd)"
cd "${repo}"

die() {
  printf 'create-invoices.sh: %s\n' "$*" >&2
  exit 1
}

# --- options --------------------------------------------------------------------------------
case "${DURATION}" in
  *[!0-9smh]* | "" ) die "DURATION must look like 10, 10s, 1m or 1h, not '${DURATION}'" ;;
esac
case "${DURATION}" in
  *s) duration_secs="${DURATION%s}" ;;
  *m) duration_secs="$(( ${DURATION%m} * 60 ))" ;;
  *h) duration_secs="$(( ${DURATION%h} * 3600 ))" ;;
  *) duration_secs="${DURATION}" ;;
esac
[[ "${duration_secs}" =~ ^[0-9]+$ && "${duration_secs}" -gt 0 ]] \
  || die "DURATION must be a positive whole number of seconds, minutes or hours"
[[ "${CUSTOMERS}" =~ ^[0-9]+$ && "${CUSTOMERS}" -gt 0 ]] || die "CUSTOMERS must be a positive number"
read -r -a connection_counts <<< "${CONNECTIONS}"
[[ "${#connection_counts[@]}" -gt 0 ]] || die "CONNECTIONS is empty"
for c in "${connection_counts[@]}"; do
  [[ "${c}" =~ ^[0-9]+$ && "${c}" -gt 0 ]] || die "CONNECTIONS must be positive numbers, got '${c}'"
done
connections_csv="$(IFS=,; printf '%s' "${connection_counts[*]}")"
case "${DB}" in
  sqlite | postgres) ;;
  *) die "DB must be sqlite or postgres, not '${DB}'" ;;
esac
case "${WEBHOOK}" in
  none | hang) ;;
  *) die "WEBHOOK must be none or hang, not '${WEBHOOK}'" ;;
esac
# A password in the admin URL is not printed.
redacted_admin_url="$(sed -E 's#^(postgres(ql)?://[^:/@]*):[^@/]*@#\1:***@#' <<< "${PG_ADMIN_URL}")"
command_line="DB=${DB} WEBHOOK=${WEBHOOK}"
if [[ "${DB}" == postgres && "${PG_ADMIN_URL}" != "${PG_ADMIN_URL_DEFAULT}" ]]; then
  command_line+=" PG_ADMIN_URL=${redacted_admin_url}"
fi
command_line+=" DURATION=${DURATION} CONNECTIONS=\"${CONNECTIONS}\" CUSTOMERS=${CUSTOMERS} bench/create-invoices.sh"
if [[ "${DB}" == postgres ]]; then
  [[ "${PG_ADMIN_URL}" =~ ^postgres(ql)?://[^/]+/[^/?]*(\?.*)?$ ]] \
    || die "PG_ADMIN_URL must look like postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?...], not '${redacted_admin_url}'"
fi

# --- tools ----------------------------------------------------------------------------------
apt_install() {
  local sudo=()
  if [[ "${EUID}" -ne 0 ]]; then
    command -v sudo > /dev/null || die "need root (or sudo) to install: $*"
    sudo=(sudo)
  fi
  echo "==> installing $* (apt-get)"
  if ! ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"; then
    ${sudo[@]+"${sudo[@]}"} apt-get update
    ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
  fi
}
missing=()
command -v wrk > /dev/null || missing+=(wrk)
command -v curl > /dev/null || missing+=(curl)
if [[ "${DB}" == postgres ]]; then
  # Debian's postgresql-client has both psql and pgbench.
  { command -v psql > /dev/null && command -v pgbench > /dev/null; } || missing+=(postgresql-client)
fi
if [[ "${WEBHOOK}" == hang ]]; then
  command -v python3 > /dev/null || missing+=(python3)
fi
[[ "${#missing[@]}" -eq 0 ]] || apt_install "${missing[@]}"
if [[ "${DB}" == postgres ]] && ! command -v pgbench > /dev/null; then
  apt_install postgresql-contrib # where older releases kept pgbench
fi
if [[ "${DB}" == postgres ]]; then
  command -v pgbench > /dev/null || die "pgbench is still missing after installing postgresql-client"
  psql "${PG_ADMIN_URL}" -X -qAtc 'SELECT 1' > /dev/null \
    || die "cannot connect to PostgreSQL at ${redacted_admin_url} (set PG_ADMIN_URL)"
fi

load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "==> building (cargo build --release; may wait for the cargo build lock)"
cargo build --release
[[ "${DB}" == postgres ]] || cargo build --release --example sqlite_limit
portaal="${repo}/target/release/portaal"
sqlite_limit="${repo}/target/release/examples/sqlite_limit"

# The figures mean little if something else (a build, tests) shares the CPUs.
load_before_load="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- a fresh server -------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/portaal-bench.XXXXXX")"
server_pid=""
receiver_pid=""
pg_db=""
stop_server() {
  if [[ -n "${server_pid}" ]]; then
    kill -TERM "${server_pid}" 2> /dev/null || true
    wait "${server_pid}" 2> /dev/null || true
    server_pid=""
  fi
}
stop_receiver() {
  if [[ -n "${receiver_pid}" ]]; then
    kill -TERM "${receiver_pid}" 2> /dev/null || true
    wait "${receiver_pid}" 2> /dev/null || true
    receiver_pid=""
  fi
}
cleanup() {
  stop_server
  stop_receiver
  if [[ -n "${pg_db}" ]]; then
    psql "${PG_ADMIN_URL}" -X -q -v ON_ERROR_STOP=1 \
      -c "DROP DATABASE IF EXISTS \"${pg_db}\" WITH (FORCE)" > /dev/null \
      || echo "create-invoices.sh: could not drop the database ${pg_db}; drop it by hand" >&2
    pg_db=""
  fi
  if [[ -n "${KEEP_SERVER_LOG:-}" && -f "${work}/server.log" ]]; then
    cp -- "${work}/server.log" "${KEEP_SERVER_LOG}"
  fi
  rm -rf -- "${work}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export PORTAAL_DATA_DIR="${work}/data"
export PORTAAL_LOG="${PORTAAL_LOG:-warn}"
# The database is chosen here only (--database-url below), never by the caller's environment.
unset PORTAAL_DATABASE_URL
db_args=()
db_url=""
if [[ "${DB}" == postgres ]]; then
  pg_db="portaal_bench_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  psql "${PG_ADMIN_URL}" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"${pg_db}\"" \
    || { pg_db=""; die "could not create a database on ${redacted_admin_url}"; }
  admin_base="${PG_ADMIN_URL%%\?*}"
  db_url="${admin_base%/*}/${pg_db}${PG_ADMIN_URL#"${admin_base}"}"
  db_args=(--database-url "${db_url}")
  pg_settings="$(psql "${db_url}" -X -qAt -F'|' -c "SELECT current_setting('server_version'), current_setting('fsync'),
    current_setting('synchronous_commit'), current_setting('wal_sync_method'), current_setting('commit_delay'),
    current_setting('shared_buffers'), current_setting('max_connections')")"
  IFS='|' read -r pg_version pg_fsync pg_sync_commit pg_wal_sync pg_commit_delay pg_shared_buffers pg_max_conn <<< "${pg_settings}"
  echo "==> PostgreSQL ${pg_version} at $(sed -E 's#^(postgres(ql)?://[^:/@]*):[^@/]*@#\1:***@#' <<< "${db_url}")" \
    "(fsync=${pg_fsync}, synchronous_commit=${pg_sync_commit}, wal_sync_method=${pg_wal_sync}," \
    "commit_delay=${pg_commit_delay}, shared_buffers=${pg_shared_buffers}, max_connections=${pg_max_conn})"
  max_c=0
  for c in "${connection_counts[@]}"; do (( c > max_c )) && max_c="${c}"; done
  (( max_c + 5 <= pg_max_conn )) \
    || die "pgbench needs ${max_c} connections and the server allows ${pg_max_conn}; lower CONNECTIONS"
fi

# The receiver that never answers, started before any load.
receiver_url=""
if [[ "${WEBHOOK}" == hang ]]; then
  receiver_log="${work}/receiver.log"
  python3 "${bench_dir}/hang-receiver.py" 60 > "${receiver_log}" 2>&1 &
  receiver_pid=$!
  for _ in $(seq 1 100); do
    receiver_url="$(sed -n 's#^hang-receiver listening on \(127\.0\.0\.1:[0-9]*\)$#http://\1/webhook-incoming#p' "${receiver_log}")"
    [[ -n "${receiver_url}" ]] && break
    kill -0 "${receiver_pid}" 2> /dev/null || { cat "${receiver_log}" >&2; die "the hanging receiver exited"; }
    sleep 0.1
  done
  [[ -n "${receiver_url}" ]] || die "the hanging receiver did not start within 10 s"
  echo "==> hanging receiver (pid ${receiver_pid}) at ${receiver_url}: accepts, never answers"
fi

if [[ "${WEBHOOK}" == hang ]]; then
  mode_line="mode: DB=${DB} WEBHOOK=hang: the account has an invoice-created webhook to ${receiver_url}, which accepts connections and never answers; every create also writes an event and a delivery row"
else
  mode_line="mode: DB=${DB} WEBHOOK=none: no webhooks, so a create writes no event and no delivery"
fi
echo "==> ${mode_line}"

# An account and a key with a rate limit far above what the benchmark sends (the default
# limit is 60 requests per minute). Created before the first start, so no bootstrap key.
account_json="$("${portaal}" accounts create --name "Benchmark" --json ${db_args[@]+"${db_args[@]}"})"
account_id="$(grep -o '"id":"acc_[a-z0-9]*"' <<< "${account_json}" | head -n1 | cut -d'"' -f4)"
[[ -n "${account_id}" ]] || die "no account id in: ${account_json}"
key_json="$("${portaal}" api-keys create --account "${account_id}" --rate-limit 100000000 --json ${db_args[@]+"${db_args[@]}"})"
token="$(grep -o '"token":"ptl_[^"]*"' <<< "${key_json}" | head -n1 | cut -d'"' -f4)"
[[ -n "${token}" ]] || die "no token in the api-keys create output"

server_log="${work}/server.log"
serve_args=(--listen 127.0.0.1:0)
[[ "${WEBHOOK}" == hang ]] && serve_args+=(--allow-private-webhooks)
"${portaal}" serve "${serve_args[@]}" ${db_args[@]+"${db_args[@]}"} > "${server_log}" 2>&1 &
server_pid=$!
api=""
for _ in $(seq 1 300); do
  api="$(grep -o 'the API is at http://127\.0\.0\.1:[0-9]*/v1' "${server_log}" | head -n1 | sed 's/^the API is at //')" || true
  [[ -n "${api}" ]] && break
  kill -0 "${server_pid}" 2> /dev/null || { cat "${server_log}" >&2; die "portaal serve exited"; }
  sleep 0.1
done
[[ -n "${api}" ]] || { cat "${server_log}" >&2; die "portaal serve did not start within 30 s"; }
echo "==> portaal (pid ${server_pid}) at ${api}; data in ${PORTAAL_DATA_DIR}${db_url:+; database ${pg_db}}"

# --- the webhook ----------------------------------------------------------------------------
webhook_id=""
if [[ "${WEBHOOK}" == hang ]]; then
  status="$(curl -sS --max-time 30 -o "${work}/webhook.json" -w '%{http_code}' \
    -H "Authorization: Bearer ${token}" -H 'Content-Type: application/json' \
    --data "{\"url\":\"${receiver_url}\",\"type\":\"invoice-created\"}" "${api}/webhooks")"
  [[ "${status}" == 201 ]] || die "POST /v1/webhooks gave ${status}: $(cat "${work}/webhook.json")"
  webhook_id="$(grep -o '"id":"wbh_[a-z0-9]*"' "${work}/webhook.json" | head -n1 | cut -d'"' -f4)"
  [[ -n "${webhook_id}" ]] || die "no webhook id in: $(cat "${work}/webhook.json")"
  echo "==> webhook ${webhook_id} (invoice-created) -> ${receiver_url}"
fi

# --- customers ------------------------------------------------------------------------------
customers_file="${work}/customers.txt"
: > "${customers_file}"
echo "==> creating ${CUSTOMERS} customers"
for i in $(seq 1 "${CUSTOMERS}"); do
  body="{\"companyName\":\"Benchmark Customer ${i} B.V.\",\"address\":\"Keizersgracht ${i}\",\"zipCode\":\"1015 CJ\",\"city\":\"Amsterdam\",\"primaryEmail\":\"billing${i}@example.nl\"}"
  status="$(curl -sS --max-time 10 -o "${work}/customer.json" -w '%{http_code}' \
    -H "Authorization: Bearer ${token}" -H 'Content-Type: application/json' \
    --data "${body}" "${api}/customers")"
  [[ "${status}" == 201 ]] || die "POST /v1/customers gave ${status}: $(cat "${work}/customer.json")"
  id="$(grep -o '"id":"cst_[a-z0-9]*"' "${work}/customer.json" | head -n1 | cut -d'"' -f4)"
  [[ -n "${id}" ]] || die "no customer id in: $(cat "${work}/customer.json")"
  printf '%s\n' "${id}" >> "${customers_file}"
done

# --- wrk against portaal --------------------------------------------------------------------
# "12.34ms" -> 12.34 (wrk prints us, ms, s, m or h).
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000;
    else if (u == "m") n *= 60000; else if (u == "h") n *= 3600000;
    else if (u != "ms") { print "NaN"; exit }
    printf "%.2f", n }'
}
# "10.01s" -> 10.01
to_secs() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "ms") n /= 1000; else if (u == "m") n *= 60; else if (u == "h") n *= 3600;
    printf "%.3f", n }'
}

# Resident memory: idle now (started, customers made), then the peak while wrk runs,
# sampled from /proc every 0.2 s by a background loop, and the kernel's high-water mark.
rss_of_server() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/${server_pid}/status" 2> /dev/null || true; }
sleep 2
rss_idle_kb="$(rss_of_server VmRSS)"
rss_samples="${work}/rss-samples.txt"
( while kill -0 "${server_pid}" 2> /dev/null; do rss_of_server VmRSS >> "${rss_samples}"; sleep 0.2; done ) &
rss_sampler_pid=$!

run_id="$(date +%Y%m%d%H%M%S)-$$-${RANDOM}"
rows=()
declare -A portaal_rate=() portaal_p99=()
failed=0
for c in "${connection_counts[@]}"; do
  threads=$(( c < 2 ? c : 2 ))
  out="${work}/wrk-${c}.txt"
  echo "==> wrk -t${threads} -c${c} -d${DURATION} --latency -s bench/create-invoice.lua ${api}/customer-invoices/manual"
  wrk_status=0
  BENCH_TOKEN="${token}" BENCH_CUSTOMERS_FILE="${customers_file}" BENCH_RUN_PREFIX="B${run_id}-c${c}" \
    timeout "$(( duration_secs + 60 ))" \
    wrk -t"${threads}" -c"${c}" -d"${DURATION}" --latency -s "${bench_dir}/create-invoice.lua" \
    "${api}/customer-invoices/manual" > "${out}" 2>&1 || wrk_status=$?
  sed 's/^/    /' "${out}"
  result="$(grep '^bench-result ' "${out}" || true)"
  if [[ -z "${result}" ]]; then
    echo "    wrk exited with ${wrk_status} and no bench-result line" >&2
    failed=1
    rows+=("$(printf '%-16s %11s %11s %9s %9s %9s' 'portaal HTTP' "${c}" 'n/a' 'n/a' 'n/a' 'n/a')")
    continue
  fi
  requests="$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<< "${result}")"
  non201="$(sed -n 's/.* non201=\([0-9]*\).*/\1/p' <<< "${result}")"
  socket_errors="$(sed -n 's/.* socket_errors=\([0-9]*\).*/\1/p' <<< "${result}")"
  elapsed="$(awk '/ requests in / { sub(/,$/, "", $4); print $4; exit }' "${out}")"
  p50="$(awk '$1 == "50%" { print $2; exit }' "${out}")"
  p99="$(awk '$1 == "99%" { print $2; exit }' "${out}")"
  if [[ -z "${elapsed}" || -z "${p50}" || -z "${p99}" ]]; then
    echo "    could not parse wrk's output" >&2
    failed=1
    rows+=("$(printf '%-16s %11s %11s %9s %9s %9s' 'portaal HTTP' "${c}" 'n/a' 'n/a' 'n/a' "${non201}")")
    continue
  fi
  rate="$(awk -v n="$(( requests - non201 ))" -v s="$(to_secs "${elapsed}")" 'BEGIN { printf "%.1f", n / s }')"
  p50_ms="$(to_ms "${p50}")"
  p99_ms="$(to_ms "${p99}")"
  portaal_rate[${c}]="${rate}"
  portaal_p99[${c}]="${p99_ms}"
  if [[ "${wrk_status}" -ne 0 || "${non201}" -ne 0 || "${socket_errors}" -ne 0 ]]; then
    failed=1
  fi
  rows+=("$(printf '%-16s %11s %11s %9s %9s %9s' 'portaal HTTP' "${c}" "${rate}" "${p50_ms}" "${p99_ms}" "${non201}")")
done
invoices_made="$(awk '/^bench-result / { sub(/.*requests=/, ""); n += $1 } END { print n + 0 }' "${work}"/wrk-*.txt)"
# A real event body as portaal wrote it, for the pgbench transaction with a webhook.
event_body=""
if [[ "${WEBHOOK}" == hang && "${DB}" == postgres ]]; then
  event_body="$(psql "${db_url}" -X -qAt -c "SELECT body FROM events ORDER BY created_at DESC LIMIT 1")"
fi
rss_hwm_kb="$(rss_of_server VmHWM)"
kill "${rss_sampler_pid}" 2> /dev/null || true
wait "${rss_sampler_pid}" 2> /dev/null || true
rss_peak_kb="$(sort -n "${rss_samples}" 2> /dev/null | tail -n1)"
echo "==> ${mode_line%%:*}: VmRSS ${rss_idle_kb:-?} kB idle before the load, peak ${rss_peak_kb:-?} kB during it (VmHWM ${rss_hwm_kb:-?} kB)"
echo "==> stopping portaal (it first lets deliveries under way finish or time out, up to 10 s)"
stop_server
echo "==> portaal stopped"

# --- what the outbox did --------------------------------------------------------------------
outbox_line=""
receiver_line=""
if [[ "${WEBHOOK}" == hang ]]; then
  outbox_sql="SELECT (SELECT count(*) FROM events) || ' events; deliveries: ' ||
    (SELECT count(*) FROM deliveries) || ' written, ' ||
    (SELECT count(*) FROM deliveries WHERE status = 'pending') || ' pending, ' ||
    (SELECT count(*) FROM deliveries WHERE status = 'delivered') || ' delivered, ' ||
    (SELECT count(*) FROM deliveries WHERE status = 'failed') || ' failed, ' ||
    (SELECT coalesce(sum(attempts), 0) FROM deliveries) || ' attempts made'"
  if [[ "${DB}" == postgres ]]; then
    outbox_line="$(psql "${db_url}" -X -qAt -c "${outbox_sql}" 2>&1)" || outbox_line="(could not count: ${outbox_line})"
  elif command -v sqlite3 > /dev/null; then
    outbox_line="$(sqlite3 "file:${PORTAAL_DATA_DIR}/portaal.db?mode=ro" "${outbox_sql}" 2>&1)" \
      || outbox_line="(could not count: ${outbox_line})"
  else
    outbox_line="(not counted: no sqlite3 command)"
  fi
  stop_receiver
  receiver_line="$(grep '^hang-receiver connections=' "${receiver_log}" | tail -n1 || true)"
  echo "    outbox: ${outbox_line}"
  echo "    ${receiver_line:-hang-receiver printed no counts}"
fi

# --- the limit: the same transaction straight at the database --------------------------------
declare -A limit_rate=()
if [[ "${DB}" == sqlite ]]; then
  limit_label="direct SQLite"
  limit_args=()
  if [[ "${WEBHOOK}" == hang ]]; then
    limit_label="direct SQLite+wh"
    limit_args=(--webhook)
  fi
  echo "==> ${sqlite_limit} --connections ${connections_csv} --duration-secs ${duration_secs} --customers ${CUSTOMERS}${limit_args[*]:+ ${limit_args[*]}}"
  direct_out="${work}/direct.txt"
  direct_status=0
  TMPDIR="${work}" timeout "$(( duration_secs * ${#connection_counts[@]} + 120 ))" \
    "${sqlite_limit}" --connections "${connections_csv}" --duration-secs "${duration_secs}" \
    --customers "${CUSTOMERS}" ${limit_args[@]+"${limit_args[@]}"} > "${direct_out}" || direct_status=$?
  sed 's/^/    /' "${direct_out}"
  [[ "${direct_status}" -eq 0 ]] || { echo "    sqlite_limit exited with ${direct_status}" >&2; failed=1; }
  while read -r label conns rate p50 p99 _creates errors; do
    [[ "${label}" == direct-sqlite ]] || continue
    c="${conns#connections=}"
    limit_rate[${c}]="${rate#rate=}"
    [[ "${errors#errors=}" -eq 0 ]] || failed=1
    rows+=("$(printf '%-16s %11s %11s %9s %9s %9s' "${limit_label}" "${c}" "${rate#rate=}" "${p50#p50_ms=}" "${p99#p99_ms=}" "${errors#errors=}")")
  done < "${direct_out}"
  limit_name="direct"
else
  limit_label="pgbench"
  webhook_flag=0
  if [[ "${WEBHOOK}" == hang ]]; then
    limit_label="pgbench+wh"
    webhook_flag=1
    [[ -n "${event_body}" ]] || { echo "    no event body found in the database" >&2; failed=1; event_body='{}'; }
  fi
  # Its own account and customers with IDs that the script can compute (cst_bench000000001 ...),
  # and with WEBHOOK=hang one webhook, as portaal's account had (nobody sends it: portaal is
  # stopped).
  pg_account="acc_pgbench0000001"
  now_micros="$(( $(date +%s) * 1000000 ))"
  psql "${db_url}" -X -q -v ON_ERROR_STOP=1 > /dev/null <<SQL || die "could not seed the pgbench account"
INSERT INTO accounts (id, name, monthly_invoice_limit, payment_term_days, created_at)
  VALUES ('${pg_account}', 'pgbench', NULL, 14, ${now_micros});
INSERT INTO customers (id, account_id, company_name, address, zip_code, city, country_code,
                       primary_email, phone, created_at)
  SELECT 'cst_bench' || lpad(i::text, 9, '0'), '${pg_account}', 'Benchmark Customer ' || i || ' B.V.',
         'Keizersgracht ' || i, '1015 CJ', 'Amsterdam', 'NL', 'billing' || i || '@example.nl', NULL,
         ${now_micros} + i
    FROM generate_series(1, ${CUSTOMERS}) AS i;
INSERT INTO webhooks (id, account_id, type, url, secret, created_at)
  SELECT 'wbh_pgbench0000001', '${pg_account}', 'invoice-created', '${receiver_url:-http://127.0.0.1:9/}',
         'OUJX2prdBbJxR77BZlGz', ${now_micros}
   WHERE ${webhook_flag} = 1;
SQL
  # Three lines, as many as portaal's invoices have on average (1 to 5), in the stored form.
  pg_lines='[{"description":"Consultancy, April","amountCents":123456,"vatRate":21},{"description":"Hosting (monthly)","amountCents":4999,"vatRate":9},{"description":"Support hours","amountCents":25000,"vatRate":0}]'
  license_month="$(TZ=Europe/Amsterdam date +%Y-%m)"
  [[ -n "${event_body}" ]] || event_body='{}' # unused without a webhook, but pgbench wants a value
  for c in "${connection_counts[@]}"; do
    threads=$(( c < 2 ? c : 2 ))
    prefix="P${run_id}-c${c}"
    out="${work}/pgbench-${c}.txt"
    echo "==> pgbench -n -M prepared -c ${c} -j ${threads} -T ${duration_secs} -f bench/pg-create-invoice.sql --log (-D webhook=${webhook_flag} ...)"
    pgbench_status=0
    timeout "$(( duration_secs + 120 ))" \
      pgbench -n -M prepared -c "${c}" -j "${threads}" -T "${duration_secs}" \
      -f "${bench_dir}/pg-create-invoice.sql" \
      -D account="${pg_account}" -D customers="${CUSTOMERS}" -D month="${license_month}" \
      -D prefix="${prefix}" -D n=0 -D lines="${pg_lines}" \
      -D webhook="${webhook_flag}" -D event_body="${event_body}" \
      --log --log-prefix="${work}/pgbench-log-${c}" \
      "${db_url}" > "${out}" 2>&1 || pgbench_status=$?
    sed 's/^/    /' "${out}"
    tps="$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "${out}" | head -n1)"
    latency_avg="$(sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p' "${out}" | head -n1)"
    processed="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "${out}" | head -n1)"
    pg_failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "${out}" | head -n1)"
    pg_failed="${pg_failed:-0}"
    # Each line of a --log file: client, transaction, latency in us, script, epoch s, us.
    read -r p50_ms p99_ms <<< "$(cat "${work}/pgbench-log-${c}".* 2> /dev/null | awk '{ print $3 }' | sort -n \
      | awk '{ v[NR] = $1 } END {
          if (NR == 0) { print "n/a n/a"; exit }
          r50 = int(NR * 0.50); if (r50 < NR * 0.50) r50++; if (r50 < 1) r50 = 1
          r99 = int(NR * 0.99); if (r99 < NR * 0.99) r99++; if (r99 < 1) r99 = 1
          printf "%.2f %.2f\n", v[r50] / 1000, v[r99] / 1000 }')"
    stored="$(psql "${db_url}" -X -qAt -c "SELECT count(*) FROM customer_invoices
      WHERE account_id = '${pg_account}' AND invoice_number LIKE '${prefix}-%'" 2>/dev/null || echo '?')"
    echo "    (p50 ${p50_ms} ms, p99 ${p99_ms} ms from the --log files; ${stored} invoices stored for ${processed:-?} transactions; latency average ${latency_avg:-?} ms)"
    if [[ -z "${tps}" || "${pgbench_status}" -ne 0 || "${pg_failed}" -ne 0 || "${stored}" != "${processed:-x}" ]]; then
      echo "    pgbench exited with ${pgbench_status}, or failed transactions, or the stored count differs" >&2
      failed=1
    fi
    if [[ -z "${tps}" ]]; then
      rows+=("$(printf '%-16s %11s %11s %9s %9s %9s' "${limit_label}" "${c}" 'n/a' 'n/a' 'n/a' "${pg_failed}")")
      continue
    fi
    rate="$(awk -v t="${tps}" 'BEGIN { printf "%.1f", t }')"
    limit_rate[${c}]="${rate}"
    rows+=("$(printf '%-16s %11s %11s %9s %9s %9s' "${limit_label}" "${c}" "${rate}" "${p50_ms}" "${p99_ms}" "${pg_failed}")")
  done
  limit_name="pgbench"
fi

# --- report ---------------------------------------------------------------------------------
echo
if [[ "${DB}" == sqlite ]]; then
  echo "Results (SQLite, durable: synchronous=FULL, every 201 is on disk; ${DURATION} per row)"
else
  durable="every 201 is on disk"
  [[ "${pg_fsync}" == on && "${pg_sync_commit}" != off && "${pg_sync_commit}" != local ]] \
    || durable="NOT durable: a 201 may be lost in a crash"
  echo "Results (PostgreSQL ${pg_version%% *}, fsync=${pg_fsync}, synchronous_commit=${pg_sync_commit}: ${durable}; ${DURATION} per row)"
fi
echo "${mode_line}"
printf '%-16s %11s %11s %9s %9s %9s\n' 'scenario' 'connections' 'creates/s' 'p50 ms' 'p99 ms' 'non-201'
printf '%s\n' "${rows[@]}"
echo
pg_verdicts=()
for c in "${connection_counts[@]}"; do
  if [[ -n "${portaal_rate[${c}]:-}" && -n "${limit_rate[${c}]:-}" ]]; then
    awk -v c="${c}" -v p="${portaal_rate[${c}]}" -v d="${limit_rate[${c}]}" -v n="${limit_name}" \
      'BEGIN { printf "ratio portaal/%s at %3d connections: %.2f\n", n, c, (d > 0 ? p / d : 0) }'
    pg_verdicts+=("$(awk -v p="${portaal_rate[${c}]}" -v d="${limit_rate[${c}]}" 'BEGIN { print ((d > 0 && p / d >= 0.90) ? "MET" : "NOT MET") }')")
  else
    pg_verdicts+=("NOT MEASURED")
  fi
done
if [[ "${DB}" == sqlite && -n "${portaal_rate[64]:-}" ]]; then
  verdict="$(awk -v r="${portaal_rate[64]}" -v p="${portaal_p99[64]}" \
    'BEGIN { print ((r >= 8000 && p < 25) ? "MET" : "NOT MET") }')"
  echo "target at 64 connections (>= 8000 creates/s and p99 < 25 ms): ${verdict}" \
    "(${portaal_rate[64]} creates/s, p99 ${portaal_p99[64]} ms)"
fi
if [[ "${DB}" == postgres ]]; then
  overall="MET"
  detail=()
  for i in "${!connection_counts[@]}"; do
    detail+=("${connection_counts[${i}]}: ${pg_verdicts[${i}]}")
    [[ "${pg_verdicts[${i}]}" == MET ]] || overall="NOT MET"
  done
  echo "target on PostgreSQL (portaal >= 90% of the pgbench rate): ${overall} ($(IFS=,; printf '%s' "${detail[*]}" | sed 's/,/, /g'))"
fi
echo "invoice requests sent to portaal: ${invoices_made}"
if [[ "${WEBHOOK}" == hang ]]; then
  echo "outbox after the load: ${outbox_line}"
  echo "receiver: ${receiver_line:-printed no counts}"
fi
echo
echo "machine: $(nproc) CPUs, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
echo "load average (1, 5, 15 min): ${load_at_start} at the start, ${load_before_load} after the build, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "temporary folder's filesystem: $(df -PT "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $2 " on " $1 }')"
if [[ "${DB}" == postgres ]]; then
  pg_dir="$(psql "${db_url}" -X -qAt -c "SELECT current_setting('data_directory')" 2> /dev/null || true)"
  if [[ -n "${pg_dir}" && -d "${pg_dir}" ]]; then
    echo "PostgreSQL data directory's filesystem: $(df -PT "${pg_dir}" | awk 'NR == 2 { print $2 " on " $1 }')"
  fi
fi
echo "commit: $(git -C "${repo}" rev-parse --short HEAD 2> /dev/null || echo unknown)$(git -C "${repo}" diff --quiet HEAD -- src migrations Cargo.toml Cargo.lock 2> /dev/null || echo ' (with uncommitted changes in src/ or migrations/)')"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "command: ${command_line}"

# One line per connection count for bench/run-all.sh: scenario|db|connections|rate|p99|limit rate.
for c in "${connection_counts[@]}"; do
  echo "result|create|${DB}|${c}|${portaal_rate[${c}]:-n/a}|${portaal_p99[${c}]:-n/a}|${limit_rate[${c}]:-n/a}"
done
echo "result|rss-create|${DB}|VmRSS ${rss_idle_kb:-?} kB idle before the load; peak ${rss_peak_kb:-?} kB during it (sampled every 0.2 s), VmHWM ${rss_hwm_kb:-?} kB"

if [[ "${failed}" -ne 0 ]]; then
  echo "FAILED: some requests were not answered 201, or a step failed (see above)" >&2
  exit 1
fi
