#!/usr/bin/env bash
# Load test of POST /v1/customer-invoices/manual against a fresh local portaal, next to the
# ceiling of the same SQLite transaction run directly (examples/sqlite_limit.rs).
#
# Usage: bench/create-invoices.sh            (no arguments; see bench/README.md)
# Options by environment:
#   DURATION     per measurement, wrk syntax: 10s (default), 30s, 1m
#   CONNECTIONS  space-separated concurrency levels (default "1 16 64")
#   CUSTOMERS    customers to seed; each invoice picks one at random (default 100)
#
# Everything listens on 127.0.0.1 only, and every load is bounded by DURATION.
set -euo pipefail

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-1 16 64}"
CUSTOMERS="${CUSTOMERS:-100}"

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
command_line="DURATION=${DURATION} CONNECTIONS=\"${CONNECTIONS}\" CUSTOMERS=${CUSTOMERS} bench/create-invoices.sh"

# --- tools ----------------------------------------------------------------------------------
missing=()
command -v wrk > /dev/null || missing+=(wrk)
command -v curl > /dev/null || missing+=(curl)
if [[ "${#missing[@]}" -gt 0 ]]; then
  sudo=()
  if [[ "${EUID}" -ne 0 ]]; then
    command -v sudo > /dev/null || die "need root (or sudo) to install: ${missing[*]}"
    sudo=(sudo)
  fi
  echo "==> installing ${missing[*]} (apt-get)"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; then
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  fi
fi

load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "==> building (cargo build --release; may wait for the cargo build lock)"
cargo build --release
cargo build --release --example sqlite_limit
portaal="${repo}/target/release/portaal"
sqlite_limit="${repo}/target/release/examples/sqlite_limit"

# The figures mean little if something else (a build, tests) shares the CPUs.
load_before_load="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- a fresh server -------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/portaal-bench.XXXXXX")"
server_pid=""
stop_server() {
  if [[ -n "${server_pid}" ]]; then
    kill -TERM "${server_pid}" 2> /dev/null || true
    wait "${server_pid}" 2> /dev/null || true
    server_pid=""
  fi
}
cleanup() {
  stop_server
  rm -rf -- "${work}"
}
trap cleanup EXIT

export PORTAAL_DATA_DIR="${work}/data"
export PORTAAL_LOG=warn

# An account and a key with a rate limit far above what the benchmark sends (the default
# limit is 60 requests per minute). Created before the first start, so no bootstrap key.
account_json="$("${portaal}" accounts create --name "Benchmark" --json)"
account_id="$(grep -o '"id":"acc_[a-z0-9]*"' <<< "${account_json}" | head -n1 | cut -d'"' -f4)"
[[ -n "${account_id}" ]] || die "no account id in: ${account_json}"
key_json="$("${portaal}" api-keys create --account "${account_id}" --rate-limit 100000000 --json)"
token="$(grep -o '"token":"ptl_[^"]*"' <<< "${key_json}" | head -n1 | cut -d'"' -f4)"
[[ -n "${token}" ]] || die "no token in the api-keys create output"

server_log="${work}/server.log"
"${portaal}" serve --listen 127.0.0.1:0 > "${server_log}" 2>&1 &
server_pid=$!
api=""
for _ in $(seq 1 300); do
  api="$(grep -o 'the API is at http://127\.0\.0\.1:[0-9]*/v1' "${server_log}" | head -n1 | sed 's/^the API is at //')" || true
  [[ -n "${api}" ]] && break
  kill -0 "${server_pid}" 2> /dev/null || { cat "${server_log}" >&2; die "portaal serve exited"; }
  sleep 0.1
done
[[ -n "${api}" ]] || { cat "${server_log}" >&2; die "portaal serve did not start within 30 s"; }
echo "==> portaal (pid ${server_pid}) at ${api}; data in ${PORTAAL_DATA_DIR}"

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
stop_server
echo "==> portaal stopped"

# --- the same transaction straight at SQLite ------------------------------------------------
echo "==> ${sqlite_limit} --connections ${connections_csv} --duration-secs ${duration_secs} --customers ${CUSTOMERS}"
direct_out="${work}/direct.txt"
direct_status=0
TMPDIR="${work}" timeout "$(( duration_secs * ${#connection_counts[@]} + 120 ))" \
  "${sqlite_limit}" --connections "${connections_csv}" --duration-secs "${duration_secs}" \
  --customers "${CUSTOMERS}" > "${direct_out}" || direct_status=$?
sed 's/^/    /' "${direct_out}"
[[ "${direct_status}" -eq 0 ]] || { echo "    sqlite_limit exited with ${direct_status}" >&2; failed=1; }
declare -A direct_rate=()
while read -r label conns rate p50 p99 _creates errors; do
  [[ "${label}" == direct-sqlite ]] || continue
  c="${conns#connections=}"
  direct_rate[${c}]="${rate#rate=}"
  [[ "${errors#errors=}" -eq 0 ]] || failed=1
  rows+=("$(printf '%-16s %11s %11s %9s %9s %9s' 'direct SQLite' "${c}" "${rate#rate=}" "${p50#p50_ms=}" "${p99#p99_ms=}" "${errors#errors=}")")
done < "${direct_out}"

# --- report ---------------------------------------------------------------------------------
echo
echo "Results (durable: synchronous=FULL, every 201 is on disk; ${DURATION} per row)"
printf '%-16s %11s %11s %9s %9s %9s\n' 'scenario' 'connections' 'creates/s' 'p50 ms' 'p99 ms' 'non-201'
printf '%s\n' "${rows[@]}"
echo
for c in "${connection_counts[@]}"; do
  if [[ -n "${portaal_rate[${c}]:-}" && -n "${direct_rate[${c}]:-}" ]]; then
    awk -v c="${c}" -v p="${portaal_rate[${c}]}" -v d="${direct_rate[${c}]}" \
      'BEGIN { printf "ratio portaal/direct at %3d connections: %.2f\n", c, (d > 0 ? p / d : 0) }'
  fi
done
if [[ -n "${portaal_rate[16]:-}" ]]; then
  verdict="$(awk -v r="${portaal_rate[16]}" -v p="${portaal_p99[16]}" \
    'BEGIN { print ((r >= 2000 && p < 20) ? "MET" : "NOT MET") }')"
  echo "target at 16 connections (>= 2000 creates/s and p99 < 20 ms): ${verdict}" \
    "(${portaal_rate[16]} creates/s, p99 ${portaal_p99[16]} ms)"
fi
echo "invoice requests sent to portaal: ${invoices_made}"
echo
echo "machine: $(nproc) CPUs, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
echo "load average (1, 5, 15 min): ${load_at_start} at the start, ${load_before_load} after the build, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "temporary folder's filesystem: $(df -PT "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $2 " on " $1 }')"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "command: ${command_line}"

if [[ "${failed}" -ne 0 ]]; then
  echo "FAILED: some requests were not answered 201, or a step failed (see above)" >&2
  exit 1
fi
