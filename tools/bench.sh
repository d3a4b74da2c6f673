#!/usr/bin/env bash
# make bench: the benchmarks (benchmarks/run.py), with BENCH_ARGS passed on.
#   BENCH_QUICK=1 make bench        fewer runs, smaller profiles, all six tables (under 2 minutes)
#   BENCH_ARGS="--only 1,4" make bench
#   BENCH_RUNS=5 make bench          more repetitions per figure
# Tables go to stdout; every run is written as JSON to benchmarks/results/ (git-ignored).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
if [ ! -f benchmarks/run.py ]; then
    echo "bench: nothing to run yet (benchmarks/run.py does not exist)"
    exit 0
fi
# shellcheck disable=SC2086
exec python benchmarks/run.py ${BENCH_ARGS:-}
