"""Helpers for the collector and module tests: connection parameters for a simulator, a collector run."""
import collections
import json

from ansible_collections.vastops.asbuilt.plugins.module_utils.collector import Collector
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession

FAST = {"backoff": 0.01, "backoff_max": 0.05, "timeout": 10, "retries": 2, "deadline": 120}


def params_for(sim, user="admin", **overrides):
    """Module-style params for a simulator (TLS validated against its CA), with fast retries for tests."""
    values = {"host": sim.host, "username": user, "password": sim.users[user], "ca_path": sim.ca_path}
    values.update(FAST)
    values.update(overrides)
    return dict((k, v) for k, v in values.items() if v is not None)


def collect(sim, dest=None, resume=False, session_params=None, resume_max_age=3600, **options):
    """Run a collector against *sim*; returns the document (memory) or the file result (dest)."""
    with VastSession(params_for(sim, **(session_params or {}))) as session:
        collector = Collector(session, **options)
        if dest:
            return collector.collect_to_file(str(dest), resume=resume, resume_max_age=resume_max_age)
        return collector.collect()


def gets(sim):
    """(method, path, query) of every logged request."""
    return [(e["method"], e["path"], json.dumps(e.get("query"), sort_keys=True)) for e in sim.request_log()]


def repeated(sim):
    """Requests sent more than once (identical method, path and query)."""
    counts = collections.Counter(gets(sim))
    return dict((k, v) for k, v in counts.items() if v > 1)


def paths(sim, suffix):
    return [e for e in sim.request_log() if e["path"].rstrip("/").endswith("/" + suffix.strip("/"))]


def dumps(value):
    return json.dumps(value, sort_keys=False, separators=(",", ":"))
