#!/usr/bin/env bash
# Runs the whole test suite, including the differential test against Python google-auth
# (event-core/tests/differential.rs, research R20), which then may not be skipped.
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
export GCP_EVENTS_REQUIRE_ORACLE=1

cargo test --workspace --all-features "$@"
