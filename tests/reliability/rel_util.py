"""Helpers of the reliability suite: in-process module runs, secret scans, the read-only check, simulator taps.

``run_module(module, args)``        runs an Ansible module's ``main()`` in this process (ansible-core 2.19's
                                    ``patch_module_args``), in a worker thread bounded by a timeout; returns a
                                    :class:`ModuleRun` (exit code, JSON result, escaped exception, timed out).
``Secrets``                         the canaries of a run (password, API token, every JWT the simulator issued,
                                    base64 of user:password, their URL/JSON-escaped forms) and ``scan_*`` methods.
``tap_jwts(sim)``                   records every JWT the simulator issues (it knows what it issued).
``make_api_token(sim, user)``       an API token created inside the simulator (no HTTP request: nothing to log).
``non_read_requests(entries, ...)`` the requests of a simulator log that are neither GETs nor token calls.
"""
import base64
import contextlib
import gzip
import io
import json
import os
import re
import sys
import threading
import time
import traceback
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CALLBACKS = os.path.join(HERE, "callback_plugins")
TRACEBACK = "Traceback (most recent call last)"

#: A recognisable password, with characters that need escaping in URLs, JSON and shells.
CANARY_PASSWORD = "Pw-Canary-7f3a9c!"
#: Fixed reference time of the simulated data, so every simulator of a run serves identical data.
DATA_NOW = "2026-11-20T08:00:00Z"

_MODULE_LOCK = threading.Lock()


# -- in-process module runs ----------------------------------------------------------------------------------------
class ModuleRun:
    def __init__(self, name, exit_code, result, stdout, exception, timed_out, elapsed):
        self.name = name
        self.exit_code = exit_code
        self.result = result
        self.stdout = stdout
        self.exception = exception          # traceback text of an exception that escaped main()
        self.timed_out = timed_out
        self.elapsed = elapsed

    @property
    def warnings(self):
        """The warnings as text (in-process, ansible-core 2.19 returns them as WarningSummary objects)."""
        out = []
        for item in self.result.get("warnings") or []:
            if isinstance(item, dict):
                item = (item.get("event") or {}).get("msg") or json.dumps(item)
            out.append(str(item))
        return out

    @property
    def failed(self):
        return bool(self.result.get("failed")) or self.exit_code not in (0, None)

    def __repr__(self):
        return "ModuleRun(%s, exit=%r, failed=%r, %.2fs, msg=%r%s)" % (
            self.name, self.exit_code, self.result.get("failed"), self.elapsed, self.result.get("msg"),
            ", EXCEPTION" if self.exception else "")


def _clear_module_globals():
    """Warnings and deprecations of ansible-core are module-level globals: one run must not see another's."""
    try:
        from ansible.module_utils.common import warnings as ansible_warnings
        for name in ("_global_warnings", "_global_deprecations"):
            value = getattr(ansible_warnings, name, None)
            if hasattr(value, "clear"):
                value.clear()
    except ImportError:  # pragma: no cover
        pass


def run_module(module, args, timeout=120.0, check_mode=False):
    """Run ``module.main()`` with *args*; never raises (an escaped exception is recorded, not re-raised)."""
    from ansible.module_utils.testing import patch_module_args
    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    out = io.StringIO()
    box = {"code": None, "exception": None}

    def target():
        try:
            module.main()
            box["code"] = 0
        except SystemExit as exc:
            box["code"] = exc.code
        except BaseException:  # pylint: disable=broad-except  # what the suite is looking for
            box["exception"] = traceback.format_exc()

    with _MODULE_LOCK:
        _clear_module_globals()
        started = time.monotonic()
        with patch_module_args(args), contextlib.redirect_stdout(out):
            worker = threading.Thread(target=target, name="module-run", daemon=True)
            worker.start()
            worker.join(timeout)
        elapsed = time.monotonic() - started
    text = out.getvalue()
    result = {}
    if text.strip():
        try:
            result = json.loads(text)
        except ValueError:
            result = {"unparsable_stdout": text[-4000:]}
    return ModuleRun(getattr(module, "__name__", "module").rsplit(".", 1)[-1], box["code"], result, text,
                     box["exception"], worker.is_alive(), elapsed)


# -- secrets -------------------------------------------------------------------------------------------------------
def _forms(value):
    """A secret and the ways it could be written down: raw, URL-encoded, JSON-escaped, base64."""
    out = {value}
    out.add(urllib.parse.quote(value, safe=""))
    out.add(urllib.parse.quote_plus(value))
    out.add(json.dumps(value)[1:-1])
    out.add(base64.b64encode(value.encode("utf-8")).decode("ascii"))
    return set(f for f in out if len(f) >= 6)


class Secrets:
    """Everything that must never appear in any output of a run."""

    def __init__(self):
        self.values = {}      # form -> label
        self.scanned = 0      # texts or files scanned
        self.found = []       # (label, where, context)
        self._lock = threading.Lock()

    def add(self, label, value):
        if not value:
            return
        with self._lock:
            for form in _forms(value):
                self.values.setdefault(form, label)

    def add_password(self, user, password):
        self.add("password of %s" % user, password)
        self.add("base64(user:password) of %s" % user,
                 base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii"))

    def add_jwts(self, tokens):
        for token in tokens:
            self.add("JWT", token)
            # the signature part alone would still be a leak (the rest is public-ish)
            self.add("JWT signature", token.rsplit(".", 1)[-1])

    def scan_text(self, text, where):
        """Record and return the secrets found in *text*."""
        if text is None:
            return []
        if isinstance(text, bytes):
            text = text.decode("latin-1")
        elif not isinstance(text, str):
            text = json.dumps(text, default=str)
        hits = []
        with self._lock:
            self.scanned += 1
            values = list(self.values.items())
        for form, label in values:
            start = text.find(form)
            if start >= 0:
                context = text[max(0, start - 60):start + len(form) + 20].replace("\n", " ")
                hits.append((label, where, context))
        with self._lock:
            self.found.extend(hits)
        return hits

    def scan_file(self, path):
        with open(path, "rb") as handle:
            data = handle.read()
        if data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError):
                pass    # a truncated gzip: scan what is there, compressed and partly decoded
        return self.scan_text(data, path)

    def scan_tree(self, root):
        hits = []
        for base, dirs, files in os.walk(root):
            for name in files:
                path = os.path.join(base, name)
                if os.path.isfile(path) and not os.path.islink(path):
                    hits.extend(self.scan_file(path))
        return hits


def tap_jwts(sim):
    """Record every JWT *sim* issues from now on; returns the (growing) list."""
    issued = []
    auth = sim.auth
    original = auth._issue
    lock = threading.Lock()

    def issue(*args, **kwargs):
        token = original(*args, **kwargs)
        with lock:
            issued.append(token)
        return token
    auth._issue = issue
    return issued


def make_api_token(sim, user="admin"):
    """Create an API token inside *sim* (5.3+) without an HTTP request; returns (token, id)."""
    from simulator.auth import AuthResult
    status, body = sim.auth.create_api_token(AuthResult("basic", user, user), {"name": "reliability-canary",
                                                                               "expiry_date": "30D"})
    assert status == 201, (status, body)
    return body["token"], body["id"]


# -- read-only -----------------------------------------------------------------------------------------------------
_TOKEN_CALL = re.compile(r"^/api(?:/v\d+|/latest)?/token(?:/refresh)?/?$")
_REVOKE = re.compile(r"^/api(?:/v\d+|/latest)?/apitokens/[^/]+/revoke/?$")


def non_read_requests(entries, allow_revoke=False):
    """Entries that are neither a GET nor a token call (nor, when allowed, an API token revocation)."""
    bad = []
    for entry in entries:
        if entry.get("admin"):
            continue
        method, path = entry.get("method"), entry.get("path") or ""
        if method == "GET":
            continue
        if method == "POST" and _TOKEN_CALL.match(path):
            continue
        if allow_revoke and method == "PATCH" and _REVOKE.match(path):
            continue
        bad.append(entry)
    return bad


# -- processes -----------------------------------------------------------------------------------------------------
def descendants(pid):
    """*pid* and every process below it (from /proc).  ansible-core's workers call setsid(), so they and the
    modules they run are not in ansible-playbook's process group: killing the group alone leaves them running."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def kill_tree(pid, freeze_only=False):
    """SIGSTOP *pid* and all its descendants (twice over, to catch a process forked meanwhile), then SIGKILL them
    unless *freeze_only*.  Returns the pids."""
    import signal
    frozen = []
    for _ in range(3):
        for proc in descendants(pid):
            if proc not in frozen:
                try:
                    os.kill(proc, signal.SIGSTOP)
                    frozen.append(proc)
                except ProcessLookupError:
                    pass
    if not freeze_only:
        for proc in frozen:
            try:
                os.kill(proc, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return frozen


# -- files ---------------------------------------------------------------------------------------------------------
def read_json(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def final_files(directory):
    """Regular files under *directory* whose names are final (not a hidden temporary)."""
    out = []
    for base, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.endswith(".parts")]
        for name in files:
            if not name.startswith("."):
                out.append(os.path.join(base, name))
    return sorted(out)


def tracebacks_in(*texts):
    return [t for t in texts if isinstance(t, str) and TRACEBACK in t]


def python():
    return sys.executable
