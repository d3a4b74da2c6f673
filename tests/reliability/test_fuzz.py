"""Bad input: property-based fuzzing (hypothesis) of module parameters, API payloads and snapshots.

* Module parameters of vast_info, vast_facts and vast_session: any value of any type for any option (plus a
  working connection or none), run in-process through AnsibleModule's argument validation and ``main()``
  (ansible-core 2.19 ``patch_module_args``).  The result is JSON with ``failed`` and a one-paragraph ``msg``, or a
  success with ``changed: false``; never an escaped exception, never a traceback, never the "unexpected error"
  path, never the password.
* API payloads: garbage records (missing fields, wrong types, nulls, unexpected and alias keys, secret keys,
  huge strings, unicode, nested garbage) through every resource's normaliser: a JSON-serialisable, sortable
  record without secret fields comes out.  End to end, garbage is written into the simulator's records and
  the cluster is collected, checked and reported: it renders or fails clearly.
* Snapshots: a real snapshot with garbage records and garbage meta through vast_healthcheck, vast_report and
  vast_drift: a result, or a clear failure.

Quick form: modest example counts, ``derandomize=True``, no example database.  Slow form: many more examples.
"""
import copy
import json
import os

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from ansible_collections.vastops.asbuilt.plugins.module_utils import catalogue
from ansible_collections.vastops.asbuilt.plugins.module_utils.normalise import (
    canonical_json, normalise_record, project, sort_key,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.options import connection_argument_spec
from ansible_collections.vastops.asbuilt.plugins.modules import (
    vast_drift, vast_facts, vast_healthcheck, vast_info, vast_report, vast_session,
)
from rel_util import CANARY_PASSWORD, DATA_NOW, TRACEBACK, read_json, run_module

pytestmark = [pytest.mark.reliability, pytest.mark.fuzz]

QUICK = {"max_examples": 25, "derandomize": True}
SLOW = {"max_examples": 300, "derandomize": False}
HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large,
          HealthCheck.filter_too_much]


def fuzz(profile, shrink=False):
    """Settings: no deadline, no example database; examples that run modules are too slow to shrink (a failing
    one is reported as found)."""
    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if shrink else [])
    return settings(deadline=None, database=None, suppress_health_check=HEALTH, print_blob=True, phases=phases,
                    **profile)


# -- strategies ----------------------------------------------------------------------------------------------------
TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "all", "min", "!all", "!min", "hardware", "cnodes", "hardware.cnodes", "views",
                     "\x00", "\u202e\u0646\u0627\u0645", "🦄" * 3, "a" * 100000, "../../etc/passwd", "${jndi:x}",
                     "{{ 7 * 7 }}", "%s%n", "-1", "1e309", "nan", "true", "null", "https://", "[::1]:99999"]),
)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
                   st.floats(allow_nan=True, allow_infinity=True), TEXT)
GARBAGE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)
# Module parameters: any scalar, infinite floats and "inf" included.  ansible-core's own int check raises
# OverflowError on +-inf, on "inf" and on a list it reads as a Decimal tuple ([2 ** 70, [], {}]: found by this
# fuzzing); VastModule keeps such values from that check and fails naming the option.
PARAM_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
                         st.floats(allow_nan=True, allow_infinity=True), TEXT)
PARAM = st.recursive(PARAM_SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                           st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)
#: Inputs found by fuzzing, tried first in every run of the parameter tests.
FOUND = [{"port": [30604313867332284416, [], {"-1": None}], "ca_path": {}}, {"retries": float("inf")},
         {"timeout": 5, "port": "-Infinity"}]

INFO_OPTIONS = {
    "gather_subset": st.one_of(PARAM, st.lists(st.sampled_from(list(catalogue.SUBSET_NAMES) + ["!monitoring", "nope"]),
                                               max_size=3)),
    "fields": st.one_of(PARAM, st.dictionaries(st.sampled_from(["hardware", "hardware.cnodes", "min", "x.y"]),
                                               st.one_of(PARAM, st.lists(TEXT, max_size=3)), max_size=2)),
    "filters": st.one_of(PARAM, st.dictionaries(st.sampled_from(["views", "cnodes", "min.clusters", "events"]),
                                                st.dictionaries(TEXT, PARAM, max_size=2), max_size=2)),
    "max_records": PARAM, "events_max": PARAM, "dest": PARAM, "resume": PARAM,
    "max_memory_mb": PARAM, "fail_on_error": PARAM,
}
CONNECTION_OPTIONS = dict((name, PARAM) for name in connection_argument_spec())
SESSION_OPTIONS = {"state": PARAM, "revoke": PARAM, "api_token_id": PARAM}
FACTS_OPTIONS = {"gather_subset": PARAM}


def options(specific):
    """A few options with garbage (or plausible) values; the rest stay a working connection."""
    pool = dict(CONNECTION_OPTIONS)
    pool.update(specific)
    names = sorted(pool)
    return st.lists(st.sampled_from(names), max_size=4, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries(dict((n, pool[n]) for n in chosen)))


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True)
def scratch_cwd(tmp_path, monkeypatch):
    """Every fuzz test runs in a temporary working directory with a temporary HOME: a fuzzed relative (or ``~``)
    path such as ``cache_dir: "0"`` is created there, never in the repository."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("HOME", str(cwd))
    return cwd


def _check_module_run(run, cluster_module=True):
    assert not run.exception, run.exception
    assert not run.timed_out, "the module hung: %r" % run
    result = run.result
    assert isinstance(result, dict) and "unparsable_stdout" not in result, run.stdout[-2000:]
    text = json.dumps(result, default=str)
    assert TRACEBACK not in text and CANARY_PASSWORD not in run.stdout
    if result.get("failed"):
        msg = result.get("msg")
        assert isinstance(msg, str) and msg.strip(), result
        assert "This is a bug" not in msg and "Unexpected error" not in msg, msg[:500]
        assert "\n\n" not in msg.strip(), msg[:500]
    elif cluster_module:
        assert result.get("changed") is False, result       # the cluster modules never change anything


@pytest.fixture(scope="module")
def sim(rel_sims):
    return rel_sims(profile="tiny", now=DATA_NOW, passwords={"admin": CANARY_PASSWORD})


def _base(sim, tmp):
    return {"host": sim.host, "username": "admin", "password": CANARY_PASSWORD, "ca_path": sim.ca_path,
            "retries": 0, "timeout": 3, "deadline": 15, "dest": None}


def _run(module, sim, tmp_path_factory, fuzzed):
    args = _base(sim, None)
    if "dest" in fuzzed and isinstance(fuzzed["dest"], str) and fuzzed["dest"] and "\x00" not in fuzzed["dest"]:
        # keep file writes inside a temporary directory
        fuzzed = dict(fuzzed, dest=os.path.join(str(tmp_path_factory.mktemp("dest")),
                                                os.path.basename(fuzzed["dest"][:100]) or "x"))
    args.update(fuzzed)
    args = dict((k, v) for k, v in args.items() if v is not None or k in fuzzed)
    return run_module(module, args, timeout=90)


@pytest.mark.simulator
def test_fuzzed_relative_paths_stay_out_of_the_repository(sim, tmp_path_factory, scratch_cwd):
    """The fuzzing's own hygiene: a relative cache_dir (as hypothesis draws them: "0") is created in the scratch
    working directory, so the repository stays clean."""
    name = "0-fuzz-probe"
    run = _run(vast_info, sim, tmp_path_factory, {"cache_dir": name, "gather_subset": ["min"]})
    _check_module_run(run)
    assert not run.failed, run.result.get("msg")
    assert os.path.isdir(os.path.join(str(scratch_cwd), name)), "the probe never used cache_dir: it proves nothing"
    assert not os.path.exists(os.path.join(REPO, name))


def _module_params_test(module, specific, profile):
    @fuzz(profile)
    @given(fuzzed=options(specific))
    @example(fuzzed=FOUND[0])
    @example(fuzzed=FOUND[1])
    @example(fuzzed=FOUND[2])
    def check(sim, tmp_path_factory, fuzzed):
        _check_module_run(_run(module, sim, tmp_path_factory, fuzzed))
    return check


@pytest.mark.simulator
@pytest.mark.parametrize("module, specific", [(vast_info, INFO_OPTIONS), (vast_facts, FACTS_OPTIONS),
                                              (vast_session, SESSION_OPTIONS)], ids=["vast_info", "vast_facts",
                                                                                      "vast_session"])
def test_module_parameters(module, specific, sim, tmp_path_factory):
    _module_params_test(module, specific, QUICK)(sim, tmp_path_factory)


@pytest.mark.slow
@pytest.mark.simulator
@pytest.mark.parametrize("module, specific", [(vast_info, INFO_OPTIONS), (vast_facts, FACTS_OPTIONS),
                                              (vast_session, SESSION_OPTIONS)], ids=["vast_info", "vast_facts",
                                                                                      "vast_session"])
def test_module_parameters_many(module, specific, sim, tmp_path_factory):
    _module_params_test(module, specific, SLOW)(sim, tmp_path_factory)


# -- normalisers ---------------------------------------------------------------------------------------------------
ENTRIES = catalogue.entries_for(catalogue.resolve_subsets(["all"]))


def _record_strategy(resource):
    keys = st.one_of(TEXT, st.sampled_from(["id", "name", "guid", "url", "sn", "serial_number", "sys_version",
                                            "sw_version", "state", "capacity", "details", "small_folders"]
                                           + list(resource.secret_fields) + list(resource.aliases)))
    return st.one_of(GARBAGE, st.dictionaries(keys, GARBAGE, max_size=8))


def _normaliser_test(profile):
    @fuzz(profile, shrink=True)
    @given(data=st.data())
    def check(data):
        entry = data.draw(st.sampled_from(ENTRIES), label="entry")
        resource = entry.resource
        raw = data.draw(_record_strategy(resource), label="raw")
        before = copy.deepcopy(raw)
        for sort in (True, False):
            record = normalise_record(resource, raw, entry.normaliser, sort=sort)
            assert isinstance(record, dict)
            assert raw == before or raw != raw, "the raw record was modified"     # nan != nan
            secrets = set(resource.secret_fields) & set(record)
            assert not [k for k in secrets if record[k] not in (None, "", "********")], secrets
            canonical_json(record)
            sort_key(record)
            project(record, ("name", "state"))
            project(record, None)
    return check


def test_normalisers():
    _normaliser_test(dict(QUICK, max_examples=200))()


@pytest.mark.slow
def test_normalisers_many():
    _normaliser_test(dict(SLOW, max_examples=3000))()


# -- garbage from the API, end to end ------------------------------------------------------------------------------
PATCHABLE = ["cnodes", "dnodes", "cboxes", "dboxes", "ssds", "switches", "ports", "vippools", "views", "tenants",
             "quotas", "alarms", "events", "licenses", "certificates", "protectedpaths", "snapshots", "racks",
             "clusters", "vms", "nicports"]
FIELDS = ["name", "state", "sw_version", "os_version", "bios_version", "rack_unit", "index_in_rack", "box_id",
          "cnode_id", "ip", "mgmt_ip", "severity", "timestamp", "expiration_date", "capacity", "usable_capacity_bytes",
          "physical_space_in_use", "mtu", "speed", "path", "tenant_id", "policy_id", "enabled", "guid", "id",
          "hostname", "serial_number", "sn", "model", "ntp", "dns", "start_ip", "end_ip", "cluster_id", "brand-new"]


def _patches():
    return st.lists(st.tuples(st.sampled_from(PATCHABLE), st.dictionaries(st.sampled_from(FIELDS), GARBAGE,
                                                                          min_size=1, max_size=4),
                              st.integers(min_value=-3, max_value=2)), min_size=1, max_size=3)


def _end_to_end_test(profile):
    @fuzz(profile)
    @given(patches=_patches())
    def check(rel_sims, tmp_path_factory, state, patches):
        if "sim" not in state:
            state["sim"] = rel_sims(profile="tiny", now=DATA_NOW, passwords={"admin": CANARY_PASSWORD})
        sim = state["sim"]
        sim.reset_state()
        for resource, values, index in patches:
            values = json.loads(json.dumps(values, default=str).replace("NaN", "null").replace("Infinity", "1e308"))
            try:
                sim.apply_state({resource: [{"set": values, "index": index}]})
            except (ValueError, TypeError, KeyError, IndexError):   # the simulator refused the override itself
                continue
        tmp = str(tmp_path_factory.mktemp("garbage"))
        snapshot = os.path.join(tmp, "snapshot.json.gz")
        args = dict(_base(sim, tmp), gather_subset=["all"], dest=snapshot, events_max=50)
        info = run_module(vast_info, args, timeout=90)
        _check_module_run(info)
        if info.failed:
            return
        findings = os.path.join(tmp, "findings.json")
        health = run_module(vast_healthcheck, {"snapshot": snapshot, "dest": findings}, timeout=90)
        _check_module_run(health, cluster_module=False)
        report = run_module(vast_report, {"snapshot": snapshot, "findings": findings if not health.failed else None,
                                          "dest": tmp}, timeout=90)
        _check_module_run(report, cluster_module=False)
    return check


@pytest.mark.simulator
def test_garbage_from_the_api_end_to_end(rel_sims, tmp_path_factory):
    _end_to_end_test(dict(QUICK, max_examples=12))(rel_sims, tmp_path_factory, {})


@pytest.mark.slow
@pytest.mark.simulator
def test_garbage_from_the_api_end_to_end_many(rel_sims, tmp_path_factory):
    _end_to_end_test(dict(SLOW, max_examples=120))(rel_sims, tmp_path_factory, {})


# -- garbage snapshots through the health rules and the report -----------------------------------------------------
@pytest.fixture(scope="module")
def clean_snapshot(rel_sims, tmp_path_factory):
    sim = rel_sims(profile="tiny", now=DATA_NOW, passwords={"admin": CANARY_PASSWORD})
    path = os.path.join(str(tmp_path_factory.mktemp("clean")), "snapshot.json.gz")
    run = run_module(vast_info, dict(_base(sim, None), gather_subset=["all"], dest=path, events_max=50))
    assert not run.failed, run
    return {"doc": read_json(path), "path": path}


def _snapshot_mutations(doc):
    keys = []
    for subset, resources in doc["vast_info"].items():
        for name, records in resources.items():
            keys.append((subset, name, len(records)))
    record_edit = st.tuples(st.sampled_from(keys), st.integers(min_value=0, max_value=50),
                            st.one_of(st.just("drop"), st.just("replace"), st.dictionaries(
                                st.sampled_from(FIELDS + ["url", "tenant_name", "cnodes", "details"]), GARBAGE,
                                min_size=1, max_size=4)))
    meta_edit = st.tuples(st.sampled_from(["resources", "errors", "unavailable", "counts", "session", "cluster",
                                           "sw_version", "collected_at", "warnings"]), GARBAGE)
    return st.tuples(st.lists(record_edit, min_size=1, max_size=6), st.lists(meta_edit, max_size=2),
                     GARBAGE)


def _apply(doc, edits):
    record_edits, meta_edits, replacement = edits
    doc = copy.deepcopy(doc)
    for (subset, name, count), index, change in record_edits:
        records = doc["vast_info"][subset].get(name)
        if records is None:
            continue
        if change == "drop":
            doc["vast_info"][subset].pop(name, None)
        elif not records:
            records.append(replacement if isinstance(replacement, dict) else {"value": replacement})
        elif change == "replace":
            records[index % len(records)] = replacement if isinstance(replacement, dict) else {"id": replacement}
        else:
            records[index % len(records)].update(change)
    for key, value in meta_edits:
        if key == "collected_at":
            doc["collected_at"] = value
        else:
            doc["meta"][key] = value
    return doc


def _snapshot_test(profile):
    @fuzz(profile)
    @given(data=st.data())
    def check(clean_snapshot, tmp_path_factory, data):
        clean = clean_snapshot["doc"]
        doc = _apply(clean, data.draw(_snapshot_mutations(clean), label="edits"))
        tmp = str(tmp_path_factory.mktemp("bad-snapshot"))
        path = os.path.join(tmp, "snapshot.json")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(doc, default=str))
        findings = os.path.join(tmp, "findings.json")
        health = run_module(vast_healthcheck, {"snapshot": path, "dest": findings}, timeout=60)
        _check_module_run(health, cluster_module=False)
        report = run_module(vast_report, {"snapshot": path, "findings": None if health.failed else findings,
                                          "dest": tmp}, timeout=60)
        _check_module_run(report, cluster_module=False)
        drift = run_module(vast_drift, {"before": clean_snapshot["path"], "after": path, "dest": tmp}, timeout=60)
        _check_module_run(drift, cluster_module=False)
    return check


def test_garbage_snapshots_render_or_fail_clearly(clean_snapshot, tmp_path_factory):
    _snapshot_test(dict(QUICK, max_examples=30))(clean_snapshot, tmp_path_factory)


@pytest.mark.slow
def test_garbage_snapshots_many(clean_snapshot, tmp_path_factory):
    _snapshot_test(dict(SLOW, max_examples=400))(clean_snapshot, tmp_path_factory)
