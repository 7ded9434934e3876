#!/usr/bin/env bash
# The read benchmark: seeds one account with INVOICES invoices (examples/seed_invoices.rs),
# then measures, with wrk at each of CONNECTIONS (space-separated) for DURATION each:
#   list page 1, list page 5,000, list filtered by one customer, and GET by a random ID.
# Also: cold start (launch of `portaal serve` on the seeded database to the first 200
# answer), resident memory idle and during the reads, and (with PLANS=1) writes the query
# plans of the four queries to bench/plans/. On PostgreSQL the limit for each scenario is
# pgbench running the store's SELECT (-M prepared) at the same connection count.
#
#   bench/read-invoices.sh                       # SQLite, 1,000,000 invoices
#   DB=postgres bench/read-invoices.sh           # PostgreSQL (fresh database, dropped after)
#   INVOICES=100000 DURATION=5s CONNECTIONS="16" PLANS=1 bench/read-invoices.sh
#
# Prints one `result|...` line per scenario for bench/run-all.sh.
set -euo pipefail

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-1 16}"
INVOICES="${INVOICES:-1000000}"
CUSTOMERS="${CUSTOMERS:-1000}"
DB="${DB:-sqlite}"
PLANS="${PLANS:-0}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
duration_secs="${DURATION%s}"

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${bench_dir}/.." && pwd)"
cd "${repo}"
die() { printf 'read-invoices.sh: %s\n' "$*" >&2; exit 1; }
case "${DB}" in sqlite | postgres) ;; *) die "DB must be sqlite or postgres" ;; esac
[[ "${duration_secs}" =~ ^[0-9]+$ ]] || die "DURATION must be whole seconds, like 10s"
command -v wrk > /dev/null || die "wrk is missing (apt-get install -y wrk)"
[[ "${DB}" == sqlite ]] || command -v pgbench > /dev/null || die "pgbench is missing (apt-get install -y postgresql-client)"

cargo build --release --bin portaal --example seed_invoices
portaal="${repo}/target/release/portaal"

work="$(mktemp -d "${TMPDIR:-/tmp}/portaal-read.XXXXXX")"
server_pid=""
pg_db=""
stop_server() {
  if [[ -n "${server_pid}" ]]; then
    kill -TERM "${server_pid}" 2> /dev/null || true
    wait "${server_pid}" 2> /dev/null || true
    server_pid=""
  fi
}
cleanup() {
  stop_server
  if [[ -n "${pg_db}" ]]; then
    psql "${PG_ADMIN_URL}" -X -q -c "DROP DATABASE IF EXISTS \"${pg_db}\" WITH (FORCE)" > /dev/null || true
  fi
  rm -rf -- "${work}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export PORTAAL_DATA_DIR="${work}/data"
export PORTAAL_LOG="${PORTAAL_LOG:-warn}"
unset PORTAAL_DATABASE_URL
if [[ "${DB}" == postgres ]]; then
  pg_db="portaal_read_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  psql "${PG_ADMIN_URL}" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"${pg_db}\"" || { pg_db=""; die "cannot create a database"; }
  admin_base="${PG_ADMIN_URL%%\?*}"
  db_url="${admin_base%/*}/${pg_db}${PG_ADMIN_URL#"${admin_base}"}"
else
  mkdir -p "${PORTAAL_DATA_DIR}"
  db_url="sqlite:${PORTAAL_DATA_DIR}/portaal.db"
fi
db_args=(--database-url "${db_url}")

"${portaal}" "${db_args[@]}" migrate > /dev/null
account_json="$("${portaal}" "${db_args[@]}" accounts create --name "Read benchmark" --json)"
account_id="$(grep -o '"id":"acc_[a-z0-9]*"' <<< "${account_json}" | head -n1 | cut -d'"' -f4)"
key_json="$("${portaal}" "${db_args[@]}" api-keys create --account "${account_id}" --rate-limit 100000000 --json)"
token="$(grep -o '"token":"ptl_[^"]*"' <<< "${key_json}" | head -n1 | cut -d'"' -f4)"
[[ -n "${account_id}" && -n "${token}" ]] || die "could not create the account and key"

echo "==> seeding ${INVOICES} invoices over ${CUSTOMERS} customers"
seed_started="$(date +%s%N)"
"${repo}/target/release/examples/seed_invoices" --database-url "${db_url}" --account "${account_id}" \
  --customers "${CUSTOMERS}" --invoices "${INVOICES}"
seed_secs="$(awk -v a="${seed_started}" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
echo "result|seed|${DB}|${INVOICES} invoices in ${seed_secs} s"

# --- cold start: launch to the first 200 on an existing (seeded) database --------------------
sync
server_log="${work}/server.log"
started="$(date +%s%N)"
"${portaal}" "${db_args[@]}" serve --listen 127.0.0.1:0 > "${server_log}" 2>&1 &
server_pid=$!
api=""
first_ok=""
for _ in $(seq 1 20000); do
  if [[ -z "${api}" ]]; then
    api="$(grep -o 'the API is at http://127\.0\.0\.1:[0-9]*/v1' "${server_log}" | head -n1 | sed 's/^the API is at //')" || true
  fi
  if [[ -n "${api}" ]] && curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${token}" \
      "${api}/customer-invoices/inv_seed0000000001" | grep -q '^200$'; then
    first_ok="$(date +%s%N)"
    break
  fi
  kill -0 "${server_pid}" 2> /dev/null || { cat "${server_log}" >&2; die "portaal serve exited"; }
  sleep 0.002
done
[[ -n "${first_ok}" ]] || die "no 200 within the wait"
cold_ms="$(awk -v a="${started}" -v b="${first_ok}" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')"
echo "result|cold-start|${DB}|${cold_ms} ms from launch to the first 200 (GET by id, ${INVOICES} invoices)"
rss_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/${server_pid}/status"; }
sleep 2
echo "result|rss-idle|${DB}|VmRSS $(rss_kb VmRSS) kB after start and one request, 2 s idle"

# --- the four scenarios -------------------------------------------------------------------
customer="cst_seed000042"
scenario_names=(page-1 page-5000 by-customer by-id)
scenario_paths=("/v1/customer-invoices" "/v1/customer-invoices?page=5000"
  "/v1/customer-invoices?customerId=${customer}" "/v1/customer-invoices/{id}")
# The store's SELECTs (src/store/sql/invoices.rs) with literal values, for plans and pgbench.
cols="id, customer_id, invoice_number, issued_at, due_at, currency, amount_cents, lines, has_pdf, paid_at, payment_token, send_notification, notification_status, created_at"
list_sql() { # $1: extra filter, $2: offset (the deferred join of list_invoices)
  printf "SELECT %s FROM customer_invoices WHERE id IN (SELECT id FROM customer_invoices WHERE account_id = '%s' AND deleted_at IS NULL%s ORDER BY created_at DESC, id DESC LIMIT 16 OFFSET %s) ORDER BY created_at DESC, id DESC" \
    "${cols}" "${account_id}" "$1" "$2"
}
by_id_sql() { # $1: the ID as an SQL expression
  printf "SELECT %s FROM customer_invoices WHERE account_id = '%s' AND id = %s AND deleted_at IS NULL" \
    "${cols}" "${account_id}" "$1"
}
scenario_sql=("$(list_sql "" 0)" "$(list_sql "" 74985)" "$(list_sql " AND customer_id = '${customer}'" 0)"
  "$(by_id_sql "'inv_seed0000500000'")")

if [[ "${PLANS}" == 1 ]]; then
  mkdir -p "${bench_dir}/plans"
  for i in "${!scenario_names[@]}"; do
    plan="${bench_dir}/plans/${DB}-${scenario_names[$i]}.txt"
    {
      echo "-- ${DB}, ${INVOICES} invoices in one account, ${CUSTOMERS} customers; $(date -u '+%Y-%m-%d')"
      echo "-- ${scenario_sql[$i]//${account_id}/ACCOUNT}"
      if [[ "${DB}" == sqlite ]]; then
        sqlite3 "file:${PORTAAL_DATA_DIR}/portaal.db?mode=ro" "EXPLAIN QUERY PLAN ${scenario_sql[$i]}"
      else
        psql "${db_url}" -X -qAt -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${scenario_sql[$i]}" \
          | sed -E 's/[0-9]+\.[0-9]+ ms/N ms/; s/actual time=[0-9.]+\.\.[0-9.]+/actual time=…/'
      fi
    } | sed "s/${account_id}/ACCOUNT/g" > "${plan}"
    echo "==> plan written: ${plan}"
  done
fi

to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; printf "%.2f", n }'
}
peak_rss=0
failed=0
read -r -a connection_counts <<< "${CONNECTIONS}"
for c in "${connection_counts[@]}"; do
threads=$(( c < 2 ? c : 2 ))
for i in "${!scenario_names[@]}"; do
  name="${scenario_names[$i]}"
  out="${work}/wrk-${name}-${c}.txt"
  echo "==> ${name}: wrk -t${threads} -c${c} -d${DURATION} GET ${scenario_paths[$i]}"
  BENCH_TOKEN="${token}" BENCH_PATH="${scenario_paths[$i]}" BENCH_INVOICES="${INVOICES}" \
    wrk -t"${threads}" -c"${c}" -d"${DURATION}" --latency -s "${bench_dir}/read-invoice.lua" \
    "${api%/v1}" > "${out}" 2>&1 &
  wrk_pid=$!
  while kill -0 "${wrk_pid}" 2> /dev/null; do
    rss="$(rss_kb VmRSS)"; (( rss > peak_rss )) && peak_rss="${rss}"
    sleep 0.2
  done
  wait "${wrk_pid}" || failed=1
  sed 's/^/    /' "${out}"
  requests="$(sed -n 's/^bench-result requests=\([0-9]*\).*/\1/p' "${out}")"
  non200="$(sed -n 's/.* non200=\([0-9]*\).*/\1/p' "${out}")"
  elapsed="$(awk '/ requests in / { sub(/s,$/, "", $4); print $4; exit }' "${out}")"
  rate="$(awk -v n="${requests:-0}" -v s="${elapsed:-1}" 'BEGIN { printf "%.0f", n / s }')"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2; exit }' "${out}")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2; exit }' "${out}")")"

  limit="n/a|n/a"
  if [[ "${DB}" == postgres ]]; then
    sql_file="${work}/pg-${name}.sql"
    if [[ "${name}" == by-id ]]; then
      printf '\\set i random(1, %s)\n%s;\n' "${INVOICES}" \
        "$(by_id_sql "'inv_seed' || lpad(:i::text, 10, '0')")" > "${sql_file}"
    else
      printf '%s;\n' "${scenario_sql[$i]}" > "${sql_file}"
    fi
    pgbench -n -M prepared -c "${c}" -j "${threads}" -T "${duration_secs}" -f "${sql_file}" \
      --log --log-prefix="${work}/pglog-${name}" "${db_url}" > "${work}/pgbench-${name}.txt" 2>&1 || failed=1
    tps="$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "${work}/pgbench-${name}.txt")"
    lp99="$(cat "${work}/pglog-${name}".* | awk '{ print $3 }' | sort -n \
      | awk '{ v[NR] = $1 } END { r = int(NR * 0.99); if (r < 1) r = 1; printf "%.2f", v[r] / 1000 }')"
    rm -f "${work}/pglog-${name}".*
    limit="$(printf '%.0f' "${tps:-0}")|${lp99}"
  fi
  echo "result|read-${name}|${DB}|${c}|${rate}|${p50}|${p99}|${limit}|${non200:-?}"
done
done
sleep 2
echo "result|rss-reads|${DB}|VmRSS peak ${peak_rss} kB (sampled every 0.2 s) during the reads; VmHWM $(rss_kb VmHWM) kB; $(rss_kb VmRSS) kB 2 s after"
stop_server
[[ "${failed}" -eq 0 ]] || die "a wrk or pgbench run failed (see above)"
