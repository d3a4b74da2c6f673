"""VastModule and int options: values ansible-core's own int check cannot read fail naming the option.

ansible-core 2.19's ``check_type_int`` raises OverflowError (so the module printed a traceback, not a result)
for an infinite number, for text reading as one, and for a list it takes for a Decimal tuple; it spends minutes
on text such as "1e9999999".  The module keeps such values from that check and fails with a clear message.
"""
import contextlib
import io
import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import OptionError
from ansible_collections.vastops.asbuilt.plugins.module_utils.module import VastModule
from ansible_collections.vastops.asbuilt.plugins.module_utils.options import ConnectionParams

PASSWORD = "Int-pw-Canary-1"
BASE = {"host": "vms.example.com", "username": "admin", "password": PASSWORD}


def build(args):
    """Construct a VastModule with *args*: (exit code, result) or (None, the escaped exception)."""
    out = io.StringIO()
    try:
        with patch_module_args(dict(BASE, **args)), contextlib.redirect_stdout(out):
            VastModule({"max_records": {"type": "int"}})
    except SystemExit as exc:
        return exc.code, json.loads(out.getvalue())
    except Exception as exc:  # pylint: disable=broad-except  # what this test looks for
        return None, exc
    return 0, {}


@pytest.mark.parametrize("args, option, words", [
    ({"port": [2 ** 70, [], {}]}, "port", "got a list"),          # found by the reliability suite's fuzzing
    ({"port": [3]}, "port", "got a list"),
    ({"retries": float("inf")}, "retries", "must be finite"),
    ({"retries": float("-inf")}, "retries", "must be finite"),
    ({"timeout": 5, "max_records": "inf"}, "max_records", "must be finite"),
    ({"cache_ttl": "1e9999999"}, "cache_ttl", "at most 18 digits"),
])
def test_unreadable_int_values_fail_naming_the_option(args, option, words):
    code, result = build(args)
    assert code == 1, result
    assert result["failed"] and result["msg"].startswith("Invalid option '%s'" % option), result
    assert words in result["msg"] and PASSWORD not in json.dumps(result)


@pytest.mark.parametrize("var, option", [("VAST_RETRIES", "retries"), ("VAST_PORT", "port")])
def test_unreadable_int_values_in_the_environment_fail_naming_option_and_variable(monkeypatch, var, option):
    monkeypatch.setenv(var, "inf")
    code, result = build({})
    assert code == 1, result
    assert result["msg"].startswith("Invalid option '%s'" % option) and "(from %s)" % var in result["msg"]


def test_readable_int_values_still_pass(monkeypatch):
    monkeypatch.setenv("VAST_RETRIES", "3")
    assert build({"port": "8443", "max_records": 5.0, "cache_ttl": "1e3"}) == (0, {})


# -- the session's own reading of the options (module params or VAST_* variables) ----------------------------------
@pytest.mark.parametrize("params, env, option, words", [
    ({"port": float("inf")}, {}, "port", "must be finite"),
    ({"retries": "-Infinity"}, {}, "retries", "must be finite"),
    ({"max_concurrency": " nan "}, {}, "max_concurrency", "must be finite"),
    ({"cache_ttl": "1e400"}, {}, "cache_ttl", "at most 18 digits"),
    ({}, {"VAST_RETRIES": "inf"}, "retries", "must be finite"),
])
def test_connection_params_refuse_unreadable_ints(params, env, option, words):
    with pytest.raises(OptionError) as info:
        ConnectionParams.from_params(dict(BASE, **params), env=env)
    assert info.value.option == option and words in str(info.value) and PASSWORD not in str(info.value)


def test_connection_params_still_read_exponent_forms():
    assert ConnectionParams.from_params(BASE, env={"VAST_RETRIES": "1e1"}).retries == 10
