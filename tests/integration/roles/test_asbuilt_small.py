"""The as-built playbook end to end on a `small` cluster, then offline from its snapshot with the simulator stopped.

One run (at -vvv, with a recognisable password) is shared by the tests of this module: files and layout,
counts in the tables against the simulator's data, every section present or explained, well-formed and
self-contained HTML, the rack elevation, the findings, no secret anywhere; the last test stops the simulator
and re-renders offline.
"""
import csv
import glob
import gzip
import io
import os
import re
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import rack_unit
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_sections import SECTIONS

from roles_util import env_for, host_vars, inventory, latest_run, now_iso, read_json, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

PASSWORD = "Rd0nly-S3cret-Pa55word!"
CLUSTER = "vast-small"
CSV_FILES = ("nodes.csv", "boxes.csv", "drives.csv", "switch_ports.csv", "vips.csv", "views.csv")


@pytest.fixture(scope="module")
def sim(module_sims):
    return module_sims(profile="small", now=now_iso(), passwords={"readonly": PASSWORD}, log_max=500000)


@pytest.fixture(scope="module")
def run(sim, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("asbuilt-small")
    out = tmp / "out"
    inv = inventory(tmp, {CLUSTER: host_vars(sim)}, asbuilt_output_dir=str(out), report_company="Example <Corp> & Co")
    result = run_playbook("asbuilt", tmp, inv, env_for(sim, password=PASSWORD), verbosity=3, label="asbuilt")
    result.check()
    rundir = latest_run(out, CLUSTER)
    return {"tmp": tmp, "out": out, "inv": inv, "run": result, "dir": rundir,
            "html": open(os.path.join(rundir, "report.html"), encoding="utf-8").read()}


def _csv_rows(path):
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _xml(html):
    return ET.fromstring(html.split("\n", 1)[1])      # drop <!DOCTYPE html>


def test_layout(run):
    rundir = run["dir"]
    assert re.match(r"^\d{8}T\d{6}Z$", os.path.basename(rundir))
    for name in ("snapshot.json.gz", "findings.json", "report.html", "report.md", "report.json") + CSV_FILES:
        assert os.path.isfile(os.path.join(rundir, name)), name
    assert os.path.islink(os.path.join(run["out"], CLUSTER, "latest"))
    assert open(os.path.join(run["out"], CLUSTER, "latest.txt")).read().strip() == os.path.basename(rundir)
    assert not glob.glob(os.path.join(rundir, ".*.tmp")), "temporary files left behind"
    snap = read_json(os.path.join(rundir, "snapshot.json.gz"))
    assert snap["schema_version"] == 1 and list(snap)[-1] == "meta"
    index = open(os.path.join(run["out"], "index.html"), encoding="utf-8").read()
    assert 'href="%s/%s/report.html"' % (CLUSTER, os.path.basename(rundir)) in index


def test_csv_counts_match_the_simulator(run, sim):
    def n(*names):
        return sum(len(sim.records(x)) for x in names)
    rundir = run["dir"]
    assert len(_csv_rows(os.path.join(rundir, "nodes.csv"))) == n("cnodes", "dnodes")
    assert len(_csv_rows(os.path.join(rundir, "boxes.csv"))) == n("cboxes", "dboxes", "eboxes")
    assert len(_csv_rows(os.path.join(rundir, "drives.csv"))) == n("ssds", "nvrams")
    assert len(_csv_rows(os.path.join(rundir, "switch_ports.csv"))) == n("ports")
    assert len(_csv_rows(os.path.join(rundir, "vips.csv"))) == n("vips")
    views = _csv_rows(os.path.join(rundir, "views.csv"))
    assert len(views) == n("views")
    assert set(v["path"] for v in views) == set(v["path"] for v in sim.records("views"))


def test_html_is_well_formed_and_self_contained(run):
    html = run["html"]
    root = _xml(html)
    for el in root.iter():
        for attr in ("src", "href"):
            value = el.get(attr)
            if value is not None:
                assert value.startswith(("#", "data:")), "external reference %s=%r" % (attr, value)
    assert not re.search(r"https?://", html), "an http(s) URL in the report"
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "Example &lt;Corp&gt; &amp; Co" in html     # branding is escaped like everything else


def test_every_section_present_or_explained(run):
    root = _xml(run["html"])
    sections = dict((s.get("id"), s) for s in root.iter("section"))
    for spec in SECTIONS:
        sec = sections["sec-" + spec["id"]]
        body = [el for el in sec if el.tag not in ("h2",) and "level" not in (el.get("class") or "")]
        assert body, "section %s is empty" % spec["id"]
    md = open(os.path.join(run["dir"], "report.md"), encoding="utf-8").read()
    for spec in SECTIONS:
        assert "%s\n" % spec["title"] in md


def _table_after(root, title):
    found = False
    for el in root.iter():
        if el.tag == "h3" and el.text == title:
            found = True
        elif found and el.tag == "table":
            return el
    raise AssertionError("no table titled %s" % title)


def test_html_tables_match_the_simulator(run, sim):
    root = _xml(run["html"])
    cnodes = _table_after(root, "CNodes")
    names = [tr[0].text for tr in cnodes.find("tbody")]
    assert sorted(names) == sorted(c["name"] for c in sim.records("cnodes"))
    views = _table_after(root, "Views")
    assert len(views.find("tbody")) == 50                      # capped at detail level 2
    assert "Showing 50 of %d. The full list is in <code>views.csv</code>." % len(sim.records("views")) in run["html"]
    pools = _table_after(root, "VIP pools")
    assert len(pools.find("tbody")) == len(sim.records("vippools"))


def test_rack_elevation_shows_every_box_at_its_unit(run, sim):
    root = _xml(run["html"])
    drawn = dict((g.get("data-name"), int(g.get("data-unit"))) for g in root.iter("g") if g.get("data-name"))
    boxes = sim.records("cboxes") + sim.records("dboxes")
    assert boxes
    for box in boxes:
        assert drawn.get(box["name"]) == rack_unit(box), box["name"]
    letters = set(t.text for t in root.iter("text") if "kind-letter" == t.get("class"))
    assert letters == {"C", "D"}


def test_findings_match_the_rules_triggered(run, sim):
    findings = read_json(os.path.join(run["dir"], "findings.json"))
    failed = set(r["id"] for r in findings["results"] if r["status"] == "fail")
    severities = set(a["severity"] for a in sim.records("alarms"))
    expected = set()
    if "CRITICAL" in severities:
        expected.add("VAST-MON-001")
    if "MAJOR" in severities:
        expected.add("VAST-MON-002")
    if len(sim.records("network_settings")["management_vips"]) < 2:
        expected.add("VAST-NET-005")
    assert failed == expected
    assert findings["summary"]["not_evaluated"] == 0
    for rule_id in expected:
        assert 'id="rule-%s"' % rule_id in run["html"]


def test_no_secret_anywhere(run, sim):
    """Neither the password nor a token in any file written, nor in the -vvv output of the playbook."""
    tokens = [PASSWORD, "eyJhbGci", "eyJ0eXAi"]
    texts = [open(run["run"].log_path, encoding="utf-8").read()]
    for path in glob.glob(os.path.join(str(run["out"]), "**", "*"), recursive=True):
        if os.path.isfile(path):
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
                texts.append(handle.read())
    assert "ESTABLISH LOCAL CONNECTION" in texts[0]            # it really was -vvv
    for text in texts:
        for secret in tokens:
            assert secret not in text


def test_sections_at_level_zero_are_not_collected(run):
    """The default levels read every subset; the request log test of level 0 is in test_profiles.py."""
    snap = read_json(os.path.join(run["dir"], "snapshot.json.gz"))
    assert set(snap["meta"]["subsets_requested"]) >= {"cluster", "hardware", "switches", "network", "logical",
                                                      "security", "protection", "monitoring"}


def test_offline_rerender_with_the_simulator_stopped(run, sim):
    before = run["html"]
    sim.stop()
    result = run_playbook("asbuilt", run["tmp"], run["inv"], env_for(None), label="offline",
                          extra_vars={"collect_offline": True})
    result.check()
    assert latest_run(run["out"], CLUSTER) == run["dir"]      # re-rendered in place, from the same snapshot
    after = open(os.path.join(run["dir"], "report.html"), encoding="utf-8").read()

    def stable(html):
        return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "T", html.replace(
            re.search(r"Report generated</dt><dd>([^<]*)<", html).group(1), "T"))
    assert stable(after) == stable(before)
