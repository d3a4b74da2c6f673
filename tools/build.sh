#!/usr/bin/env bash
# make build: `ansible-galaxy collection build` into build/, then prove the tarball is usable:
#   - it holds no simulator, tests, benchmarks, tools, environments or caches (build_ignore works);
#   - it installs offline into an empty collections path;
#   - ansible-galaxy lists it there with the right version, and ansible-doc documents every module it ships;
#   - execution-environment.yml names the tarball of this version.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cd "$repo"

# One build at a time per clone (several people and their test runs share a work tree).
mkdir -p build
exec 9>build/.lock
if command -v flock >/dev/null; then flock 9; fi

version="$(python -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["version"])')"
tarball="build/vastops-asbuilt-$version.tar.gz"
rm -f "$tarball"
ansible-galaxy collection build --force --output-path build . >/dev/null
[ -f "$tarball" ] || { echo "build: $tarball was not produced" >&2; exit 1; }
echo "build: built $tarball ($(du -k "$tarball" | cut -f1) KiB, $(tar -tzf "$tarball" | wc -l) entries)"

# Nothing that is not shipped content may be in it.
leaked="$(tar -tzf "$tarball" | grep -E '^(simulator|tests|benchmarks|tools|extensions|build|\.venv|\.cache|\.ansible|\.ci|\.git)(/|$)|__pycache__|\.pyc$' || true)"
if [ -n "$leaked" ]; then
    echo "build: the tarball contains files that build_ignore should exclude:" >&2
    echo "$leaked" | head -20 >&2
    exit 1
fi

grep -q "vastops-asbuilt-$version.tar.gz" execution-environment.yml || {
    echo "build: execution-environment.yml does not name vastops-asbuilt-$version.tar.gz (galaxy.yml's version)" >&2
    exit 1
}

# Install into an empty collections path, with no network and nothing else on the path.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/vastops-build-check.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export ANSIBLE_COLLECTIONS_PATH="$tmp/collections"
export ANSIBLE_HOME="$tmp/ansible-home"
ansible-galaxy collection install --offline --no-deps -p "$tmp/collections" "$tarball" >/dev/null
listed="$(ansible-galaxy collection list vastops.asbuilt -p "$tmp/collections" 2>/dev/null | awk '$1 == "vastops.asbuilt" {print $2}')"
if [ "$listed" != "$version" ]; then
    echo "build: after installing $tarball, ansible-galaxy lists vastops.asbuilt as '${listed:-missing}', not $version" >&2
    exit 1
fi
installed="$tmp/collections/ansible_collections/vastops/asbuilt"
modules=()
if [ -d "$installed/plugins/modules" ]; then
    while IFS= read -r f; do
        modules+=("vastops.asbuilt.$(basename "$f" .py)")
    done < <(find "$installed/plugins/modules" -maxdepth 1 -name '*.py' ! -name '__init__.py' | sort)
fi
if [ "${#modules[@]}" -gt 0 ]; then
    listing="$(ansible-doc -t module -l vastops.asbuilt)"
    for m in "${modules[@]}"; do
        grep -q "^$m " <<<"$listing" || { echo "build: ansible-doc -l does not list $m" >&2; exit 1; }
        ansible-doc -t module "$m" >/dev/null || { echo "build: ansible-doc cannot document $m" >&2; exit 1; }
    done
    echo "build: installed into an empty collections path; ansible-doc documents ${#modules[@]} module(s): ${modules[*]}"
else
    echo "build: installed into an empty collections path; vastops.asbuilt $version listed (no modules yet)"
fi
if [ -d "$installed/playbooks" ] && ls "$installed"/playbooks/*.yml >/dev/null 2>&1; then
    for pb in "$installed"/playbooks/*.yml; do
        name="vastops.asbuilt.$(basename "$pb" .yml)"
        if ! ansible-playbook --syntax-check -i localhost, "$name" >"$tmp/syntax.log" 2>&1; then
            cat "$tmp/syntax.log" >&2
            echo "build: ansible-playbook --syntax-check $name failed from the installed tarball" >&2
            exit 1
        fi
    done
    echo "build: playbooks of the installed collection pass --syntax-check"
fi
echo "build: OK $tarball"
