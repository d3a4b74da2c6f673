"""The eighteenth user test (issue 18).

1. drift names every switch port with its switch ("sw-a / swp8"), sorted by switch then port in natural order
   (swp2 before swp10); NICs, NIC ports, PSUs and fans with their host or box; records that still share a name
   (a quota path in two tenants) with their tenant, else their id (drift.display_name, one helper);
3. with health rules disabled the counts say "N of M enabled rules ... (K disabled)" everywhere.

Item 2 (drift --check says "would write" only when a file would change) is proved by
tests/integration/roles/test_drift_check_mode.py.
"""
import copy
import re

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils import drift, health
from ansible_collections.vastops.asbuilt.plugins.module_utils.drift import compare
from ansible_collections.vastops.asbuilt.plugins.module_utils.drift_render import render_html, render_md
from ansible_collections.vastops.asbuilt.plugins.module_utils.report import render_files
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import SnapshotView

from test_report_fixes import NOW, doc, small_doc  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.simulator]


def _drift(before, after):
    result = compare(SnapshotView(before), SnapshotView(after))
    return result, render_md(result), render_html(result)


def _switch(port):
    return port["switch"].split(" ", 1)[0]


# ---- 1: switch ports (and other records named only within a parent) carry their parent, in natural order ------
def test_drift_names_switch_ports_with_their_switch_in_natural_order(doc):
    after = copy.deepcopy(doc)
    ports = after["vast_info"]["switches"]["ports"]
    for port in ports:
        if port["name"] in ("swp10", "swp8", "swp2"):
            port["speed"] = "100G"
    switches = sorted(set(_switch(p) for p in ports))
    assert len(switches) == 2
    result, md, html = _drift(doc, after)
    expected = ["%s / %s" % (sw, name) for sw in switches for name in ("swp2", "swp8", "swp10")]
    assert [c["label"] for c in result["resources"]["ports"]["changed"]] == expected
    for text in (md, html):
        positions = [text.index(label) for label in expected]
        assert positions == sorted(positions)
        assert not re.search(r"(\| |<td>)swp8( \||</td>)", text)


def test_drift_names_nics_psus_and_fans_with_their_host_or_box(doc):
    hardware = doc["vast_info"]["hardware"]
    for resource in ("nics", "nicports", "psus", "fans"):
        records = hardware[resource]
        names = [drift.display_name(resource, r) for r in records]
        assert len(set(r["name"] for r in records)) < len(records), resource       # the bare names repeat
        assert len(set(names)) == len(names), (resource, names)
        assert all(" / " in n for n in names), resource
    nic = hardware["nics"][0]
    assert drift.display_name("nics", nic) == "%s / %s" % (nic["hostname"], nic["name"])
    port = hardware["nicports"][0]                  # a NIC port record names its host only in its title
    assert drift.display_name("nicports", port) == port["title"].replace(" " + port["name"], " / " + port["name"])


def test_drift_tells_apart_records_that_share_a_name(doc):
    before = copy.deepcopy(doc)
    quotas = before["vast_info"]["logical"]["quotas"]
    twin = dict(quotas[0], guid="twin-guid", id=987654, tenant_name="other-tenant", tenant_id=99)
    quotas.append(twin)
    after = copy.deepcopy(before)
    for quota in after["vast_info"]["logical"]["quotas"]:
        if quota["guid"] in (quotas[0]["guid"], "twin-guid"):
            quota["hard_limit"] = 123
    result, md, _html = _drift(before, after)
    labels = [c["label"] for c in result["resources"]["quotas"]["changed"]]
    base = drift.display_name("quotas", quotas[0])
    assert sorted(labels) == sorted(["%s [tenant %s]" % (base, quotas[0]["tenant_name"]),
                                     "%s [tenant other-tenant]" % base])


# ---- 3: with rules disabled, the counts are of the enabled rules, the disabled ones said apart ------------------
DISABLED = ["VAST-NET-005"]


def _report(doc, disabled):
    view = SnapshotView(doc)
    found = health.evaluate(view, disabled=disabled, now=NOW)
    files, _model = render_files(view, found)
    return found, files["report.md"].decode("utf-8"), files["report.html"].decode("utf-8")


def test_rule_counts_leave_disabled_rules_out(doc):
    found, md, html = _report(doc, DISABLED)
    summ = found["summary"]
    total = len(found["results"])
    enabled = total - 1
    assert summ["disabled"] == 1 and summ["enabled"] == enabled
    assert summ["failed"] + summ["passed"] + summ["not_evaluated"] + summ["not_applicable"] == enabled
    assert summ["problem_text"] == "%d of %d enabled rules found a problem (1 disabled)" % (summ["failed"], enabled)
    assert health.problem_text(summ) == summ["problem_text"]
    # the report: the health section's total, the executive summary and the bar's title
    assert "%d enabled rules (1 disabled): " % enabled in md
    assert "The health check of %d enabled rules" % enabled in md
    assert "1 rule is disabled by configuration." in md
    assert "%d enabled rules (1 disabled): " % enabled in html
    for text in (md, html):
        assert "%d rules" % total not in text, re.findall(r".{60}%d rules.{60}" % total, text)


def test_rule_counts_unchanged_without_disabled_rules(doc):
    found, md, _html = _report(doc, [])
    summ = found["summary"]
    total = len(found["results"])
    assert summ["enabled"] == total
    assert summ["problem_text"] == "%d of %d rules found a problem" % (summ["failed"], total)
    assert "%d rules: " % total in md and "enabled" not in summ["problem_text"]


def test_rule_counts_of_an_older_findings_summary():
    """A findings file written before `enabled` and `problem_text` existed still reads right in the report."""
    old = {"rules": 46, "failed": 3, "passed": 40, "not_evaluated": 0, "not_applicable": 1, "disabled": 2}
    assert health.problem_text(old) == "3 of 44 enabled rules found a problem (2 disabled)"
    assert health.rules_text(old) == "44 enabled rules (2 disabled)"
    assert health.rules_text(dict(old, disabled=0)) == "46 rules"
