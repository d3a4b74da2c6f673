"""Issue 12 M2: every role variable of the playbooks is checked before any request to the cluster.

A wrong healthcheck or report variable used to be noticed only by that role's own argument check, after the whole
cluster had been read, leaving a run directory holding only snapshot.json.gz (which drift then took for a run).
"""
import os

import pytest

from roles_util import api_paths, env_for, host_vars, inventory, now_iso, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

CLUSTER = "vast-small"


@pytest.fixture(scope="module")
def sim(module_sims):
    return module_sims(profile="small", now=now_iso())


@pytest.mark.parametrize("playbook,extra,message", [
    ("asbuilt", {"healthcheck_fail_on": "bogus"}, "healthcheck_fail_on"),
    ("asbuilt", {"report_formats": ["pdf"]}, "report_formats"),
    ("asbuilt", {"healthcheck_thresholds": {"foo": 1}}, "foo"),
    ("healthcheck", {"healthcheck_thresholds": {"foo": 1}}, "foo"),
    ("drift", {"drift_collect": True, "drift_formats": ["pdf"]}, "drift_formats"),
    # values a specification cannot express (user test 13, finding 5): named as the user set them, in one line
    ("asbuilt", {"asbuilt_sections": {"hardware": 7}}, "asbuilt_sections: section hardware: detail level 7 is not in 0-3"),
    ("asbuilt", {"asbuilt_sections": {"hardwar": 2}}, "asbuilt_sections: unknown report section 'hardwar'"),
    ("asbuilt", {"report_sections": {"cluster": -1}}, "report_sections: section cluster"),
    ("asbuilt", {"collect_subsets": ["bogus"]}, "collect_subsets: unknown subset 'bogus'"),
    ("healthcheck", {"healthcheck_disabled_rules": ["VAST-XX-999"]}, "healthcheck_disabled_rules: unknown rule id"),
    ("drift", {"drift_collect": True, "collect_extra_subsets": ["nope"]}, "collect_extra_subsets: unknown subset"),
    # user test 14, finding 3: report variables used to be noticed only after the cluster had been read
    ("asbuilt", {"report_rows_detail": -1}, "report_rows_detail: must be a whole number of rows, at least 1"),
    ("asbuilt", {"report_logo": "/nonexistent/logo.png"}, "report_logo: /nonexistent/logo.png does not exist"),
    ("asbuilt", {"report_colors": {"primary": "red; x"}}, "report_colors: primary: colour 'red; x'"),
    ("asbuilt", {"healthcheck_thresholds": {"capacity_warning_percent": 95}}, "must be below capacity_critical"),
    ("asbuilt", {"vast_timeout": "abc"}, "vast_timeout: must be a number"),
    ("healthcheck", {"vast_validate_certs": "maybe"}, "vast_validate_certs: must be true or false"),
    ("asbuilt", {"asbuilt_sections": "hardware"}, "argument 'asbuilt_sections' is of type"),
    # user test 15, item 4: numbers were checked only by the module, naming its option (events_max)
    ("asbuilt", {"collect_events_max": -1}, "collect_events_max: must be 0 (every event) or how many"),
    ("asbuilt", {"collect_max_records": 0}, "collect_max_records: must be a page size from 1 to"),
    ("asbuilt", {"vast_retries": -1}, "vast_retries: must be a number of retries from 0 to"),
    ("healthcheck", {"vast_max_concurrency": 0}, "vast_max_concurrency: must be a number of requests from 1 to"),
    # user test 18, item 5: a missing CA file failed only at the collection, after the output directory was made
    ("asbuilt", {"vast_ca_path": "noca.pem"}, "noca.pem does not exist: give the CA certificate"),
])
def test_bad_role_variable_stops_before_any_request(sim, tmp_path, playbook, extra, message):
    out = tmp_path / "out"
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)}, asbuilt_output_dir=str(out))
    sim.clear_log()
    result = run_playbook(playbook, tmp_path, inv, env_for(sim), extra_vars=extra)
    assert result.rc != 0
    assert "Validation of arguments failed" in result.stdout and message in result.stdout, result.stdout[-3000:]
    assert "argument_spec_data" not in result.stdout            # one message, not the whole specification
    assert "Finalization of task args" not in result.stdout
    fatal = [line for line in result.stdout.splitlines() if line.startswith("fatal:")]
    assert len(fatal) == 1 and fatal[0].count(message) == 1, fatal        # said once
    assert [p for p in api_paths(sim) if not p.startswith("/_sim")] == []
    assert not os.path.exists(str(out / CLUSTER)) or os.listdir(str(out / CLUSTER)) == []


def test_a_list_variable_given_as_a_plain_string_is_split_at_commas(sim, tmp_path):
    """User test 15, item 3: -e healthcheck_disabled_rules=VAST-MON-001 was refused letter by letter and
    -e collect_extra_subsets=security as 's', 'e', ...; every list variable takes a plain string, split at commas."""
    import json
    out = tmp_path / "out"
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)}, asbuilt_output_dir=str(out))
    result = run_playbook("asbuilt", tmp_path, inv, env_for(sim), extra_vars={
        "healthcheck_disabled_rules": "VAST-MON-001, VAST-NET-005", "collect_extra_subsets": "security",
        "report_formats": "html,json"})
    result.check()
    run = os.path.realpath(str(out / CLUSTER / "latest"))
    assert sorted(n for n in os.listdir(run) if n.startswith("report.")) == ["report.html", "report.json"]
    with open(os.path.join(run, "findings.json"), encoding="utf-8") as handle:
        status = dict((r["id"], r["status"]) for r in json.load(handle)["results"])
    assert status["VAST-MON-001"] == "disabled" and status["VAST-NET-005"] == "disabled"


def test_allow_newer_version_is_a_playbook_variable(sim_factory, tmp_path):
    """User test 15, item 5: -e vast_allow_newer_version=true was silently ignored (the playbooks did not pass it),
    and the hint named only the module option and its environment variable."""
    newer = sim_factory(profile="tiny", vast_version="6.0", now=now_iso())
    out = tmp_path / "out"
    inv = inventory(tmp_path, {CLUSTER: host_vars(newer)}, asbuilt_output_dir=str(out))
    refused = run_playbook("asbuilt", tmp_path, inv, env_for(newer), label="refused")
    assert refused.rc != 0 and "VAST 6.0.0 is newer than this collection supports" in refused.stdout
    assert "vast_allow_newer_version" in refused.stdout
    run_playbook("asbuilt", tmp_path, inv, env_for(newer), extra_vars={"vast_allow_newer_version": "true"},
                 label="allowed").check()
    assert os.path.isfile(os.path.join(os.path.realpath(str(out / CLUSTER / "latest")), "report.html"))
