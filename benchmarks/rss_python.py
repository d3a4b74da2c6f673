#!/usr/bin/env python3
"""An ``ansible_python_interpreter`` that measures the module process it runs.

Ansible runs ``<interpreter> <AnsiballZ payload>`` (or pipes the payload to its stdin); this wrapper runs the
real interpreter (``BENCH_REAL_PYTHON``) with the same arguments, standard streams passed through, waits for
it, and appends one JSON line to ``BENCH_RSS_OUT``: the module process's wall time, its CPU time and its peak
RSS (``getrusage(RUSAGE_CHILDREN).ru_maxrss``: the largest resident set of any waited-for descendant, i.e.
the module process itself, since ansible-core 2.19's AnsiballZ runs the module inside the payload's process).
Only the standard library: it must start on any Python.
"""
import json
import os
import resource
import subprocess
import sys
import time


def main():
    real = os.environ.get("BENCH_REAL_PYTHON") or sys.executable
    started = time.monotonic()
    code = subprocess.call([real] + sys.argv[1:])
    wall = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = os.environ.get("BENCH_RSS_OUT")
    if out:
        with open(out, "a") as handle:
            handle.write(json.dumps({"wall_s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
                                     "maxrss_mb": round(usage.ru_maxrss / 1024.0, 1), "rc": code}) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
