#!/usr/bin/env python3
"""Start the VMS simulator (``python -m simulator`` arguments) with two extra, scaled-down copies of ``huge``.

    python benchmarks/simlaunch.py --port 0 --profile huge_tenth --ready-file ready.json

``huge_tenth`` and ``huge_hundredth`` are ``huge`` (same hardware, lazy generation) with every bulk count
(tenants, view policies, views, quotas, user quotas, snapshots, events, alarms) divided by 10 and 100: the
"one tenth of huge" of benchmark 4. Everything else is the simulator's own command line, unchanged; this file
only adds profiles to its table before the command line is parsed. It runs in its own process like the
simulator itself, so the simulator's CPU is never charged to the collection being measured.
"""
import dataclasses
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from simulator import config  # noqa: E402  (after the path is set)
from simulator.cli import main  # noqa: E402

BULK = ("tenants", "viewpolicies", "views", "quotas", "userquotas", "snapshots", "events", "alarms")


def scaled(base, name, divisor):
    changes = dict((field, max(1, getattr(base, field) // divisor)) for field in BULK)
    return dataclasses.replace(base, name=name, lazy=True, **changes)


config.PROFILES.setdefault("huge_tenth", scaled(config.PROFILES["huge"], "huge_tenth", 10))
config.PROFILES.setdefault("huge_hundredth", scaled(config.PROFILES["huge"], "huge_hundredth", 100))

if __name__ == "__main__":
    sys.exit(main())
