"""The compatibility matrix."""
import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.compat import (
    MATRIX, Resource, canonical_record, get_resource, redact_record,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.versions import VastVersion

NEEDED = """clusters vms network_settings versions licenses capacity racks cboxes cnodes dboxes dnodes eboxes dtrays
ssds nvrams psus fans nics nicports switches ports vippools vips dns bgpconfigs subnetmanager views viewpolicies
tenants quotas userquotas qospolicies s3policies activedirectory ldaps nis certificates tlscertificates
encryptiongroups managers roles realms apitokens protectionpolicies snapshotpolicies protectedpaths snapshots
nativereplicationremotetargets replicationtargets replicationstreams globalsnapstreams alarms events
eventdefinitionconfigs callhomeconfigs supportbundles monitors health""".split()


def test_every_needed_resource_is_in_the_matrix():
    assert set(NEEDED) <= set(MATRIX)


def test_paths_end_with_slash_and_are_relative():
    for resource in MATRIX.values():
        for dummy, path in resource.paths:
            assert path.endswith("/") and not path.startswith("/"), resource.name


def test_min_releases():
    old, new = VastVersion("5.2.0"), VastVersion("5.4.0.1")
    assert get_resource("apitokens").availability(old)[0] is False
    assert "5.3" in get_resource("apitokens").availability(old)[1]
    assert get_resource("apitokens").availability(new) == (True, None)
    assert get_resource("tlscertificates").availability(VastVersion("5.3.1"))[0] is False
    assert get_resource("health").availability(VastVersion("5.10.0"))[0] is True
    assert get_resource("views").availability(VastVersion("4.7.0")) == (True, None)


def test_shapes():
    ns = get_resource("network_settings")
    assert ns.kind == "subresource" and ns.envelope == "data" and ns.parent == ("vms", "vms_id")
    assert get_resource("capacity").kind == "object" and get_resource("capacity").params == {"path": "/"}
    assert get_resource("events").pages and not get_resource("clusters").pages
    assert 503 in get_resource("health").accept_status


def test_path_per_release():
    r = Resource("thing", paths=(("4.7", "thing/"), ("5.3", "things/")))
    assert r.path_for("5.2.0") == "thing/" and r.path_for(VastVersion("5.3.1")) == "things/"
    assert r.path_for(None) == "things/"


def test_aliases_and_redaction():
    rec = {"id": 1, "sn": "S1", "sys_version": "5.3.1", "name": "x"}
    assert canonical_record("cnodes", rec) == {"id": 1, "serial_number": "S1", "sw_version": "5.3.1", "name": "x"}
    both = {"sn": "old", "serial_number": "new"}
    assert canonical_record("dtrays", both) == {"serial_number": "new"}
    assert redact_record("ldaps", {"id": 1, "bindpw": "pw"}) == {"id": 1}
    assert redact_record("switches", {"password": "pw", "username": "u"}, marker="****") == {
        "password": "****", "username": "****"}


def test_unknown_resource():
    with pytest.raises(KeyError) as info:
        get_resource("ntps")
    assert "known" in str(info.value)
