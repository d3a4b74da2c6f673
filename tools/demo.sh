#!/usr/bin/env bash
# make demo: start the VMS simulator (profile small), run the as-built playbook against it, stop the simulator,
# and print where the report is.
#   DEMO_PROFILE=small DEMO_OUTPUT=<repo>/demo-output make demo
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cd "$repo"

profile="${DEMO_PROFILE:-small}"
output_dir="${DEMO_OUTPUT:-$repo/demo-output}"

if [ ! -f playbooks/asbuilt.yml ]; then
    echo "demo: the as-built playbook is not built yet (playbooks/asbuilt.yml does not exist)."
    echo "demo: nothing was run; once it exists, 'make demo' starts the simulator, runs it and prints the report path."
    exit 0
fi
if [ ! -f simulator/__main__.py ]; then
    echo "demo: the VMS simulator is not built yet (simulator/__main__.py does not exist); nothing was run."
    exit 0
fi

collections="$(python "$here/collection_tree.py" link)"
export ANSIBLE_COLLECTIONS_PATH="$collections"
export ANSIBLE_HOME="$repo/.cache/ansible-home"

work="$(mktemp -d "${TMPDIR:-/tmp}/vastops-demo.XXXXXX")"
sim_pid=""
cleanup() {
    if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "demo: starting the VMS simulator (profile $profile)"
# --now: the simulated cluster's clock is the real one, so dates (licence and certificate expiry, replication
# lag, alarm ages) read naturally in the report.
python -m simulator --host 127.0.0.1 --port 0 --profile "$profile" --now "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --ready-file "$work/ready.json" --log "$work/requests.jsonl" >"$work/simulator.out" 2>&1 &
sim_pid=$!
for _ in $(seq 1 300); do
    [ -s "$work/ready.json" ] && break
    if ! kill -0 "$sim_pid" 2>/dev/null; then
        echo "demo: the simulator exited before it was ready:" >&2
        cat "$work/simulator.out" >&2
        exit 1
    fi
    sleep 0.1
done
if [ ! -s "$work/ready.json" ]; then
    echo "demo: the simulator was not ready after 30 seconds" >&2
    cat "$work/simulator.out" >&2
    exit 1
fi

# The ready file gives the address, the CA and the users; the demo logs in as the read-only user, with the
# credentials in VAST_* environment variables (never on a command line or in the inventory).
mkdir -p "$output_dir"
python "$here/demo_inventory.py" "$work/ready.json" "$output_dir" "$work/inventory.json" "$work/env.sh"
# shellcheck disable=SC1091
. "$work/env.sh"
echo "demo: running ansible-playbook vastops.asbuilt.asbuilt"
status=0
ansible-playbook -i "$work/inventory.json" vastops.asbuilt.asbuilt || status=$?
requests="$(wc -l <"$work/requests.jsonl" 2>/dev/null || echo 0)"

report="$(find "$output_dir" -name report.html -newer "$work/ready.json" -print 2>/dev/null | sort | tail -n 1)"
if [ -z "$report" ]; then
    echo "demo: the playbook ended with status $status and wrote no report.html under $output_dir" >&2
    exit 1
fi
echo
echo "demo: the simulated cluster answered $requests requests"
echo "demo: everything the run wrote is in: $(dirname "$report")"
[ -f "$output_dir/index.html" ] && echo "demo: the fleet index is at:          $output_dir/index.html"
echo "demo: the as-built report is at:      $report"
exit "$status"
