# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small pure helpers shared by the health rules, the report and drift: times, sizes, rack units, certificates.

Nothing here reads a file or talks to a cluster.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime
import hashlib
import re
import unicodedata

from ansible_collections.vastops.asbuilt.plugins.module_utils.versions import sanitize_version

UTC = datetime.timezone.utc
_RACK_UNIT = re.compile(r"^\s*[Uu]?\s*(\d+)\s*$")
# Box heights in rack units. DBoxes of the Ceres family are 1U; the older (sanmina, mavericks) ones 2U.
BOX_HEIGHT = {"cboxes": 2, "dboxes": 1, "eboxes": 1}
TALL_DBOX_TYPES = ("sanmina", "mavericks", "mav")


def parse_time(value):
    """An aware UTC datetime from an ISO-8601 string, a "YYYY-MM-DD[ HH:MM[:SS]]" string or None."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).strip().replace("Z", "+00:00")
    if " " in text and "T" not in text:
        text = text.replace(" ", "T", 1)
    match = re.match(r"^(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?)?)(\.\d+)?([+-]\d{2}:?\d{2})?$", text)
    if not match:
        return None
    base, frac, zone = match.groups()
    fmt = "%Y-%m-%d"
    if "T" in base:
        fmt += "T%H:%M" + (":%S" if base.count(":") == 2 else "")
    try:
        parsed = datetime.datetime.strptime(base, fmt)
    except ValueError:
        return None
    if frac:
        parsed = parsed.replace(microsecond=int((frac[1:] + "000000")[:6]))
    offset = datetime.timedelta(0)
    if zone:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return (parsed - offset).replace(tzinfo=UTC)


def utcnow():
    return datetime.datetime.now(UTC)


def days_between(later, earlier):
    return (later - earlier).total_seconds() / 86400.0


def time_text(value):
    """A time as the report writes it: "2026-11-01 11:51 UTC" (an aware datetime or anything parse_time reads);
    "-" when there is none; text that is not a time is returned as it is."""
    parsed = parse_time(value)
    if parsed is None:
        return "-" if value in (None, "") else str(value)
    return parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def age_text(seconds):
    """How long ago, in words: "45 minutes ago", "26 hours ago" (up to 48 hours), "33 days ago" (beyond)."""
    hours = float(seconds) / 3600.0
    if hours < 1:
        return "%s ago" % plural(int(round(hours * 60)), "minute")
    if hours <= 48:
        return "%s ago" % plural(int(round(hours)), "hour")
    return "%s ago" % plural(int(round(hours / 24.0)), "day")


_PERIOD = re.compile(r"^\s*(\d+)\s*([smhHdDwWMyY])\s*$")
# VAST writes periods as a count and a unit letter: "30m" (minutes), "1h", "7d" or "1D", "8w", "1M" (months), "1y".
_PERIOD_UNITS = {"s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week", "M": "month", "y": "year"}


def period_text(value):
    """A VAST period (snapshot schedule or retention) in words: "7d" and "7D" -> "7 days", "1h" -> "1 hour",
    "8w" -> "8 weeks", "1M" -> "1 month", "30m" -> "30 minutes"; anything else is returned as text()."""
    match = _PERIOD.match(value) if isinstance(value, str) else None
    if not match:
        return text(value)
    unit = match.group(2)
    unit = unit if unit == "M" else unit.lower()
    return plural(int(match.group(1)), _PERIOD_UNITS[unit])


def round_percent(value, digits=2):
    """A percentage for machine-readable output: rounded to *digits* decimals (57.49999999999993 -> 57.5); None
    stays None."""
    if value is None:
        return None
    try:
        return round(float(value), digits)
    except (TypeError, ValueError):
        return None


def iso(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(?:([KMGTPE])(i?)B?|B|bytes?)?\s*$", re.I)
_SIZE_POWER = {"K": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6}


def size_bytes(value):
    """Bytes of a size the API gives as a number or as text with a unit ("320 TB", "3152 MB", "1.5TiB", "800");
    None when it is not a size ("Unlimited", "", None)."""
    if value in (None, "") or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    match = _SIZE.match(str(value))
    if not match:
        return None
    number, unit, binary = match.groups()
    if not unit:
        return float(number)
    return float(number) * (1024.0 if binary else 1000.0) ** _SIZE_POWER[unit.upper()]


def human_bytes(value, base10=True):
    """"1.2 TB" style text (decimal by default, as VAST reports capacity); "-" for None. A size given as text with
    its unit ("320 TB", "3152 MB") is written the same way ("320.0 TB", "3.2 GB"); other text is kept."""
    if value in (None, ""):
        return "-"
    num = size_bytes(value)
    if num is None:
        return str(value)
    num = float(num)
    step = 1000.0 if base10 else 1024.0
    units = ("B", "KB", "MB", "GB", "TB", "PB", "EB") if base10 else ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
    for unit in units:
        if abs(num) < step or unit == units[-1]:
            return ("%d %s" % (num, unit)) if unit == "B" else ("%.1f %s" % (num, unit))
        num /= step
    return str(value)


def human_bytes_split(total, part, base10=True):
    """(total text, part text, rest text) in one unit, rounded so that part + rest = total as displayed.

    "518.0 TB", "297.9 TB", "220.1 TB" rather than 297.8 + 220.1 = 518.0 when each is rounded on its own.
    *rest* is total - part; any of them None gives "-" for the texts that need it.
    """
    if total in (None, "") or part in (None, ""):
        return human_bytes(total, base10), human_bytes(part, base10), "-"
    try:
        total, part = float(total), float(part)
    except (TypeError, ValueError):
        return str(total), str(part), "-"
    step = 1000.0 if base10 else 1024.0
    units = ("B", "KB", "MB", "GB", "TB", "PB", "EB") if base10 else ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
    scale, unit = 1.0, units[0]
    for unit in units:
        if abs(total) / scale < step or unit == units[-1]:
            break
        scale *= step
    if unit == "B":
        return "%d B" % total, "%d B" % part, "%d B" % (total - part)
    t10 = int(round(total / scale * 10))
    p10 = int(round(part / scale * 10))
    r10 = t10 - p10
    return ("%.1f %s" % (t10 / 10.0, unit), "%.1f %s" % (p10 / 10.0, unit), "%.1f %s" % (r10 / 10.0, unit))


_DURATION = re.compile(r"^\s*(?:(\d+)\s+(?:days?,?\s*)?)?(\d+):(\d{2}):(\d{2})(?:\.\d+)?\s*$")


def human_duration(value):
    """A duration as people say it: "1 day", "1 hour", "1 day 2 hours", "15 minutes", "90 seconds".

    Reads Django's "D HH:MM:SS" and "HH:MM:SS" forms (how VMS returns token lifetimes) and numbers of seconds;
    anything else is returned as it is.
    """
    if value in (None, ""):
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        seconds = int(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            return value
        days, hours, minutes, secs = (int(g or 0) for g in match.groups())
        seconds = ((days * 24 + hours) * 60 + minutes) * 60 + secs
    if seconds == 0:
        return "0 seconds"
    parts = []
    for size, word in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        n, seconds = divmod(seconds, size)
        if n:
            parts.append("%d %s%s" % (n, word, "" if n == 1 else "s"))
    return " ".join(parts[:2])


def plural(n, word, many=None):
    """"1 tenant", "2 tenants", "0 tenants" (*many* for irregular plurals: plural(2, "box", "boxes"))."""
    return "%d %s" % (n, word if n == 1 else (many or word + "s"))


def percent(part, whole):
    try:
        whole = float(whole)
        return None if whole <= 0 else 100.0 * float(part) / whole
    except (TypeError, ValueError):
        return None


def rack_unit(box):
    """The lowest rack unit a box occupies (int), from ``rack_unit`` ("U23") or ``index_in_rack``; else None."""
    for key in ("rack_unit", "index_in_rack"):
        value = box.get(key)
        if value in (None, "", 0):
            continue
        match = _RACK_UNIT.match(str(value))
        if match and int(match.group(1)) > 0:
            return int(match.group(1))
    return None


def box_height(kind, box):
    if kind == "dboxes" and str(box.get("hardware_type") or "").lower().startswith(TALL_DBOX_TYPES):
        return 2
    return BOX_HEIGHT.get(kind, 1)


def placed_boxes(boxes_by_kind):
    """[(kind, box, rack key, lowest unit or None, height)] for every box; kinds are cboxes/dboxes/eboxes."""
    out = []
    for kind in ("cboxes", "dboxes", "eboxes"):
        for box in boxes_by_kind.get(kind) or ():
            rack = box.get("rack_name") or (("rack %s" % box["rack_id"]) if box.get("rack_id") else None)
            out.append((kind, box, rack, rack_unit(box), box_height(kind, box)))
    return out


def box_name(box):
    """A box's name for people: its id when it has no name, "unnamed" when it has neither."""
    if box.get("name"):
        return box["name"]
    return str(box["id"]) if box.get("id") not in (None, "") else "unnamed"


def unit_collisions(placed):
    """[(rack, unit, [box names])] where two boxes of one rack claim the same rack unit."""
    claims = {}
    for kind, box, rack, unit, height in placed:
        if rack is None or unit is None:
            continue
        for u in range(unit, unit + height):
            claims.setdefault((rack, u), []).append(box_name(box))
    return [(rack, unit, names) for (rack, unit), names in sorted(claims.items()) if len(names) > 1]


# ---- X.509 notAfter without a crypto library (DER is simple enough for one field) ---------------------------
def _der_item(data, pos):
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    return tag, pos, pos + length


def _der_children(data, start, end):
    out = []
    pos = start
    while pos < end:
        tag, body, nxt = _der_item(data, pos)
        out.append((tag, body, nxt))
        pos = nxt
    return out


def certificate_not_after(pem):
    """The expiry (aware datetime) of the first certificate in a PEM string; None when it cannot be read."""
    if not pem or "BEGIN CERTIFICATE" not in str(pem):
        return None
    try:
        body = str(pem).split("-----BEGIN CERTIFICATE-----", 1)[1].split("-----END CERTIFICATE-----", 1)[0]
        der = base64.b64decode("".join(body.split()))
        _tag, start, end = _der_item(der, 0)                 # Certificate
        _tag, tbs_start, tbs_end = _der_item(der, start)     # TBSCertificate
        fields = _der_children(der, tbs_start, tbs_end)
        if fields and fields[0][0] == 0xA0:                  # [0] version
            fields = fields[1:]
        validity = fields[3]                                 # serial, signature, issuer, validity
        times = _der_children(der, validity[1], validity[2])
        tag, body_start, body_end = times[1]
        text = der[body_start:body_end].decode("ascii")
        fmt = "%y%m%d%H%M%SZ" if tag == 0x17 else "%Y%m%d%H%M%SZ"
        return datetime.datetime.strptime(text, fmt).replace(tzinfo=UTC)
    except Exception:  # pylint: disable=broad-except
        return None


def release_of(sw_version):
    """(major, minor, patch) of a VAST software version, read by versions.sanitize_version (the one parser of VAST
    version strings; ints, so 5.10 > 5.3), or None when it holds no version."""
    if sw_version in (None, ""):
        return None
    try:
        parts = sanitize_version(sw_version)
    except ValueError:
        return None
    return tuple((list(parts) + [0, 0, 0])[:3])


def release_text(sw_version):
    """The release of a VAST software version: "5.3.1.2.11661318609139099603" -> "5.3.1" ("5.3" -> "5.3.0");
    text that holds no version is returned as it is, None as None."""
    release = release_of(sw_version)
    if release is None:
        return None if sw_version in (None, "") else str(sw_version)
    return "%d.%d.%d" % release


def number_text(value):
    """An integer with thousands separators ("5,000"); anything else as text()."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return "{:,}".format(value) if isinstance(value, int) and not isinstance(value, bool) else text(value)


def text(value):
    """Display text of a value: lists joined with ", ", None as "-", booleans as yes/no."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(text(v) for v in value) if value else "-"
    if isinstance(value, dict):
        return ", ".join("%s=%s" % (k, text(v)) for k, v in sorted(value.items())) if value else "-"
    if isinstance(value, float):
        return ("%.2f" % value).rstrip("0").rstrip(".")
    return str(value)


def natural_key(value):
    """Sort key that orders "node-2" before "node-10"."""
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text(value))]


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
RESERVED_NAMES = ("", ".", "..", "index.html", "index.md", "fleet.json")   # the fleet index sits beside them


def dir_name(name, max_length=80):
    """A directory name for a cluster that keeps it readable and can never collide or hide.

    Letters, digits, ``.``, ``_`` and ``-`` are kept; accented letters lose their accent; anything else becomes
    ``_``; leading dots, dashes and underscores go. When the result is not the name as given (or is reserved),
    a short stable hash of the original name is appended, so two different names never share a directory:
    ``東京-vast`` -> ``vast-<hash>``, ``../evil/Tälon lab#1`` -> ``evil_Talon_lab_1-<hash>``.
    """
    original = "" if name is None else str(name)
    plain = "".join(c for c in unicodedata.normalize("NFKD", original) if not unicodedata.combining(c))
    slug = _SAFE.sub("_", plain)
    slug = re.sub(r"_+", "_", slug).lstrip("._-")
    slug = slug[:max_length].rstrip("._-") if len(slug) > max_length else slug
    if slug == original and slug not in RESERVED_NAMES:
        return slug
    digest = hashlib.sha256(original.encode("utf-8")).hexdigest()[:8]
    return "%s-%s" % (slug, digest) if slug else "cluster-%s" % digest


def same_cluster(one, other):
    """(same, by): whether two cluster identities ({name, guid}) name one cluster, by guid when both record one,
    else by name; (None, None) when neither tells. The one rule of drift and of the offline re-render's check."""
    if one.get("guid") and other.get("guid"):
        return str(one["guid"]) == str(other["guid"]), "guid"
    if one.get("name") and other.get("name"):
        return str(one["name"]) == str(other["name"]), "name"
    return None, None
