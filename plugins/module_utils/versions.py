# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VAST release and API versions: parsing, the supported range, and the rules the detection follows.

VAST software versions have five dot-separated parts, the last often a 20-digit build number
(``5.3.1.1.12345678901234567890``), sometimes with ``-``/``+`` suffixes (``4.6.0-1``, ``release-5.3.1-sp3``).
They are sanitised and compared with ``packaging.version`` (so 5.10 is newer than 5.3), never as strings.

API version detection (the requests are sent by version_detect.py, with :func:`probe_candidates`):
the session probes ``GET /api/vN/clusters/`` for N from the highest candidate down, concurrently, and picks the
highest N that answers 200 with a clusters list.  Probing was chosen over ``latest``: no endpoint says which
``vN`` ``latest`` stands for, and the explicit version keeps every later path stable and visible in the report.
The winning probe's answer is the clusters list itself, so detection costs no extra round trip and the software
version comes with it.  A server that answers even an absurd version (permissive) is detected by a sentinel
probe and falls back to ``latest``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import traceback

try:
    from packaging.version import InvalidVersion, Version
    HAS_PACKAGING = True
    PACKAGING_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the ansible-test import sanity test
    HAS_PACKAGING = False
    PACKAGING_IMPORT_ERROR = traceback.format_exc()
    Version = None
    InvalidVersion = ValueError

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import UnsupportedVersion

#: Oldest release supported (inclusive).
MIN_SUPPORTED_RELEASE = "4.7"
#: First release NOT supported (exclusive upper bound) unless allow_newer_version is set.
MAX_SUPPORTED_RELEASE_EXCLUSIVE = "6.0"
#: Newest release the collection was tested against; newer ones (below the exclusive bound) get a warning.
NEWEST_TESTED_RELEASE = "5.4"
#: Highest API version probed (keep above what current releases serve: 5.3/5.4 serve v7).
MAX_PROBED_API_VERSION = 10
#: An API version no release serves; a 200 on it means the server accepts any version (permissive).
SENTINEL_API_VERSION = 99
#: Releases that introduced features the session depends on.
TENANT_HEADER_MIN_RELEASE = "5.3"
API_TOKEN_MIN_RELEASE = "5.3"

_LEADING_INTS_RE = re.compile(r"(\d+(?:\.\d+)*)")


class VastVersion:
    """A parsed VAST software version.

    ``raw`` the string as the cluster reported it; ``version`` a ``packaging`` Version of every numeric part;
    ``release`` the (major, minor, patch) tuple; ``short`` "major.minor.patch".  Compares with other
    VastVersion objects or strings (``VastVersion("5.10.0") > "5.3"``).
    """

    __slots__ = ("raw", "parts", "version", "release")

    def __init__(self, raw):
        self.raw = raw
        self.parts = sanitize_version(raw)
        self.version = Version(".".join(str(p) for p in self.parts))
        self.release = tuple((list(self.parts) + [0, 0, 0])[:3])

    @property
    def short(self):
        return "%d.%d.%d" % self.release

    @property
    def major_minor(self):
        return "%d.%d" % self.release[:2]

    def _other(self, other):
        if isinstance(other, VastVersion):
            return other.version
        if isinstance(other, str):
            return VastVersion(other).version
        if Version is not None and isinstance(other, Version):
            return other
        return NotImplemented

    def __eq__(self, other):
        other = self._other(other)
        return NotImplemented if other is NotImplemented else self.version == other

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __lt__(self, other):
        other = self._other(other)
        return NotImplemented if other is NotImplemented else self.version < other

    def __le__(self, other):
        other = self._other(other)
        return NotImplemented if other is NotImplemented else self.version <= other

    def __gt__(self, other):
        other = self._other(other)
        return NotImplemented if other is NotImplemented else self.version > other

    def __ge__(self, other):
        other = self._other(other)
        return NotImplemented if other is NotImplemented else self.version >= other

    def __hash__(self):
        return hash(self.version)

    def release_at_least(self, release):
        """True when major.minor.patch is at least *release* (build numbers ignored)."""
        return Version(self.short) >= Version(str(release))

    def __str__(self):
        return self.raw

    def __repr__(self):
        return "VastVersion(%r)" % self.raw


def sanitize_version(raw):
    """Return the numeric parts of a VAST version string as a tuple of ints.

    ``"5.3.1.1.12345678901234567890"`` -> (5, 3, 1, 1, 12345678901234567890) (Python ints do not overflow);
    ``"4.6.0-1"`` and ``"5.3.1+hotfix"`` -> the part before the suffix; ``"release-5.3.1-sp3-1900000"`` and
    ``"v5.4"`` -> the first run of dot-separated integers.  Raises ValueError when no version is found.
    """
    if raw is None:
        raise ValueError("no version")
    text = str(raw).strip()
    match = _LEADING_INTS_RE.search(text)
    if not match:
        raise ValueError("%r is not a VAST version" % (raw,))
    return tuple(int(p) for p in match.group(1).split("."))


def parse_version(raw):
    """A :class:`VastVersion`, or None when *raw* is empty or not a version."""
    if raw in (None, ""):
        return None
    try:
        return VastVersion(raw)
    except (ValueError, InvalidVersion):
        return None


def supported_range_text():
    return "%s <= release < %s" % (MIN_SUPPORTED_RELEASE, MAX_SUPPORTED_RELEASE_EXCLUSIVE)


def check_supported(version, allow_newer=False):
    """Check *version* (a VastVersion) against the supported range.

    Returns a list of warning strings (possibly empty); raises UnsupportedVersion when the release is older than
    the oldest supported, or not older than the exclusive upper bound while *allow_newer* is false.
    """
    if version is None:
        return ["The cluster did not report its software version; assuming a supported release (%s)."
                % supported_range_text()]
    release = Version(version.short)
    if release < Version(MIN_SUPPORTED_RELEASE):
        raise UnsupportedVersion(
            "VAST %s is older than this collection supports (%s)." % (version.short, supported_range_text()),
            hint="Upgrade the cluster, or use a tool that supports releases before %s." % MIN_SUPPORTED_RELEASE,
            sw_version=version.raw)
    if release >= Version(MAX_SUPPORTED_RELEASE_EXCLUSIVE):
        if not allow_newer:
            raise UnsupportedVersion(
                "VAST %s is newer than this collection supports (%s; newest tested %s)."
                % (version.short, supported_range_text(), NEWEST_TESTED_RELEASE),
                hint="Upgrade vastops.asbuilt, or set allow_newer_version=true (the as-built playbooks' variable "
                     "vast_allow_newer_version, environment variable VAST_ALLOW_NEWER_VERSION) to try anyway: the "
                     "collection only reads, but fields or endpoints may have changed.",
                sw_version=version.raw)
        return ["VAST %s is outside the supported range (%s); continuing because allow_newer_version is set."
                % (version.short, supported_range_text())]
    newest = Version(NEWEST_TESTED_RELEASE)
    if Version(version.major_minor) > newest:
        return ["VAST %s is newer than the newest release this collection was tested with (%s); it is within the "
                "supported range (%s), but check the report for missing fields." % (
                    version.short, NEWEST_TESTED_RELEASE, supported_range_text())]
    return []


def api_version_number(name):
    """``"v7"`` -> 7; ``"latest"``/None -> None."""
    if name and name.startswith("v") and name[1:].isdigit():
        return int(name[1:])
    return None


def probe_candidates(maximum=MAX_PROBED_API_VERSION):
    """API versions to probe, highest first: ``["v10", "v9", ..., "v1"]``."""
    return ["v%d" % n for n in range(maximum, 0, -1)]


def probing_context(tried):
    """What the session was doing when a version probe failed, for the front of the error message: a user whose
    cluster serves v7 must not wonder why a v10 URL was asked for. *tried*: the versions probed so far, highest
    first."""
    tried = list(tried or ())
    if not tried:
        return "While finding the API version the cluster serves"
    urls = "/api/%s/clusters/" % tried[0] if len(tried) == 1 else "/api/%s/clusters/ down to /api/%s/clusters/" % (
        tried[0], tried[-1])
    return "While finding the API version the cluster serves (tried %s, highest first)" % urls


def choose_api_version(results):
    """Pick the API version from probe results.

    *results* maps "vN" (and the sentinel) to True (answered 200 with a list), False (404/not served) or None
    (not probed).  Returns (version, note): the highest N that answered, "latest" when the sentinel answered
    (permissive server), or (None, reason) when nothing answered.
    """
    sentinel = "v%d" % SENTINEL_API_VERSION
    if results.get(sentinel):
        return "latest", "the cluster accepts any API version (v%d answered); using latest" % SENTINEL_API_VERSION
    served = sorted((api_version_number(k) for k, ok in results.items() if ok and k != sentinel), reverse=True)
    if not served:
        return None, "no API version v1-v%d answered" % MAX_PROBED_API_VERSION
    return "v%d" % served[0], None


def software_version_from(clusters=None, vms=None, versions=None):
    """The software version string using the NOTES fallbacks, with the field it came from.

    clusters[0].sw_version, then vms[0].sw_version (or .version), then versions?status=success [0].sys_version.
    Each argument is the decoded list answer (or a single object).  Returns (raw, source) or (None, None).
    """
    for source, answer, keys in (("clusters.sw_version", clusters, ("sw_version",)),
                                 ("vms.sw_version", vms, ("sw_version", "version"))):
        first = _first(answer)
        if isinstance(first, dict):
            for key in keys:
                value = first.get(key)
                if parse_version(value) is not None:
                    return value, source
    # The upgrade history: the order of the list is unknown, so take the newest successful entry.
    best = None
    for item in _items(versions):
        if not isinstance(item, dict) or item.get("status", "success") != "success":
            continue
        value = item.get("sys_version") or item.get("sw_version")
        parsed = parse_version(value)
        if parsed is not None and (best is None or parsed > best):
            best = parsed
    if best is not None:
        return best.raw, "versions.sys_version"
    return None, None


def _items(answer):
    if isinstance(answer, dict):
        if isinstance(answer.get("results"), list):
            return answer["results"]
        if isinstance(answer.get("data"), list):
            return answer["data"]
        return [answer]
    return answer if isinstance(answer, list) else []


def _first(answer):
    if isinstance(answer, dict):
        if isinstance(answer.get("results"), list):
            answer = answer["results"]
        elif "data" in answer and isinstance(answer["data"], (list, dict)):
            answer = answer["data"]
    if isinstance(answer, list):
        return answer[0] if answer else None
    return answer
