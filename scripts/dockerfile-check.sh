#!/usr/bin/env bash
# Checks what can be checked of the Dockerfile without a Docker engine (none runs on the
# project's machines): its build line is run verbatim, and the binary it copies is started the
# way the image's ENV and CMD start it, with PORT set as Cloud Run sets it; then it must answer
# an event with 201 over HTTP/1.1 and over HTTP/2 without TLS (h2c, what Cloud Run sends with
# --use-http2), and stop on SIGTERM within Cloud Run's 10 s grace.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=$(sed -n 's/^RUN \(cargo build .*\)$/\1/p' Dockerfile)
[[ -n "$build" ]] || { echo "no 'RUN cargo build' line in the Dockerfile" >&2; exit 1; }
[[ "$build" == *"--release"* && "$build" == *"--locked"* ]] ||
    { echo "the image must build with --release --locked: $build" >&2; exit 1; }
echo "== $build"
$build

binary=$(sed -n 's|^COPY --from=build /src/\(target/release/[^ ]*\) .*|\1|p' Dockerfile)
[[ -x "$binary" ]] || { echo "the Dockerfile copies '$binary', which the build did not make" >&2; exit 1; }
grep -q '^ENV HOST=0.0.0.0 PORT=8080$' Dockerfile || { echo "the image must listen on 0.0.0.0:\$PORT" >&2; exit 1; }
grep -q '^USER nonroot$' Dockerfile || { echo "the image must run as a non-root user" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
env -u RUST_LOG $(env | sed -n 's/^\(GCP_EVENTS_[A-Z_]*\)=.*/-u \1/p') \
    HOST=0.0.0.0 PORT="$port" "$binary" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
    grep -q "listening on http://0.0.0.0:$port/" "$log" && break
    sleep 0.1
done
grep -q "listening on http://0.0.0.0:$port/" "$log" || { cat "$log"; echo "the binary did not listen on PORT" >&2; exit 1; }

for http in --http1.1 --http2-prior-knowledge; do
    status=$(curl -s -o /dev/null -w '%{http_code} %{http_version}' "$http" -X POST \
        "http://127.0.0.1:$port/gcp-events/events/image-check/1" -d '{"ok":true}')
    echo "== POST $http: $status"
    [[ "${status%% *}" == 201 ]] || { cat "$log"; exit 1; }
done
[[ "$status" == "201 2" ]] || { echo "h2c was not answered over HTTP/2: $status" >&2; exit 1; }

kill -TERM "$pid"
for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
    echo "the binary did not stop within 10 s of SIGTERM" >&2
    exit 1
fi
wait "$pid" || { echo "the binary exited non-zero after SIGTERM" >&2; exit 1; }
echo "== Dockerfile check ok: built with its own line, served on \$PORT over HTTP/1.1 and h2c, stopped on SIGTERM"
