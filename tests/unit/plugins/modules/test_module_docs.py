"""The modules' documentation agrees with their argument specs and with the collector's catalogue."""
import ast
import os
import re

import pytest
import yaml

from ansible_collections.vastops.asbuilt.plugins.module_utils import catalogue, collector
from ansible_collections.vastops.asbuilt.plugins.module_utils.options import connection_argument_spec
from ansible_collections.vastops.asbuilt.plugins.modules import vast_facts, vast_info, vast_session

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
MODULES = {"vast_info": vast_info, "vast_facts": vast_facts, "vast_session": vast_session}


def docs(module):
    with open(module.__file__.replace(".pyc", ".py")) as handle:
        tree = ast.parse(handle.read())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and \
                node.targets[0].id in ("DOCUMENTATION", "EXAMPLES", "RETURN"):
            out[node.targets[0].id] = yaml.safe_load(node.value.value)
    return out


def fragment_options(name):
    path = os.path.join(REPO, "plugins", "doc_fragments", "%s.py" % name)
    with open(path) as handle:
        tree = ast.parse(handle.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and \
                node.targets[0].id == "DOCUMENTATION":
            return yaml.safe_load(node.value.value).get("options") or {}
    return {}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_documented_options_are_the_argument_spec(name):
    module = MODULES[name]
    documentation = docs(module)["DOCUMENTATION"]
    assert documentation["module"] == name
    assert "vastops.asbuilt.connection" in documentation["extends_documentation_fragment"]
    assert "vastops.asbuilt.attributes" in documentation["extends_documentation_fragment"]
    documented = dict(fragment_options("connection"))
    documented.update(documentation["options"])
    spec = connection_argument_spec()
    spec.update(module.ARGUMENT_SPEC)
    assert set(documented) == set(spec)
    for option, entry in module.ARGUMENT_SPEC.items():
        assert documented[option]["type"] == entry["type"], option
        assert documented[option].get("default") == entry.get("default"), option
        assert documented[option].get("choices") == entry.get("choices"), option


@pytest.mark.parametrize("name", sorted(MODULES))
def test_examples_and_return_parse(name):
    parsed = docs(MODULES[name])
    assert isinstance(parsed["EXAMPLES"], list) and parsed["EXAMPLES"]
    assert isinstance(parsed["RETURN"], dict) and parsed["RETURN"]
    for key, entry in parsed["RETURN"].items():
        assert "description" in entry and "returned" in entry and "type" in entry, key


def _listed(text):
    """Resource names listed after 'V(subset): ' in a gather_subset description line."""
    body = text.split("): ", 1)[1]
    while re.search(r"\([^()]*\)", body):
        body = re.sub(r"\([^()]*\)", "", body)
    body = body.rstrip(".")
    return set(part.strip() for part in body.split(",") if part.strip())


def test_gather_subset_documentation_lists_the_catalogue():
    lines = docs(vast_info)["DOCUMENTATION"]["options"]["gather_subset"]["description"]
    described = {}
    for line in lines:
        match = re.match(r"^V\((\w+)\): ", line)
        if match:
            described[match.group(1)] = line
    assert list(described) == list(catalogue.SUBSETS)
    for name, subset in catalogue.SUBSETS.items():
        if name == "min":
            continue
        assert _listed(described[name]) == set(subset.resources), name


def test_return_documentation_lists_the_catalogue():
    returned = docs(vast_info)["RETURN"]
    contains = returned["vast_info"]["contains"]
    assert list(contains) == list(catalogue.SUBSETS)
    for name, subset in catalogue.SUBSETS.items():
        assert list(contains[name]["contains"]) == list(subset.resources), name
        for resource, entry in contains[name]["contains"].items():
            assert entry["type"] == "list" and entry["elements"] == "dict", resource
    meta = returned["meta"]["contains"]
    produced = set(["host", "cluster", "api_version", "sw_version", "release", "auth_method", "tenant",
                    "subsets_requested", "subsets_collected", "gather_subset", "resources", "unavailable", "errors",
                    "counts", "vast_info_sha256", "options", "resumed", "resumed_from", "warnings", "elapsed_s",
                    "session"])
    assert set(meta) == produced


def test_meta_keys_produced_are_documented(vms_sim_shared):
    from modtest_util import collect
    document = collect(vms_sim_shared, gather_subset=["min"])
    assert set(document["meta"]) == set(docs(vast_info)["RETURN"]["meta"]["contains"])
    returned = docs(vast_info)["RETURN"]
    for key in ("schema_version", "kind", "collection_version", "collected_at"):
        assert key in document and key in returned


def test_defaults_come_from_the_code():
    options = docs(vast_info)["DOCUMENTATION"]["options"]
    assert options["events_max"]["default"] == catalogue.EVENTS_MAX
    assert options["max_memory_mb"]["default"] == collector.DEFAULT_MAX_MEMORY_MB
    assert "default" not in options["max_records"]
    assert collector.MEMORY_PAGE_SIZE == 1000 and collector.FILE_PAGE_SIZE == 500


def test_every_module_is_in_the_action_group():
    with open(os.path.join(REPO, "meta", "runtime.yml")) as handle:
        runtime = yaml.safe_load(handle)
    assert set(MODULES) <= set(runtime["action_groups"]["vast"])
