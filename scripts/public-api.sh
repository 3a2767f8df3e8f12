#!/usr/bin/env bash
# The public API of gcp-events-core, as `cargo public-api` lists it (all features; blanket,
# auto-trait and derived impls left out), committed in event-core/public-api.txt so that a
# change to the API shows in review.
#
#   bash scripts/public-api.sh          # rewrite event-core/public-api.txt
#   bash scripts/public-api.sh --check  # fail if it differs from the committed listing (CI)
#
# Needs the nightly toolchain (rustdoc JSON) and cargo-public-api, installed here when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VERSION=0.52.0
if ! cargo public-api --version 2>/dev/null | grep -q "$VERSION"; then
    cargo install --locked cargo-public-api --version "$VERSION"
fi
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

listing=$(mktemp)
trap 'rm -f "$listing"' EXIT
cargo +nightly public-api -p gcp-events-core --all-features -sss --color never >"$listing"

if [[ "${1:-}" == "--check" ]]; then
    if ! diff -u event-core/public-api.txt "$listing"; then
        echo "The public API changed: run 'bash scripts/public-api.sh' and commit event-core/public-api.txt" >&2
        exit 1
    fi
    echo "public API unchanged ($(python3 scripts/api-count.py "$listing"))"
else
    cp "$listing" event-core/public-api.txt
    python3 scripts/api-count.py event-core/public-api.txt
fi
