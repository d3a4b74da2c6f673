#!/usr/bin/env python3
"""Install tools/get_pip_shim.py where ``ansible-test`` looks for its cached get-pip script.

ansible-test bootstraps pip in each sanity-test virtual environment with ``get-pip-<version>.py``, downloaded
unless ``~/.ansible/test/cache/get_pip_<version with underscores>.py`` exists. The version is the ``pip``
entry of ``ansible_test._internal.python_requirements.get_venv_packages()`` for the controller's Python.
A real downloaded get-pip script is left alone; an older copy of our shim is replaced.
"""
import os
import re
import shutil
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
SHIM = os.path.join(HERE, "get_pip_shim.py")
MARKER = "Offline stand-in for the get-pip bootstrap script"


def pip_versions():
    version = "%d.%d" % sys.version_info[:2]
    try:
        from ansible_test._internal.python_requirements import get_venv_packages
        return {get_venv_packages(types.SimpleNamespace(version=version))["pip"]}
    except Exception:  # pylint: disable=broad-except
        # fall back to reading the pins out of the source (ansible-test's internals are not an API)
        import ansible_test
        path = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
        with open(path, encoding="utf-8") as handle:
            found = set(re.findall(r"pip\s*=\s*'([0-9][0-9.]*)'", handle.read()))
        if not found:
            raise SystemExit("cannot tell which get-pip version ansible-test wants: %s" % path)
        return found


def main():
    cache = os.path.expanduser("~/.ansible/test/cache")
    os.makedirs(cache, exist_ok=True)
    for version in sorted(pip_versions()):
        target = os.path.join(cache, "get_pip_%s.py" % version.replace(".", "_"))
        if os.path.exists(target):
            with open(target, encoding="utf-8", errors="replace") as handle:
                current = handle.read()
            if MARKER not in current:
                continue  # a genuine get-pip script: keep it
            with open(SHIM, encoding="utf-8") as handle:
                if handle.read() == current:
                    continue
        shutil.copyfile(SHIM, target + ".tmp")
        os.replace(target + ".tmp", target)
        print("installed the offline get-pip shim at %s" % target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
