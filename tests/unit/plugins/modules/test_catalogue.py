"""The catalogue: subsets as data, gather_subset resolution, every entry backed by the compatibility matrix."""
import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils import catalogue
from ansible_collections.vastops.asbuilt.plugins.module_utils.compat import MATRIX

ALL = ["min", "cluster", "hardware", "switches", "network", "logical", "security", "protection", "monitoring"]


def test_subset_names_and_contents_follow_the_issue():
    assert list(catalogue.SUBSETS) == ALL
    expected = {
        "cluster": {"clusters", "vms", "versions", "licenses", "capacity"},
        "hardware": {"racks", "cboxes", "cnodes", "dboxes", "dnodes", "eboxes", "dtrays", "ssds", "nvrams", "psus",
                     "fans", "nics", "nicports"},
        "switches": {"switches", "ports"},
        "network": {"network_settings", "vippools", "vips", "bgpconfigs"},
        "logical": {"views", "viewpolicies", "tenants", "quotas", "userquotas", "qospolicies", "s3policies"},
        "security": {"activedirectory", "ldaps", "nis", "certificates", "encryptiongroups", "managers", "roles",
                     "apitokens", "pwd_settings"},
        "protection": {"protectionpolicies", "snapshotpolicies", "protectedpaths", "snapshots",
                       "nativereplicationremotetargets", "replicationtargets", "replicationstreams",
                       "globalsnapstreams"},
        "monitoring": {"alarms", "events", "callhomeconfigs", "supportbundles"},
        "min": {"clusters", "vms"},
    }
    for name, needed in expected.items():
        assert needed <= set(catalogue.SUBSETS[name].resources), name


def test_every_entry_is_a_matrix_resource_with_a_known_normaliser_and_cost():
    from ansible_collections.vastops.asbuilt.plugins.module_utils.normalise import NORMALISERS
    for subset in catalogue.SUBSETS.values():
        assert len(subset.resources) == len(set(subset.resources)), subset.name
        for entry in subset.entries:
            assert entry.name in MATRIX
            assert entry.normaliser in NORMALISERS
            assert entry.cost in catalogue.COSTS
            assert entry.key == "%s.%s" % (subset.name, entry.name)


def test_every_matrix_resource_is_collected_somewhere():
    used = set(e.name for e in catalogue.entries_for(catalogue.SUBSET_NAMES))
    assert set(MATRIX) - used == set()


def test_only_events_read_the_newest_n():
    newest = [e.key for e in catalogue.entries_for(catalogue.SUBSET_NAMES) if e.newest]
    assert newest == ["monitoring.events"]
    assert catalogue.SUBSETS["monitoring"].entry("events").newest == catalogue.EVENTS_MAX == 10000


def test_min_keeps_identity_fields_only():
    assert set(catalogue.SUBSETS["min"].entry("clusters").keep) >= {"id", "guid", "name", "psnt", "sw_version"}


@pytest.mark.parametrize("given, expected", [
    (["all"], ALL),
    (["min"], ["min"]),
    ([], ["min"]),
    (None, ["min"]),
    (["hardware", "min"], ["min", "hardware"]),
    (["all", "!monitoring"], [s for s in ALL if s != "monitoring"]),
    (["!monitoring", "all"], [s for s in ALL if s != "monitoring"]),
    (["!monitoring"], [s for s in ALL if s != "monitoring"]),
    (["!monitoring", "!logical"], [s for s in ALL if s not in ("monitoring", "logical")]),
    (["!all"], ["min"]),
    (["all", "!all"], ["min"]),
    (["hardware", "!hardware"], ["min"]),
    (["network", "network"], ["network"]),
    ("hardware,network", ["hardware", "network"]),
    ([" hardware "], ["hardware"]),
])
def test_resolve_subsets(given, expected):
    assert catalogue.resolve_subsets(given) == expected


@pytest.mark.parametrize("given", [["hardwares"], ["all", "!nope"], ["ALL"], [""], ["!"]])
def test_unknown_subsets_fail_listing_the_valid_ones(given):
    with pytest.raises(catalogue.SubsetError) as info:
        catalogue.resolve_subsets(given)
    message = str(info.value)
    assert "unknown subset" in message
    for name in ["all"] + ALL:
        assert name in message


def test_excluding_min_explicitly_with_nothing_else_fails():
    with pytest.raises(catalogue.SubsetError, match="selects nothing"):
        catalogue.resolve_subsets(["!all", "!min"])


def test_describe_is_plain_data():
    described = catalogue.describe()
    assert list(described) == ALL
    assert described["monitoring"]["resources"]["events"]["newest"] == 10000
    assert described["network"]["resources"]["network_settings"]["path"] == "vms/{vms_id}/network_settings/"
