#!/usr/bin/env bash
# Run one pytest part of `make test`, or say clearly that there is nothing to run yet.
#   tools/pytest_part.sh NAME [pytest options --] PATH...
# Paths that do not exist or hold no test files are skipped. pytest's exit status 5 (no test collected,
# e.g. every test deselected by a marker) counts as "nothing to run", not as a failure.
set -euo pipefail
name="$1"; shift
opts=()
if [[ " $* " == *" -- "* ]]; then
    while [ "$1" != "--" ]; do opts+=("$1"); shift; done
    shift
fi
paths=()
for p in "$@"; do
    [ -e "$p" ] || continue
    if [ -f "$p" ] || [ -n "$(find "$p" \( -name 'test_*.py' -o -name '*_test.py' \) -print -quit)" ]; then
        paths+=("$p")
    fi
done
if [ "${#paths[@]}" -eq 0 ]; then
    echo "$name: nothing to run yet (no test files in: $*)"
    exit 0
fi
echo "$name: pytest ${opts[*]:-} ${paths[*]}"
status=0
python -m pytest "${opts[@]}" "${paths[@]}" || status=$?
if [ "$status" -eq 5 ]; then
    echo "$name: nothing to run (pytest collected no test from ${paths[*]} with ${opts[*]:-no options})"
    exit 0
fi
exit "$status"
