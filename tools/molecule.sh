#!/usr/bin/env bash
# make molecule: every molecule scenario under extensions/molecule/ (collection mode, delegated driver: the
# scenarios converge the roles on localhost against the simulator, no containers).
#   make molecule MOLECULE_ARGS="--scenario-name default"   (default: --all)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cd "$repo"

if ! compgen -G "extensions/molecule/*/molecule.yml" >/dev/null; then
    echo "molecule: nothing to run yet (no extensions/molecule/<scenario>/molecule.yml)"
    exit 0
fi
collections="$(python "$here/collection_tree.py" link)"
export ANSIBLE_COLLECTIONS_PATH="$collections"
export ANSIBLE_HOME="$repo/.cache/ansible-home"
[ -n "${CI:-}" ] && export NO_COLOR=1 ANSIBLE_FORCE_COLOR=0
# shellcheck disable=SC2086
exec molecule --base-config "$here/molecule-base.yml" test ${MOLECULE_ARGS:---all}
