"""Django-filter style matching, shared by list query parameters and state-override ``match`` clauses.

``name=x`` (exact), ``name__contains``, ``__icontains``, ``__startswith``, ``__endswith``, ``__in`` (comma list
or JSON list), ``__gte``, ``__lte``, ``__gt``, ``__lt``, ``__isnull``. A relation path such as ``cluster__id``
falls back to the flattened field ``cluster_id`` or to a nested dict. Numbers compare as numbers, ISO
timestamps as times, everything else as text.
"""
from .common import parse_time

LOOKUPS = ("contains", "icontains", "startswith", "endswith", "in", "gte", "lte", "gt", "lt", "isnull", "exact",
           "iexact")


def split_key(key):
    parts = key.split("__")
    if len(parts) > 1 and parts[-1] in LOOKUPS:
        return "__".join(parts[:-1]), parts[-1]
    return key, "exact"


def lookup_field(record, field):
    """Value of ``field`` in ``record`` (``a__b`` as ``a_b`` or record[a][b]); returns (found, value)."""
    if field in record:
        return True, record[field]
    if "__" in field:
        flat = field.replace("__", "_")
        if flat in record:
            return True, record[flat]
        value = record
        for part in field.split("__"):
            if isinstance(value, dict) and part in value:
                value = value[part]
            else:
                return False, None
        return True, value
    return False, None


def _text(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _equal(actual, expected):
    if isinstance(actual, list):
        return any(_equal(a, expected) for a in actual) or _text(actual) == _text(expected)
    if isinstance(expected, str) and not isinstance(actual, str):
        if isinstance(actual, bool) or actual is None:
            return _text(actual) == expected.lower() or (actual is None and expected.lower() in ("null", "none"))
        try:
            return float(actual) == float(expected)
        except (TypeError, ValueError):
            return _text(actual) == expected
    if isinstance(actual, bool) != isinstance(expected, bool):
        return False
    return actual == expected


def _order_key(value):
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value)
    try:
        return float(text)
    except ValueError:
        pass
    if len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-":
        try:
            return parse_time(text).timestamp()
        except ValueError:
            pass
    return text


def _compare(actual, expected, op):
    a, e = _order_key(actual), _order_key(expected)
    if a is None or e is None or isinstance(a, str) != isinstance(e, str):
        a, e = _text(actual), _text(expected)
    if op == "gte":
        return a >= e
    if op == "lte":
        return a <= e
    if op == "gt":
        return a > e
    return a < e


def _as_list(expected):
    if isinstance(expected, (list, tuple)):
        return list(expected)
    return [p for p in str(expected).split(",")]


def make_predicate(key, expected):
    """A function record -> bool for one filter ``key=expected``."""
    field, op = split_key(key)

    def predicate(record):
        found, actual = lookup_field(record, field)
        if op == "isnull":
            truthy = _text(expected).lower() in ("true", "1", "yes")
            return (not found or actual is None) == truthy
        if not found:
            return False
        if op == "exact":
            return _equal(actual, expected)
        if op == "iexact":
            return _text(actual).lower() == _text(expected).lower()
        if op == "in":
            return any(_equal(actual, e) for e in _as_list(expected))
        if op in ("contains", "icontains", "startswith", "endswith"):
            if isinstance(actual, list):
                values = [_text(a) for a in actual]
            else:
                values = [_text(actual)]
            exp = _text(expected)
            if op == "icontains":
                return any(exp.lower() in v.lower() for v in values)
            if op == "contains":
                return any(exp in v for v in values) if not isinstance(actual, list) else \
                    any(exp == v or exp in v for v in values)
            if op == "startswith":
                return any(v.startswith(exp) for v in values)
            return any(v.endswith(exp) for v in values)
        return _compare(actual, expected, op)
    return predicate


def compile_match(match):
    """A predicate for a dict of filters (all must hold). An empty match matches everything."""
    preds = [make_predicate(k, v) for k, v in (match or {}).items()]
    return lambda record: all(p(record) for p in preds)
