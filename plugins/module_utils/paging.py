# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paging: one generator for every list shape a VMS answers with.

Shapes understood by :func:`split_page`: a bare JSON array; the DRF envelope
``{"count", "next", "previous", "results"}`` (``next`` is an absolute URL: only its path and query are used, so a
``next`` that names another host - tunnels, NAT - still reaches the configured host); ``{"data": ...}`` wrappers;
a dict keyed by id (``{"1": {...}, "2": {...}}``); a single object where a list was expected; ``null``.

:func:`iter_records` streams records without holding the whole list: page by page, following ``next``.  When the
first envelope reports ``count`` and ``next`` carries a page number, the remaining pages are read concurrently
by number through the worker pool with a bounded read-ahead window, and still yielded in order.

Loop guards: a ``next`` seen twice, a page that repeats the previous one, or more pages than ``count`` allows
raise ProtocolError.  Records repeated across adjacent pages (the list shifted while it was read, e.g. new
events) are skipped by id and counted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from urllib.parse import parse_qsl, urlsplit
except ImportError:  # pragma: no cover
    from urlparse import parse_qsl, urlsplit  # pylint: disable=ansible-bad-import-from

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import ProtocolError

DEFAULT_PAGE_SIZE = 1000
MAX_PAGES_WITHOUT_COUNT = 100000


class Page:
    """One decoded page: ``records`` (list), ``next_url``, ``count`` (None when unknown), ``envelope``."""

    __slots__ = ("records", "next_url", "count", "envelope")

    def __init__(self, records, next_url=None, count=None, envelope=False):
        self.records = records
        self.next_url = next_url
        self.count = count
        self.envelope = envelope


def _keyed_by_id(body):
    if not body:
        return False
    for key, value in body.items():
        if not isinstance(value, dict) or not str(key).isdigit():
            return False
    return True


def split_page(body):
    """A :class:`Page` from any list-shaped answer (see the module docstring)."""
    if body is None:
        return Page([])
    if isinstance(body, list):
        return Page(body)
    if isinstance(body, dict):
        if isinstance(body.get("results"), list) and ("next" in body or "count" in body or len(body) <= 4):
            count = body.get("count")
            return Page(body["results"], body.get("next") or None,
                        count if isinstance(count, int) and not isinstance(count, bool) else None, True)
        if "data" in body and isinstance(body["data"], (list, dict)) and len(body) <= 2:
            inner = split_page(body["data"])
            return inner
        if _keyed_by_id(body):
            return Page([body[k] for k in sorted(body, key=int)])
        return Page([body])
    return Page([body])


def unwrap_object(body, envelope=None):
    """The object inside an object answer: ``{"data": {...}}`` -> ``{...}``; a list of one -> its element."""
    if envelope and isinstance(body, dict) and envelope in body and isinstance(body[envelope], (dict, list)):
        body = body[envelope]
    elif isinstance(body, dict) and set(body) == set(["data"]) and isinstance(body["data"], dict):
        body = body["data"]
    if isinstance(body, list) and len(body) == 1 and isinstance(body[0], dict):
        body = body[0]
    return body


def split_url(url):
    """(path, params) of an absolute or relative URL; the host part is dropped on purpose."""
    parts = urlsplit(url)
    params = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in params:
            if not isinstance(params[key], list):
                params[key] = [params[key]]
            params[key].append(value)
        else:
            params[key] = value
    return parts.path, params


class _Deduper:
    """Skips records whose id appeared on the previous two pages (bounded memory)."""

    def __init__(self, stats=None):
        self.older = set()
        self.recent = set()
        self.stats = stats

    def page(self, records):
        current = set()
        out = []
        for record in records:
            rid = record.get("id") if isinstance(record, dict) else None
            if rid is not None and not isinstance(rid, (dict, list)):
                if rid in current or rid in self.recent or rid in self.older:
                    if self.stats is not None:
                        self.stats.incr("duplicates_skipped")
                    continue
                current.add(rid)
            out.append(record)
        self.older, self.recent = self.recent, current
        return out


def _signature(records):
    if not records:
        return None
    first, last = records[0], records[-1]
    if isinstance(first, dict) and isinstance(last, dict) and "id" in first and "id" in last:
        return (len(records), repr(first.get("id")), repr(last.get("id")))
    return None


def iter_records(fetch, path, params=None, page_size=DEFAULT_PAGE_SIZE, parallel_pages=True, pool=None,
                 window=4, stats=None, url_for_errors=None, budget=None):
    """Yield the records of the list at *path*, page by page.

    ``fetch(path, params)`` returns the decoded answer of one GET.  ``page_size`` None/0 reads the list in one
    request (no ``page_size`` parameter).  With ``parallel_pages`` and a *pool* (:class:`WorkerPool`), pages 2..N
    are read concurrently once the first envelope tells ``count``, at most *window* ahead, and at most *budget*
    (a semaphore shared by all lists being read) pages held at once.
    """
    params = dict(params or {})
    if page_size:
        params["page_size"] = page_size
    first = split_page(fetch(path, params))
    if stats is not None:
        stats.incr("pages")
    dedupe = _Deduper(stats)
    yield from dedupe.page(first.records)
    if not first.next_url:
        return
    where = url_for_errors or path
    next_path, next_params = split_url(first.next_url)
    per_page = len(first.records)
    if (parallel_pages and pool is not None and first.count is not None and per_page > 0
            and "page" in next_params and str(next_params.get("page")) == "2"):
        total_pages = -(-first.count // per_page)
        tail = None

        def _fetch_page(number):
            page_params = dict(next_params)
            page_params["page"] = str(number)
            return split_page(fetch(next_path, page_params))

        previous_sig = _signature(first.records)
        for page in pool.ordered_map(_fetch_page, range(2, total_pages + 1), window, budget):
            if stats is not None:
                stats.incr("pages")
            sig = _signature(page.records)
            if sig is not None and sig == previous_sig:
                raise ProtocolError("Paging loop at %s: a page repeated the previous one." % where, url=where)
            previous_sig = sig
            yield from dedupe.page(page.records)
            tail = page
            if not page.records or not page.next_url:
                break
        if tail is None or not tail.records or not tail.next_url:
            return
        # The list grew while it was read: continue sequentially from the last page's next.
        next_url = tail.next_url
        seen = set([first.next_url])
        max_pages = total_pages + MAX_PAGES_WITHOUT_COUNT
        number = total_pages
    else:
        next_url = first.next_url
        seen = set()
        if first.count is not None and per_page:
            max_pages = -(-first.count // per_page) + 2
        else:
            max_pages = MAX_PAGES_WITHOUT_COUNT
        number = 1
        previous_sig = _signature(first.records)
    while next_url:
        if next_url in seen:
            raise ProtocolError("Paging loop at %s: the cluster sent the same next link twice (%s)."
                                % (where, next_url), url=where)
        seen.add(next_url)
        number += 1
        if number > max_pages:
            raise ProtocolError("Paging at %s did not end after %d pages (count said fewer)." % (where, max_pages),
                                url=where)
        page_path, page_params = split_url(next_url)
        page = split_page(fetch(page_path, page_params))
        if stats is not None:
            stats.incr("pages")
        sig = _signature(page.records)
        if sig is not None and sig == previous_sig:
            raise ProtocolError("Paging loop at %s: page %d repeated the previous one." % (where, number), url=where)
        previous_sig = sig
        yield from dedupe.page(page.records)
        if not page.records:
            return
        next_url = page.next_url
