#!/usr/bin/env python3
"""Fails when a package in Cargo.lock declares a newer `rust-version` than the workspace's.

The workspace claims a minimum supported Rust version (`rust-version` in Cargo.toml). Only one
toolchain can be installed on the project's machines, so the claim is checked the way it can be:
every package the lock file resolves to (all targets, all features, dev-dependencies too, as
`cargo metadata` reports them) must declare a `rust-version` no newer than ours, and clippy's
`incompatible_msrv` lint (on by default, run with -D warnings in CI) refuses our own use of a
standard-library API newer than it.

Run: python3 scripts/msrv.py
"""
import json
import subprocess
import sys


def version(text: str) -> tuple[int, ...]:
    parts = [int(p) for p in text.split("-")[0].split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def main() -> int:
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked", "--all-features"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    meta = json.loads(out)
    members = set(meta["workspace_members"])
    ours = {p["rust_version"] for p in meta["packages"] if p["id"] in members}
    if len(ours) != 1 or None in ours:
        print(f"every workspace member must declare the same rust-version, found {sorted(map(str, ours))}")
        return 1
    msrv = ours.pop()
    newer = sorted(
        (version(p["rust_version"]), p["name"], p["version"], p["rust_version"])
        for p in meta["packages"]
        if p["id"] not in members and p.get("rust_version") and version(p["rust_version"]) > version(msrv)
    )
    if newer:
        print(f"these locked packages need a newer Rust than our rust-version {msrv}:")
        for _, name, ver, needs in newer:
            print(f"  {name} {ver} needs {needs}")
        print("raise rust-version (and say why), or lock an older version: cargo update -p NAME --precise VERSION")
        return 1
    print(f"rust-version {msrv}: all {len(meta['packages'])} locked packages declare it or older (or nothing)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
