#!/usr/bin/env python3
"""Cheap checks of the Python and shell code that ``ansible-test sanity`` does not see.

ansible-test checks the shipped collection (plugins/, roles/...). The simulator, tests, benchmarks and tools
are checked here: every Python file must compile (syntax errors, bad escapes as errors), and every shell
script must parse (``bash -n``). Files are those git knows about (tracked, or untracked and not ignored).
"""
import os
import subprocess
import sys
import warnings

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PREFIXES = ("simulator/", "tests/", "benchmarks/", "tools/", ".ci/")


def files():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from collection_tree import repo_files  # pylint: disable=import-outside-toplevel
    for rel in repo_files():
        if rel.startswith(PREFIXES) and os.path.isfile(os.path.join(REPO, rel)):
            yield rel


def is_shell(path, rel):
    if rel.endswith(".sh"):
        return True
    if rel.endswith(".py") or not os.access(path, os.X_OK):
        return False
    with open(path, "rb") as handle:
        first = handle.readline()
    return first.startswith(b"#!") and (b"bash" in first or first.rstrip().endswith(b"/sh"))


def main():
    problems = checked = 0
    for rel in files():
        path = os.path.join(REPO, rel)
        if rel.endswith(".py"):
            checked += 1
            with open(path, "rb") as handle:
                source = handle.read()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error", SyntaxWarning)
                    compile(source, rel, "exec", dont_inherit=True)
            except (SyntaxError, SyntaxWarning, ValueError) as exc:
                problems += 1
                print("%s: %s" % (rel, exc))
        elif is_shell(path, rel):
            checked += 1
            result = subprocess.run(["bash", "-n", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if result.returncode:
                problems += 1
                print("%s: %s" % (rel, result.stdout.decode("utf-8", "replace").strip()))
    print("pycheck: %d file(s) checked, %d problem(s)" % (checked, problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
