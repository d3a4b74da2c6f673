# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report sections: executive summary, cluster, capacity, hardware and racks (see report_model.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import (
    box_name, human_bytes, human_bytes_split, human_duration, iso, parse_time, placed_boxes, plural, release_text,
    round_percent, text, unit_collisions,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.health import rule_counts, sorted_results, verdict, verdict_tone
from ansible_collections.vastops.asbuilt.plugins.module_utils.health_checks_hw import used_percent
from ansible_collections.vastops.asbuilt.plugins.module_utils.report_model import (
    badge, display, heading, incomplete_banner, kv, missing_card, natural_key, note, resume_banner, state_label,
    yes_no,
)

KIND_LETTER = {"cboxes": "C", "dboxes": "D", "eboxes": "E"}
KIND_LABEL = {"cboxes": "CBox", "dboxes": "DBox", "eboxes": "EBox"}
SEVERITY_TONE = {"critical": "bad", "major": "warn", "minor": "minor", "info": "info", "none": "ok"}


def release_with_build(rec):
    """"5.3.1 (release-5.3.1-sp2-1781527)": the release, with the build name the cluster gives."""
    release = release_text(rec.get("sw_version"))
    if release and rec.get("build"):
        return "%s (%s)" % (release, text(rec.get("build")))
    return release or rec.get("build")


def count(b, name):
    recs = b.records(name)
    return None if recs is None else len(recs)


def health_cards(findings):
    """The executive summary's health card: never "OK" (or green) while a rule was not evaluated."""
    if not findings:
        return {"label": "Health", "value": "not checked", "sub": "the health check did not run", "tone": "muted"}
    summ = dict(findings["summary"])
    summ.update(verdict(summ))
    return {"label": "Health", "value": summ["headline"], "sub": summ["detail"], "tone": verdict_tone(summ)}


def capacity_figures(cluster, findings):
    usable = cluster.get("usable_capacity_bytes")
    free = cluster.get("free_usable_capacity")
    thresholds = (findings or {}).get("thresholds") or {}
    used = (float(usable) - float(free)) if usable and free is not None else None
    total_text, used_text, free_text = human_bytes_split(usable, used)
    return {"used_percent": round_percent(used_percent(cluster)),
            "usable": usable, "usable_free": free, "usable_used": used,
            # displayed in one unit so that used + free = usable as printed
            "usable_text": total_text, "usable_used_text": used_text,
            "usable_free_text": free_text if used is not None else human_bytes(free),
            "physical": cluster.get("physical_space"), "physical_used": cluster.get("physical_space_in_use"),
            "logical": cluster.get("logical_space"), "logical_used": cluster.get("logical_space_in_use"),
            "drr": cluster.get("drr_text") or cluster.get("drr"),
            "warning": thresholds.get("capacity_warning_percent", 80),
            "critical": thresholds.get("capacity_critical_percent", 90)}


def _plural(n, word, many=None):
    return plural(n, word, many)


def narrative(b, cluster):
    """Two or three plain sentences a reader takes away from the report."""
    release = release_text(cluster.get("sw_version")) or "?"
    parts = ["%s is a VAST %s cluster" % (cluster.get("name") or b.view.cluster_name, release)]
    e_boxes, c_boxes, d_boxes = count(b, "eboxes"), count(b, "cboxes"), count(b, "dboxes")
    c_nodes, d_nodes, racks = count(b, "cnodes"), count(b, "dnodes"), count(b, "racks")
    if e_boxes:
        parts.append(" of %s" % _plural(e_boxes, "EBox", "EBoxes"))
    elif c_boxes is not None and d_boxes is not None:
        parts.append(" of %s and %s" % (_plural(c_boxes, "CBox", "CBoxes"), _plural(d_boxes, "DBox", "DBoxes")))
    if c_nodes is not None and d_nodes is not None:
        parts.append(" (%s, %s)" % (_plural(c_nodes, "CNode"), _plural(d_nodes, "DNode")))
    if racks:
        parts.append(" in %s" % _plural(racks, "rack"))
    figs = capacity_figures(cluster, b.findings)
    if figs["used_percent"] is not None:
        parts.append(", with %s of usable capacity, %.1f%% of it in use" % (figs["usable_text"], figs["used_percent"]))
        if figs.get("drr"):
            parts.append(" at a data reduction of %s" % figs["drr"])
    out = "".join(parts) + "."
    if b.findings:
        out += " " + health_sentence(b.findings["summary"])
    return out


def health_sentence(summ):
    """What the health check found, in one or two sentences that never sound healthy when it is incomplete."""
    sev = summ["by_severity"]
    rules, disabled = rule_counts(summ)         # the enabled rules: the disabled ones were not asked for
    missing, na = int(summ.get("not_evaluated") or 0), int(summ.get("not_applicable") or 0)
    evaluated = rules - missing - na
    rule_word = "enabled rule" if disabled else "rule"
    found = [_plural(sev[s], "%s finding" % s) for s in ("critical", "major", "minor", "info") if sev[s]]
    if missing:
        out = "The health check is incomplete: only %d of %s could be evaluated, because the data the other %d " \
              "need %s (see Health findings)." % (evaluated, _plural(rules, rule_word), missing, _missing_why(summ))
        out += (" The rules that ran found %s%s." % (_and(found), "; the most important are listed below" if (
            sev["critical"] or sev["major"]) else "")) if found else " The %s that ran passed." % (
            "rule" if evaluated == 1 else "%d rules" % evaluated)
    else:
        # the total of the Health section ("46 rules: ..."), with how many of them ran when some did not apply
        checked = _plural(rules, rule_word) + ("" if evaluated == rules else " (%d evaluated)" % evaluated)
        if found:
            out = "The health check of %s found %s%s." % (
                checked, _and(found), "; the most important are listed below" if (sev["critical"] or sev["major"])
                else "")
        else:
            out = "The health check of %s found nothing to report." % checked
    if na:
        out += " %s not apply to this VAST release." % ("1 rule does" if na == 1 else "%d rules do" % na)
    if disabled:
        out += " %s disabled by configuration." % ("1 rule is" if disabled == 1 else "%d rules are" % disabled)
    return out


def _missing_why(summ):
    """Why the data of the rules not evaluated is missing: it could not be read (the cluster was asked and the
    read failed) or it was not collected (collect_subsets left it out), or both with their counts."""
    causes = summ.get("not_evaluated_causes")
    if not isinstance(causes, dict):
        return "was not collected"
    failed, left_out = int(causes.get("read_error") or 0), int(causes.get("not_collected") or 0)
    if failed and left_out:
        return "could not be read (%d) or was not collected (%d)" % (failed, left_out)
    return "could not be read" if failed else "was not collected"


def _and(words):
    return ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1]


# ---- executive summary ---------------------------------------------------------------------------------------
def executive_summary(b, sec):
    cluster = b.view.first("clusters")
    if cluster is None:
        sec["status"] = "unavailable"
        sec["note"] = "The cluster record %s." % b.view.reason("clusters")
    for banner in (incomplete_banner(b.view), resume_banner(b.view)):
        if banner:
            sec["blocks"].append(banner)
    cards = []
    if cluster:
        cards.append({"label": "VAST release", "value": release_text(cluster.get("sw_version")) or "-",
                      "sub": text(cluster.get("build")), "tone": "info"})
        figs = capacity_figures(cluster, b.findings)
        if figs["used_percent"] is not None:
            cards.append({"label": "Usable capacity", "value": figs["usable_text"],
                          "sub": "%.1f%% used, %s free" % (figs["used_percent"], figs["usable_free_text"]),
                          "tone": "bad" if figs["used_percent"] >= figs["critical"] else
                          "warn" if figs["used_percent"] >= figs["warning"] else "ok"})
    # a key figure whose resource is missing is shown with the reason, never silently left out
    c_nodes, d_nodes, e_boxes = count(b, "cnodes"), count(b, "dnodes"), count(b, "eboxes")
    boxes = _plural(e_boxes, "EBox", "EBoxes") if e_boxes else "%s, %s" % (
        _count_text(count(b, "cboxes"), "CBox", "CBoxes"), _count_text(count(b, "dboxes"), "DBox", "DBoxes"))
    if c_nodes is not None and d_nodes is not None:
        cards.append({"label": "CNodes / DNodes", "value": "%d / %d" % (c_nodes, d_nodes), "sub": boxes,
                      "tone": "info"})
    else:
        read = [_plural(n, label) for n, label in ((c_nodes, "CNode"), (d_nodes, "DNode")) if n is not None]
        cards.append(missing_card(b.view, "CNodes / DNodes", [n for n in ("cnodes", "dnodes") if count(b, n) is None],
                                  "; ".join([boxes] + read)))
    if count(b, "views") is not None:
        cards.append({"label": "Views", "value": str(count(b, "views")),
                      "sub": _count_text(count(b, "tenants"), "tenant"), "tone": "info"})
    else:
        cards.append(missing_card(b.view, "Views", ["views"], _count_text(count(b, "tenants"), "tenant")))
    cards.append(health_cards(b.findings))
    sec["blocks"].append({"type": "cards", "cards": cards})
    if cluster:
        sec["blocks"].append({"type": "para", "text": narrative(b, cluster)})
    if cluster:
        sec["blocks"].append(kv([
            ("Cluster", cluster.get("name")), ("PSNT", cluster.get("psnt")), ("GUID", cluster.get("guid")),
            ("State", badge(cluster.get("state"))), ("VAST release", release_text(cluster.get("sw_version"))),
            ("Management VIP", cluster.get("mgmt_vip")), ("Deployed", cluster.get("deployment_time")),
            ("Data collected", b.options.get("collected_text") or b.view.collected_at)], "At a glance"))
    if b.findings:
        failing = [r for r in sorted_results(b.findings["results"]) if r["status"] == "fail"]
        sec["blocks"].append(heading("Health"))
        sec["blocks"].append({"type": "health", "summary": b.findings["summary"], "results": [], "mode": "summary"})
        if failing:
            top = failing[:8]
            sec["blocks"].append({"type": "table", "title": "Most important findings", "total": len(failing),
                                  "columns": ["Severity", "Rule", "Finding", "Affected"], "csv": None, "numeric": [],
                                  "rows": [[badge(r["severity"], SEVERITY_TONE[r["severity"]]), r["id"], r["title"],
                                            r["item_count"]] for r in top], "more": "see Health findings"})


def _count_text(n, word, many=None):
    """'3 tenants', or 'tenants unknown' when the resource was not read (its own card or section says why)."""
    return "%s unknown" % (many or word + "s") if n is None else _plural(n, word, many)


# ---- cluster -------------------------------------------------------------------------------------------------
def cluster(b, sec):
    rec = b.view.first("clusters")
    if rec is None:
        sec["status"], sec["note"] = "unavailable", "The cluster record %s." % b.view.reason("clusters")
        return
    blocks = sec["blocks"]
    blocks.append(kv([
        ("Name", rec.get("name")), ("GUID", rec.get("guid")), ("PSNT", rec.get("psnt")),
        ("State", badge(rec.get("state"))), ("Release", release_with_build(rec)),
        ("Software build", rec.get("sw_version")),
        ("Management VIP", rec.get("mgmt_vip")), ("Management CNode", rec.get("mgmt_cnode")),
        ("Leader", "%s (%s)" % (text(rec.get("leader_cnode")), text(rec.get("leader_state")))),
        ("Deployed", rec.get("deployment_time")), ("Online since", rec.get("online_start_time")),
        ("Upgrade state", rec.get("upgrade_state")), ("Protocols", rec.get("protocols")),
        ("Similarity (data reduction)", yes_no(rec.get("enable_similarity"))),
        ("Write-buffer RAID layout", rec.get("wb_raid_layout")),
        ("Drives that can fail", rec.get("raid_drives_can_fail")),
        ("Rack-level resiliency", yes_no(rec.get("enable_rack_level_resiliency"))),
        ("DBox HA", yes_no(rec.get("dbox_ha_support"))), ("EBox architecture", yes_no(rec.get("ebox")))],
        "Identity and state"))
    vms = b.view.first("vms")
    if vms is not None:
        blocks.append(kv([
            ("VMS address", vms.get("mgmt_ip")), ("VMS CNode", vms.get("mgmt_cnode")),
            ("HTTPS port", vms.get("ssl_port")), ("Minimum TLS version", vms.get("min_tls_version")),
            ("Capacity units", "base 10 (TB)" if vms.get("capacity_base_10") else "base 2 (TiB)"
             if vms.get("capacity_base_10") is False else "-"),
            ("Access token lifetime", human_duration(vms.get("access_token_lifetime"))),
            ("Refresh token lifetime", human_duration(vms.get("refresh_token_lifetime"))),
            ("API tokens per user", vms.get("max_api_tokens_per_user")),
            ("Idle logout (s)", vms.get("auto_logout_timeout")), ("Login banner", vms.get("login_banner") or "-")],
            "Management (VMS)"))
    else:
        blocks.append(b.missing("vms", "VMS settings"))
    blocks += b.table("licenses", "Licences", ["Licence", "State", "Capacity", "CPU cores", "Start", "Expires"],
                      lambda r: [r.get("name"), badge(r.get("state")), human_bytes(r.get("capacity")), r.get("cpu_cores"),
                                 r.get("start_date"), r.get("expiration_date")], empty="No licence is installed.")
    if b.level >= 2:
        blocks += b.table("versions", "Software history", ["Version", "Build", "OS", "Status", "Installed"],
                          lambda r: [r.get("name"), r.get("build"), r.get("os_version"), badge(r.get("status")),
                                     r.get("created")], sort=lambda r: str(r.get("created") or ""),
                          empty="No upgrade history is recorded.")
    if b.level >= 3:
        blocks.append(b.all_fields(rec, "Every cluster setting"))


# ---- capacity ------------------------------------------------------------------------------------------------
def capacity(b, sec):
    rec = b.view.first("clusters")
    if rec is None:
        sec["status"], sec["note"] = "unavailable", "The capacity figures %s." % b.view.reason("clusters")
        return
    figs = capacity_figures(rec, b.findings)
    if figs["used_percent"] is None:
        sec["status"], sec["note"] = "empty", "The cluster record carries no capacity figures."
        return
    sec["blocks"].append({"type": "capacity", "figures": figs})
    sec["blocks"].append(kv([
        ("Usable capacity", figs["usable_text"]),
        ("Usable in use", "%s (%.1f%%)" % (figs["usable_used_text"], figs["used_percent"])
         if figs["usable_used"] is not None else "%.1f%%" % figs["used_percent"]),
        ("Usable free", figs["usable_free_text"]),
        ("Physical capacity", human_bytes(figs["physical"])), ("Physical in use", human_bytes(figs["physical_used"])),
        ("Logical capacity", human_bytes(figs["logical"])), ("Logical in use", human_bytes(figs["logical_used"])),
        ("Data reduction ratio", figs["drr"]),
        ("Warning / critical thresholds", "%g%% / %g%%" % (figs["warning"], figs["critical"]))], "Capacity figures"))
    if b.level < 2:
        return
    cap = b.records("capacity")
    if cap is None:
        sec["blocks"].append(b.missing("capacity", "Capacity by directory"))
        return
    details = (cap[0] if cap else {}).get("details") or []
    keys = (cap[0] if cap else {}).get("keys") or ["usable", "unique", "logical"]
    rows = []
    for entry in details:
        if isinstance(entry, (list, tuple)) and len(entry) == 2 and isinstance(entry[1], dict):
            data = entry[1].get("data") or []
            values = dict(zip(keys, data))
            rows.append((entry[0], values.get("usable"), values.get("unique"), values.get("logical"),
                         entry[1].get("average_atime")))
    root, rows = _split_root(rows)
    if not rows:
        sec["blocks"] += [heading("Capacity by directory"), note("The cluster reported no directory breakdown.")]
        return
    rows.sort(key=lambda r: -(r[1] or 0))
    top = rows[: (10 if b.level == 2 else 25)]
    biggest = float(top[0][1] or 1)
    # The chart's data are the first rows of the table that follows: Markdown, which cannot draw the chart, shows
    # the table only (``same_as``).
    sec["blocks"].append({"type": "bars", "title": "Largest directories (usable capacity)",
                          "columns": ["Directory", "Used"], "same_as": "Capacity by directory",
                          "items": [[r[0], (r[1] or 0) / biggest, human_bytes(r[1])] for r in top]})
    limit = b.cap()
    sec["blocks"].append({"type": "table", "title": "Capacity by directory", "total": len(rows), "csv": None,
                          "columns": ["Directory", "Usable", "Unique", "Logical", "Average access time"],
                          "numeric": [1, 2, 3], "rows": [[r[0], human_bytes(r[1]), human_bytes(r[2]), human_bytes(r[3]),
                                                          _utc(r[4])] for r in rows[:limit] + ([root] if root else [])]})
    # VMS computes the directory breakdown in the background ("time" of the capacity answer) while the cluster
    # totals above are read live: the two need not add up exactly
    sampled = _utc((cap[0] if cap else {}).get("time"))
    sec["blocks"].append(note("The directory figures are VMS's capacity estimate%s, the cluster figures above are "
                              "current: the two can differ slightly." % (
                                  " of %s" % display(sampled) if sampled else "")))


def _split_root(rows):
    """VMS lists the directory it was asked about first, whole (``/``, its own parent, 100 percent), before the
    directories under it: that row is the total, kept apart so that it is neither drawn as the largest
    directory nor added to the others (the table shows it last, as its total). Returns (root row or None, the
    other rows)."""
    names = [r[0] for r in rows]
    for row in rows:
        name = row[0]
        if not isinstance(name, str):
            continue
        prefix = name.rstrip("/") + "/"
        if all(other == name or (isinstance(other, str) and other.startswith(prefix)) for other in names):
            if len(rows) > 1 or name == "/":
                label = "%s (total)" % name
                return (label,) + tuple(row[1:]), [r for r in rows if r is not row]
    return None, rows


def _utc(value):
    """A VMS time without a zone ("2026-11-29 16:39", which VMS gives in UTC) as ISO UTC, shown with "UTC" like
    every other time of the report; anything unparsable as it is."""
    parsed = parse_time(value)
    return iso(parsed) if parsed is not None else value


# ---- hardware ------------------------------------------------------------------------------------------------
def rack_block(b):
    boxes = dict((k, b.records(k) or []) for k in ("cboxes", "dboxes", "eboxes"))
    placed = placed_boxes(boxes)
    racks = {}
    # A rack's height comes only from its record: with the record unreadable (or silent on it) the height is
    # unknown, and the drawing stops at the highest box instead of inventing a 42 U rack.
    for rack in b.records("racks") or []:
        name = rack.get("name") or ("rack %s" % rack["id"] if rack.get("id") not in (None, "") else "unnamed rack")
        units = _int_or_none(rack.get("number_of_units"))
        racks[name] = {"name": name, "units": units or 0, "height_known": bool(units), "row": rack.get("row") or "",
                       "boxes": []}
    unplaced = []
    collided = set()
    for rack, unit, names in unit_collisions(placed):
        collided.update((rack, n) for n in names)
    for kind, box, rack, unit, height in placed:
        name = box_name(box)
        entry = {"name": name, "kind": KIND_LETTER[kind], "kind_label": KIND_LABEL[kind],
                 "unit": unit, "height": height, "state": box.get("state"),
                 "collision": (rack, name) in collided}
        if rack is None or unit is None:
            unplaced.append(entry)
            continue
        racks.setdefault(rack, {"name": rack, "units": 0, "height_known": False, "row": "", "boxes": []}
                         )["boxes"].append(entry)
    for rack in racks.values():
        top = max([e["unit"] + e["height"] - 1 for e in rack["boxes"]] or [0])
        rack["units"] = max(rack["units"], top, 1)
        rack["boxes"].sort(key=lambda e: (e["unit"], e["name"]))
    block = {"type": "rack", "racks": [racks[k] for k in sorted(racks, key=natural_key)], "unplaced": unplaced}
    if b.records("racks") is None:
        block["no_height_reason"] = "the rack records could not be read"
    return block


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", 0, "0") else None
    except (TypeError, ValueError):
        return None


def _why_no_height(rack):
    return rack.get("no_height_reason") or "VMS records no height for this rack"


def rack_with_summary(rack):
    """The elevation with, beside it, what each rack holds (one or two racks; more need the whole width)."""
    if len(rack["racks"]) > 2:
        return rack
    rows = []
    for r in rack["racks"]:
        used = sum(bx["height"] for bx in r["boxes"])
        kinds = {}
        for bx in r["boxes"]:
            kinds[bx["kind_label"]] = kinds.get(bx["kind_label"], 0) + 1
        rows += [("Rack", "%s%s" % (r["name"], (" (row %s)" % r["row"]) if r.get("row") else "")),
                 ("Height", ("%d U" % r["units"]) if r["height_known"] else "unknown (%s)" % _why_no_height(rack)),
                 ("Units used by boxes", "%d U" % used),
                 ("Units free", ("%d U" % max(0, r["units"] - used)) if r["height_known"] else "unknown"),
                 ("Boxes", ", ".join("%d %s%s" % (n, k, "es" if n > 1 else "") for k, n in sorted(kinds.items())) or "none")]
    if rack["unplaced"]:
        rows.append(("Boxes without a position", len(rack["unplaced"])))
    collisions = sum(1 for r in rack["racks"] for bx in r["boxes"] if bx.get("collision"))
    if collisions:
        rows.append(("Boxes on a unit claimed twice", badge(collisions, "bad")))
    rows.append(("Switches", "not placed: VMS records no rack position for switches"))
    return {"type": "columns", "blocks": [rack, kv(rows, None)]}


GOOD_STATES = ("HEALTHY", "OK", "ACTIVE")


def state_summary(recs):
    """How many records are in each state, as people read it: "8 healthy", "19 OK, 1 failed" (good states first);
    a badge, green when every record is in a good state."""
    states = {}
    for r in recs:
        key = text(r.get("state"))
        states[key] = states.get(key, 0) + 1
    if not states:
        return "-"
    good = [k for k in states if k.upper() in GOOD_STATES]
    order = sorted(good, key=lambda k: -states[k]) + sorted((k for k in states if k not in good),
                                                            key=lambda k: (-states[k], k))
    words = []
    for k in order:
        label = state_label(k) if k != "-" else "state unknown"
        words.append("%d %s" % (states[k], label if label.isupper() else label.lower()))
    return badge(", ".join(words), "ok" if len(good) == len(states) else "bad")


def _box_of_node(node):
    return node.get("cbox") or node.get("dbox") or node.get("ebox") or node.get("box") or "-"


def hardware(b, sec):
    view = b.view
    if all(view.records(k) is None for k in ("cnodes", "dnodes", "cboxes", "dboxes", "eboxes")):
        sec["status"], sec["note"] = "unavailable", "The hardware inventory %s." % view.reason("cnodes")
        return
    blocks = sec["blocks"]
    ebox = bool(view.records("eboxes"))
    cards = []
    for name, label in (("racks", "Racks"), ("cboxes", "CBoxes"), ("dboxes", "DBoxes"), ("eboxes", "EBoxes"),
                        ("cnodes", "CNodes"), ("dnodes", "DNodes"), ("ssds", "SSDs"), ("nvrams", "NVRAMs")):
        n = count(b, name)
        if (name == "eboxes" and not ebox) or (name in ("cboxes", "dboxes") and ebox and not n):
            continue
        if n is None:
            # a figure whose data is missing says why in place ("could not be read" / "not collected"), unless
            # this release does not serve it at all
            if view.state(name)[0] != "unavailable":
                cards.append(missing_card(view, label, [name]))
            continue
        cards.append({"label": label, "value": str(n), "sub": "", "tone": "info"})
    raw = sum(int(s.get("size") or 0) for s in view.records("ssds") or [])
    if raw:
        cards.append({"label": "Raw SSD capacity", "value": human_bytes(raw), "sub": "", "tone": "info"})
    blocks.append({"type": "cards", "cards": cards})
    blocks.append(heading("Rack elevation"))
    if view.records("racks") is None and all(view.records(k) is None for k in ("cboxes", "dboxes", "eboxes")):
        blocks.append(b.missing("racks", "Rack positions"))
        rack = None
    else:
        rack = rack_block(b)
    box_rows = []
    for kind in ("cboxes", "dboxes", "eboxes"):
        for box in view.records(kind) or []:
            box_rows.append((kind, box))
    if box_rows:
        box_rows.sort(key=lambda kb: (natural_key(kb[1].get("rack_name")),
                                      natural_key(kb[1].get("rack_unit") or kb[1].get("index_in_rack"))))
        boxes = {"type": "table", "title": "Boxes", "total": len(box_rows),
                 "csv": "boxes.csv" if "boxes.csv" in b.csv_written else None, "numeric": [],
                 "columns": ["Box", "Type", "Rack", "Unit", "State", "Hardware", "Serial / UID"],
                 "rows": [[box.get("name"), KIND_LABEL[kind], box.get("rack_name"),
                           box.get("rack_unit") or box.get("index_in_rack"), badge(box.get("state")),
                           box.get("hardware_type") or box.get("box_vendor"),
                           box.get("serial_number") or box.get("uid")] for kind, box in box_rows[:b.cap()]]}
        if rack is not None:
            blocks.append(rack_with_summary(rack))
            rack = None
        blocks.append(boxes)
        unknown = [box for kind, box in box_rows if kind == "cboxes" and str(box.get("state") or "").upper()
                   in ("UNKNOWN", "")]
        if unknown:
            blocks.append(note(
                "%s state UNKNOWN: this is how VMS reports CBoxes, even while their CNodes are ACTIVE. A CBox has no "
                "state of its own to check; its CNodes' states are what count (see CNodes, and rule VAST-HW-004). "
                "Rule VAST-HW-013 checks DBoxes and EBoxes only." % (
                    "The CBox shows" if len(unknown) == 1 else "%d CBoxes show" % len(unknown))))
    if rack is not None:
        blocks.append(rack_with_summary(rack))
    drives = [("SSD", d) for d in view.records("ssds") or []] + [("NVRAM", d) for d in view.records("nvrams") or []]
    if view.records("ssds") is None:
        blocks.append(b.missing("ssds", "Drives"))
    elif drives:
        groups = {}
        for kind, d in drives:
            key = (kind, d.get("model") or "?", d.get("size"))
            g = groups.setdefault(key, {"count": 0, "fw": set(), "bad": 0})
            g["count"] += 1
            g["fw"].add(text(d.get("fw_version")))
            g["bad"] += 0 if str(d.get("state") or "").upper() in ("HEALTHY", "ACTIVE", "OK") else 1
        blocks.append({"type": "table", "title": "Drives by model", "total": len(groups), "csv":
                       "drives.csv" if "drives.csv" in b.csv_written else None, "numeric": [2, 3, 4],
                       "columns": ["Type", "Model", "Count", "Size each", "Raw total", "Firmware", "Not healthy"],
                       "rows": [[k[0], k[1], g["count"], human_bytes(k[2]), human_bytes((k[2] or 0) * g["count"]),
                                 ", ".join(sorted(g["fw"])), badge(g["bad"], "bad" if g["bad"] else "ok")]
                                for k, g in sorted(groups.items(), key=lambda kv_: (kv_[0][0], kv_[0][1]))]})
    if b.level < 2:
        return
    node_cols = ["Node", "Hostname", "Box", "State", "Enabled", "Management IP", "IPMI IP", "OS", "BIOS", "BMC",
                 "Serial"]

    def node_row(n):
        return [n.get("name"), n.get("hostname"), _box_of_node(n), badge(n.get("state")), yes_no(n.get("enabled"), good=True),
                n.get("mgmt_ip"), n.get("ipmi_ip"), n.get("os_version"), n.get("bios_version"),
                n.get("bmc_fw_version"), n.get("serial_number")]
    blocks += b.table("cnodes", "CNodes", node_cols, node_row, csv="nodes.csv")
    blocks += b.table("dnodes", "DNodes", node_cols + ["Position"], lambda n: node_row(n) + [n.get("position")],
                      csv="nodes.csv")
    blocks += b.table("dtrays", "DTrays", ["DTray", "DBox", "Position", "State", "BMC IP", "BMC firmware", "Serial"],
                      lambda t: [t.get("name"), t.get("dbox"), t.get("position"), badge(t.get("state")),
                                 t.get("bmc_ip"), t.get("bmc_fw_version"), t.get("serial_number")],
                      empty="This cluster has no DTrays (EBox architecture).")
    for name, title in (("psus", "Power supplies"), ("fans", "Fans")):
        recs = view.records(name)
        if recs is None:
            blocks.append(b.missing(name, title))
            continue
        blocks.append(kv([("Count", len(recs)), ("State", state_summary(recs))], title))
        if b.level >= 3:
            blocks += b.table(name, None, ["Name", "Box", "Location", "State", "Model", "Serial"],
                              lambda r: [r.get("title") or r.get("name"), r.get("box"), r.get("location"),
                                         badge(r.get("state")), r.get("model"), r.get("serial_number")])
    if b.level >= 3:
        blocks += b.table("ssds", "SSDs", ["Drive", "DBox", "Slot", "State", "Model", "Size", "Firmware", "Serial"],
                          lambda d: [d.get("name"), d.get("dbox"), d.get("slot"), badge(d.get("state")), d.get("model"),
                                     human_bytes(d.get("size")), d.get("fw_version"), d.get("serial_number")],
                          csv="drives.csv")
        blocks += b.table("nvrams", "NVRAMs", ["Device", "DBox", "Slot", "State", "Model", "Size", "Firmware",
                                               "Serial"],
                          lambda d: [d.get("name"), d.get("dbox"), d.get("slot"), badge(d.get("state")), d.get("model"),
                                     human_bytes(d.get("size")), d.get("fw_version"), d.get("serial_number")],
                          csv="drives.csv")
