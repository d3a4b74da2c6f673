"""Every health rule fires on a simulator state that breaks what it checks, and only there.

Each case starts a ``tiny`` simulator in the ``healthy`` baseline (no rule fires: tested first) plus one scenario
or state override, collects it in-process (session + collector, as vast_info does) and evaluates the rules:
the failed set must be exactly the rules the change should trigger. The clock of the simulated data is now, so
dates (licences, certificates, replication) are judged as on a real cluster.
"""
import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.health import evaluate
from ansible_collections.vastops.asbuilt.plugins.module_utils.health_rules import RULES

from roles_util import now_iso, snapshot_of

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

# rule id -> (scenarios or state overrides that trigger it, rules expected to fail with it)
TRIGGERS = {
    "VAST-CL-001": ({"clusters": [{"set": {"state": "OFFLINE"}}]}, None),
    "VAST-CL-002": ("licence_expiring", None),
    "VAST-CAP-001": ("capacity:95", None),
    "VAST-CAP-002": ("capacity:85", None),
    "VAST-CAP-003": ({"quotas": [{"index": 0, "set": {"state": "HARD_EXCEEDED"}}]}, None),
    "VAST-HW-001": ("degraded_raid", None),
    "VAST-HW-002": ("failed_ssd", None),
    "VAST-HW-003": ("failed_nvram", None),
    "VAST-HW-004": ("node_inactive", None),
    "VAST-HW-005": ("node_disabled", None),
    "VAST-HW-006": ("mixed_os", None),
    "VAST-HW-007": ("mixed_firmware", {"VAST-HW-007", "VAST-HW-008"}),
    "VAST-HW-008": ({"cnodes": [{"index": -1, "set": {"bmc_fw_version": "09.99.99"}}]}, None),
    "VAST-HW-009": ({"dnodes": [{"index": 0, "set": {"build": "release-5.3.0-sp1-1000000"}}]}, None),
    "VAST-HW-010": ({"ssds": [{"index": 0, "set": {"fw_version": "OLDFW001"}}]}, None),
    "VAST-HW-011": ("psu_failed", None),
    "VAST-HW-012": ({"fans": [{"index": 0, "set": {"state": "FAILED"}}]}, None),
    "VAST-HW-013": ({"dboxes": [{"index": 0, "set": {"state": "FAILED"}}]}, None),
    "VAST-HW-014": ("rack_unit_collision", None),
    "VAST-HW-015": ("box_without_rack_position", None),
    "VAST-NET-001": ("no_dns", None),
    "VAST-NET-002": ("single_dns", None),
    "VAST-NET-003": ("no_ntp", None),
    "VAST-NET-004": ("single_ntp", None),
    "VAST-NET-005": ("single_mgmt_vip", None),
    "VAST-NET-006": ("vippool_without_vips", None),
    "VAST-NET-007": ("vips_on_one_cnode", None),
    "VAST-NET-008": ("mtu_mismatch", None),
    "VAST-SW-001": ("one_switch", None),
    "VAST-SW-002": ("switch_fw_mismatch", None),
    "VAST-SW-003": ({"switches": [{"index": 0, "set": {"state": "ERROR"}}]}, None),
    "VAST-SEC-001": ("encryption_off", None),
    "VAST-SEC-002": ("tls_1_1", None),
    "VAST-SEC-003": ("apitokens_no_expiry", None),
    "VAST-SEC-004": ("apitokens_near_limit", None),
    "VAST-SEC-005": ("certificate_expiring", None),
    "VAST-SEC-006": ({"activedirectory": [{"set": {"state": "NOT_A_MEMBER"}}]}, None),
    "VAST-SEC-007": ({"ldaps": [{"set": {"state": "DISCONNECTED"}}]}, None),
    "VAST-DP-001": ("unprotected_views", None),
    "VAST-DP-002": ("replication_target_error", None),
    "VAST-DP-003": ("replication_lagging", None),
    "VAST-DP-004": ("s3_target_error", None),
    "VAST-MON-001": ("critical_alarms", None),
    "VAST-MON-002": ("critical_alarms:MAJOR", None),
    "VAST-MON-003": ("callhome_disabled", None),
    "VAST-MON-004": ({"eventdefinitionconfigs": [{"set": {"syslog_host": "", "email_recipients": []}}]}, None),
}


def _findings(sim_factory, change=None, **config):
    state = {"scenarios": ["healthy"]}
    if isinstance(change, str):
        state["scenarios"].append(change)
    elif change:
        state.update(change)
    sim = sim_factory(profile=config.pop("profile", "tiny"), now=now_iso(), state=state, **config)
    return evaluate(snapshot_of(sim))


def _failed(findings):
    return set(r["id"] for r in findings["results"] if r["status"] == "fail")


def test_every_rule_has_a_trigger():
    assert sorted(TRIGGERS) == sorted(r["id"] for r in RULES)
    assert len(RULES) >= 30


def test_healthy_baseline_triggers_nothing(sim_factory):
    """The "does not trigger" state of every rule: all rules evaluated, none fails."""
    findings = _findings(sim_factory)
    assert _failed(findings) == set()
    assert findings["summary"]["not_evaluated"] == 0
    assert findings["summary"]["passed"] == len(RULES)


@pytest.mark.parametrize("rule_id", sorted(TRIGGERS))
def test_rule_triggers(sim_factory, rule_id):
    change, expected = TRIGGERS[rule_id]
    findings = _findings(sim_factory, change)
    assert _failed(findings) == (expected or {rule_id})
    result = next(r for r in findings["results"] if r["id"] == rule_id)
    assert result["items"] and result["item_count"] == len(result["items"])
    assert result["remediation"] and result["why"]


def test_capacity_thresholds_are_parameters(sim_factory):
    sim = sim_factory(profile="tiny", now=now_iso(), state={"scenarios": ["healthy", "capacity:70"]})
    view = snapshot_of(sim)
    assert _failed(evaluate(view)) == set()
    assert _failed(evaluate(view, thresholds={"capacity_warning_percent": 65})) == {"VAST-CAP-002"}
    assert _failed(evaluate(view, thresholds={"capacity_critical_percent": 60})) == {"VAST-CAP-001"}


def test_disabled_rule_and_missing_data(sim_factory):
    sim = sim_factory(profile="tiny", now=now_iso(), state={"scenarios": ["healthy", "single_mgmt_vip"]})
    view = snapshot_of(sim, gather_subset=["cluster", "network"])
    findings = evaluate(view, disabled=["VAST-NET-005"])
    by_id = dict((r["id"], r) for r in findings["results"])
    assert by_id["VAST-NET-005"]["status"] == "disabled"
    # switches were not collected: never a pass, always "not evaluated" with the reason
    assert by_id["VAST-SW-001"]["status"] == "not_evaluated"
    assert "not collected" in by_id["VAST-SW-001"]["reason"]
    assert by_id["VAST-NET-001"]["status"] == "pass"


def test_unavailable_on_old_release(sim_factory):
    """API tokens exist from VAST 5.3: on 4.7 the token rules are not applicable, and say why."""
    sim = sim_factory(profile="tiny", vast_version="4.7", now=now_iso(), state={"scenarios": ["healthy"]})
    findings = evaluate(snapshot_of(sim))
    by_id = dict((r["id"], r) for r in findings["results"])
    assert by_id["VAST-SEC-003"]["status"] == "not_applicable"
    assert by_id["VAST-SEC-003"]["reason"].startswith("API tokens arrive in VAST 5.3")
    assert findings["summary"]["verdict"] == "ok" and findings["summary"]["not_evaluated"] == 0
    assert _failed(findings) == set()
