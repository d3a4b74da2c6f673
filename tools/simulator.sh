#!/usr/bin/env bash
# make simulator: run the VMS simulator in the foreground (Ctrl-C stops it) for trying the collection by hand.
# It writes .cache/simulator/env.sh: `source` it in another shell to get the project's ansible-playbook on PATH,
# the collection on ANSIBLE_COLLECTIONS_PATH and VAST_HOST / VAST_USERNAME / VAST_PASSWORD / VAST_CA_PATH of the
# simulated cluster's read-only user, plus .cache/simulator/inventory.json (one cluster, reports under
# demo-output/). The file is removed when the simulator stops.
#   make simulator SIM_ARGS="--profile tiny --vast-version 4.7 --port 9443"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cd "$repo"

state="$repo/.cache/simulator"
mkdir -p "$state"
chmod 700 "$state"
rm -f "$state/ready.json" "$state/env.sh"
collections="$(python "$here/collection_tree.py" link)"

# Defaults first: a --port or --profile in SIM_ARGS comes later and wins.
# shellcheck disable=SC2086
python -m simulator --host 127.0.0.1 --port 8443 --profile small --now "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    ${SIM_ARGS:-} --ready-file "$state/ready.json" &
sim_pid=$!
cleanup() {
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
    rm -f "$state/env.sh" "$state/ready.json"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

for _ in $(seq 1 300); do
    [ -s "$state/ready.json" ] && break
    kill -0 "$sim_pid" 2>/dev/null || { echo "simulator: it exited before it was ready (see above)" >&2; exit 1; }
    sleep 0.1
done
[ -s "$state/ready.json" ] || { echo "simulator: not ready after 30 seconds" >&2; exit 1; }

python "$here/demo_inventory.py" "$state/ready.json" "$repo/demo-output" "$state/inventory.json" "$state/env.sh" >/dev/null
chmod 600 "$state/env.sh"
{
    printf 'export PATH=%q:"$PATH"\n' "$repo/.venv/bin"
    printf 'export ANSIBLE_COLLECTIONS_PATH=%q\n' "$collections"
} >>"$state/env.sh"
cat <<TXT

simulator: running until Ctrl-C. In another shell, from $repo:
  source .cache/simulator/env.sh      # ansible-playbook of .venv, the collection, VAST_HOST/USERNAME/PASSWORD/CA_PATH
  ansible-playbook -i .cache/simulator/inventory.json vastops.asbuilt.asbuilt
  ansible-doc vastops.asbuilt.vast_info
TXT
wait "$sim_pid"
