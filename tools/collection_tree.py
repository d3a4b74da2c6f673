#!/usr/bin/env python3
"""Build the ``ansible_collections/vastops/asbuilt`` tree that Ansible tools need, wherever the clone lives.

    collection_tree.py link    -> prints the collections path (for ANSIBLE_COLLECTIONS_PATH)
    collection_tree.py copy    -> prints the collection directory (ansible-test runs from inside it)
    collection_tree.py path    -> prints where `copy` puts the collection directory
    collection_tree.py root    -> prints the directory that holds that copy (what `make clean` removes)

``link`` makes ``<repo>/.cache/collections/ansible_collections/vastops/asbuilt`` a symlink to the repository
(the same tree tests/conftest.py makes), which is what ansible-playbook, ansible-doc and ansible-lint need.

``copy`` mirrors the collection's files into a directory outside the repository for ``ansible-test``, which
refuses symlinked collection roots, walks up looking for a ``.git`` (so the tree must not sit inside the
clone), and would otherwise see ignored files such as ``.venv``. Only files git knows about (tracked, or
untracked but not ignored) are copied, so work in progress is checked too; files that no longer exist are
removed from the mirror. The trees that are not part of the shipped collection (the simulator, tests other
than tests/config.yml, benchmarks, tools) are left out: they are checked by pytest and `make lint` instead.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMESPACE, NAME = "vastops", "asbuilt"

# Top-level entries (or exact paths) of the repository that ansible-test does not see.
SANITY_EXCLUDE_DIRS = ("simulator/", "benchmarks/", "tools/", "build/", "output/", "demo-output/", ".ci/")
SANITY_KEEP_UNDER_TESTS = ("tests/config.yml", "tests/sanity/")


# Without git (an unpacked source archive), walk the tree and skip what .gitignore would.
_NOT_SOURCE_DIRS = {".git", ".venv", "venv", ".cache", ".ansible", ".tox", ".pytest_cache", ".hypothesis",
                    ".mypy_cache", ".ruff_cache", "__pycache__", "build", "output", "demo-output"}


def repo_files():
    """Files git knows about: tracked, or untracked and not ignored (relative paths, sorted)."""
    try:
        out = subprocess.run(
            ["git", "-C", REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        ).stdout.decode("utf-8")
        return sorted(set(p for p in out.split("\0") if p))
    except (OSError, subprocess.CalledProcessError):
        found = []
        for top, dirs, names in os.walk(REPO):
            dirs[:] = [d for d in dirs if d not in _NOT_SOURCE_DIRS]
            if os.path.relpath(top, REPO) == os.path.join("tests", "output"):
                dirs[:] = []
                continue
            for name in names:
                if not name.endswith((".pyc", ".tar.gz")):
                    found.append(os.path.relpath(os.path.join(top, name), REPO))
        return sorted(found)


def wanted_for_sanity(path):
    if path.startswith(SANITY_EXCLUDE_DIRS):
        return False
    if path.startswith("tests/"):
        return path.startswith(SANITY_KEEP_UNDER_TESTS)
    return True


def mirror_root():
    base = os.environ.get("VASTOPS_SANITY_ROOT")
    if base:
        return base
    digest = hashlib.sha1(REPO.encode("utf-8")).hexdigest()[:10]
    return os.path.join(tempfile.gettempdir(), "vastops-asbuilt-sanity-%s" % digest)


def collection_dir(root):
    return os.path.join(root, "ansible_collections", NAMESPACE, NAME)


def copy_tree():
    dest = collection_dir(mirror_root())
    os.makedirs(dest, exist_ok=True)
    wanted = set()
    for rel in repo_files():
        src = os.path.join(REPO, rel)
        if not wanted_for_sanity(rel) or not os.path.isfile(src) or os.path.islink(src):
            continue
        wanted.add(rel)
        dst = os.path.join(dest, rel)
        try:
            st_src, st_dst = os.stat(src), os.stat(dst)
            if st_src.st_size == st_dst.st_size and int(st_src.st_mtime) == int(st_dst.st_mtime) \
                    and st_src.st_mode == st_dst.st_mode:
                continue
        except FileNotFoundError:
            pass
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    # Remove what is no longer in the repository (keep ansible-test's own output directory).
    for top, dirs, files in os.walk(dest, topdown=False):
        rel_top = os.path.relpath(top, dest)
        if rel_top == "tests/output" or rel_top.startswith("tests/output/"):
            continue
        for name in files:
            rel = os.path.normpath(os.path.join(rel_top, name))
            if rel not in wanted:
                os.unlink(os.path.join(top, name))
        if top != dest and not os.listdir(top):
            os.rmdir(top)
    return dest


def link_tree():
    collections = os.path.join(REPO, ".cache", "collections")
    ns_dir = os.path.join(collections, "ansible_collections", NAMESPACE)
    link = os.path.join(ns_dir, NAME)
    os.makedirs(ns_dir, exist_ok=True)
    if not (os.path.islink(link) and os.path.realpath(link) == os.path.realpath(REPO)):
        tmp = "%s.%d.tmp" % (link, os.getpid())
        os.symlink(REPO, tmp)
        os.replace(tmp, link)
    return collections


def main(argv):
    if len(argv) != 2 or argv[1] not in ("link", "copy", "path", "root"):
        sys.stderr.write(__doc__)
        return 2
    if argv[1] == "link":
        print(link_tree())
    elif argv[1] == "copy":
        print(copy_tree())
    elif argv[1] == "path":
        print(collection_dir(mirror_root()))
    else:
        print(mirror_root())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
