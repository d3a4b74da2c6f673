"""Version parsing, the supported range and the API-version choice (pure functions)."""
import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import UnsupportedVersion
from ansible_collections.vastops.asbuilt.plugins.module_utils.versions import (
    VastVersion, check_supported, choose_api_version, parse_version, sanitize_version, software_version_from,
)


@pytest.mark.parametrize("raw, parts", [
    ("5.3.1.1.12345678901234567890", (5, 3, 1, 1, 12345678901234567890)),
    ("5.4.0.20.10960402906660116571", (5, 4, 0, 20, 10960402906660116571)),
    ("4.6.0-1", (4, 6, 0)),
    ("5.3.1+hotfix2", (5, 3, 1)),
    ("release-5.3.1-sp3-1900000", (5, 3, 1)),
    ("v5.4", (5, 4)),
    (" 5.10.2 ", (5, 10, 2)),
])
def test_sanitize(raw, parts):
    assert sanitize_version(raw) == parts


def test_twenty_digit_segment_does_not_overflow_and_orders():
    a = VastVersion("5.3.1.1.99999999999999999999")
    b = VastVersion("5.3.1.2.00000000000000000001")
    assert a < b
    assert a.release == (5, 3, 1) and a.short == "5.3.1"


def test_numeric_not_string_comparison():
    assert VastVersion("5.10.0") > VastVersion("5.3.1")
    assert VastVersion("5.10.0") > "5.9.9"
    # The trap: as strings, 5.10 sorts before 5.3. Parsed versions get it right.
    assert ("5.10" > "5.3") is False
    assert VastVersion("5.10") > VastVersion("5.3")
    assert sorted(["5.10.0", "5.3.1", "5.2.0", "4.7.0"], key=VastVersion) == ["4.7.0", "5.2.0", "5.3.1", "5.10.0"]


@pytest.mark.parametrize("bad", [None, "", "garbage", "x.y"])
def test_parse_version_rejects(bad):
    assert parse_version(bad) is None


@pytest.mark.parametrize("raw", ["4.7.0", "5.0.0", "5.1.0", "5.2.0", "5.3.1.1.12345678901234567890", "5.4.0"])
def test_supported_releases_have_no_warning(raw):
    assert check_supported(VastVersion(raw)) == []


def test_newer_than_tested_warns():
    warnings = check_supported(VastVersion("5.10.0"))
    assert len(warnings) == 1 and "5.4" in warnings[0] and "4.7 <= release < 6.0" in warnings[0]


def test_too_old_is_refused_with_the_range():
    with pytest.raises(UnsupportedVersion) as info:
        check_supported(VastVersion("4.6.0-1"))
    assert "4.7 <= release < 6.0" in str(info.value)


def test_next_major_refused_unless_allowed():
    with pytest.raises(UnsupportedVersion) as info:
        check_supported(VastVersion("6.0.0"))
    assert "allow_newer_version" in str(info.value)
    assert "4.7 <= release < 6.0" in str(info.value)
    assert "allow_newer_version" in check_supported(VastVersion("6.0.0"), allow_newer=True)[0]


def test_choose_api_version():
    assert choose_api_version({"v10": False, "v9": False, "v8": False, "v7": True, "v6": True}) == ("v7", None)
    assert choose_api_version({"v99": True, "v10": True})[0] == "latest"
    assert choose_api_version({"v3": False})[0] is None


def test_software_version_fallbacks():
    assert software_version_from(clusters=[{"sw_version": "5.3.1"}]) == ("5.3.1", "clusters.sw_version")
    assert software_version_from(clusters=[{}], vms=[{"sw_version": "5.2.0"}]) == ("5.2.0", "vms.sw_version")
    history = [{"sys_version": "4.7.0", "status": "success"}, {"sys_version": "5.0.0.25", "status": "success"},
               {"sys_version": "5.1.0", "status": "failed"}]
    assert software_version_from(clusters=[], vms=[], versions=history) == ("5.0.0.25", "versions.sys_version")
    assert software_version_from() == (None, None)
