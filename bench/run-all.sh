#!/usr/bin/env bash
# Runs every benchmark scenario of issue 7 on both backends and writes bench/RESULTS.md:
#   creates (bench/create-invoices.sh, SQLite and PostgreSQL, 1/16/64 connections),
#   reads, cold start and memory (bench/read-invoices.sh with a million seeded invoices,
#   which also rewrites the query plans in bench/plans/).
#
#   bench/run-all.sh
#   DURATION=5s INVOICES=100000 bench/run-all.sh     # a quicker, smaller run
#
# Needs wrk, curl, sqlite3, psql and pgbench, and PostgreSQL at PG_ADMIN_URL (default
# postgres://postgres@127.0.0.1:5432/postgres). Takes about 10 minutes with the defaults.
# Each step's full output is kept in bench/logs/ (not committed).
set -uo pipefail

DURATION="${DURATION:-10s}"
INVOICES="${INVOICES:-1000000}"
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${bench_dir}/.." && pwd)"
cd "${repo}"
logs="${bench_dir}/logs"
mkdir -p "${logs}"
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"

status=0
step() { # name, then the command
  local name="$1"; shift
  echo "==> ${name}: $*"
  if ! env "$@" > "${logs}/${name}.log" 2>&1; then
    echo "    FAILED (see bench/logs/${name}.log)"
    status=1
  fi
  grep '^result|' "${logs}/${name}.log" | sed 's/^/    /'
}
step create-sqlite DB=sqlite DURATION="${DURATION}" bench/create-invoices.sh
step create-postgres DB=postgres DURATION="${DURATION}" bench/create-invoices.sh
step read-sqlite DB=sqlite DURATION="${DURATION}" INVOICES="${INVOICES}" PLANS=1 bench/read-invoices.sh
step read-postgres DB=postgres DURATION="${DURATION}" INVOICES="${INVOICES}" PLANS=1 bench/read-invoices.sh

results="$(cat "${logs}"/{create-sqlite,create-postgres,read-sqlite,read-postgres}.log | grep '^result|')"
verdict() { awk -v ok="$1" 'BEGIN { print (ok ? "met" : "**not met**") }'; }

{
  echo "# Benchmark results"
  echo
  echo "Written by \`bench/run-all.sh\` (DURATION=${DURATION}, INVOICES=${INVOICES}); started ${started}."
  echo "Commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src migrations examples bench/*.sh || echo ' (with uncommitted changes)')."
  echo
  echo "Machine: $(nproc) CPUs, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r),"
  echo "$(free -m | awk '/^Mem:/ { print $2 " MB RAM" }'); load average (1, 5, 15 min) ${load_at_start} at the start,"
  echo "$(cut -d' ' -f1-3 /proc/loadavg) at the end. The load generator (wrk or pgbench) shares the CPUs with the server;"
  echo "on a shared machine (a load average above 2 at the start) the figures are noisy."
  echo
  echo "## Creates (POST /v1/customer-invoices/manual, every 201 durable)"
  echo
  echo "Limit: on SQLite \`examples/sqlite_limit.rs\` (the same statements, one transaction and fsync per"
  echo "create, no group commit); on PostgreSQL \`pgbench -M prepared\` with \`bench/pg-create-invoice.sql\`."
  echo
  echo "| backend | connections | portaal creates/s | p99 ms | limit creates/s | ratio | target | verdict |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"
  while IFS='|' read -r _ _ db c rate p99 limit; do
    ratio="$(awk -v a="${rate}" -v b="${limit}" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.2f", a / b; else print "n/a" }')"
    if [[ "${db}" == sqlite && "${c}" == 64 ]]; then
      target=">= 8000/s, p99 < 25 ms"; v="$(verdict "$(awk -v r="${rate}" -v p="${p99}" 'BEGIN { print (r >= 8000 && p < 25) }')")"
    elif [[ "${db}" == postgres ]]; then
      target=">= 0.90 of pgbench"; v="$(verdict "$(awk -v r="${ratio}" 'BEGIN { print (r + 0 >= 0.90) }')")"
    else
      target="-"; v="-"
    fi
    echo "| ${db} | ${c} | ${rate} | ${p99} | ${limit} | ${ratio} | ${target} | ${v} |"
  done < <(grep '^result|create|' <<< "${results}")
  echo
  echo "## Reads (${INVOICES} invoices in one account, 1,000 customers; p99 target < 10 ms)"
  echo
  echo "Limit (PostgreSQL only): \`pgbench -M prepared\` running the store's SELECT at the same connection count."
  echo
  echo "| backend | scenario | connections | portaal req/s | p50 ms | p99 ms | limit req/s | limit p99 ms | ratio | verdict |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  while IFS='|' read -r _ scenario db c rate p50 p99 lrate lp99 _; do
    ratio="$(awk -v a="${rate}" -v b="${lrate}" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "n/a" }')"
    echo "| ${db} | ${scenario#read-} | ${c} | ${rate} | ${p50} | ${p99} | ${lrate} | ${lp99} | ${ratio} | $(verdict "$(awk -v p="${p99}" 'BEGIN { print (p + 0 < 10) }')") |"
  done < <(grep '^result|read-' <<< "${results}")
  echo
  echo "A row marked not met: \`bench/README.md\` (\"Issue 7, second pass\") has the profile that says"
  echo "where its time goes and why the gap is the hardware's, or what would close it."
  echo
  echo "## Memory, cold start, seeding"
  echo
  echo "Targets: resident set under 60 MB during the create benchmark and under 20 MB idle; cold"
  echo "start (launch of \`portaal serve\` on an existing database to the first answered request) under 300 ms."
  echo
  grep -E '^result\|(rss|cold|seed)' <<< "${results}" | awk -F'|' '{ printf "- %s, %s: %s\n", $2, $3, $4 }'
  echo
  echo "Query plans: \`bench/plans/\`. Command: \`DURATION=${DURATION} INVOICES=${INVOICES} bench/run-all.sh\`."
} > "${bench_dir}/RESULTS.md"
echo "==> wrote bench/RESULTS.md"
exit "${status}"
