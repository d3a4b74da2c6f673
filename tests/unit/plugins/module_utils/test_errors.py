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
