"""Helpers for the simulator's own tests: HTTP clients and OpenAPI validation."""
import copy
import functools
import gzip
import json
import os

import jsonschema
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def session(sim, user="admin", password=None, auth=True):
    """A requests session that trusts the simulator's CA. trust_env=False: REQUESTS_CA_BUNDLE in the
    environment would otherwise override ``verify`` (requests' documented precedence)."""
    s = requests.Session()
    s.trust_env = False
    s.verify = sim.ca_path if sim.ca_path else True
    if auth:
        s.auth = (user, password if password is not None else sim.users[user])
    return s


def url(sim, path):
    return sim.base_url + path


# ---- the OpenAPI document -----------------------------------------------------------------------------------------
def spec_path():
    """The real spec in ../shared/vms-api when present (CI has it), else the copy vendored in simulator/data."""
    candidates = [os.environ.get("VMS_API_DIR", ""), os.path.join(os.path.dirname(REPO), "shared", "vms-api"),
                  "/work/shared/vms-api"]
    for directory in candidates:
        path = os.path.join(directory, "openapi-5.3.0.json") if directory else ""
        if path and os.path.exists(path):
            return path
    return os.path.join(REPO, "simulator", "data", "openapi-5.3.0.json.gz")


@functools.lru_cache(maxsize=1)
def spec():
    path = spec_path()
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


# Fields the real API returns as null although OAS 3.0 here declares no `nullable` at all (NOTES 5, 8 and 6.7).
# Each entry is (model, field). Everything else must match its declared type exactly.
OBSERVED_NULLABLE = {
    ("CBox", "index_in_rack"), ("CBox", "description"), ("CBox", "subsystem"),          # NOTES 8 cboxes example
    ("DBox", "index_in_rack"), ("DBox", "description"), ("DBox", "subsystem"),          # NOTES 5.2 dboxes
    ("EBox", "index_in_rack"), ("EBox", "description"), ("EBox", "subsystem"),          # NOTES 5.2 eboxes
    ("DNode", "ebox"), ("DNode", "ebox_id"),                                            # NOTES 5.2 dnodes
    ("DNode", "dbox"), ("DNode", "dbox_id"), ("DNode", "dtray"),                        # EBox clusters (NOTES 6.20)
    ("CNode", "cbox"), ("CNode", "cbox_id"),                                            # EBox clusters
    ("SSD", "dbox"), ("SSD", "dbox_id"), ("NVRAM", "dbox"), ("NVRAM", "dbox_id"),       # EBox clusters
    ("PSU", "cbox_id"), ("PSU", "dbox_id"), ("Fan", "cbox_id"), ("Fan", "dbox_id"),     # one of the two is unset
    ("Fan", "cnode"), ("Fan", "dnode"), ("Fan", "psu"),                                 # NOTES 5.2: nullable parents
    ("NIC", "cbox_id"), ("NIC", "dbox_id"),
    ("View", "qos_policy"), ("View", "qos_policy_id"),                                  # NOTES 5.4 views
    ("VIPPool", "subnet_cidr_ipv6"), ("VIPPool", "bgp_config_id"), ("VIPPool", "bgp_config_guid"),
    ("VIPPool", "bgp_config_name"),                                                     # NOTES 5.3 vippools
    ("DNS", "bgp_config_id"),
    ("Quota", "soft_limit"), ("Quota", "grace_period"), ("Quota", "pretty_grace_period"),  # NOTES 5.4 quotas
    ("Tenant", "ad_provider_id"), ("Tenant", "ldap_provider_id"), ("Tenant", "nis_provider_id"),
    ("Tenant", "encryption_group_id"),
    ("Ldap", "active_directory_id"),
    ("ApiToken", "last_used"), ("ApiToken", "revocation_time"), ("ApiToken", "expiry_date"),
    ("Alarm", "rel_obj_class"), ("Alarm", "rel_obj_id"),                                # NOTES 5.7 alarms
    ("Snapshot", "policy"), ("Snapshot", "policy_id"),
}
# Spec defects fixed before validating (each explained):
#  * an `enum` placed on an array (View.protocols, Tenant...) applies to its items: moved to `items`;
#  * Monitor.prop_list/object_ids and MonitorData.* are typed "object" but are lists on real clusters (NOTES 5.7);
#  * write-only secrets listed as required (Manager.password) are never returned (NOTES 5.5): not required.
LIST_INSTEAD_OF_OBJECT = {("Monitor", "prop_list"), ("MonitorData", "prop_list"), ("MonitorData", "data"),
                          ("MonitorData", "object_ids")}
WRITE_ONLY = {"password", "password_retype", "bindpw", "secret", "private_key", "md5_password", "smtp_password",
              "proxy_password", "aws_s3_sk", "cloud_api_key"}


def _fix_node(node):
    if isinstance(node, dict):
        if node.get("type") == "array" and "enum" in node:
            items = dict(node.get("items") or {})
            items["enum"] = node.pop("enum")
            node["items"] = items
        if node.get("nullable") is True and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        for value in node.values():
            _fix_node(value)
    elif isinstance(node, list):
        for value in node:
            _fix_node(value)


@functools.lru_cache(maxsize=1)
def fixed_components():
    comps = copy.deepcopy(spec()["components"])
    schemas = comps["schemas"]
    _fix_node(schemas)
    for (model, field) in OBSERVED_NULLABLE:
        prop = schemas.get(model, {}).get("properties", {}).get(field)
        if prop is not None and "type" in prop and isinstance(prop["type"], str):
            prop["type"] = [prop["type"], "null"]
    for (model, field) in LIST_INSTEAD_OF_OBJECT:
        prop = schemas.get(model, {}).get("properties", {}).get(field)
        if prop is not None:
            prop["type"] = ["object", "array"]
    for schema in schemas.values():
        if isinstance(schema.get("required"), list):
            schema["required"] = [r for r in schema["required"] if r not in WRITE_ONLY]
    return comps


@functools.lru_cache(maxsize=None)
def validator(ref_schema_json):
    """A Draft 7 validator for one response schema (given as JSON text), refs resolved in the spec."""
    root = {"components": fixed_components()}
    root.update(json.loads(ref_schema_json))
    return jsonschema.Draft7Validator(root)


def response_schema(template_path):
    op = spec()["paths"].get(template_path, {}).get("get")
    if not op:
        return None
    return op["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema")


def validate(template_path, value):
    """Errors (list of text) of ``value`` against the GET 200 schema of ``template_path``; [] when valid."""
    schema = response_schema(template_path)
    if schema is None:
        return ["no schema for %s" % template_path]
    v = validator(json.dumps(schema, sort_keys=True))
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message) for e in v.iter_errors(value)]


def model_of(template_path):
    schema = response_schema(template_path) or {}
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None
