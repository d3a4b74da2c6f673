#!/usr/bin/env bash
# make test: every check that exists, one part after another, then a summary of which parts passed, failed,
# or had nothing to run yet. All parts run even when one fails (so one run shows every problem), unless
# FAIL_FAST=1. Each part is bounded by PART_TIMEOUT seconds (default 2400), and all of them together by
# TEST_BUDGET seconds (default 5000 when CI is set, CI's limit being 5400; unlimited otherwise), so that a hang
# cannot eat CI's time and the summary is always printed.
#   TEST_PARTS="lint unit" make test      # run a subset
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

parts=(${TEST_PARTS:-lint sanity unit integration molecule reliability-quick build})
part_timeout="${PART_TIMEOUT:-2400}"
budget="${TEST_BUDGET:-}"
[ -z "$budget" ] && [ -n "${CI:-}" ] && budget=5000
logdir="$(mktemp -d "${TMPDIR:-/tmp}/vastops-test.XXXXXX")"
trap 'rm -rf "$logdir"' EXIT

passed=() failed=() empty=() lines=()
start_all=$(date +%s)
for part in "${parts[@]}"; do
    echo
    echo "==================== make $part ===================="
    start=$(date +%s)
    timeout_s="$part_timeout"
    if [ -n "$budget" ]; then
        left=$(( budget - (start - start_all) ))
        if [ "$left" -lt 60 ]; then
            failed+=("$part")
            lines+=("$(printf '  %-18s %-36s %5ss' "$part" "FAILED (no time left in TEST_BUDGET)" 0)")
            echo "$part: not run: the test budget of ${budget}s is spent"
            continue
        fi
        [ "$left" -lt "$timeout_s" ] && timeout_s="$left"
    fi
    timeout -k 30 "$timeout_s" make --no-print-directory "$part" 2>&1 | tee "$logdir/$part.log"
    rc=${PIPESTATUS[0]}
    took=$(( $(date +%s) - start ))
    if [ "$rc" -eq 0 ]; then
        if grep -q "nothing to run" "$logdir/$part.log"; then
            empty+=("$part"); verdict="nothing to run yet"
        else
            passed+=("$part"); verdict="passed"
        fi
    else
        failed+=("$part")
        if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
            verdict="FAILED (timed out after ${timeout_s}s)"
        else
            verdict="FAILED (exit $rc)"
        fi
    fi
    lines+=("$(printf '  %-18s %-36s %5ss' "$part" "$verdict" "$took")")
    if [ "$rc" -ne 0 ] && [ -n "${FAIL_FAST:-}" ]; then
        break
    fi
done

echo
echo "==================== make test summary ===================="
printf '%s\n' "${lines[@]}"
echo "  total time: $(( $(date +%s) - start_all ))s"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "make test FAILED in: ${failed[*]}"
fi
echo "test: ${#passed[@]} passed, ${#failed[@]} failed, ${#empty[@]} skipped"
[ "${#failed[@]}" -eq 0 ]
