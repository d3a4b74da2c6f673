"""open_for_module: how a module gets a session or a clean failure."""
import json

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.vastops.asbuilt.plugins.module_utils.options import connection_argument_spec
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import open_for_module


class Failed(Exception):
    pass


def make_module(args):
    with patch_module_args(args):
        module = basic.AnsibleModule(argument_spec=connection_argument_spec(), supports_check_mode=True)
    failures = []

    def fail_json(**kwargs):
        failures.append(kwargs)
        raise Failed(json.dumps(kwargs))

    module.fail_json = fail_json
    module.warnings_seen = []
    module.warn = module.warnings_seen.append
    return module, failures


def test_open_for_module(vms_sim):
    module, dummy = make_module({"host": vms_sim.host, "username": "admin", "password": vms_sim.users["admin"],
                                 "ca_path": vms_sim.ca_path})
    session = open_for_module(module)
    try:
        assert session.api_version == "v7" and session.read_resource("vms").status == "ok"
    finally:
        session.close()


@pytest.mark.parametrize("args, words", [
    ({"host": "http://vms", "username": "a", "password": "Module-pw-1"}, "Invalid option 'host'"),
    ({"host": "vms", "username": "a"}, "without password"),
])
def test_option_errors_fail_cleanly(args, words):
    module, failures = make_module(args)
    with pytest.raises(Failed):
        open_for_module(module)
    assert words in failures[0]["msg"] and "Module-pw-1" not in json.dumps(failures)


def test_wrong_password_fails_cleanly(vms_sim):
    module, failures = make_module({"host": vms_sim.host, "username": "admin", "password": "Wrong-Module-pw",
                                    "ca_path": vms_sim.ca_path})
    with pytest.raises(Failed):
        open_for_module(module)
    assert failures[0]["error"] == "AuthenticationError" and failures[0]["status"] in (401, 403)
    assert "Wrong-Module-pw" not in json.dumps(failures)
