#!/usr/bin/env python3
"""Instructions per request of each load-benchmark server, counted by callgrind (issue 13).

    python3 benches/instructions.py            # builds, then every server, 1000 requests each
    python3 benches/instructions.py --requests 500 lib-warp bare-warp
    python3 benches/instructions.py --keep /tmp/cg hand-axum   # then: callgrind_annotate
                                                               #   --inclusive=yes /tmp/cg/hand-axum.callgrind

The CPU-time benchmark (load.sh) is the target's measure, but on a shared 2-core machine two
runs of it differ by more than the changes worth making; callgrind counts the user-space
instructions the server executes, the same in every run for the same binary and requests. Each
server is started under `valgrind --tool=callgrind`, sent 300 warm-up requests, its counters
are zeroed, then it is sent N more requests (the 1840-byte push envelope, one keep-alive
connection, each answer checked for 2xx) and the counters dumped: instructions / N. Kernel
work (syscalls, wake-ups) is not counted, so the ratios here show the code's own cost.
"""
import argparse
import glob
import http.client
import os
import re
import subprocess
import sys
import tempfile

SERVERS = ["bare-axum", "lib-axum", "bare-warp", "lib-warp", "bare-poem", "lib-poem",
           "hand-axum", "lib-axum-typed", "lib-warp-typed", "lib-poem-typed"]
PAIRS = [("lib-axum", "bare-axum", 1.00), ("lib-warp", "bare-warp", 1.00),
         ("lib-poem", "bare-poem", 1.00), ("lib-axum-typed", "hand-axum", 0.80)]
TARGET = "/gcp-events/events/order/17"


def count(server: str, binary: str, body: bytes, requests: int, scratch: str,
          keep: str | None) -> float:
    out = os.path.join(scratch, f"{server}.callgrind")
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary, server],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        if not line.startswith("listening on "):
            sys.exit(f"{server}: did not start under valgrind ({line!r})")
        host, port = line.split()[-1].rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=60)

        def send(n: int) -> None:
            for _ in range(n):
                conn.request("POST", TARGET, body=body,
                             headers={"content-type": "application/json"})
                answer = conn.getresponse()
                answer.read()
                if not 200 <= answer.status < 300:
                    sys.exit(f"{server}: answered {answer.status}")

        send(300)
        subprocess.run(["callgrind_control", "-z", str(proc.pid)], check=True,
                       stdout=subprocess.DEVNULL)
        send(requests)
        subprocess.run(["callgrind_control", "-d", str(proc.pid)], check=True,
                       stdout=subprocess.DEVNULL)
    finally:
        proc.kill()
        proc.wait()
    dumps = sorted(glob.glob(out + ".*"), key=os.path.getmtime)
    if not dumps:
        sys.exit(f"{server}: callgrind wrote no dump")
    text = open(dumps[-1]).read()
    if keep:
        os.makedirs(keep, exist_ok=True)
        with open(os.path.join(keep, f"{server}.callgrind"), "w") as kept:
            kept.write(text)
    total = re.search(r"^(?:totals|summary):\s+(\d+)", text, re.M)
    return int(total.group(1)) / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("servers", nargs="*", default=SERVERS)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--server-bin", default="target/release/load-server")
    parser.add_argument("--body", default="target/load-body.json")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep each server's callgrind profile as DIR/SERVER.callgrind")
    args = parser.parse_args()
    for tool in ("valgrind", "callgrind_control"):
        if subprocess.run(["which", tool], stdout=subprocess.DEVNULL).returncode:
            sys.exit(f"{tool} is missing: apt-get install -y valgrind")
    keep = os.path.abspath(args.keep) if args.keep else None
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    if args.server_bin == parser.get_default("server_bin"):
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "gcp-events-benches",
                        "--bin", "load-server"], check=True)
    if not os.path.exists(args.body):
        subprocess.run([sys.executable, "benches/make_body.py", args.body], check=True,
                       stdout=subprocess.DEVNULL)
    body = open(args.body, "rb").read()
    figures = {}
    with tempfile.TemporaryDirectory() as scratch:
        for server in args.servers:
            figures[server] = count(server, args.server_bin, body, args.requests, scratch,
                                    keep)
            print(f"{server:<16} {figures[server]:>9.0f} instructions/req", flush=True)
    print("\nratios (instructions per request):")
    for ours, theirs, target in PAIRS:
        if ours in figures and theirs in figures:
            ratio = figures[ours] / figures[theirs]
            verdict = "met" if ratio <= target else "NOT MET"
            print(f"  {ours} vs {theirs:<12} {ratio:.2f}x  (CPU target <= {target:.2f}x) {verdict}")


if __name__ == "__main__":
    main()
