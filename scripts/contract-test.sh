#!/usr/bin/env bash
# Contract fuzzing: schemathesis generates requests for every operation in the OpenAPI
# document a running server serves at /v1/openapi.json, and checks that no answer is a 5xx,
# every status is documented, and every body matches its documented schema. Then
# scripts/contract_check.py makes sure every documented status is actually reachable.
#
#   bash scripts/contract-test.sh        exit 0: pass
#
# Two schemathesis runs: one with generated IDs (mostly 404s, and path fuzzing), one with the
# IDs of seeded objects (real 200s to check). CONTRACT_EXAMPLES bounds the cases per
# operation and phase (default 25: a minute or two in all). Loopback only; a temporary SQLite
# data folder; KEEP_TMP=1 keeps it with the server log and the reports.
set -euo pipefail

readonly SCHEMATHESIS_VERSION=4.32.5
readonly EXAMPLES=${CONTRACT_EXAMPLES:-25}

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
tmp=$(mktemp -d "${TMPDIR:-/tmp}/portaal-contract.XXXXXX")
server_pid=''

fail() {
    echo "contract-test: FAIL: $*" >&2
    [[ -f $tmp/server.err ]] && tail -n 20 "$tmp/server.err" >&2
    exit 1
}

cleanup() {
    local rc=$?
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ ${KEEP_TMP:-} == 1 ]]; then echo "contract-test: kept $tmp" >&2; else rm -rf "$tmp"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $(schemathesis --version 2>/dev/null) != *"$SCHEMATHESIS_VERSION"* ]]; then
    echo "contract-test: installing schemathesis $SCHEMATHESIS_VERSION"
    python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

echo "contract-test: cargo build --release"
cargo build --release --locked --quiet
bin=$root/target/release/portaal
export PORTAAL_DATA_DIR=$tmp NO_COLOR=1

# Accounts and keys, made before the first start so that no default key is printed:
# one key with every scope, one with a scope no operation needs, one allowed a single
# request a minute, and one on an account whose monthly invoice limit is 0.
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
"$bin" migrate >/dev/null
account=$("$bin" accounts create --name Contract --json | json_field id)
limited=$("$bin" accounts create --name Limited --monthly-invoice-limit 0 --json | json_field id)
# Seller details, so that the account's manual invoices can be e-invoices (GET .../ubl).
"$bin" accounts update --id "$account" --legal-name "Contract B.V." --street "Keizersgracht 1" \
    --zip-code 1015AA --city Amsterdam --kvk-number 69591231 --vat-number NL859467032B01 \
    --iban NL91ABNA0417164300 >/dev/null
CONTRACT_TOKEN=$("$bin" api-keys create --account "$account" --json | json_field token)
CONTRACT_TOKEN_NO_SCOPE=$("$bin" api-keys create --account "$account" --scope tickets.read --json | json_field token)
CONTRACT_TOKEN_LIMITED_RATE=$("$bin" api-keys create --account "$account" --rate-limit 1 --json | json_field token)
CONTRACT_TOKEN_NO_INVOICES=$("$bin" api-keys create --account "$limited" --json | json_field token)
export CONTRACT_TOKEN CONTRACT_TOKEN_NO_SCOPE CONTRACT_TOKEN_LIMITED_RATE CONTRACT_TOKEN_NO_INVOICES

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
api="http://127.0.0.1:$port/v1"
# Webhooks the runs create may name public hosts; with no outbox worker, nothing is ever
# delivered to them (the deliveries stay queued in this throwaway database).
PORTAAL_LOG=warn "$bin" serve --listen "127.0.0.1:$port" --rate-limit 1000000 --no-outbox-worker \
    >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!
for _ in $(seq 1 300); do
    grep -q 'the API is at' "$tmp/server.out" && break
    kill -0 "$server_pid" 2>/dev/null || fail "portaal exited while starting"
    sleep 0.1
done
curl -sf "$api/openapi.json" -o "$tmp/openapi.json" || fail "no document at $api/openapi.json"

# One object per path parameter, from the areas' files in scripts/contract/.
seeded=$(python3 scripts/contract_check.py seed "$api") || fail "seeding failed"

# The token reaches schemathesis through its config file (from the environment), so that
# neither ps nor the report shows it.
cat >"$tmp/schemathesis.toml" <<TOML
headers = { Authorization = "Bearer \${CONTRACT_TOKEN}" }
TOML
cat >"$tmp/schemathesis-seeded.toml" <<TOML
headers = { Authorization = "Bearer \${CONTRACT_TOKEN}" }
[parameters]
$seeded
TOML

run_schemathesis() {
    local name=$1
    echo "contract-test: schemathesis ($name IDs, at most $EXAMPLES cases per operation and phase)"
    # One worker: with two, hypothesis' AST parsing failed here under this machine's CPython
    # 3.11.7 ("AST constructor recursion depth mismatch", a thread race). No --max-time: it makes the
    # fuzzing phases repeat until the time is spent; `timeout` only guards against a hang.
    # Run from the temporary folder: schemathesis keeps a .schemathesis cache where it runs.
    (cd "$tmp" && timeout 600 schemathesis --config-file "$tmp/$2" run "$api/openapi.json" \
        --checks not_a_server_error,status_code_conformance,response_schema_conformance \
        --max-examples "$EXAMPLES" --workers 1 --request-timeout 30 \
        --report ndjson --report-ndjson-path "$tmp/$name.ndjson" \
        >"$tmp/$name.txt" 2>&1) || { tail -n 80 "$tmp/$name.txt"; fail "schemathesis ($name IDs) found failures"; }
    grep -E '[0-9]+ generated, ' "$tmp/$name.txt" | sed 's/^ */  /'
}
run_schemathesis generated schemathesis.toml
run_schemathesis seeded schemathesis-seeded.toml

echo "contract-test: every documented status reachable"
python3 scripts/contract_check.py reach "$api" "$tmp/openapi.json" \
    "$tmp/generated.ndjson" "$tmp/seeded.ndjson" || fail "see the lines above"

# A 5xx the runs did not flag (or one from the hand-written requests) shows in the log.
if grep -q 'request failed on our side\|panicked' "$tmp/server.err" "$tmp/server.out"; then
    fail "the server log shows a 5xx or a panic"
fi
echo "contract-test: passed"
