"""Connection options: argument spec, environment fallbacks and validation (no request is ever sent)."""
import os

import pytest
import yaml

from ansible_collections.vastops.asbuilt.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import OptionError
from ansible_collections.vastops.asbuilt.plugins.module_utils.options import (
    ENV_VARS, ConnectionParams, connection_argument_spec, parse_host,
)

BASE = {"host": "vms.example.com", "username": "admin", "password": "Secret-pw-1"}


def build(env=None, **kw):
    params = dict(BASE)
    params.update(kw)
    return ConnectionParams.from_params(params, env=env or {})


def test_defaults():
    p = build()
    assert p.base_url == "https://vms.example.com"
    assert p.validate_certs is True and p.verify is True
    assert p.api_version == "auto" and p.retries == 5 and p.max_concurrency == 8
    assert "Secret-pw-1" not in repr(p)


@pytest.mark.parametrize("host, expected", [
    ("vms.example.com", ("vms.example.com", 443)),
    ("10.0.0.5:8443", ("10.0.0.5", 8443)),
    ("https://10.0.0.5:8443/", ("10.0.0.5", 8443)),
    ("[fd00::5]:9443", ("fd00::5", 9443)),
    ("fd00::5", ("fd00::5", 443)),
])
def test_parse_host_good(host, expected):
    assert parse_host(host) == expected


@pytest.mark.parametrize("params, option, words", [
    ({"host": "http://vms"}, "host", "https only"),
    ({"host": "https://vms/api/v7"}, "host", "path"),
    ({"host": "vms:70000"}, "host", "out of range"),
    ({"host": "vms:abc"}, "host", "not a number"),
    ({"host": "user:pw@vms"}, "host", "user information"),
    ({"host": ""}, "host", "required"),
    ({"port": 0}, "port", "out of range"),
    ({"host": "vms:8443", "port": 443}, "port", "contradicts"),
    ({"username": None}, "password", "without username"),
    ({"password": None}, "username", "without password"),
    ({"api_token": "tok-123456"}, "api_token", "mutually exclusive"),
    ({"timeout": -1}, "timeout", "positive"),
    ({"timeout": 0}, "timeout", "positive"),
    ({"retries": -1}, "retries", "between"),
    ({"max_concurrency": 0}, "max_concurrency", "between"),
    ({"max_concurrency": 500}, "max_concurrency", "between"),
    ({"backoff": -0.5}, "backoff", "negative"),
    ({"deadline": -3}, "deadline", "deadline"),
    ({"api_version": "seven"}, "api_version", "vN"),
    ({"api_version": "v0"}, "api_version", "start at v1"),
    ({"ca_path": "/nonexistent/ca.pem"}, "ca_path", "does not exist"),
    ({"token_file": "/nonexistent-dir/tokens.json"}, "token_file", "does not exist"),
    ({"audit_log": "/nonexistent-dir/audit.jsonl"}, "audit_log", "does not exist"),
    ({"auth_method": "kerberos"}, "auth_method", "must be one of"),
    ({"timeout": "soon"}, "timeout", "type float"),
    ({"validate_certs": "maybe"}, "validate_certs", "type bool"),
    ({"tenant": "a\nb"}, "tenant", "not a valid"),
    # non-string values for string options (user test nits): said so, never converted to "['readonly']"
    ({"host": ["vms-a", "vms-b"]}, "host", "must be a single string, got a list"),
    ({"username": ["readonly"]}, "username", "must be a single string, got a list"),
    ({"tenant": {"name": "t"}}, "tenant", "got a dictionary"),
    ({"tenant": True}, "tenant", "quote it"),
    ({"ca_path": ["/a.pem"]}, "ca_path", "got a list"),
    ({"api_version": 7.5}, "api_version", "vN"),
    ({"port": True}, "port", "got a boolean"),
    ({"retries": [3]}, "retries", "got a list"),
    ({"timeout": False}, "timeout", "got a boolean"),
    ({"password": "Secret-pw-1\n\n"}, "password", "must not contain line breaks"),
    ({"password": "Secret\n-pw-1"}, "password", "must not contain line breaks"),
])
def test_misuse_names_the_option(params, option, words):
    with pytest.raises(OptionError) as info:
        build(**params)
    assert info.value.option == option
    assert option in str(info.value)
    assert words in str(info.value)
    assert "Secret-pw-1" not in str(info.value)


def test_secret_values_are_never_echoed_in_type_errors():
    with pytest.raises(OptionError) as info:
        build(password=["Secret-pw-1"])
    assert "Secret-pw-1" not in str(info.value) and "got a list" in str(info.value)


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_one_trailing_line_break_of_password_and_api_token_is_dropped(ending):
    """A vault typed as "password<Enter><Ctrl-D>" holds "password\n": that is the password."""
    assert build(password="Secret-pw-1" + ending).password == "Secret-pw-1"
    token = ConnectionParams.from_params({"host": "vms", "api_token": "prefix1.Secret-token-1" + ending}, env={})
    assert token.api_token == "prefix1.Secret-token-1"
    env = ConnectionParams.from_params({"host": "vms", "username": "u"}, env={"VAST_PASSWORD": "Env-pw-1" + ending})
    assert env.password == "Env-pw-1"


def test_numbers_are_fine_for_string_options():
    p = build(password=123456, tenant=42, username=7)
    assert (p.password, p.tenant, p.username) == ("123456", "42", "7")


def test_no_credentials():
    with pytest.raises(OptionError) as info:
        ConnectionParams.from_params({"host": "vms"}, env={})
    assert "no credentials" in str(info.value)


def test_api_token_and_refresh_token_exclusive():
    with pytest.raises(OptionError) as info:
        ConnectionParams.from_params({"host": "vms", "api_token": "abcdef", "refresh_token": "x.y.z"}, env={})
    assert info.value.option == "api_token"


def test_environment_fallbacks():
    env = {"VAST_HOST": "10.1.2.3:8443", "VAST_USERNAME": "u", "VAST_PASSWORD": "p-secret",
           "VAST_VALIDATE_CERTS": "false", "VAST_TIMEOUT": "12.5", "VAST_RETRIES": "2", "VAST_TENANT": "t1",
           "VAST_MAX_CONCURRENCY": "3", "VAST_DEADLINE": "60", "VAST_BACKOFF": "0.1", "VAST_API_VERSION": "7"}
    p = ConnectionParams.from_params({}, env=env)
    assert (p.hostname, p.port, p.username, p.password) == ("10.1.2.3", 8443, "u", "p-secret")
    assert p.validate_certs is False and p.verify is False
    assert p.timeout == 12.5 and p.retries == 2 and p.tenant == "t1" and p.max_concurrency == 3
    assert p.api_version == "v7"
    # explicit parameters win over the environment
    p = ConnectionParams.from_params({"host": "other", "username": "x", "password": "y"}, env=env)
    assert p.hostname == "other"


def test_argument_spec_matches_doc_fragment():
    spec = connection_argument_spec()
    doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    assert set(spec) == set(doc)
    for name, entry in spec.items():
        documented = doc[name]
        assert documented["type"] == entry["type"], name
        assert documented.get("default") == entry.get("default"), name
        assert documented.get("choices") == entry.get("choices"), name
        assert ENV_VARS[name] in " ".join(documented["description"]), name
        assert entry["fallback"][1] == [ENV_VARS[name]]
    for secret in ("password", "api_token", "access_token", "refresh_token"):
        assert spec[secret]["no_log"] is True


def test_argument_spec_works_with_ansible_validator(monkeypatch):
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    monkeypatch.setenv("VAST_PASSWORD", "from-env-pw")
    result = ArgumentSpecValidator(connection_argument_spec()).validate({"host": "vms", "username": "admin"})
    assert result.error_messages == []
    p = ConnectionParams.from_params(result.validated_parameters)
    assert p.password == "from-env-pw"
    assert "from-env-pw" in result._no_log_values


def test_ca_path_and_files(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    p = build(ca_path=str(ca), token_file=str(tmp_path / "t.json"), audit_log=str(tmp_path / "a.jsonl"))
    assert p.verify == str(ca)
    with pytest.raises(OptionError) as info:
        build(token_file=str(tmp_path))
    assert "directory" in str(info.value)


def test_replace_keeps_secrets():
    p = build().replace(timeout=5)
    assert p.timeout == 5 and p.password == "Secret-pw-1"
    assert os.environ.get("VAST_HOST") is None or p.hostname == "vms.example.com"


def test_empty_password_is_refused_locally_naming_the_option():
    # Ansible's env_fallback hands an empty VAST_PASSWORD on as "" (m8 of the user test)
    with pytest.raises(OptionError) as info:
        build(password="")
    assert "password" in str(info.value) and "is empty" in str(info.value)


def test_empty_username_and_password_with_api_token_mean_no_basic_credentials():
    p = ConnectionParams.from_params({"host": "vms.example.com", "username": "", "password": "",
                                      "api_token": "abc.def"}, env={})
    assert p.password is None and p.username is None and p.api_token == "abc.def"


def test_ca_path_without_a_pem_certificate_is_refused_naming_the_option(tmp_path):
    """A file that is not a PEM CA (here: a host name file) fails as an option error, not as a TLS handshake."""
    not_pem = tmp_path / "hostname"
    not_pem.write_text("vms01\n")
    with pytest.raises(OptionError) as info:
        build(ca_path=str(not_pem))
    assert "'ca_path'" in str(info.value) and "holds no PEM certificate" in str(info.value)


def test_file_options_name_a_file_in_the_path_as_the_obstacle(tmp_path):
    """token_file under a path component that is a file says so ('is a file, not a directory')."""
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    for name in ("token_file", "audit_log"):
        with pytest.raises(OptionError) as info:
            build(**{name: str(blocker / "sub" / "f.json")})
        assert "%s is a file, not a directory" % blocker in str(info.value) and name in str(info.value)
