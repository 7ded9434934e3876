#!/usr/bin/env bash
# Coverage-guided fuzzing of the four input parsers with cargo fuzz (libFuzzer):
#   money           kernel::money: Money::parse and Money::from_json
#   manual_invoice  the body of POST /customer-invoices/manual: strict JSON, then
#                   NewManualInvoice::parse, then the totals (checked against VAT by hand)
#   upload_form     the multipart body of POST /customer-invoices: the extractor + parse_upload
#   inbound_mail    a raw e-mail for the tickets: mail::inbound::parse (MIME, charsets, HTML, limits)
#
#   FUZZ_SECONDS=60 bash scripts/fuzz.sh [target...]     (default: all four, 60 s each)
#
# Each target grows its corpus in fuzz/corpus/<target> (kept between runs; only the seed-*
# files are committed). A crash stops the script with the input saved under
# fuzz/artifacts/<target>/: fix the bug and add that input as a unit test beside the code.
#
# cargo fuzz needs nightly flags; the pinned stable toolchain allows them with
# RUSTC_BOOTSTRAP=1. No sanitizer (-s none): the targets are safe Rust, and the build and
# the runs are several times faster; -a keeps debug assertions and overflow checks on.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${FUZZ_SECONDS:-60}
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(money manual_invoice upload_form inbound_mail)

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install --locked cargo-fuzz
fi
export RUSTC_BOOTSTRAP=1
flags=(--sanitizer none --debug-assertions)
# A build folder outside the checkout (CI sets one in the home folder) lets a fresh clone
# reuse the fuzz build instead of compiling every dependency again.
if [[ -n ${PORTAAL_FUZZ_TARGET_DIR:-} ]]; then
    mkdir -p "$PORTAAL_FUZZ_TARGET_DIR"
    flags+=(--target-dir "$PORTAAL_FUZZ_TARGET_DIR")
fi

echo "fuzz: building the targets"
cargo fuzz build "${flags[@]}"

for target in "${targets[@]}"; do
    corpus="fuzz/corpus/$target"
    mkdir -p "$corpus"
    before=$(find "$corpus" -type f | wc -l)
    echo "fuzz: $target for ${seconds}s (corpus: $before inputs)"
    if ! cargo fuzz run "${flags[@]}" "$target" "$corpus" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"fuzz/$target.log" 2>&1; then
        tail -n 40 "fuzz/$target.log"
        echo "fuzz: FAIL: $target crashed; the input is in fuzz/artifacts/$target/" >&2
        exit 1
    fi
    runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "fuzz/$target.log" | grep -Eo '[0-9]+$' || echo '?')
    after=$(find "$corpus" -type f | wc -l)
    echo "fuzz: $target passed: $runs runs, corpus $before -> $after inputs"
done
