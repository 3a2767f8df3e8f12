#!/usr/bin/env bash
# The README's test command: the whole test suite, on a fresh machine, with nothing else to do.
#
# 1. Makes sure the real parts the tests start are present, before anything is compiled:
#    - Redis: Debian's `redis-server` (tests/redis.rs and the receivers start their own on a
#      free loopback port, stopped by its PID);
#    - PostgreSQL: Debian's `postgresql` (the test kit runs `initdb` into a temporary directory
#      and `postgres` on a free loopback port as `nobody`, stopped by its PID);
#    - the Google Pub/Sub emulator: Debian's `google-cloud-cli-pubsub-emulator`, with Java;
#    - Python 3 with `venv`, for the pinned google-auth oracle (scripts/oracle/requirements.txt).
#    Missing ones are installed with apt-get when this runs as root on a machine with apt (as CI
#    and the project's machines do); otherwise the script stops with the exact command to run.
#    The JWKS server, the receivers and the push CLI need nothing installed: the tests build
#    and start them on 127.0.0.1.
# 2. Makes .venv (python3 -m venv) on first use and installs the pinned oracle packages (needs
#    PyPI once), so a failure to reach PyPI shows here with pip's own message.
# 3. Runs `cargo test --workspace --all-features`. Extra arguments go to `cargo test`, e.g.
#      bash scripts/test.sh -p gcp-events-core --test differential -- --nocapture
#
# `bash scripts/test.sh --check-parts` does step 1 only and prints what it found.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/parts.sh
source scripts/parts.sh

ensure_parts
if [[ "${1:-}" == "--check-parts" ]]; then
    exit 0
fi

if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
    -r scripts/oracle/requirements.txt

export GCP_EVENTS_PYTHON="$PWD/.venv/bin/python"

cargo test --workspace --all-features "$@"
