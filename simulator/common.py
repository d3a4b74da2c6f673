"""Small helpers shared by the generator and the server: JSON encoding, timestamps, the self-link placeholder."""
import datetime
import json

# Records store their self link as URL_PH + "/cnodes/6"; the server swaps in "https://<host>/api/<ver>" at
# answer time, so one cached serialisation serves every host and API version.
URL_PH = "@@SIMURL@@"
URL_PH_BYTES = URL_PH.encode()

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def dumps(obj):
    """Compact JSON as DRF renders it (UTF-8, no spaces)."""
    return _encoder.encode(obj)


def dumpb(obj):
    return _encoder.encode(obj).encode("utf-8")


def parse_time(text):
    """ISO-8601 (with or without Z / fraction) to an aware UTC datetime."""
    text = str(text).strip().replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    value = datetime.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc)


def iso(value):
    """Aware (UTC) datetime to the VMS style "2025-10-17T15:32:50.987411Z"."""
    if value.utcoffset():
        value = value.astimezone(datetime.timezone.utc)
    return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def iso_seconds(epoch):
    return iso(datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc))


def fill_url(body, prefix):
    """Replace the self-link placeholder in a serialised body (bytes) by the real prefix."""
    if URL_PH_BYTES in body:
        return body.replace(URL_PH_BYTES, prefix.encode())
    return body


def resolve_urls(obj, prefix):
    """Same as :func:`fill_url` on Python objects (used by the Python API)."""
    return json.loads(fill_url(dumpb(obj), prefix))
