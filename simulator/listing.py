"""Lists like the real VMS (NOTES 3): a bare JSON array unless ``page_size`` is sent, then the DRF envelope
``{count, next, previous, results}`` with absolute links; ``fields=`` projection (comma list or repeated keys);
Django-filter lookups; optional ``ordering``. Unfiltered answers come from the serialisation caches.
"""
from urllib.parse import urlencode

from .common import dumpb, fill_url
from .filters import make_predicate, split_key

RESERVED = frozenset({"page", "page_size", "fields", "ordering", "format"})


class ListError(Exception):
    def __init__(self, status, body):
        super().__init__(status)
        self.status, self.body = status, body


class Query:
    """Parsed query parameters of a list or detail request."""

    def __init__(self, pairs):
        self.pairs = pairs
        fields = []
        self.filters = {}
        self.ordering = None
        self.page = None
        self.page_size = None
        for key, value in pairs:
            if key == "fields":
                fields.extend(f.strip() for f in value.split(",") if f.strip())
            elif key == "ordering":
                self.ordering = [o.strip() for o in value.split(",") if o.strip()]
            elif key == "page":
                self.page = value
            elif key == "page_size":
                self.page_size = value
            elif key not in RESERVED:
                self.filters[key] = value
        self.fields = fields or None


def project(record, fields):
    return {k: record[k] for k in record if k in fields} if fields else record


def _page_size(query, cfg):
    if query.page_size is None:
        if query.page is not None and cfg.page_without_size == "envelope":
            return 50
        return None
    try:
        size = int(query.page_size)
    except ValueError:
        return None
    if size <= 0:
        return None
    if cfg.max_page_size:
        size = min(size, int(cfg.max_page_size))
    return size


def _link(base_url, pairs, page):
    """DRF replace/remove_query_param: other parameters kept, keys sorted, page set or dropped."""
    kept = [(k, v) for k, v in pairs if k != "page"]
    if page is not None:
        kept.append(("page", str(page)))
    kept.sort(key=lambda kv: kv[0])
    return base_url + ("?" + urlencode(kept) if kept else "")


def list_body(state, coll, query, prefix, base_url, cfg, scope=None, single_object=False):
    """Serialised list answer (bytes, self links filled)."""
    size = _page_size(query, cfg)
    known = coll.known_fields()
    preds = [make_predicate(k, v) for k, v in query.filters.items() if _filterable(k, known)]
    if scope is not None:
        preds.append(scope)
    fast = not preds and not query.ordering
    if fast and size is None and not query.fields and not single_object:
        if coll.lazy:
            return stream_list(coll, prefix)
        return state.filled_list_body(coll, prefix)
    page_records, total = None, None
    if fast:
        total = len(coll)
        if size is not None:
            number = _page_number(query.page, total, size)
            page_records = coll.page((number - 1) * size, size)
        else:
            page_records = list(coll.values())
    else:
        records = [r for r in coll.values() if all(p(r) for p in preds)]
        if query.ordering:
            for key in reversed(query.ordering):
                desc = key.startswith("-")
                name = key.lstrip("-")
                records.sort(key=lambda r, n=name: _sort_key(r.get(n)), reverse=desc)
        total = len(records)
        if size is not None:
            number = _page_number(query.page, total, size)
            page_records = records[(number - 1) * size:number * size]
        else:
            page_records = records
    if query.fields:
        items = b",".join(dumpb(project(r, query.fields)) for r in page_records)
    else:
        items = b",".join(coll.fragment(r) for r in page_records)
    if size is None:
        if single_object and len(page_records) == 1:
            return fill_url(items, prefix)
        return fill_url(b"[" + items + b"]", prefix)
    pages = max(1, -(-total // size))
    nxt = _link(base_url, query.pairs, number + 1) if number < pages else None
    prev = None
    if number > 1:
        prev = _link(base_url, query.pairs, number - 1 if number > 2 else None)
    head = dumpb({"count": total, "next": nxt, "previous": prev})
    return fill_url(head[:-1] + b',"results":[' + items + b"]}", prefix)


def stream_list(coll, prefix, batch=1000):
    """The unpaginated list of a lazily generated collection, produced in pieces (sent chunked): memory stays
    flat however many records there are."""
    yield b"["
    sep, buf = b"", []
    for record in coll.values():
        buf.append(coll.fragment(record))
        if len(buf) >= batch:
            yield fill_url(sep + b",".join(buf), prefix)
            sep, buf = b",", []
    if buf:
        yield fill_url(sep + b",".join(buf), prefix)
    yield b"]"


def _filterable(key, known):
    """django-filter ignores parameters that are not filters of the view: so do we (unknown field names)."""
    field = split_key(key)[0]
    return field in known or field.replace("__", "_") in known or field.split("__")[0] in known


def _sort_key(value):
    if value is None:
        return (0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, value)
    return (2, str(value))


def _page_number(page, total, size):
    if page is None:
        return 1
    pages = max(1, -(-total // size))
    if page == "last":
        return pages
    try:
        number = int(page)
    except ValueError:
        raise ListError(404, {"detail": "Invalid page."})
    if number < 1 or number > pages:
        raise ListError(404, {"detail": "Invalid page."})
    return number


def detail_body(coll, record, query, prefix):
    if query.fields:
        return fill_url(dumpb(project(record, query.fields)), prefix)
    return fill_url(coll.fragment(record), prefix)
