#!/usr/bin/env bash
# The load benchmark (issue 13): builds the servers and the driver in release mode, writes the
# 1840-byte push envelope, and runs every server alternately (see benches/src/bin/load.rs).
# Needs wrk and taskset (Debian: apt-get install wrk util-linux). Arguments go to the driver.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset is missing: apt-get install -y util-linux" >&2; exit 1; }
cargo build --release -q -p gcp-events-benches --bin load-server --bin load
python3 benches/make_body.py target/load-body.json >/dev/null
exec target/release/load "$@"
