#!/usr/bin/env bash
# make simulator: run the VMS simulator in the foreground (Ctrl-C stops it) for trying the collection by hand.
# It writes .cache/simulator/env.sh: `source` it in another shell to get the project's ansible-playbook on PATH,
# the collection on ANSIBLE_COLLECTIONS_PATH and VAST_HOST / VAST_USERNAME / VAST_PASSWORD / VAST_CA_PATH of the
# simulated cluster's read-only user, plus .cache/simulator/inventory.json (one cluster, reports under
# demo-output/). Both are removed when the simulator stops. One at a time per state directory: a second one is
# refused while the first runs (its env.sh stays valid).
#   make simulator SIM_ARGS="--profile tiny --vast-version 4.7 --port 9443"
#   SIM_STATE_DIR (default .cache/simulator), SIM_OUTPUT (default demo-output/): where the files go
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cd "$repo"

state="${SIM_STATE_DIR:-$repo/.cache/simulator}"
output="${SIM_OUTPUT:-$repo/demo-output}"
mkdir -p "$state"
chmod 700 "$state"
already_running() {
    local running pid
    running="$(python -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("pid") or "", d.get("base_url") or "")' \
               "$state/ready.json" 2>/dev/null || true)"
    pid="${running%% *}"
    echo "simulator: one is already running${pid:+ (pid $pid, ${running#* })}; $state/env.sh points at it." >&2
    echo "simulator: use it, or stop it first (Ctrl-C in its shell${pid:+, or kill $pid})." >&2
    exit 1
}
# One at a time per state directory: the lock is held by this script and the simulator it starts.
if command -v flock >/dev/null; then
    exec 9>"$state/.lock"
    flock -n 9 || already_running
elif [ -s "$state/ready.json" ]; then
    pid="$(python -c 'import json,sys; print(json.load(open(sys.argv[1])).get("pid") or "")' "$state/ready.json" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then already_running; fi
fi
rm -f "$state/ready.json" "$state/env.sh" "$state/ready.json.tmp"
collections="$(python "$here/collection_tree.py" link)"

# Defaults first: a --port or --profile in SIM_ARGS comes later and wins.
# shellcheck disable=SC2086
python -m simulator --host 127.0.0.1 --port 8443 --profile small --now "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    ${SIM_ARGS:-} --ready-file "$state/ready.json.tmp" &
sim_pid=$!
cleanup() {
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
    rm -f "$state/env.sh" "$state/inventory.json" "$state/ready.json" "$state/ready.json.tmp" "$state/env.sh.tmp"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

for _ in $(seq 1 300); do
    [ -s "$state/ready.json.tmp" ] && break
    kill -0 "$sim_pid" 2>/dev/null || { echo "simulator: it exited before it was ready (see above)" >&2; exit 1; }
    sleep 0.1
done
[ -s "$state/ready.json.tmp" ] || { echo "simulator: not ready after 30 seconds" >&2; exit 1; }

python "$here/demo_inventory.py" "$state/ready.json.tmp" "$output" "$state/inventory.json" "$state/env.sh.tmp" >/dev/null
{
    printf 'export PATH=%q:"$PATH"\n' "$repo/.venv/bin"
    printf 'export ANSIBLE_COLLECTIONS_PATH=%q\n' "$collections"
} >>"$state/env.sh.tmp"
chmod 600 "$state/env.sh.tmp"
mv "$state/env.sh.tmp" "$state/env.sh"
mv "$state/ready.json.tmp" "$state/ready.json"
cat <<TXT

simulator: running until Ctrl-C. In another shell, from $repo:
  source ${state#"$repo/"}/env.sh      # ansible-playbook of .venv, the collection, VAST_HOST/USERNAME/PASSWORD/CA_PATH
  ansible-playbook -i ${state#"$repo/"}/inventory.json vastops.asbuilt.asbuilt
  ansible-doc vastops.asbuilt.vast_info
TXT
wait "$sim_pid"
