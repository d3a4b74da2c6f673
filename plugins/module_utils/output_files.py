# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files the local modules write: always atomically, never a partial file under a final name.

Every file goes through ``atomic_files`` (a temporary file beside the target, fsynced, renamed over it).
``point_latest(cluster_dir, run_dir)`` makes ``<cluster_dir>/latest`` a relative symlink to the run
directory (replaced atomically) and writes ``latest.txt`` (its name) for platforms or tools without symlinks.
``run_dirs(cluster_dir)`` lists the run directories of a cluster, oldest first.

Layout of one cluster's directory (the collect role's; see the vast_run_dir module)::

    <cluster_dir>/.collecting/                 staging: vast_info writes the snapshot here, and an interrupted
                  snapshot.json.gz.parts/      or partly failed collection keeps its parts for the next run
    <cluster_dir>/20261203T163000Z/            one directory per run, created only once the snapshot is there
    <cluster_dir>/latest -> 20261203T163000Z   (and latest.txt) the last complete report

``new_run_dir(cluster_dir)`` creates the next run directory (a new, never reused name), ``file_snapshot`` moves or
copies a snapshot into it and ``tidy_staging`` removes a staging directory that holds nothing to resume.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import gzip
import json
import os
import re
import shutil

from ansible_collections.vastops.asbuilt.plugins.module_utils.atomic_files import (
    DIR_MODE, FILE_MODE, TEMP_NAME, atomic_file, atomic_write, make_dirs, pid_alive,
)

RUN_DIR = re.compile(r"^\d{8}T\d{6}Z(?:-\d+)?$")
STAGING_DIR = ".collecting"
SNAPSHOT_NAME = "snapshot.json.gz"


def json_bytes(doc, compress=False):
    data = json.dumps(doc, indent=None if compress else 1, sort_keys=False, default=str).encode("utf-8")
    return gzip.compress(data, mtime=0) if compress else data


def point_latest(cluster_dir, run_dir):
    """``<cluster_dir>/latest`` -> run_dir (relative symlink, atomic) and ``latest.txt``; returns the link path."""
    name = os.path.basename(os.path.normpath(run_dir))
    link = os.path.join(cluster_dir, "latest")
    tmp = os.path.join(cluster_dir, ".latest.%d.tmp" % os.getpid())
    try:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(name, tmp)
        os.replace(tmp, link)
    except (OSError, NotImplementedError):
        if os.path.lexists(tmp):
            os.unlink(tmp)
    atomic_write(os.path.join(cluster_dir, "latest.txt"), name + "\n")
    return link


def run_dirs(cluster_dir):
    """Run directory names under *cluster_dir*, oldest first (names are UTC timestamps)."""
    try:
        names = os.listdir(cluster_dir)
    except OSError:
        return []
    return sorted((n for n in names if RUN_DIR.match(n) and os.path.isdir(os.path.join(cluster_dir, n))),
                  key=lambda n: (n.split("-")[0], int(n.split("-")[1]) if "-" in n else 0))


def staging_dir(cluster_dir):
    return os.path.join(cluster_dir, STAGING_DIR)


def staged_parts(cluster_dir):
    """The parts directory an interrupted or partly failed collection left in the staging directory, or None."""
    path = os.path.join(staging_dir(cluster_dir), SNAPSHOT_NAME + ".parts")
    return path if os.path.isdir(path) else None


def new_run_dir(cluster_dir, now=None, mode=DIR_MODE):
    """Create and return a new run directory ``<cluster_dir>/<UTC timestamp>`` (``-1``, ``-2``... appended when
    the name exists, so a run never writes into another run's directory). *cluster_dir* is created if needed."""
    if not os.path.isdir(cluster_dir):
        make_dirs(cluster_dir, mode)
    stamp = (now or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    for n in range(0, 1000):
        name = stamp if n == 0 else "%s-%d" % (stamp, n)
        path = os.path.join(cluster_dir, name)
        try:
            os.mkdir(path, mode)
        except OSError:
            if os.path.exists(path):
                continue
            raise
        return path
    raise OSError("no free run directory name under %s for %s" % (cluster_dir, stamp))


def file_snapshot(source, run_dir, copy=False):
    """Move (rename, same file system) or copy *source* into *run_dir* as snapshot.json.gz, atomically; it gets
    the mode of every output file (FILE_MODE)."""
    dest = os.path.join(run_dir, SNAPSHOT_NAME)
    if not copy:
        try:
            os.replace(source, dest)
        except OSError:
            pass                                   # another file system: copy, then remove
        else:
            try:
                os.chmod(dest, FILE_MODE)          # one written by an earlier version (0600) is filed like the rest
            except OSError:
                pass                               # another owner's file: it keeps its mode
            return dest
    with atomic_file(dest, mode=FILE_MODE) as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, 1024 * 1024)
    if not copy:
        os.unlink(source)
    return dest


def _staging_in_use(staging):
    """True when *staging* holds anything but temporaries of processes that no longer run: a snapshot waiting to
    be filed, parts to resume, or files another run (alive) is writing. Such a directory is never removed."""
    try:
        names = os.listdir(staging)
    except OSError:
        return False
    for name in names:
        match = TEMP_NAME.match(name)
        if match and not pid_alive(int(match.group("pid"))):
            continue
        return True
    return False


def tidy_staging(cluster_dir):
    """Remove the staging directory when it holds nothing at all (apart from temporaries of dead processes):
    nothing a later run could resume, no snapshot another run is about to file, no file another run is writing.
    Then the cluster directory itself when it is empty. Returns the paths removed.

    Two runs may share a staging directory: the one that lost the lock must never remove what the other one is
    using (the collect role does not even call this after a lost lock; this is the second line of defence)."""
    removed = []
    staging = staging_dir(cluster_dir)
    if os.path.isdir(staging) and not _staging_in_use(staging):
        for name in os.listdir(staging):
            path = os.path.join(staging, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass
        try:
            os.rmdir(staging)
            removed.append(staging)
        except OSError:
            pass                                   # something arrived meanwhile: it stays
    try:
        if os.path.isdir(cluster_dir) and not os.listdir(cluster_dir):
            os.rmdir(cluster_dir)
            removed.append(cluster_dir)
    except OSError:
        pass
    return removed


# -- the lease of a cluster's staging directory -----------------------------------------------------------------
#
# vast_info's lock (snapshot.PartStore) covers only the reading: between the end of the read and the filing of the
# snapshot in a run directory (another task), a second run could take the lock, read the whole cluster again and
# find its snapshot moved away by the first. The lease covers the whole collection of one run: taken by
# vast_run_dir state=staging, checked and released when the snapshot is filed (state=present) or the failure tidied
# up (state=tidy) by the same run id. A lease whose owner no longer runs (its pid is gone on this host, or is
# another process now) or that is older than its max_age is stale and taken over, with a warning. The age matters
# for a lease left on another host (an AWX job container that was cancelled, a controller that went down), whose
# process cannot be checked from here: max_age is the collection's own bound (vast_info's deadline and a margin),
# past which no collection still runs, so a cancelled job delays the next one by at most that long.

LEASE_NAME = ".lease"
#: a lease older than this (seconds) is stale even when its process seems to run (when the lease gives no
#: max_age of its own: a collection without a deadline)
LEASE_MAX_AGE = 24 * 3600


class LeaseHeld(Exception):
    """Another run (alive) holds the lease of the staging directory; ``lease`` is its content, the message says
    whose it is (:func:`describe_lease`)."""

    def __init__(self, lease):
        super(LeaseHeld, self).__init__(describe_lease(lease))
        self.lease = lease


def _process_start(pid):
    """The start time of process *pid* (clock ticks since boot, from /proc), or None when unknown."""
    try:
        with open("/proc/%d/stat" % int(pid), "r") as handle:
            stat = handle.read()
        return stat.rsplit(")", 1)[1].split()[19]
    except (IOError, OSError, IndexError, ValueError):
        return None


def lease_owner(run_id, pid, host=None, now=None, max_age=None):
    """The content of a lease for the run *run_id* whose process (the ansible-playbook) is *pid* on *host*, stale
    after *max_age* seconds (LEASE_MAX_AGE when None or 0)."""
    import socket
    import time
    return {"run_id": str(run_id), "pid": int(pid), "pid_start": _process_start(pid),
            "host": host or socket.gethostname(), "created": float(now if now is not None else time.time()),
            "max_age": int(max_age or LEASE_MAX_AGE)}


def lease_max_age(lease):
    """Seconds after its creation at which *lease* is stale whoever holds it."""
    try:
        value = int((lease or {}).get("max_age") or LEASE_MAX_AGE)
    except (TypeError, ValueError):
        value = LEASE_MAX_AGE
    return value if value > 0 else LEASE_MAX_AGE


def lease_expiry_text(lease):
    """When *lease* becomes stale by its age, in words ('2026-12-04 18:35 UTC'), or None."""
    import time
    try:
        return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(float(lease.get("created")) + lease_max_age(lease)))
    except (AttributeError, TypeError, ValueError):
        return None


def describe_lease(lease):
    import time
    created = lease.get("created")
    try:
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(float(created)))
    except (TypeError, ValueError):
        when = "an unknown time"
    return "run %s (pid %s on %s, started %s)" % (lease.get("run_id"), lease.get("pid"), lease.get("host"), when)


def _lease_stale(lease, now):
    """Why *lease* no longer holds (in words), or None when its owner may still be running."""
    import socket
    if not isinstance(lease, dict) or not lease.get("run_id"):
        return "its lease file cannot be read"
    try:
        age = now - float(lease.get("created"))
    except (TypeError, ValueError):
        return "its lease has no valid time"
    limit = lease_max_age(lease)
    if age > limit:
        return "its lease is %s old (more than the %s a collection may take)" % (_duration(age), _duration(limit))
    if lease.get("host") == socket.gethostname():
        try:
            pid = int(lease.get("pid"))
        except (TypeError, ValueError):
            return "its lease names no process"
        if not pid_alive(pid):
            return "its process (pid %d) is no longer running" % pid
        start = _process_start(pid)
        if lease.get("pid_start") and start and start != lease.get("pid_start"):
            return "its process (pid %d) is no longer running (the pid is another process's now)" % pid
    return None


def _duration(seconds):
    seconds = int(seconds)
    if seconds >= 2 * 3600:
        return "%d hours" % (seconds // 3600)
    return "%d minutes" % max(1, seconds // 60)


def _read_lease(path):
    try:
        with open(path, "r") as handle:
            return json.load(handle)
    except (IOError, OSError, ValueError):
        return None if not os.path.lexists(path) else {}


class _DirLock:
    """An exclusive flock on a directory while a lease is read and written (a moment: never across tasks)."""

    def __init__(self, path):
        self.path = path
        self.fd = None

    def __enter__(self):
        import fcntl
        self.fd = os.open(self.path, os.O_RDONLY)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        os.close(self.fd)           # releases the flock
        return False


def acquire_lease(cluster_dir, owner, now=None):
    """Take the lease of *cluster_dir*'s staging directory (created if needed) for *owner* (:func:`lease_owner`).

    Returns ``(path, taken_over)``: *taken_over* describes the stale lease replaced, or None. Raises
    :class:`LeaseHeld` when another run (alive) holds it. Taking it again with the same run id is a no-op."""
    import time
    staging = staging_dir(cluster_dir)
    make_dirs(cluster_dir)                          # DIR_MODE, like the run directories
    make_dirs(staging, 0o700)                       # private working state (lease, parts)
    path = os.path.join(staging, LEASE_NAME)
    now = time.time() if now is None else now
    with _DirLock(staging):
        current = _read_lease(path)
        taken_over = None
        if current is not None:
            if isinstance(current, dict) and current.get("run_id") == owner["run_id"]:
                return path, None
            why = _lease_stale(current, now)
            if why is None:
                raise LeaseHeld(current)
            taken_over = "%s: %s" % (describe_lease(current) if current else "an earlier run", why)
        atomic_write(path, json.dumps(owner, sort_keys=True), mode=0o600)
    return path, taken_over


def lease_holder(cluster_dir):
    """The lease of *cluster_dir*'s staging directory (a dict; ``{}`` when unreadable), or None."""
    return _read_lease(os.path.join(staging_dir(cluster_dir), LEASE_NAME))


def release_lease(cluster_dir, run_id):
    """Remove the lease when *run_id* holds it (never another run's); True when it was removed."""
    staging = staging_dir(cluster_dir)
    path = os.path.join(staging, LEASE_NAME)
    if not os.path.isdir(staging):
        return False
    with _DirLock(staging):
        current = _read_lease(path)
        if isinstance(current, dict) and current.get("run_id") == str(run_id):
            os.unlink(path)
            return True
    return False
