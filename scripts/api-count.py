#!/usr/bin/env python3
"""Counts the items of a `cargo public-api -sss` listing: structs, enums, traits, constants,
type aliases, macros and functions (free functions and inherent methods; what a trait impl
provides belongs to the trait, not to this API). Usage: api-count.py LISTING."""
import re
import sys

counts = {k: 0 for k in ("struct", "enum", "trait", "const", "type", "macro", "fn")}
trait_impl = False
for line in open(sys.argv[1], encoding="utf-8"):
    line = re.sub(r"^(#\[[^\]]*\] )+", "", line.strip())
    if line.startswith("impl"):
        trait_impl = " for " in line
        continue
    m = re.match(r"pub (?:unsafe )?(?:async )?(?:const )?(struct|enum|trait|const|type|macro|fn) ([\w:]+)", line)
    if not m:
        continue
    kind, path = m.groups()
    parent = path.rsplit("::", 1)[0].rsplit("::", 1)[-1]
    member = kind in ("fn", "type", "const") and parent[:1].isupper()
    if member and trait_impl:
        continue
    counts[kind] += 1
print(" ".join(f"{k}s={v}" for k, v in counts.items()), f"total={sum(counts.values())}")
