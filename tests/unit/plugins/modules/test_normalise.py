"""Normalisers: canonical keys, no secrets, no volatile self links, sorted keys, a total order of records."""
import json

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.compat import MATRIX, canonical_record, redact_record
from ansible_collections.vastops.asbuilt.plugins.module_utils.normalise import (
    canonical_json, normalise_record, project, snake_case, sort_key, sorted_keys,
)


@pytest.mark.parametrize("key, expected", [
    ("name", "name"), ("sw_version", "sw_version"), ("camelCase", "camel_case"), ("HTTPPort", "httpport"),
    ("max-size", "max_size"), ("with space", "with_space"), ("a1B2", "a1_b2"), (3, "3"),
])
def test_snake_case(key, expected):
    assert snake_case(key) == expected


def test_aliases_secrets_and_self_links():
    raw = {"id": 4, "name": "cnode-1", "sn": "S1", "url": "https://10.0.0.1/api/v7/cnodes/4", "password": "pw",
           "sys_version": "5.3.1", "nested": {"b": 2, "a": 1}}
    out = normalise_record(MATRIX["cnodes"], raw)
    assert out == {"id": 4, "name": "cnode-1", "serial_number": "S1", "sw_version": "5.3.1",
                   "nested": {"a": 1, "b": 2}}
    assert list(out) == sorted(out) and list(out["nested"]) == ["a", "b"]


def test_the_canonical_spelling_wins_over_its_alias():
    out = normalise_record(MATRIX["cnodes"], {"id": 1, "sn": "alias", "serial_number": "canonical"})
    assert out == {"id": 1, "serial_number": "canonical"}


def test_same_result_as_compat_helpers():
    raw = {"id": 1, "sn": "X", "token": "t", "name": "a", "proxy_password": "p", "url": "u", "x": [1, {"b": 1}]}
    expected = redact_record("callhomeconfigs", canonical_record("callhomeconfigs", raw))
    expected.pop("url")
    assert normalise_record(MATRIX["callhomeconfigs"], raw) == sorted_keys(expected)


def test_resource_specific_secrets_are_dropped():
    out = normalise_record(MATRIX["switches"], {"id": 1, "username": "admin", "name": "sw"})
    assert "username" not in out
    out = normalise_record(MATRIX["eventdefinitionconfigs"], {"id": 1, "smtp_password": "s", "smtp_user": "u"})
    assert out == {"id": 1, "smtp_user": "u"}


@pytest.mark.parametrize("raw", [None, 5, "text", [1, 2], {"": 1}, {"id": None}, {"id": {"x": 1}},
                                 {"id": "abc", "name": None}, {"\u00e9t\u00e9": "\u2603"}])
def test_odd_payloads_never_raise(raw):
    out = normalise_record(MATRIX["views"], raw)
    assert isinstance(out, dict)
    json.loads(canonical_json(out))
    sort_key(out)


def test_capacity_details_are_sorted_by_path():
    raw = {"details": [["/b", {"data": [1]}], ["/a", {"data": [2]}]], "small_folders": "odd", "time": "t"}
    out = normalise_record(MATRIX["capacity"], raw, normaliser="capacity")
    assert [d[0] for d in out["details"]] == ["/a", "/b"]
    assert out["small_folders"] == "odd"


def test_sort_key_orders_numbers_then_strings_then_none():
    records = [{"id": "b"}, {"id": 10}, {"id": None, "name": "z"}, {"id": 2}, {"id": "10"}, {"id": "a"},
               {"name": "y"}, {"id": 2, "name": "a"}, {"id": True}]
    ordered = sorted(records, key=sort_key)
    assert [r.get("id") for r in ordered] == [2, 2, 10, "10", "a", "b", True, None, None]
    assert ordered[0] == {"id": 2} and ordered[1] == {"id": 2, "name": "a"}
    assert ordered[-2:] == [{"name": "y"}, {"id": None, "name": "z"}]
    assert sorted(reversed(records), key=sort_key) == ordered


def test_project_keeps_id_and_name():
    record = {"id": 1, "name": "n", "a": 1, "b": 2}
    assert project(record, ("a",)) == {"id": 1, "name": "n", "a": 1}
    assert project(record, None) is record


def test_canonical_json_is_compact_sorted_and_keeps_unicode():
    assert canonical_json({"b": 1, "a": "\u00e9"}) == '{"a":"\u00e9","b":1}'


def test_nested_self_links_are_dropped_but_other_urls_kept():
    raw = {"id": 1, "dnodes": [{"id": 2, "url": "https://10.0.0.1:8443/api/v7/dnodes/2"}],
           "owner": {"name": "x", "url": "https://h/api/v3/managers/1"}, "links": {"url": 5},
           "webhook": "https://hooks.example.com/x"}
    out = normalise_record(MATRIX["dtrays"], raw)
    assert out == {"id": 1, "dnodes": [{"id": 2}], "owner": {"name": "x"}, "links": {"url": 5},
                   "webhook": "https://hooks.example.com/x"}
    assert normalise_record(MATRIX["dtrays"], raw, sort=False) == out
