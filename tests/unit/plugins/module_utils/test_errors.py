"""The exception hierarchy and the scrubber."""
import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils import errors
from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import (
    REDACTED, ApiError, AuthenticationError, CircuitOpen, ConnectionFailed, DeadlineExceeded, NotFound, OptionError,
    PermissionDenied, ProtocolError, ResourceUnavailable, TlsError, Unsupported, UnsupportedVersion, VastError,
    register_basic_credentials, register_secret, scrub,
)

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJlLXNpZw"


def test_hierarchy():
    for cls in (ConnectionFailed, TlsError, CircuitOpen, DeadlineExceeded, AuthenticationError, PermissionDenied,
                NotFound, Unsupported, ResourceUnavailable, ApiError, ProtocolError, UnsupportedVersion, OptionError):
        assert issubclass(cls, VastError)
    assert issubclass(TlsError, ConnectionFailed) and issubclass(ResourceUnavailable, NotFound)


def test_to_fail_json():
    exc = ApiError("The cluster answered 500", url="https://vms/api/v7/views/", status=500, hint="call support")
    result = exc.to_fail_json()
    assert result["url"] == "https://vms/api/v7/views/" and result["status"] == 500
    assert result["hint"] == "call support" and result["error"] == "ApiError"
    assert "call support" in result["msg"]
    assert TlsError("x").to_fail_json()["hint"].count("ca_path") == 1


def test_scrub_patterns():
    text = ('Authorization: Bearer %s, Api-Token abc.def123, Basic dXNlcjpwYXNz, {"password": "hunter2x"}, '
            'password=hunter3 refresh: %s' % (JWT, JWT))
    out = scrub(text)
    for secret in (JWT, "abc.def123", "dXNlcjpwYXNz", "hunter2x", "hunter3"):
        assert secret not in out
    assert REDACTED in out


@pytest.mark.parametrize("text", [
    "The cluster has no JWT token endpoint; using HTTP Basic authentication.",
    "send a Bearer token or use Basic auth)",
])
def test_header_words_in_prose_are_kept(text):
    """The scrubber redacts header values (base64, tokens), not the word after 'Basic' in a sentence."""
    assert scrub(text) == text


@pytest.mark.parametrize("text, secret", [
    ("Authorization: Basic YWRtaW46c2VjcmV0", "YWRtaW46c2VjcmV0"),
    ("Basic dXNlcjpwYXNz.", "dXNlcjpwYXNz"),
    ("Bearer abcdefgh1", "abcdefgh1"),
    ("Api-Token ABCdef.ghijk", "ABCdef.ghijk"),
])
def test_header_values_are_redacted(text, secret):
    assert secret not in scrub(text)


@pytest.mark.parametrize("text, secret", [
    ("password: hunter5", "hunter5"),
    ("password=hunter5&user=bob", "hunter5"),
    ('{"password": "hunter5"}', "hunter5"),
    ('{"password":"hunter 5"}', "hunter 5"),
    ("{'password': 'hunter5'}", "hunter5"),
    ('{"secret": 123456789}', "123456789"),
    ("token=abc.def1", "abc.def1"),
    ('refresh_token: "zz-top-1"', "zz-top-1"),
    ("auth_token=q1w2e3", "q1w2e3"),
    ('{"md5_password": "d41d8cd9"}', "d41d8cd9"),
    ("login failed: bad password: hunter5", "hunter5"),
])
def test_secret_pairs_are_redacted(text, secret):
    out = scrub(text)
    assert secret not in out and REDACTED in out, out


@pytest.mark.parametrize("option, msg", [
    ("password", "must not contain line breaks"),
    ("password", "was given without username"),
    ("api_token", "cannot be combined with username/password (they are mutually exclusive): use one way"),
    ("access_token", "must be a single string, got a list; give one value"),
    ("refresh_token", "must not contain line breaks"),
])
def test_option_names_followed_by_prose_are_not_redacted(option, msg):
    """User test m1: "Invalid option password: ******** not contain line breaks" - the scrubber took the option
    name for a password: value pair and ate the first word."""
    exc = OptionError(option, msg)
    assert str(exc) == "Invalid option '%s': %s" % (option, msg)
    assert scrub(str(exc)) == str(exc)                                  # scrubbed again by the module: unchanged
    assert exc.to_fail_json()["msg"].startswith("Invalid option '%s': %s" % (option, msg.split()[0]))


def test_registered_secrets_and_structures():
    register_secret("Zebra-Secret-42")
    register_basic_credentials("bob", "Zebra-Secret-42")
    data = {"msg": "login with Zebra-Secret-42 failed", "nested": [{"token": "abcd"}, ("x", "Zebra-Secret-42")],
            "access": JWT, "ok": 3}
    out = scrub(data)
    assert "Zebra-Secret-42" not in repr(out)
    assert out["nested"][0]["token"] == REDACTED and out["access"] == REDACTED and out["ok"] == 3
    exc = AuthenticationError("bad Zebra-Secret-42", url="https://h/?password=Zebra-Secret-42")
    assert "Zebra-Secret-42" not in str(exc) + repr(exc) + repr(exc.to_fail_json())


def test_short_values_not_registered_as_free_text():
    register_secret("ab")
    assert scrub("about") == "about"


def test_resource_unavailable_reason():
    exc = ResourceUnavailable("tlscertificates", "needs VAST 5.4 or later")
    assert exc.reason == "needs VAST 5.4 or later" and "tlscertificates" in str(exc)


@pytest.mark.parametrize("text", ["", None, b"bytes body"])
def test_body_excerpt(text):
    assert isinstance(errors.body_excerpt(text), str)
