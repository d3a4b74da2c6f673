#!/usr/bin/env bash
# Create (or repair) the project's virtual environment and install the development requirements into it.
#   tools/venv.sh PYTHON VENV_DIR STAMP_FILE
# The Makefile calls this whenever requirements.txt or requirements-dev.txt is newer than the stamp.
set -euo pipefail
python="$1"; venv="$2"; stamp="$3"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ -z "$python" ] || ! command -v "$python" >/dev/null; then
    echo "venv: no python3 found; install Python 3.11 (or set PYTHON=/path/to/python3)" >&2
    exit 1
fi
if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    echo "venv: creating $venv with $("$python" --version 2>&1) ($python)"
    rm -rf "$venv"
    "$python" -m venv "$venv"
fi
echo "venv: installing requirements-dev.txt into $venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$repo/requirements-dev.txt"
touch "$stamp"
