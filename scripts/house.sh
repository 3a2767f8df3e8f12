#!/usr/bin/env bash
# The house rules that keep the code easy to walk, checked (CI runs this):
# - no file under event-core/src outside testing/ over 400 lines;
# - each adapter at most 50 lines of code (lines that are neither blank nor comments);
# - no import circle between event-core's modules (scripts/module-cycles.py).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

status=0
while read -r lines file; do
    if [[ "$file" != total && "$lines" -gt 400 ]]; then
        echo "$file has $lines lines: over the 400-line budget (split it by idea)"
        status=1
    fi
done < <(find event-core/src -name '*.rs' -not -path '*/testing/*' -print0 | xargs -0 wc -l)

for adapter in adapter-*/src/lib.rs; do
    code=$(grep -cvE '^\s*(//|$)' "$adapter")
    if [[ "$code" -gt 50 ]]; then
        echo "$adapter has $code lines of code: an adapter is at most 50"
        status=1
    fi
done

python3 scripts/module-cycles.py || status=1
[[ $status -eq 0 ]] && echo "house rules kept: file sizes, adapter sizes, no import circle"
exit $status
