"""TLS: verification is on by default; an untrusted certificate fails with a message that names validate_certs
and ca_path; a custom CA through ca_path works; validate_certs=false works and warns.

In-process module runs (vast_info, gather_subset min) against a simulator whose certificate is signed by its own
CA, plus one run through ansible-playbook (the message the user sees).  The machine's REQUESTS_CA_BUNDLE (set on
this machine, see simulator/README.md) must not change the outcome: it is set to the system bundle here.
"""
import datetime
import os

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.vastops.asbuilt.plugins.modules import vast_info
from playbook_util import run_tasks, sim_env
from rel_util import CANARY_PASSWORD, run_module

pytestmark = [pytest.mark.reliability, pytest.mark.tls, pytest.mark.simulator]


@pytest.fixture(scope="module")
def sim(rel_sims):
    return rel_sims(profile="tiny", passwords={"admin": CANARY_PASSWORD})


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory):
    """A CA that did not sign the simulator's certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Some Other CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    path = tmp_path_factory.mktemp("ca") / "other-ca.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(path)


@pytest.fixture(autouse=True)
def system_bundle(monkeypatch):
    """requests honours REQUESTS_CA_BUNDLE over verify=True: point it at the system store, like a user's machine."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith("VAST_"):
            monkeypatch.delenv(name)


def _args(sim, **extra):
    args = {"host": sim.host, "username": "admin", "password": CANARY_PASSWORD, "retries": 1, "backoff": 0.01,
            "timeout": 5, "deadline": 30, "gather_subset": ["min"]}
    args.update(extra)
    return dict((k, v) for k, v in args.items() if v is not None)


def _clear_failure(run, *words):
    assert not run.exception and not run.timed_out, run
    assert run.result.get("failed") is True and run.exit_code == 1, run
    msg = run.result["msg"]
    assert "Traceback" not in run.stdout and CANARY_PASSWORD not in run.stdout
    for word in words:
        assert word in msg, "%r not in %r" % (word, msg)
    return msg


def test_validation_is_on_by_default(sim):
    run = run_module(vast_info, _args(sim))
    msg = _clear_failure(run, "validate_certs", "ca_path", "not trusted")
    assert run.result["error"] == "TlsError" and "hint" in run.result
    assert [e for e in sim.request_log() if e["method"] == "POST"] == [], "credentials sent over unverified TLS"
    assert sim.host.split(":")[0] in msg


def test_untrusted_ca_path_is_named(sim, other_ca):
    run = run_module(vast_info, _args(sim, ca_path=other_ca))
    msg = _clear_failure(run, "validate_certs", "ca_path")
    assert other_ca in msg


def test_custom_ca_works(sim):
    run = run_module(vast_info, _args(sim, ca_path=sim.ca_path))
    assert not run.failed and not run.exception, run
    assert run.result["meta"]["cluster"]["name"] == sim.records("clusters")[0]["name"]
    assert not [w for w in run.warnings if "validate_certs" in w]


def test_ca_path_from_the_environment(sim, monkeypatch):
    monkeypatch.setenv("VAST_CA_PATH", sim.ca_path)
    run = run_module(vast_info, _args(sim))
    assert not run.failed, run


def test_validate_certs_false_works_and_warns(sim, other_ca):
    for extra in ({"validate_certs": False}, {"validate_certs": False, "ca_path": other_ca}):
        run = run_module(vast_info, _args(sim, **extra))
        assert not run.failed and not run.exception, run
        warnings = " ".join(run.warnings)
        assert "validate_certs=false" in warnings and "ca_path" in warnings, run.warnings


def test_validate_certs_false_from_the_environment_warns(sim, monkeypatch):
    monkeypatch.setenv("VAST_VALIDATE_CERTS", "false")
    run = run_module(vast_info, _args(sim))
    assert not run.failed, run
    assert any("validate_certs=false" in w for w in run.warnings), run.warnings


@pytest.mark.integration
def test_untrusted_certificate_through_ansible_playbook(sim, tmp_path):
    """What the user sees: the task fails with the TLS message naming both options, no traceback."""
    env = sim_env(sim, password=CANARY_PASSWORD, VAST_CA_PATH=None, REQUESTS_CA_BUNDLE=None, CURL_CA_BUNDLE=None)
    run = run_tasks(sim, tmp_path, [{"vastops.asbuilt.vast_info": {"gather_subset": ["min"]}},
                                    {"vastops.asbuilt.vast_info": {"gather_subset": ["min"],
                                                                   "validate_certs": False}}], env=env)
    failed, insecure = run.results
    assert failed["failed"] and "validate_certs" in failed["msg"] and "ca_path" in failed["msg"], failed
    assert not insecure.get("failed"), insecure
    assert "validate_certs=false" in run.stdout + run.stderr          # the warning is displayed
    assert "Traceback" not in run.stdout + run.stderr and CANARY_PASSWORD not in run.stdout + run.stderr
