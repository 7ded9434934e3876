#!/usr/bin/env bash
# Crash test of the transactional outbox: every invoice the API acknowledged with a 201 must
# reach its webhook (and its customer's mailbox) at least once, although the receiver is down
# while the invoices are created and the server is killed with SIGKILL halfway through.
# Duplicates are allowed (at least once), losses are not.
#
#   bash scripts/crash-test.sh        exit 0: pass; otherwise a message says what failed
#
# Loopback only. Takes about 2 minutes after the build: deliveries the killed process had
# claimed stay leased for 2 minutes (LEASE in src/outbox/worker.rs) before the restarted
# server may try them again. KEEP_TMP=1 keeps the data folder for inspection.
set -euo pipefail

readonly N=200          # invoices to create in total, before and after the crash
readonly KILL_AT=100    # after this many 201s, SIGKILL the server while it holds a delivery
readonly PARALLEL=8     # concurrent create requests
readonly PACE=0.03      # seconds each of them waits between requests: at most ~250 creates/s
readonly WAIT_LIMIT=170 # seconds to wait for deliveries: lease (120 s) + first retry + slack

cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$SECONDS
tmp=$(mktemp -d "${TMPDIR:-/tmp}/portaal-crash.XXXXXX")
server_pid=''
receiver_pid=''

log() { printf '[%3ds] %s\n' "$((SECONDS - started))" "$*"; }

fail() {
    echo "crash-test: FAIL: $*" >&2
    # The logs' last lines, without the expected warnings about the receiver being down.
    local f lines
    for f in "$tmp"/server*.err "$tmp"/receiver.err; do
        lines=$(grep -v 'will retry' "$f" 2>/dev/null | tail -n 10 || true)
        if [[ -n $lines ]]; then
            echo "--- last lines of $(basename "$f"):" >&2
            echo "$lines" >&2
        fi
    done
    exit 1
}

# Kills what this script started (by PID, nothing else) and removes the data folder.
cleanup() {
    local rc=$? pid
    for pid in "$server_pid" "$receiver_pid"; do
        if [[ -n $pid ]]; then
            kill -KILL "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    if [[ ${KEEP_TMP:-} == 1 ]]; then
        echo "crash-test: data kept in $tmp" >&2
    else
        rm -rf "$tmp"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers run by python3 (standard library only) ----------------------------------------

# The load generator: COUNT creates with PARALLEL threads, each pausing PACE seconds between
# requests so that the traffic lasts a few seconds and the outbox worker (which polls every
# 200 ms) is busy when the server dies. Every 201 is appended to OUT as
# "<invoice id> TAB <invoice number>".
# With --kill-pid: once KILL_AT creates are acknowledged, it watches the outbox (read-only)
# and SIGKILLs the server the moment a delivery is claimed but not yet finished, so that the
# restart has to recover a lease of the dead process; if none is seen within --kill-wait
# seconds (or before COUNT - 25 creates are acknowledged) it kills anyway. Requests in flight then get no answer (not acknowledged, so not
# counted) and no more are sent.
cat >"$tmp/client.py" <<'PY'
import argparse, collections, http.client, json, os, signal, sqlite3, sys, threading, time
import urllib.error, urllib.request
from concurrent.futures import ThreadPoolExecutor

p = argparse.ArgumentParser()
p.add_argument("--api", required=True)
p.add_argument("--customer", required=True)
p.add_argument("--prefix", required=True)
p.add_argument("--count", type=int, required=True)
p.add_argument("--parallel", type=int, required=True)
p.add_argument("--pace", type=float, default=0.0)
p.add_argument("--out", required=True)
p.add_argument("--kill-pid", type=int)
p.add_argument("--kill-at", type=int)
p.add_argument("--kill-wait", type=float, default=1.0)
p.add_argument("--db")
a = p.parse_args()
token = os.environ["PORTAAL_TOKEN"]  # not on the command line, where ps shows it

lock = threading.Lock()
reached = threading.Event()  # KILL_AT creates acknowledged
killed = threading.Event()
acked = 0
out = open(a.out, "a", encoding="utf-8")

def create(i):
    global acked
    if killed.is_set():
        return "not sent: the server was killed"
    number = f"{a.prefix}-{i:04d}"
    body = {"customerId": a.customer, "invoiceNumber": number, "issuedAt": "2025-04-14",
            "sendNotification": True,
            "lines": [{"description": "x", "amountExclVat": "10.00", "vatRate": 21}]}
    req = urllib.request.Request(
        a.api + "/customer-invoices/manual", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, payload = r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return f"HTTP {e.code}: {e.read()[:300].decode(errors='replace')}"
    except (OSError, http.client.HTTPException) as e:
        if killed.is_set():
            return "no answer: the server was killed"
        return f"unexpected error: {e!r}"
    finally:
        time.sleep(a.pace)
    if status != 201:
        return f"HTTP {status}"
    with lock:
        out.write(f"{payload['id']}\t{number}\n")
        out.flush()
        acked += 1
        if a.kill_pid and acked == a.kill_at:
            reached.set()
    return "201"

def killer():
    reached.wait()
    db = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    deadline = time.monotonic() + a.kill_wait
    leased = 0
    # A batch of several: one lone delivery is often finished before the signal lands. Kill
    # by COUNT - 25 creates anyway, so that some are left for after the restart.
    while leased < 8 and time.monotonic() < deadline and acked < a.count - 25:
        try:
            leased = db.execute(
                "SELECT count(*) FROM deliveries WHERE status = 'pending' AND locked_until > ?",
                (int(time.time() * 1_000_000),)).fetchone()[0]
        except sqlite3.Error:
            pass  # the server holds a lock for a moment; look again
        time.sleep(0.001)
    killed.set()  # first, so every failure seen from now on is put down to the kill
    os.kill(a.kill_pid, signal.SIGKILL)
    with lock:
        why = (f"{leased} deliveries were claimed and not finished" if leased >= 8
               else "no batch was being delivered at that moment")
        print(f"  SIGKILL after {acked} acknowledged creates: {why}", flush=True)

if a.kill_pid:
    watch = threading.Thread(target=killer, daemon=True)
    watch.start()
with ThreadPoolExecutor(a.parallel) as pool:
    outcomes = collections.Counter(pool.map(create, range(1, a.count + 1)))
if a.kill_pid:
    reached.set()  # fewer than KILL_AT were acknowledged: kill now rather than never
    watch.join()
print(f"  {a.prefix}: {a.count} creates: "
      + ", ".join(f"{n} {o}" for o, n in outcomes.most_common()))
expected = {"201", "not sent: the server was killed", "no answer: the server was killed"}
if not set(outcomes) <= expected:
    sys.exit("unexpected answers (see above)")
PY

# Compares what arrived with what was acknowledged. Exit 0: everything arrived; 1: not yet;
# 2: something arrived that is wrong (bad signature, not an event), no use waiting.
cat >"$tmp/check.py" <<'PY'
import argparse, email, email.policy, glob, json, os, re, sys

p = argparse.ArgumentParser()
p.add_argument("mode", choices=["progress", "report"])
p.add_argument("--acked", required=True)
p.add_argument("--received", required=True)
p.add_argument("--mail-dir", required=True)
a = p.parse_args()

acked = dict(line.rstrip("\n").split("\t") for line in open(a.acked, encoding="utf-8"))
records = []
if os.path.exists(a.received):
    with open(a.received, encoding="utf-8") as f:
        # Only whole lines: the receiver may be writing the last one right now.
        records = [json.loads(l) for l in f if l.endswith("\n")]
bad_signature = [r for r in records if not r["signatureOk"]]
not_events = [r for r in records if "error" in r or r["type"] != "invoice-created"]
hooked = {r["invoiceId"] for r in records if r["type"] == "invoice-created"}
missing_hooks = sorted(acked.keys() - hooked)

mails = sorted(glob.glob(os.path.join(a.mail_dir, "*.eml")))
mailed = set()
for path in mails:
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    subject = str(message["subject"] or "")
    m = re.match(r"(?:Factuur|Invoice) (\S+) ", subject)  # "Factuur A-0001 van Default account"
    if m:
        mailed.add(m.group(1))
missing_mail = sorted(i for i, number in acked.items() if number not in mailed)

if a.mode == "progress":
    print(f"webhooks {len(acked) - len(missing_hooks)}/{len(acked)}, "
          f"e-mails {len(acked) - len(missing_mail)}/{len(acked)} of the acknowledged invoices")
else:
    events = {r["id"] for r in records}
    events_per_invoice = {}
    for r in records:
        events_per_invoice.setdefault(r["invoiceId"], set()).add(r["id"])
    print(f"acknowledged (201):        {len(acked)}")
    print(f"webhook calls received:    {len(records)} (with duplicates)")
    print(f"unique events received:    {len(events)}")
    print(f"duplicate calls:           {len(records) - len(events)}")
    print(f"  of invoices never acknowledged (committed, answer lost in the kill): "
          f"{len(hooked - acked.keys())}")
    print(f"  invoices with more than one event: "
          f"{sum(1 for e in events_per_invoice.values() if len(e) > 1)}")
    print(f"bad signatures:            {len(bad_signature)}")
    print(f"e-mails (.eml files):      {len(mails)}, covering "
          f"{len(acked) - len(missing_mail)}/{len(acked)} acknowledged invoices "
          f"({len(mails) - len(mailed)} duplicates, "
          f"{len(mailed - set(acked.values()))} of invoices never acknowledged)")
    for what, ids in (("no webhook call", missing_hooks), ("no e-mail", missing_mail)):
        if ids:
            print(f"{what} for {len(ids)} acknowledged invoices, e.g. {', '.join(ids[:5])}")
    for r in (bad_signature + not_events)[:5]:
        print(f"wrong call: {r}")

if bad_signature or not_events:
    sys.exit(2)
sys.exit(1 if missing_hooks or missing_mail or len(mails) < len(acked) else 0)
PY

# --- the server ----------------------------------------------------------------------------

log "building: cargo build --release"
cargo build --release --quiet || fail "cargo build --release failed"
built=$SECONDS
bin=target/release/portaal

# Two free loopback ports, bound at the same time so that they differ.
read -r PORT RPORT < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
API="http://127.0.0.1:$PORT/v1"

# start_server NAME: starts portaal on $tmp and waits until it says it listens.
# NO_COLOR: portaal colours its log even when it goes to a file.
# --rate-limit: the default of 60 requests a minute per key would refuse most of the creates.
start_server() {
    PORTAAL_DATA_DIR="$tmp" PORTAAL_LOG=warn NO_COLOR=1 \
        "$bin" serve --listen "127.0.0.1:$PORT" --allow-private-webhooks --rate-limit 100000 \
        >"$tmp/$1.out" 2>"$tmp/$1.err" &
    server_pid=$!
    local i
    for ((i = 0; i < 300; i++)); do
        grep -q 'the API is at' "$tmp/$1.out" && return 0
        kill -0 "$server_pid" 2>/dev/null || fail "$1: portaal exited while starting"
        sleep 0.1
    done
    fail "$1: portaal did not say 'the API is at' within 30 s"
}

# post PATH JSON: POST to the API; the body goes to $tmp/resp.json; anything but 201 fails.
post() {
    local status
    status=$(curl -sS -o "$tmp/resp.json" -w '%{http_code}' -X POST "$API$1" \
        -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data "$2") ||
        fail "POST $1: curl failed"
    [[ $status == 201 ]] || fail "POST $1 answered $status: $(cat "$tmp/resp.json")"
}
field() {
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
        "$tmp/resp.json" "$1"
}

start_server server1
token=$(grep -o 'ptl_[0-9a-f]*' "$tmp/server1.out" | head -n 1)
[[ -n $token ]] || fail "no first-start token (ptl_...) in the server's output"
export PORTAAL_TOKEN=$token
log "portaal listens on 127.0.0.1:$PORT (pid $server_pid); data in $tmp"

post /customers '{"companyName":"Crash Test BV","address":"Teststraat 1","zipCode":"1234AB",
                  "city":"Amsterdam","primaryEmail":"klant@example.com"}'
customer_id=$(field id)
# Nothing listens on $RPORT yet: every first attempt fails with "connection refused".
post /webhooks "{\"url\":\"http://127.0.0.1:$RPORT/hook\",\"type\":\"invoice-created\"}"
secret=$(field secret)
log "customer $customer_id; webhook $(field id) -> 127.0.0.1:$RPORT (receiver down)"

# --- traffic, SIGKILL halfway, restart, more traffic ------------------------------------------

log "creating up to $N invoices, $PARALLEL at a time; SIGKILL after ${KILL_AT} 201s, mid-delivery"
# The group's stderr is dropped only so that bash does not print its "Killed" notice about
# the server; the client's own messages go to stdout.
client_rc=0 rc=0
{
    python3 "$tmp/client.py" --api "$API" --customer "$customer_id" --prefix A --count "$N" \
        --parallel "$PARALLEL" --pace "$PACE" --out "$tmp/acked.tsv" \
        --kill-pid "$server_pid" --kill-at "$KILL_AT" --db "$tmp/portaal.db" 2>&1 || client_rc=$?
    wait "$server_pid" || rc=$?
} 2>/dev/null
server_pid=''
((client_rc == 0)) || fail "the first batch of creates"
[[ $rc == 137 ]] || fail "portaal should have died of SIGKILL (137) but exited with $rc"
killed_at=$SECONDS
acked_before=$(wc -l <"$tmp/acked.tsv")

# What the dead process left behind (read-only): leased deliveries wait out their lease.
python3 - "$tmp/portaal.db" <<'PY' || echo "  (could not read the outbox)"
import sqlite3, sys, time
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
now = int(time.time() * 1_000_000)
for channel, status, n, tried, leased in db.execute(
        "SELECT channel, status, count(*), count(CASE WHEN attempts > 0 THEN 1 END),"
        " count(CASE WHEN locked_until > ? THEN 1 END) FROM deliveries"
        " GROUP BY channel, status ORDER BY channel, status", (now,)):
    print(f"  outbox after the kill: {channel} {status}: {n} ({tried} tried;"
          f" {leased} still leased by the dead process)")
PY

start_server server2
if grep -q 'ptl_' "$tmp/server2.out"; then
    fail "the restart on the same data printed a new first-start token"
fi
log "restarted portaal on the same data and port (pid $server_pid); the old token still works"

((acked_before < N)) || fail "all $N creates were acknowledged before the kill; raise PACE"
python3 "$tmp/client.py" --api "$API" --customer "$customer_id" --prefix B \
    --count "$((N - acked_before))" --parallel "$PARALLEL" --pace "$PACE" --out "$tmp/acked.tsv" ||
    fail "the creates after the restart"
acked=$(wc -l <"$tmp/acked.tsv")
log "acknowledged: $acked ($acked_before before the kill, $((acked - acked_before)) after)"

# --- the receiver comes up; wait until everything arrived ------------------------------------

python3 scripts/webhook_receiver.py --port "$RPORT" --out "$tmp/received.jsonl" --secret "$secret" \
    2>"$tmp/receiver.err" &
receiver_pid=$!
for ((i = 0; i < 100; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$RPORT") 2>/dev/null && break
    kill -0 "$receiver_pid" 2>/dev/null || fail "the webhook receiver exited while starting"
    sleep 0.1
done
log "receiver up on 127.0.0.1:$RPORT; waiting (at most $WAIT_LIMIT s) for every delivery"

check=(python3 "$tmp/check.py" --acked "$tmp/acked.tsv" --received "$tmp/received.jsonl"
    --mail-dir "$tmp/mail")
deadline=$((SECONDS + WAIT_LIMIT))
last=''
while :; do
    rc=0
    progress=$("${check[@]}" progress) || rc=$?
    # One line per change, not per poll.
    [[ $progress == "$last" ]] || log "$progress"
    last=$progress
    ((rc == 0)) && break
    if ((rc != 1)); then
        "${check[@]}" report || true
        fail "a webhook call was wrong: bad signature or not an invoice-created event (see above)"
    fi
    if ((SECONDS >= deadline)); then
        "${check[@]}" report || true
        fail "not everything arrived within $WAIT_LIMIT s (the kill was $((SECONDS - killed_at)) s ago)"
    fi
    sleep 2
done
log "everything arrived, $((SECONDS - killed_at)) s after the kill"

# --- the verdict -------------------------------------------------------------------------------

echo
"${check[@]}" report || fail "the final check"
failed=$(PORTAAL_DATA_DIR="$tmp" "$bin" outbox list --status failed --json --limit 10000)
pending=$(PORTAAL_DATA_DIR="$tmp" "$bin" outbox list --status pending --json --limit 10000 | wc -l)
echo "pending deliveries:        $pending"
if [[ -n $failed ]]; then
    echo "$failed"
    fail "$(wc -l <<<"$failed") deliveries are marked failed"
fi
echo "failed deliveries:         0"

# The API must show every acknowledged invoice's e-mail as sent. The worker records "sent" just
# after writing the .eml file, so give the last few a moment.
python3 - "$API" "$tmp/acked.tsv" <<'PY' ||
import collections, json, os, sys, time, urllib.request
api, acked_file = sys.argv[1], sys.argv[2]
acked = {line.split("\t")[0] for line in open(acked_file, encoding="utf-8")}
for attempt in range(10):
    status, page = {}, 1
    while True:
        req = urllib.request.Request(
            f"{api}/customer-invoices?per_page=100&page={page}",
            headers={"Authorization": f"Bearer {os.environ['PORTAAL_TOKEN']}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            data = json.load(r)["data"]
        if not data:
            break
        status.update((inv["id"], inv["notificationStatus"]) for inv in data)
        page += 1
    counts = collections.Counter(status.get(i, "absent from the list") for i in acked)
    if counts == {"sent": len(acked)}:
        break
    time.sleep(0.5)
print("notificationStatus:        " + ", ".join(f"{n} {s}" for s, n in counts.most_common())
      + " (acknowledged invoices)")
sys.exit(0 if counts == {"sent": len(acked)} else 1)
PY
    fail "notificationStatus is not 'sent' for every acknowledged invoice"

# Errors the server logged (not warnings: the refused webhook calls log one each). Shown, not
# judged: an outcome the worker could not record is retried after the lease, as designed.
errors=$(sed 's/\x1b\[[0-9;]*m//g' "$tmp"/server*.err | grep -E '^\S+ +ERROR ' || true)
if [[ -n $errors ]]; then
    echo "server errors logged:      $(wc -l <<<"$errors"), e.g.:"
    head -n 5 <<<"$errors"
else
    echo "server errors logged:      0"
fi
echo
log "PASS: all $acked acknowledged invoices were delivered and e-mailed" \
    "(test $((SECONDS - built)) s after the build; $((SECONDS - started)) s in all)"
