#!/usr/bin/env bash
# make bench: the benchmarks (benchmarks/run.py), with BENCH_ARGS passed on.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
if [ ! -f benchmarks/run.py ]; then
    echo "bench: nothing to run yet (benchmarks/run.py does not exist)"
    exit 0
fi
# shellcheck disable=SC2086
exec python benchmarks/run.py ${BENCH_ARGS:-}
