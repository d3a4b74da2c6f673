"""Every GET endpoint the simulator serves answers JSON that validates against the real VMS 5.3 OpenAPI schema
of the same path (list, detail and sub-resources), for several profiles, an EBox cluster and every release."""
import pytest

from simtest_util import model_of, response_schema, session, spec, validate

# Resources an as-built report needs: they must not be empty on a default (non-EBox) cluster.
MUST_HAVE = ["clusters", "vms", "racks", "cboxes", "cnodes", "dboxes", "dnodes", "dtrays", "ssds", "nvrams", "psus",
             "fans", "nics", "nicports", "hosts", "switches", "ports", "vippools", "vips", "dns", "tenants", "views",
             "viewpolicies", "quotas", "userquotas", "s3policies", "qospolicies", "activedirectory", "ldaps",
             "certificates", "encryptiongroups", "managers", "roles", "realms", "protectionpolicies",
             "snapshotpolicies", "protectedpaths", "nativereplicationremotetargets", "replicationtargets",
             "replicationstreams", "snapshots", "alarms", "events", "eventdefinitions", "eventdefinitionconfigs",
             "licenses", "callhomeconfigs", "supportbundles", "versions", "monitors", "groups", "users"]

CONFIGS = [
    dict(profile="tiny", vast_version="5.3.1"),
    dict(profile="small", vast_version="5.3.1"),
    dict(profile="medium", vast_version="5.3.1", seed=3),
    dict(profile="tiny", vast_version="5.3.1", ebox=True),
    dict(profile="small", vast_version="5.4.0", ebox=True),
    dict(profile="tiny", vast_version="4.7.0"),
    dict(profile="tiny", vast_version="5.0.0"),
    dict(profile="tiny", vast_version="5.1.0"),
    dict(profile="tiny", vast_version="5.2.0"),
    dict(profile="tiny", vast_version="5.4.0"),
]


def _get_paths():
    return sorted(p for p, ops in spec()["paths"].items() if "get" in ops)


def _first_id(http, base, resource):
    r = http.get("%s/%s/" % (base, resource), params={"page_size": 1}, timeout=30)
    if r.status_code != 200:
        return None
    results = r.json().get("results") or []
    return results[0]["id"] if results else None


@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: "-".join("%s" % v for v in c.values()))
def test_every_get_endpoint_validates(sim_factory, cfg):
    sim = sim_factory(**cfg)
    http = session(sim)
    version = sim.config.release.max_api_version
    base = "%s/api/v%d" % (sim.base_url, version)
    served, failures, sizes = 0, [], {}
    ids = {}
    for path in _get_paths():
        segs = path.strip("/").split("/")
        resource = segs[0]
        concrete = []
        for seg in segs:
            if seg == "{id}":
                if resource not in ids:
                    ids[resource] = _first_id(http, base, resource)
                if ids[resource] is None:
                    break
                concrete.append(str(ids[resource]))
            elif seg.startswith("{"):
                break
            else:
                concrete.append(seg)
        else:
            target = "%s/%s%s" % (base, "/".join(concrete), "/" if path.endswith("/") else "")
            r = http.get(target, timeout=60)
            if r.status_code == 404:
                continue
            assert r.status_code == 200, (target, r.status_code, r.text[:200])
            if resource == "prometheusmetrics" or path.endswith("/download/"):
                continue
            assert r.headers["Content-Type"].startswith("application/json"), target
            value = r.json()
            if path == "/vms/{id}/network_settings/":
                assert set(value) == {"data"}  # the real-world wrapper (NOTES 6.4)
                value = value["data"]
            if response_schema(path) is None:
                continue
            served += 1
            if isinstance(value, list):
                if len(segs) == 1:
                    sizes[resource] = len(value)
                if len(value) > 400:  # big lists: validate a sample from both ends
                    value = value[:200] + value[-200:]
            errors = validate(path, value)
            if errors:
                failures.append((path, model_of(path), errors[:3]))
    assert not failures, failures[:10]
    assert served > 150
    if not cfg.get("ebox"):
        empty = [r for r in MUST_HAVE if sizes.get(r, 0) == 0 and not (r == "apitokens")]
        assert not empty, empty
    else:
        assert sizes["eboxes"] > 0 and sizes.get("cboxes", 0) == 0 and sizes.get("dboxes", 0) == 0
