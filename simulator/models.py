"""The VMS 5.3 OpenAPI object models, and record skeletons built from them.

The spec is vendored (``data/openapi-5.3.0.json.gz``, a copy of the public VAST 5.3.0 OpenAPI document) so the
simulator runs without ``../shared``. Every generated record starts as a skeleton holding every property of its
schema with a type-correct neutral value; the generators then set the fields that matter. Write-only secrets
are never part of a skeleton.
"""
import functools
import gzip
import json
import os

SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "openapi-5.3.0.json.gz")

# Fields the real API must never echo (write-only secrets). NOTES 5.x: "never return ...".
SECRET_FIELDS = frozenset({
    "password", "password_retype", "bindpw", "md5_password", "smtp_password", "proxy_password", "aws_s3_sk",
    "cloud_api_key", "cert_pass", "private_key", "cluster_private_key", "s3_private_key", "nfs4_private_key",
    "ssl_keyfile", "secret", "decoded_access_key", "secret_key", "token",
})
# Keys shown first in every record (the order of the NOTES examples); the rest follow the schema.
LEADING = ("id", "guid", "name", "url", "title")


@functools.lru_cache(maxsize=1)
def load_spec():
    with gzip.open(SPEC_PATH, "rt", encoding="utf-8") as fh:
        return json.load(fh)


class Models:
    """Schema look-ups and skeletons. One shared instance: :func:`models`."""

    def __init__(self, spec):
        self.spec = spec
        self.schemas = spec["components"]["schemas"]
        self.paths = spec["paths"]
        self._skeletons = {}

    def resolve(self, node):
        """Follow $ref and merge allOf into one object schema (properties and required unioned)."""
        while isinstance(node, dict) and "$ref" in node:
            node = self.schemas[node["$ref"].rsplit("/", 1)[-1]]
        if not isinstance(node, dict) or "allOf" not in node:
            return node
        merged = {"type": "object", "properties": {}, "required": []}
        for part in node["allOf"] + [{k: v for k, v in node.items() if k != "allOf"}]:
            part = self.resolve(part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"].extend(part.get("required", []))
        return merged

    def properties(self, name):
        return self.resolve(self.schemas[name]).get("properties", {})

    def default_value(self, prop, depth=0):
        prop = self.resolve(prop)
        kind = prop.get("type")
        if kind == "array":
            return []
        if "enum" in prop and prop["enum"]:
            return prop["enum"][0]
        if kind == "string":
            return ""
        if kind == "integer":
            return 0
        if kind == "number":
            return 0.0
        if kind == "boolean":
            return False
        if kind == "object" or "properties" in prop:
            props = prop.get("properties")
            if props and depth < 2:
                return {k: self.default_value(v, depth + 1) for k, v in props.items() if k not in SECRET_FIELDS}
            return {}
        return None

    def skeleton(self, name):
        """A fresh dict with every (non-secret) property of schema ``name`` set to a neutral value."""
        if name not in self._skeletons:
            props = self.properties(name)
            first = [k for k in LEADING if k in props]
            order = first + [k for k in props if k not in first]
            self._skeletons[name] = {k: self.default_value(props[k]) for k in order if k not in SECRET_FIELDS}
        return json.loads(json.dumps(self._skeletons[name]))

    def template(self, name):
        """The cached skeleton itself: callers must copy (``{**tpl, ...}``) and never mutate nested values."""
        if name not in self._skeletons:
            self.skeleton(name)
        return self._skeletons[name]

    def get_response_schema(self, path):
        """Schema of the GET 200 JSON answer of a spec path, or None."""
        op = self.paths.get(path, {}).get("get")
        if not op:
            return None
        resp = op.get("responses", {}).get("200", {})
        return resp.get("content", {}).get("application/json", {}).get("schema")

    def schema_name_of(self, path):
        """Name of the object model behind a list or detail path ("/cnodes/" -> "CNode")."""
        schema = self.get_response_schema(path)
        if not schema:
            return None
        if schema.get("type") == "array":
            schema = schema.get("items", {})
        ref = schema.get("$ref")
        return ref.rsplit("/", 1)[-1] if ref else None


@functools.lru_cache(maxsize=1)
def models():
    return Models(load_spec())
