#!/usr/bin/env bash
# make sanity: `ansible-test sanity` on a copy of the collection at .../ansible_collections/vastops/asbuilt.
#
# --venv: ansible-test makes one virtual environment per sanity test (cached under ~/.ansible/test/venv) with
# the exact linters it pins, so they never clash with the project's .venv. It bootstraps pip in them with a
# get-pip script that it downloads unless cached; tools/install_get_pip_shim.py caches an offline one.
# Extra arguments are passed to ansible-test (e.g. `make sanity SANITY_ARGS="--test validate-modules"`).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON_VENV:-python}"
pyver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

"$python" "$here/install_get_pip_shim.py"
# One sanity run at a time per clone: concurrent runs would share (and prune) the same copy.
root="$("$python" "$here/collection_tree.py" root)"
mkdir -p "$root"
exec 9>"$root/.lock"
if command -v flock >/dev/null; then flock 9; fi
collection="$("$python" "$here/collection_tree.py" copy)"
echo "sanity: collection copied to $collection"
cd "$collection"

# A sanity ignore file would hide failures: the project allows none.
if compgen -G "tests/sanity/ignore-*.txt" >/dev/null; then
    echo "sanity: tests/sanity/ignore-*.txt exists; the project allows no ignore entries" >&2
    exit 1
fi

color=yes
[ -n "${CI:-}" ] && color=no
exec ansible-test sanity --venv --python "$pyver" --color "$color" "$@"
