# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report's sections, their default detail level and the resources each level reads.

Detail levels: 0 off (no API call for it), 1 summary, 2 detail, 3 everything. ``needs`` maps a level to the
resources it adds to the levels below it. The collect role asks vast_info for the union of what the chosen
sections need (plus what the enabled health rules need), so a section turned off costs nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

LEVELS = (0, 1, 2, 3)
LEVEL_NAMES = {0: "off", 1: "summary", 2: "detail", 3: "everything"}

SECTIONS = [
    dict(id="executive_summary", title="Executive summary", default=1,
         needs={1: ["clusters", "cboxes", "dboxes", "eboxes", "cnodes", "dnodes"]}),
    dict(id="cluster", title="Cluster", default=2,
         needs={1: ["clusters", "vms", "licenses"], 2: ["versions"]}),
    dict(id="capacity", title="Capacity", default=2,
         needs={1: ["clusters"], 2: ["capacity"]}),
    dict(id="hardware", title="Hardware and racks", default=2,
         needs={1: ["racks", "cboxes", "dboxes", "eboxes", "cnodes", "dnodes", "ssds", "nvrams"],
                2: ["dtrays", "psus", "fans"]}),
    dict(id="network", title="Network", default=2,
         needs={1: ["network_settings", "vippools", "vips"], 2: ["dns", "bgpconfigs"],
                3: ["nics", "nicports", "subnetmanager"]}),
    dict(id="switches", title="Switches", default=2,
         needs={1: ["switches"], 2: ["ports"]}),
    dict(id="logical", title="Logical configuration", default=2,
         needs={1: ["tenants", "views", "viewpolicies"], 2: ["quotas", "qospolicies", "s3policies"],
                3: ["userquotas"]}),
    dict(id="security", title="Security", default=2,
         needs={1: ["clusters", "vms", "activedirectory", "ldaps", "nis"],
                2: ["certificates", "managers", "roles", "apitokens"],
                3: ["realms", "encryptiongroups", "tlscertificates"]}),
    dict(id="data_protection", title="Data protection", default=2,
         needs={1: ["protectionpolicies", "protectedpaths", "nativereplicationremotetargets", "replicationtargets"],
                2: ["replicationstreams", "snapshotpolicies", "globalsnapstreams"], 3: ["snapshots"]}),
    dict(id="monitoring", title="Monitoring and support", default=2,
         needs={1: ["alarms", "callhomeconfigs", "eventdefinitionconfigs"], 2: ["supportbundles", "monitors"],
                3: ["events"]}),
    dict(id="health", title="Health findings", default=2, needs={}),
    dict(id="appendix", title="Appendix: collection diagnostics", default=1, needs={}),
]

SECTIONS_BY_ID = dict((s["id"], s) for s in SECTIONS)


class SectionConfigError(ValueError):
    """Unknown section name or a detail level outside 0-3."""


def normalise_levels(levels=None):
    """{section: level} for every section: the defaults updated with *levels* (validated)."""
    out = dict((s["id"], s["default"]) for s in SECTIONS)
    for key, value in (levels or {}).items():
        if key not in SECTIONS_BY_ID:
            raise SectionConfigError("unknown report section %r; known: %s" % (key, ", ".join(s["id"] for s in SECTIONS)))
        if isinstance(value, bool):
            value = SECTIONS_BY_ID[key]["default"] if value else 0
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise SectionConfigError("section %s: detail level %r is not a number 0-3" % (key, value))
        if value not in LEVELS:
            raise SectionConfigError("section %s: detail level %d is not in 0-3" % (key, value))
        out[key] = value
    return out


def resources_for_sections(levels=None):
    """Sorted resource names the sections need at their levels."""
    levels = normalise_levels(levels)
    out = set()
    for section in SECTIONS:
        for lvl in range(1, levels[section["id"]] + 1):
            out.update(section["needs"].get(lvl, ()))
    return sorted(out)


def section_of_resource(name, levels=None):
    """(section id, level) of the first section that reads *name*, for messages; None when no section does."""
    for section in SECTIONS:
        for lvl in sorted(section["needs"]):
            if name in section["needs"][lvl]:
                return section["id"], lvl
    return None
