"""Offline stand-in for the get-pip bootstrap script that ``ansible-test`` downloads.

``ansible-test sanity --venv`` creates one virtual environment per test (without pip) and bootstraps pip in it
by running ``get-pip-<version>.py``, which it downloads from the internet unless a copy is cached at
``~/.ansible/test/cache/get_pip_<version with underscores>.py``. Where that download is impossible,
``tools/ansible_test.sh`` installs this script at the cache path instead. It:

1. bootstraps pip from the interpreter's bundled wheel (``ensurepip``, no network);
2. clears ``PIP_CONFIG_FILE``, which ``ensurepip`` points at the null device (pip would otherwise ignore
   this machine's configured CA bundle, indexes and constraints);
3. runs ``pip install`` with the arguments ansible-test passed (for example ``pip==24.2``), minus the
   ``--no-setuptools`` / ``--no-wheel`` flags that only get-pip understands.
"""
import os
import subprocess
import sys

GET_PIP_ONLY_FLAGS = ("--no-setuptools", "--no-wheel")


def main():
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_FLAGS]
    env = dict(os.environ)
    env.pop("PIP_CONFIG_FILE", None)
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"], env=env)
    os.environ.pop("PIP_CONFIG_FILE", None)
    packages = [arg for arg in args if not arg.startswith("-")]
    if packages:
        subprocess.check_call([sys.executable, "-m", "pip", "install"] + args, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
