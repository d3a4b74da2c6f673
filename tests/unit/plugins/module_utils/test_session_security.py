"""TLS validation and secret hygiene."""
import json
import time

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import AuthenticationError, TlsError, VastError
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession

from conftest import sim_params

PASSWORD = "Recognisable-Pa55word-XYZ"


def test_untrusted_ca_names_validate_certs_and_ca_path(vms_sim):
    with pytest.raises(TlsError) as info:
        VastSession(sim_params(vms_sim, ca_path=None)).open()
    message = str(info.value)
    assert "validate_certs" in message and "ca_path" in message and "not trusted" in message
    assert vms_sim.request_log() == [] or all(e["path"] != "/api/token/" for e in vms_sim.request_log())


def test_custom_ca_and_validation_off(vms_sim):
    with VastSession(sim_params(vms_sim)) as session:
        assert session.get("vms/")
    with VastSession(sim_params(vms_sim, ca_path=None, validate_certs=False)) as session:
        assert session.get("vms/")


class Clock:
    def __init__(self):
        self.offset = 0.0

    def __call__(self):
        return time.time() + self.offset


def test_no_secret_anywhere(sim_factory, tmp_path):
    clock = Clock()
    sim = sim_factory(profile="tiny", passwords={"admin": PASSWORD}, clock=clock)
    audit = tmp_path / "audit.jsonl"
    texts = []
    session = VastSession(sim_params(sim, audit_log=str(audit), token_file=None))
    session.open()
    tokens = session.exported_tokens()
    secrets = [PASSWORD, tokens["access_token"], tokens["refresh_token"]]
    session.read_resource("views")
    clock.offset += 4000  # force a refresh: new tokens become secrets too
    session.read_resource("vippools")
    secrets += [session.exported_tokens()["access_token"], session.exported_tokens()["refresh_token"]]
    texts += [repr(session), repr(session.params), json.dumps(session.summary()), str(session.warnings)]
    for bad in (dict(password=PASSWORD + "-wrong"), dict(auth_method="basic", password=PASSWORD + "x")):
        try:
            VastSession(sim_params(sim, **bad)).open()
        except VastError as exc:
            texts += [str(exc), repr(exc), json.dumps(exc.to_fail_json())]
    # an error message built from a body that echoes a credential
    exc = AuthenticationError("server said: password=%s token %s" % (PASSWORD, tokens["access_token"]))
    texts += [str(exc), json.dumps(exc.to_fail_json())]
    session.close()
    texts.append(audit.read_text())
    blob = "\n".join(texts)
    for secret in secrets:
        assert secret not in blob
    for line in audit.read_text().splitlines():
        entry = json.loads(line)
        assert set(entry) <= {"ts", "method", "path", "status", "latency_ms"}
        assert "?" not in entry["path"]
    assert oct(audit.stat().st_mode & 0o777) == "0o600"
