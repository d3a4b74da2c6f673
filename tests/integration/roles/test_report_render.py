"""The report's renderers on hostile and large data, and a failed render that must leave the last report intact.

Hostile names (markup, quotes, spreadsheet formulas) come from the cluster: a view and a tenant are renamed in
the simulator. A 20,000-view cluster is simulated by adding views to a collected snapshot: the HTML must stay
small (tables capped, the full list in views.csv).
"""
import csv
import copy
import io
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.health import evaluate
from ansible_collections.vastops.asbuilt.plugins.module_utils.report import render_files
from ansible_collections.vastops.asbuilt.plugins.module_utils.snapshot_view import SnapshotView

from roles_util import BIN, env_for, now_iso, snapshot_of

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

EVIL = '<script>alert("x")</script>|*_[a](javascript:x)'
FORMULA = "=HYPERLINK(\"http://evil\",\"x\")"


@pytest.fixture(scope="module")
def view(module_sims):
    sim = module_sims(profile="tiny", now=now_iso())
    sim.mutate({"views": [{"index": 0, "set": {"name": EVIL, "path": "/" + FORMULA}}],
                "tenants": [{"index": -1, "set": {"name": "t\"en'ant&<b>"}}]})
    return snapshot_of(sim)


def _files(view, **kwargs):
    files, _model = render_files(view, evaluate(view), **kwargs)
    return dict((k, v.decode("utf-8")) for k, v in files.items())


def test_hostile_names_are_escaped(view):
    files = _files(view)
    html = files["report.html"]
    ET.fromstring(html.split("\n", 1)[1])              # still well-formed
    assert "<script>alert" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert html.count("<script>") == 1                 # only the report's own sort script
    md = files["report.md"]
    # issue 13: Markdown escapes a tag with a backslash ("\<script>"), never as HTML ("&lt;script&gt;")
    assert "<script>" not in md.replace("\\<", "") and "\\<script>" in md and "\\|" in md
    rows = list(csv.reader(io.StringIO(files["views.csv"])))
    paths = [r[0] for r in rows[1:]]
    assert "'/" + FORMULA not in paths and ("/" + FORMULA) in paths   # starts with "/": not a formula
    assert all(not p.startswith(("=", "+", "@")) for p in paths)


def test_formula_cells_are_neutralised():
    from ansible_collections.vastops.asbuilt.plugins.module_utils.report_csv import safe
    assert safe(FORMULA) == "'" + FORMULA
    assert safe("-5") == "-5" and safe("+cmd") == "'+cmd" and safe("@x") == "'@x"


def test_twenty_thousand_views_stay_small(view):
    doc = copy.deepcopy(view.doc)
    views = doc["vast_info"]["logical"]["views"]
    template = views[-1]
    for n in range(20000):
        extra = dict(template, id=100000 + n, guid="g-%d" % n, name="bulk-%05d" % n, path="/bulk/v%05d" % n)
        views.append(extra)
    big = SnapshotView(doc)
    files = _files(big, levels={"logical": 2})
    assert len(files["report.html"]) < 3 * 1024 * 1024
    assert "Showing 50 of %d. The full list is in <code>views.csv</code>." % len(views) in files["report.html"]
    assert len(files["views.csv"].splitlines()) == len(views) + 1
    full = _files(big, levels={"logical": 3}, options={"rows_full": 1000})
    assert "Showing 1000 of %d." % len(views) in full["report.html"]
    assert len(full["report.html"]) < 6 * 1024 * 1024


def test_failed_render_leaves_the_previous_report(view, tmp_path):
    """A render that fails (here: a logo that is not an image) writes nothing: the last report stays whole."""
    snap = tmp_path / "snapshot.json"
    snap.write_text(__import__("json").dumps(view.doc))
    dest = tmp_path / "run"
    env = env_for(None)

    def report(*extra):
        cmd = [os.path.join(BIN, "ansible"), "localhost", "-m", "vastops.asbuilt.vast_report", "-a",
               " ".join(["snapshot=%s" % snap, "dest=%s" % dest] + list(extra))]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=str(tmp_path))
    first = report()
    assert first.returncode == 0, first.stdout + first.stderr
    before = dict((p, (dest / p).read_bytes()) for p in os.listdir(dest))
    bad_logo = tmp_path / "logo.png"
    bad_logo.write_text("not an image")
    failed = report("logo=%s" % bad_logo, "title=Other")
    assert failed.returncode != 0 and "the logo must be a PNG" in failed.stdout
    after = dict((p, (dest / p).read_bytes()) for p in os.listdir(dest))
    assert after == before                              # same files, same bytes, no temporary file left


def test_markdown_mirrors_the_html(view):
    files = _files(view)
    html, md = files["report.html"], files["report.md"]
    root = ET.fromstring(html.split("\n", 1)[1])
    titles = [h.text for h in root.iter("h3") if h.text]
    # issue 13: a chart whose rows a table of the section shows is not repeated in Markdown
    for title in [t for t in titles if t != "Largest directories (usable capacity)"]:
        assert "### %s" % title.replace("_", "\\_") in md, title


def test_branding_logo_and_colours(view):
    import base64
    import zlib
    import struct

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00\x1b\x36\x5d")) + chunk(b"IEND", b""))
    files, _model = render_files(view, evaluate(view), formats=["html"], logo=png,
                                 colours={"primary": "#112233", "accent": "#445566"},
                                 options={"title": "Network As-Built", "company": "ACME", "author": "J. Doe"})
    html = files["report.html"].decode("utf-8")
    assert 'src="data:image/png;base64,%s"' % base64.b64encode(png).decode("ascii") in html
    assert "--brand:#112233" in html and "--accent:#445566" in html
    assert "<h1>Network As-Built</h1>" in html and "J. Doe" in html
    with pytest.raises(ValueError):
        render_files(view, None, formats=["html"], colours={"primary": "red;}body{display:none"})
