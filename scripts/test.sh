#!/usr/bin/env bash
# Runs the whole test suite, including the differential test against Python google-auth
# (event-core/tests/differential.rs, research R20). A plain `cargo test` runs that test too
# (it makes .venv itself when missing); this script makes the venv first, so a failure to reach
# PyPI shows up here, with pip's own message.
#
# Creates .venv (python3 -m venv) on first use and installs the pinned oracle packages from
# scripts/oracle/requirements.txt (needs PyPI once). Extra arguments go to `cargo test`, e.g.
#   bash scripts/test.sh -p gcp-events-core --test differential -- --nocapture
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
    -r scripts/oracle/requirements.txt

export GCP_EVENTS_PYTHON="$PWD/.venv/bin/python"

cargo test --workspace --all-features "$@"
