#!/usr/bin/env bash
# Soak test: a release server under steady mixed traffic for DURATION seconds (creates,
# lists, gets, marks paid, idempotent retries, new customers) while webhooks go to a flaky
# receiver (500s and hangs on first calls). Passes when there was no 5xx and no other
# unexpected answer, every event reached the receiver, the outbox is empty, memory stayed
# bounded (RSS is printed every 10 s), every 201'd invoice and customer reads back as
# created and the license count equals the invoices acknowledged.
#
#   bash scripts/soak.sh                  10 minutes (DURATION=600)
#   DURATION=60 bash scripts/soak.sh      the CI form
#
# RATE (requests per second, default 25), DRAIN_LIMIT (seconds to wait for deliveries after
# the load, default 120) and KEEP_TMP=1 (keep the data folder) may be set. Loopback only.
set -euo pipefail

readonly DURATION=${DURATION:-600}
readonly RATE=${RATE:-25}
readonly DRAIN_LIMIT=${DRAIN_LIMIT:-120}

cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$SECONDS
tmp=$(mktemp -d "${TMPDIR:-/tmp}/portaal-soak.XXXXXX")
server_pid=''
receiver_pid=''

log() { printf '[%4ds] %s\n' "$((SECONDS - started))" "$*"; }

fail() {
    echo "soak: FAIL: $*" >&2
    local f lines
    for f in "$tmp/server.err" "$tmp/receiver.err"; do
        lines=$(grep -v 'will retry' "$f" 2>/dev/null | tail -n 10 || true)
        [[ -z $lines ]] || printf -- '--- last lines of %s:\n%s\n' "$(basename "$f")" "$lines" >&2
    done
    exit 1
}

# Stops what this script started (by PID, nothing else) and removes the data folder.
cleanup() {
    local rc=$? pid
    for pid in "$server_pid" "$receiver_pid"; do
        if [[ -n $pid ]]; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    if [[ ${KEEP_TMP:-} == 1 ]]; then echo "soak: data kept in $tmp" >&2; else rm -rf "$tmp"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the load driver (python3, standard library only) --------------------------------------
# Sends RATE requests a second, of mixed kinds, from a pool of threads; writes what was
# acknowledged to files for the final check, and prints RSS and latency every 10 s.
cat >"$tmp/driver.py" <<'PY'
import argparse, collections, json, os, random, sys, threading, time
import http.client, urllib.error, urllib.request
from concurrent.futures import ThreadPoolExecutor

p = argparse.ArgumentParser()
p.add_argument("--api", required=True)
p.add_argument("--customer", required=True)
p.add_argument("--duration", type=float, required=True)
p.add_argument("--rate", type=float, required=True)
p.add_argument("--pid", type=int, required=True)
p.add_argument("--out", required=True)
a = p.parse_args()
token = os.environ["PORTAAL_TOKEN"]

lock = threading.Lock()
invoices = {}          # id -> (number, amount) of every 201'd invoice
unpaid = []            # ids that may be marked paid
paid = set()           # ids marked paid (200)
customers = [a.customer]
statuses = collections.Counter()   # (kind, status)
problems = []          # unexpected answers, first few kept
latencies = []         # (finished at, seconds) of the last window
rss = []               # (seconds since start, kB)
counter = [0]
replays = [0]
t0 = time.monotonic()

def call(method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    h = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    h.update(headers or {})
    req = urllib.request.Request(a.api + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)

def next_number():
    with lock:
        counter[0] += 1
        return f"S-{counter[0]:07d}"

def invoice_body():
    with lock:
        customer = random.choice(customers)
    cents = random.randint(100, 100000)
    amount = f"{cents // 100}.{cents % 100:02d}"
    return {"customerId": customer, "invoiceNumber": next_number(), "issuedAt": "2025-04-14",
            "lines": [{"description": "Soak", "amountExclVat": amount, "vatRate": 21}]}

def remember(status, raw):
    if status == 201:
        inv = json.loads(raw)
        with lock:
            invoices[inv["id"]] = (inv["invoiceNumber"], inv["amount"])
            unpaid.append(inv["id"])

def op_create():
    status, raw, _ = call("POST", "/customer-invoices/manual", invoice_body())
    remember(status, raw)
    return status, {201}

def op_idempotent():
    body, key = invoice_body(), f"soak-{random.getrandbits(64):x}"
    status, raw, _ = call("POST", "/customer-invoices/manual", body, {"Idempotency-Key": key})
    remember(status, raw)
    again, raw2, headers = call("POST", "/customer-invoices/manual", body, {"Idempotency-Key": key})
    replayed = {k.lower(): v for k, v in headers.items()}.get("idempotent-replayed")
    if status == 201 and (again != 201 or raw2 != raw or replayed != "true"):
        return ("replay", again, replayed), {201}
    with lock:
        replays[0] += 1
    return status, {201}

def op_list():
    page = random.randint(1, 3)
    return call("GET", f"/customer-invoices?per_page=50&page={page}")[0], {200}

def op_get():
    with lock:
        ids = list(invoices) if invoices else None
    if not ids:
        return op_list()
    return call("GET", f"/customer-invoices/{random.choice(ids)}")[0], {200}

def op_pay():
    with lock:
        if not unpaid:
            return None
        inv = unpaid.pop(random.randrange(len(unpaid)))
    status, _, _ = call("PATCH", f"/customer-invoices/{inv}", {"paidAt": "2025-04-20 10:00:00"})
    if status == 200:
        with lock:
            paid.add(inv)
    return status, {200}

def op_customer():
    body = {"companyName": f"Soak {random.getrandbits(32):x} BV", "address": "Soakstraat 1",
            "zipCode": "1234AB", "city": "Amsterdam", "primaryEmail": "soak@example.com"}
    status, raw, _ = call("POST", "/customers", body)
    if status == 201:
        with lock:
            customers.append(json.loads(raw)["id"])
    return status, {201}

MIX = [(op_create, 30), (op_list, 25), (op_get, 25), (op_pay, 10), (op_customer, 5),
       (op_idempotent, 5)]
ops, weights = zip(*MIX)

def one():
    op = random.choices(ops, weights)[0]
    started = time.monotonic()
    try:
        result = op()
    except (OSError, http.client.HTTPException) as e:
        result = (f"error {e!r}", set())
    if result is None:
        return
    status, expected = result
    took = time.monotonic() - started
    with lock:
        statuses[(op.__name__, str(status))] += 1
        latencies.append(took)
        if status not in expected and len(problems) < 20:
            problems.append(f"{op.__name__}: {status}")

def rss_kb():
    with open(f"/proc/{a.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

def report():
    global latencies
    next_at = 10
    while True:
        time.sleep(max(0, t0 + next_at - time.monotonic()))
        with lock:
            window, latencies = sorted(latencies), []
            total = sum(statuses.values())
            errors = sum(n for (k, s), n in statuses.items() if s.startswith("5") or s.startswith("error"))
        kb = rss_kb()
        rss.append((next_at, kb))
        pct = lambda q: window[min(len(window) - 1, int(q * len(window)))] * 1000 if window else 0
        print(f"  [{next_at:4d}s] RSS {kb / 1024:6.1f} MB  requests {total:6d}  5xx/errors {errors}"
              f"  last 10 s: {len(window) / 10:5.1f} req/s  p50 {pct(0.5):5.1f} ms"
              f"  p99 {pct(0.99):6.1f} ms  max {pct(1.0):6.1f} ms", flush=True)
        next_at += 10
        if next_at > a.duration + 0.5:
            return

threading.Thread(target=report, daemon=True).start()
with ThreadPoolExecutor(32) as pool:
    interval, n = 1.0 / a.rate, 0
    while (now := time.monotonic()) < t0 + a.duration:
        pool.submit(one)
        n += 1
        time.sleep(max(0, t0 + n * interval - time.monotonic()))
time.sleep(0.5)

with open(os.path.join(a.out, "invoices.json"), "w") as f:
    json.dump({"invoices": invoices, "paid": sorted(paid), "customers": customers}, f)
print("  answers: " + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(statuses.items())))
print(f"  idempotent retries replayed byte for byte: {replays[0]}")
fivexx = sum(n for (k, s), n in statuses.items() if s.startswith("5"))
samples = [kb for _, kb in rss]
if samples:
    half = len(samples) // 2 or 1
    first, second = max(samples[:half]), max(samples[half:] or samples)
    print(f"  RSS: first half max {first / 1024:.1f} MB, second half max {second / 1024:.1f} MB, "
          f"final {samples[-1] / 1024:.1f} MB")
    if second > first * 1.5 + 16 * 1024:
        problems.append("RSS kept growing: second half max > 1.5 x first half max + 16 MB")
print(f"  5xx answers: {fivexx}")
if problems:
    print("  problems: " + "; ".join(problems))
    sys.exit(1)
PY

# Waits for deliveries, then checks everything acknowledged. Exit 1: deliveries missing.
cat >"$tmp/check.py" <<'PY'
import argparse, json, os, sqlite3, sys, urllib.request

p = argparse.ArgumentParser()
p.add_argument("mode", choices=["deliveries", "final"])
p.add_argument("--api", required=True)
p.add_argument("--data", required=True)
a = p.parse_args()
acked = json.load(open(os.path.join(a.data, "invoices.json")))
invoices, paid = acked["invoices"], set(acked["paid"])

records = []
with open(os.path.join(a.data, "received.jsonl"), encoding="utf-8") as f:
    records = [json.loads(l) for l in f if l.endswith("\n")]
delivered = {(r["type"], r["invoiceId"]) for r in records if r.get("answered") == 200}
missing = [i for i in invoices if ("invoice-created", i) not in delivered]
missing += [i for i in paid if ("invoice-paid", i) not in delivered]
if a.mode == "deliveries":
    print(f"{len(invoices) + len(paid) - len(missing)}/{len(invoices) + len(paid)} events delivered")
    sys.exit(1 if missing else 0)

bad = [r for r in records if not r["signatureOk"] or "error" in r]
flaky = sum(1 for r in records if r.get("answered") in (500, "hung"))
print(f"webhook calls: {len(records)} ({flaky} answered 500 or hung on purpose), "
      f"{len(delivered)} distinct events delivered, bad calls: {len(bad)}")
problems = []
if bad:
    problems.append(f"{len(bad)} bad webhook calls, e.g. {bad[0]}")
if missing:
    problems.append(f"{len(missing)} events never delivered, e.g. {missing[:3]}")

def get(path):
    req = urllib.request.Request(a.api + path,
                                 headers={"Authorization": f"Bearer {os.environ['PORTAAL_TOKEN']}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, None

unreadable = []
for inv_id, (number, amount) in invoices.items():
    status, body = get(f"/customer-invoices/{inv_id}")
    if status != 200 or body["invoiceNumber"] != number or body["amount"] != amount \
            or (body.get("paidAt") is not None) != (inv_id in paid):
        unreadable.append((inv_id, status))
for cst in acked["customers"]:
    status, _ = get(f"/customers/{cst}")
    if status != 200:
        unreadable.append((cst, status))
print(f"read back: {len(invoices)} invoices ({len(paid)} paid) and {len(acked['customers'])} "
      f"customers; wrong or missing: {len(unreadable)}")
if unreadable:
    problems.append(f"not read back as acknowledged: {unreadable[:5]}")

db = sqlite3.connect(f"file:{os.path.join(a.data, 'portaal.db')}?mode=ro", uri=True)
counted = db.execute("SELECT COALESCE(SUM(created), 0) FROM invoice_month_counts").fetchone()[0]
rows = db.execute("SELECT COUNT(*) FROM customer_invoices").fetchone()[0]
print(f"license count: {counted}; invoice rows: {rows}; invoices acknowledged: {len(invoices)}")
if not counted == rows == len(invoices):
    problems.append("the license count, the stored invoices and the 201s differ")
if problems:
    print("problems: " + "; ".join(problems))
    sys.exit(1)
PY

# --- server and receiver ---------------------------------------------------------------------

log "building: cargo build --release"
cargo build --release --quiet || fail "cargo build --release failed"
bin=target/release/portaal

read -r PORT RPORT < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
API="http://127.0.0.1:$PORT/v1"

PORTAAL_DATA_DIR="$tmp" PORTAAL_LOG=warn NO_COLOR=1 \
    "$bin" serve --listen "127.0.0.1:$PORT" --allow-private-webhooks --rate-limit 1000000 \
    >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!
for ((i = 0; i < 300; i++)); do
    grep -q 'the API is at' "$tmp/server.out" && break
    kill -0 "$server_pid" 2>/dev/null || fail "portaal exited while starting"
    sleep 0.1
done
grep -q 'the API is at' "$tmp/server.out" || fail "portaal did not start within 30 s"
token=$(grep -o 'ptl_[0-9a-f]*' "$tmp/server.out" | head -n 1)
export PORTAAL_TOKEN=$token

post() {
    local status
    status=$(curl -sS -o "$tmp/resp.json" -w '%{http_code}' -X POST "$API$1" \
        -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data "$2") ||
        fail "POST $1: curl failed"
    [[ $status == 201 ]] || fail "POST $1 answered $status: $(cat "$tmp/resp.json")"
}
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$tmp/resp.json" "$1"; }

post /customers '{"companyName":"Soak BV","address":"Soakstraat 1","zipCode":"1234AB",
                  "city":"Amsterdam","primaryEmail":"klant@example.com"}'
customer_id=$(field id)
post /webhooks "{\"url\":\"http://127.0.0.1:$RPORT/hook\",\"type\":\"invoice-created\"}"
secret=$(field secret)
post /webhooks "{\"url\":\"http://127.0.0.1:$RPORT/hook\",\"type\":\"invoice-paid\"}"
secret_paid=$(field secret)

# 10 % of first calls answered 500, 3 % held past the sender's 10 s timeout.
python3 scripts/webhook_receiver.py --port "$RPORT" --out "$tmp/received.jsonl" --secret "$secret" \
    --secret "$secret_paid" --fail-ratio 0.10 --hang-ratio 0.03 --hang-seconds 12 2>"$tmp/receiver.err" &
receiver_pid=$!
log "portaal pid $server_pid on 127.0.0.1:$PORT; flaky receiver on $RPORT; data in $tmp"

# --- load ------------------------------------------------------------------------------------

log "load: $RATE requests/s for $DURATION s"
driver_rc=0
python3 "$tmp/driver.py" --api "$API" --customer "$customer_id" --duration "$DURATION" \
    --rate "$RATE" --pid "$server_pid" --out "$tmp" || driver_rc=$?
((driver_rc == 0)) || fail "unexpected answers or growing memory during the load (see above)"

# --- drain and check -------------------------------------------------------------------------

log "waiting (at most $DRAIN_LIMIT s) for every webhook to be delivered"
deadline=$((SECONDS + DRAIN_LIMIT))
while :; do
    progress=$(python3 "$tmp/check.py" deliveries --api "$API" --data "$tmp") && break
    ((SECONDS < deadline)) || fail "not every event was delivered within $DRAIN_LIMIT s: $progress"
    sleep 2
done
log "$progress"
outbox() { PORTAAL_DATA_DIR="$tmp" "$bin" outbox list --status "$1" --json --limit 10000; }
for ((i = 0; i < 30; i++)); do [[ -z $(outbox pending) ]] && break; sleep 1; done
pending=$(outbox pending | wc -l)
failed=$(outbox failed | wc -l)
delivered=$(outbox delivered | wc -l)
echo "outbox: $delivered delivered, $pending pending, $failed failed"
((pending == 0 && failed == 0)) || fail "the outbox is not empty"
python3 "$tmp/check.py" final --api "$API" --data "$tmp" || fail "the final consistency check"
log "soak passed: ${DURATION} s at $RATE requests/s, RSS final $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$server_pid/status)"
