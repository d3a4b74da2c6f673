#!/usr/bin/env bash
# make lint: ansible-lint (production profile, .ansible-lint) over the collection, then cheap checks of the
# code that ansible-test sanity does not see (tools/pycheck.py). Both run; either failing fails the target.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cd "$repo"

# ansible-lint resolves vastops.asbuilt.* through the collections path: this checkout, via a symlink tree.
collections="$(python "$here/collection_tree.py" link)" || exit 1
export ANSIBLE_COLLECTIONS_PATH="$collections${ANSIBLE_COLLECTIONS_PATH:+:$ANSIBLE_COLLECTIONS_PATH}"
export ANSIBLE_HOME="$repo/.cache/ansible-home"
# CI output is read in logs: no colours, no progress spinner.
[ -n "${CI:-}" ] && export NO_COLOR=1

status=0
echo "lint: ansible-lint (profile production, offline)"
ansible-lint --offline || status=1
echo "lint: python and shell syntax of simulator/, tests/, benchmarks/, tools/, .ci/"
python "$here/pycheck.py" || status=1
exit "$status"
