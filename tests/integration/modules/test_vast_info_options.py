"""vast_info options through ansible-playbook: exclusions, fields, filters, check mode, idempotence, bad input."""
import json

import pytest

from playbook_util import only_reads, run_tasks, sim_env

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot import stable_meta


def info(**options):
    return {"vastops.asbuilt.vast_info": options}


def test_selection_projection_filters_check_mode_and_idempotence(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    tasks = [
        info(gather_subset=["hardware", "network"]),
        info(gather_subset=["all", "!monitoring", "!logical"]),
        info(gather_subset=["!monitoring"]),
        info(gather_subset=["hardware"], fields={"hardware.cnodes": ["hostname", "state"]}),
        info(gather_subset=["logical"], filters={"views": {"tenant_id": 1}, "quotas": {"path__startswith": "/home"}}),
        dict(info(gather_subset=["min"]), check_mode=True),
        info(gather_subset=["all"], events_max=50),
        info(gather_subset=["all"], events_max=50),
        info(gather_subset="cluster,security"),
    ]
    run = run_tasks(sim, tmp_path, tasks)
    assert run.rc == 0, run
    results = run.results
    for result in results:
        assert result and not result.get("failed") and result["changed"] is False, result
    assert results[0]["meta"]["subsets_requested"] == ["hardware", "network"]
    assert sorted(results[0]["vast_info"]) == ["hardware", "network"]
    assert results[1]["meta"]["subsets_requested"] == ["min", "cluster", "hardware", "switches", "network",
                                                       "security", "protection"]
    assert "monitoring" not in results[2]["meta"]["subsets_requested"] and len(results[2]["vast_info"]) == 8
    cnodes = results[3]["vast_info"]["hardware"]["cnodes"]
    assert cnodes and all(set(c) == {"id", "name", "hostname", "state"} for c in cnodes)
    assert len(results[3]["vast_info"]["hardware"]["ssds"][0]) > 4
    views = results[4]["vast_info"]["logical"]["views"]
    assert views and all(v["tenant_id"] == 1 for v in views)
    assert all(q["path"].startswith("/home") for q in results[4]["vast_info"]["logical"]["quotas"])
    assert results[4]["meta"]["options"]["filters"]["logical.views"] == {"tenant_id": "1"}
    # check mode returns real data
    assert results[5]["vast_info"]["min"]["clusters"][0]["name"] == sim.records("clusters")[0]["name"]
    # idempotence: byte-identical data, meta equal but for timing
    first, second = results[6], results[7]
    assert json.dumps(first["vast_info"]) == json.dumps(second["vast_info"])
    assert stable_meta(first["meta"]) == stable_meta(second["meta"])
    assert first["meta"]["vast_info_sha256"] == second["meta"]["vast_info_sha256"]
    assert results[8]["meta"]["subsets_requested"] == ["cluster", "security"]
    assert only_reads(sim) == []


BAD = [
    ("unknown subset", info(gather_subset=["all", "hardwares"]), ["unknown subset 'hardwares'", "valid: all, min"]),
    ("wrong type", info(max_records="lots"), ["max_records", "int"]),
    ("wrong type of list", info(gather_subset=[{"a": 1}]), ["unknown subset"]),
    ("fields not requested", info(gather_subset=["min"], fields={"logical": ["path"]}),
     ["fields", "logical", "gather_subset does not request"]),
    ("fields not a dict", info(fields="path"), ["fields", "dict"]),
    ("page size", info(max_records=0), ["max_records must be between 1 and 10000"]),
    ("dest directory missing", info(dest="/nonexistent/dir/snap.json.gz"), ["/nonexistent/dir does not exist"]),
    ("dest under a file", info(dest="/etc/passwd/snap.json.gz"), ["dest: /etc/passwd is a file, not a directory",
                                                                   "Give dest a path inside a directory"]),
    ("dest directory read-only", info(dest="/proc/vast-snap.json.gz"), ["dest: cannot create files in /proc"]),
    ("dest is a directory", info(dest="/tmp"), ["is a directory"]),
    ("resume without dest", info(resume=True), ["resume needs dest"]),
    ("memory guard", info(gather_subset=["all"], max_memory_mb=1), ["passes max_memory_mb=1", "dest"]),
    ("negative memory", info(max_memory_mb=-5), ["max_memory_mb must be 0"]),
    ("bad host", info(host="https://vms.example.com/api"), ["Invalid option 'host'"]),
    # user test nits: a list or a boolean for a string option is said so, never sent as "['readonly']"
    ("host list", info(host=["vms-a", "vms-b"]), ["Invalid option 'host': must be a single string, got a list"]),
    ("username list", info(username=["readonly"]), ["Invalid option 'username': must be a single string, got a list"]),
    ("port boolean", info(port=True), ["Invalid option 'port': must be an integer", "got a boolean"]),
    ("dest list", info(dest=["/tmp/a.json.gz"]), ["Invalid option 'dest'", "got a list"]),
    # user test m1: the option name is not taken for a password: value pair (the first word of the prose stays)
    ("password line break", info(password="abc\ndef"), ["Invalid option 'password': must not contain line breaks"]),
    ("api_token and username", info(api_token="prefix.Secret-token-42"),
     ["Invalid option 'api_token': cannot be combined with username/password"]),
    ("resume_max_age", info(dest="/tmp/x.json.gz", resume=True, resume_max_age=-1), ["resume_max_age must be 0"]),
]


def test_bad_input_fails_clearly(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    run = run_tasks(sim, tmp_path, [task for _, task, _ in BAD])
    for (label, _, needles), result in zip(BAD, run.results):
        assert result and result.get("failed"), (label, result)
        assert result["changed"] is False, label
        for needle in needles:
            assert needle in result["msg"], (label, result["msg"])
        assert "Traceback" not in json.dumps(result), label
        assert result.get("exception") in (None, "(traceback unavailable)"), label
    assert "Traceback" not in run.stdout + run.stderr
    assert sim.users["admin"] not in run.stdout + run.stderr + json.dumps(run.results)
    assert only_reads(sim) == []


def test_a_misspelt_tenant_fails_the_task_naming_the_option(sim_factory, tmp_path):
    """User test M2: rc 0 with 57 warnings before; now one clear failure while connecting, before any read."""
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    run = run_tasks(sim, tmp_path, [info(gather_subset=["all"], tenant="archiv-2")])
    result = run.results[0]
    assert result["failed"] and result["error"] == "OptionError", result
    assert result["msg"].startswith("Invalid option 'tenant': 'archiv-2' does not exist on this cluster"), result["msg"]
    assert not result.get("warnings")
    reads = [e for e in sim.request_log() if e["method"] == "GET" and "/clusters/" not in e["path"]]
    assert reads == [], reads


def test_a_password_vaulted_with_its_line_break_still_logs_in(sim_factory, tmp_path):
    """ansible-vault encrypt_string, password, Enter, Ctrl-D: the vault holds "password\n"."""
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    password = sim.users["admin"]
    run = run_tasks(sim, tmp_path, [info(password=password + "\n"), info(password=password + "\r\n"),
                                    info(password=password + "\n\n")])
    unix, windows, two = run.results
    assert not unix.get("failed") and not windows.get("failed"), (unix, windows)
    assert two["failed"] and "Invalid option 'password': must not contain line breaks" in two["msg"]


def test_a_second_run_on_a_locked_dest_fails_in_one_sentence(sim_factory, tmp_path):
    """User test nit: the lock error's fatal: dumped the whole session dict. The parts directory is locked before
    connecting, and the failure is one sentence without session statistics."""
    from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot import PartStore
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    dest = tmp_path / "snapshot.json.gz"
    holder = PartStore(str(dest), resume=True)      # another run is writing dest
    try:
        sim.clear_log()
        run = run_tasks(sim, tmp_path, [info(dest=str(dest), resume=True)])
    finally:
        holder.release()
    result = run.results[0]
    assert result["failed"] and result["error"] == "SnapshotError", result
    assert result["msg"] == ("Another collection is already writing %s (it holds the lock on %s.parts): wait for it to "
                             "finish, or give this run another dest." % (dest, dest))
    assert "session" not in result
    assert sim.request_log() == []      # nothing was sent


def test_wrong_password_and_unreachable_host(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    password = "Wr0ng-Secret-Pass!"
    env = sim_env(sim, password=password)
    tasks = [info(), info(host="127.0.0.1:1", timeout=3)]
    run = run_tasks(sim, tmp_path, tasks, env=env)
    wrong, unreachable = run.results
    assert wrong["failed"] and "rejected username/password for user admin" in wrong["msg"]
    assert wrong["error"] == "AuthenticationError" and "hint" in wrong
    assert unreachable["failed"] and "127.0.0.1:1" in unreachable["msg"]
    assert unreachable["error_kind"] in ("connection", "circuit_open")
    text = run.stdout + run.stderr + json.dumps(run.results)
    assert password not in text and "Traceback" not in text
    assert len([e for e in sim.request_log() if e["method"] == "POST"]) == 1  # one failed login, no hammering


def test_degradation_and_strictness(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", vast_version="5.3.1")
    sim.add_fault({"type": "vanish", "path": "/dtrays/*"})
    sim.add_fault({"type": "status", "status": 500, "path": "/fans/*"})
    tasks = [info(gather_subset=["hardware"]),
             info(gather_subset=["hardware"], fail_on_error=True),
             info(gather_subset=["hardware"], fail_on_error=True, dest=str(tmp_path / "strict.json.gz"))]
    run = run_tasks(sim, tmp_path, tasks)
    lenient, strict, strict_dest = run.results
    assert not lenient.get("failed") and lenient["changed"] is False
    assert "404" in lenient["meta"]["unavailable"]["hardware.dtrays"]
    assert lenient["meta"]["errors"]["hardware.fans"]["status"] == 500
    assert any("hardware.fans could not be read" in w for w in lenient["warnings"])
    assert "fans" not in lenient["vast_info"]["hardware"] and lenient["vast_info"]["hardware"]["cnodes"]
    for result in (strict, strict_dest):
        assert result["failed"] and "hardware.fans" in result["msg"] and "fail_on_error" in result["msg"]
        assert "dtrays" not in result["msg"]  # unavailable is not an error
    assert not (tmp_path / "strict.json.gz").exists()
    assert only_reads(sim) == []
