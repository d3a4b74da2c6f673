"""Shared pytest set-up.

Makes the collection importable as ``ansible_collections.vastops.asbuilt`` wherever the clone lives (a symlink
tree under ``.cache/collections``), and loads the simulator's fixtures.
"""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(REPO, ".cache", "collections")


def _ensure_collection_tree():
    ns_dir = os.path.join(COLLECTIONS, "ansible_collections", "vastops")
    link = os.path.join(ns_dir, "asbuilt")
    os.makedirs(ns_dir, exist_ok=True)
    if os.path.islink(link) and os.path.realpath(link) == REPO:
        return
    tmp = "%s.%d.tmp" % (link, os.getpid())
    os.symlink(REPO, tmp)
    os.replace(tmp, link)  # atomic, safe when several pytest processes start at once


_ensure_collection_tree()
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)
if REPO not in sys.path:
    sys.path.insert(0, REPO)
os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", COLLECTIONS)

pytest_plugins = ["simulator.testing"]

#: Fixtures that start a simulator: a test using one (directly or through another fixture) is marked ``simulator``
#: automatically, so ``-m simulator`` / ``-m "not simulator"`` select consistently without hand-written marks.
SIMULATOR_FIXTURES = frozenset(("sim_factory", "vms_sim", "vms_sim_shared", "rel_sims", "module_sims"))


def pytest_collection_modifyitems(config, items):
    import pytest
    for item in items:
        if SIMULATOR_FIXTURES.intersection(getattr(item, "fixturenames", ())) and \
                item.get_closest_marker("simulator") is None:
            item.add_marker(pytest.mark.simulator)
