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

from ansible_collections.vastops.asbuilt.plugins.module_utils import drift
from ansible_collections.vastops.asbuilt.plugins.module_utils.drift import compare
from ansible_collections.vastops.asbuilt.plugins.module_utils.drift_render import render_html, render_md
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import SnapshotView

from test_report_fixes import doc, small_doc  # noqa: F401  (fixtures)

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
