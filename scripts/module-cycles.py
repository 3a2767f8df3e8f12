#!/usr/bin/env python3
"""Fails when event-core's modules import each other in a circle.

The house rule (DESIGN): a request flows one way, and so do the imports. This reads every
`crate::…` path in event-core/src (use declarations, grouped `use crate::{a, b::c}`, and paths in
code; comments and doc comments are ignored), draws an edge from the top-level module of the file
to the top-level module it names, and prints every cycle it finds. Inside a module folder
(`pubsub/`, `auth/`, …) the same is done one level down, for `super::` and `crate::that::…` paths.
The test kit (`testing/`, feature test-util) is left out: it uses everything and nothing uses it.

Run: python3 scripts/module-cycles.py   (exit 1 and the cycles when there are any)
"""
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "event-core" / "src"
SKIP = {"testing", "lib", "main"}


def module_path(file: pathlib.Path) -> list[str]:
    parts = list(file.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "mod":
        parts.pop()
    return parts


def code_of(text: str) -> str:
    """The text without comments and string literals (enough for paths)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def brace_group(code: str, start: int) -> str:
    depth, i = 0, start
    while i < len(code):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return code[start + 1 : i]
        i += 1
    return ""


def top_level_items(group: str) -> list[str]:
    items, depth, cur = [], 0, ""
    for ch in group:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    items.append(cur)
    return [i.strip() for i in items if i.strip()]


def named_paths(code: str, root: str) -> list[list[str]]:
    """Every path after `root::` (e.g. `crate`), grouped imports expanded one level."""
    out = []
    for m in re.finditer(rf"\b{root}::", code):
        rest = code[m.end() :]
        if rest.startswith("{"):
            for item in top_level_items(brace_group(code, m.end())):
                out.append(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", item)[:2])
        else:
            ident = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(?:::([A-Za-z_][A-Za-z0-9_]*))?", rest)
            if ident:
                out.append([g for g in ident.groups() if g])
    return out


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found, seen = [], set()

    def walk(node, stack):
        for nxt in sorted(edges.get(node, ())):
            if nxt in stack:
                cycle = stack[stack.index(nxt) :] + [nxt]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    found.append(cycle)
            elif len(stack) < 12:
                walk(nxt, stack + [nxt])

    for start in sorted(edges):
        walk(start, [start])
    return found


def main() -> int:
    top: dict[str, set[str]] = {}
    inner: dict[str, dict[str, set[str]]] = {}
    modules = {module_path(f)[0] for f in SRC.rglob("*.rs") if module_path(f)}
    for file in sorted(SRC.rglob("*.rs")):
        path = module_path(file)
        if not path or path[0] in SKIP:
            continue
        code = code_of(file.read_text())
        for named in named_paths(code, "crate"):
            if named and named[0] in modules and named[0] != path[0] and named[0] not in SKIP:
                top.setdefault(path[0], set()).add(named[0])
            if len(path) >= 2 and named and named[0] == path[0] and len(named) > 1:
                if named[1] != path[1]:
                    inner.setdefault(path[0], {}).setdefault(path[1], set()).add(named[1])
        if len(path) >= 2:
            for named in named_paths(code, "super"):
                if named and named[0] != path[1] and (SRC / path[0] / f"{named[0]}.rs").exists():
                    inner.setdefault(path[0], {}).setdefault(path[1], set()).add(named[0])
    problems = [" -> ".join(c) for c in cycles(top)]
    for folder, edges in sorted(inner.items()):
        problems += [f"{folder}: " + " -> ".join(c) for c in cycles(edges)]
    if problems:
        print("import circles between event-core modules:")
        for p in problems:
            print("  " + p)
        return 1
    print(f"no import circle among event-core's {len(modules)} top-level modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
