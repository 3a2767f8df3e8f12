#!/usr/bin/env bash
# Coverage-guided fuzzing of gcp-events-core's parsers and pipeline (cargo-fuzz, libFuzzer),
# targets in event-core/fuzz/fuzz_targets, seeds in event-core/fuzz/seeds.
#
#   bash scripts/fuzz.sh --smoke        # every target for a few seconds on the seeds (CI)
#   bash scripts/fuzz.sh [TARGET...]    # 10^7 executions per target, corpus kept in fuzz/corpus
#
# Needs the nightly toolchain and cargo-fuzz (installed here when missing). Runs without a
# sanitizer (-s none): the crates forbid unsafe code, and the invariants are assertions.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../event-core/fuzz"

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo +nightly install --locked cargo-fuzz --version 0.13.2
fi
targets=(pubsub_decode json_check unwrapped_headers cloudevent_binary cloudevent_structured jwt event_url pipeline google_events)

# A target's dictionary (fuzz/<target>.dict), when it has one: the tokens it must guess.
dict() { if [[ -f "$1.dict" ]]; then echo "-dict=$1.dict"; fi; }

if [[ "${1:-}" == "--smoke" ]]; then
    cargo +nightly fuzz build -s none -O
    for t in "${targets[@]}"; do
        scratch=$(mktemp -d)
        log=$(mktemp)
        # New inputs go to the scratch corpus; the committed seeds are only read.
        # shellcheck disable=SC2046 # an absent dictionary is no argument at all
        if ! cargo +nightly fuzz run -s none -O "$t" "$scratch" "seeds/$t" -- $(dict "$t") \
            -max_total_time=7 -print_final_stats=1 >"$log" 2>&1; then
            tail -n 60 "$log" >&2
            echo "fuzz target $t failed (above: the end of its output)" >&2
            exit 1
        fi
        echo "fuzz $t: ok, $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') executions"
        rm -rf "$scratch" "$log"
    done
    exit 0
fi

(( $# )) && targets=("$@")
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    # shellcheck disable=SC2046
    cargo +nightly fuzz run -s none -O "$t" "corpus/$t" "seeds/$t" -- $(dict "$t") \
        -runs=10000000 -max_total_time=1200 -print_final_stats=1 -rss_limit_mb=2048
done
