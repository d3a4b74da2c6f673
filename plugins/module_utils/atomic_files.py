# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writing files atomically: a reader sees the old file or the whole new one, never a part of it.

Every file the collection writes under a final name (snapshots, their parts' summaries, reports, CSVs, health
and drift results, the fleet index) goes through ``atomic_file``: the data goes to a temporary file beside the
target, named ``.<name>.<pid>.<random>.tmp`` so that a later run can tell the leftovers of a dead process
(``snapshot.remove_stale_temps``), is flushed and fsynced, then renamed over the target. On any error, or when
the process is interrupted, the temporary file is removed and the target is untouched.

Modes: every output file is ``FILE_MODE`` (0640) and every output directory ``DIR_MODE`` (0750), whatever the
umask allows beyond that: a report holds the same configuration as the snapshot it was rendered from, so the two
are readable by the same people (the owner and the group, never others). Only private working state is tighter
(0600 files, 0700 directories): the staging directory with its lease and an interrupted collection's parts, the
token file, the cache, the audit log.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import errno
import os
import re
import tempfile

#: the mode of every output file (snapshots, reports, CSVs, findings, drift files, the fleet index, latest.txt)
FILE_MODE = 0o640
#: the mode of every output directory (the output directory, a cluster's directory, its run directories)
DIR_MODE = 0o750


#: the name of a temporary file or directory made by :func:`temp_path`: ``.<base>.<pid>.<random>.tmp``
TEMP_NAME = re.compile(r"^\.(?P<base>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp$")


def pid_alive(pid):
    """True when process *pid* runs on this machine (one of another user counts); what tells the temporary files
    of a running writer from the leftovers of a dead one (:data:`TEMP_NAME`)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True


def temp_path(directory, base):
    """A fresh temporary file path ``.<base>.<pid>.<random>.tmp`` in *directory* (created empty, mode 0600)."""
    fd, path = tempfile.mkstemp(prefix=".%s.%d." % (base, os.getpid()), suffix=".tmp", dir=directory)
    os.close(fd)
    return path


def unlink_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def fsync_dir(path):
    """Make a rename in *path* durable (best effort: some file systems refuse to fsync a directory)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def make_dirs(path, mode=DIR_MODE):
    """Create *path* and any missing parent, each with *mode* (os.makedirs gives it to the last one only; the
    umask may take more away). An existing directory is left as it is; another process creating one of them at the
    same moment is fine."""
    path = os.path.abspath(path)
    missing = []
    while not os.path.isdir(path):
        missing.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, mode)
        except OSError:
            if not os.path.isdir(directory):
                raise


@contextlib.contextmanager
def atomic_file(path, mode=FILE_MODE, sync_dir=False):
    """Yield a binary file object; when the block ends without error, its content becomes *path* atomically."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        tmp = temp_path(directory, os.path.basename(path))
    except OSError as exc:
        raise _about(exc, path)
    try:
        with open(tmp, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        unlink_quietly(tmp)
        if isinstance(exc, OSError) and exc.filename in (tmp, None) and exc.errno:
            raise _about(exc, path)
        raise
    if sync_dir:
        fsync_dir(directory)


def atomic_write(path, data, mode=FILE_MODE):
    """Write *data* (str or bytes) to *path* atomically; the directory must exist. Returns *path*."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_file(path, mode) as handle:
        handle.write(data)
    return path


def _about(exc, path):
    """*exc* (an OSError about the temporary file) naming the final file *path* instead: the temporary name
    (``.fleet.json.17965.75p7wgga.tmp``) means nothing to the reader."""
    if not exc.errno:
        return exc
    renamed = OSError(exc.errno, exc.strerror or os.strerror(exc.errno), path)
    renamed.__cause__ = exc
    return renamed


def read_only(path):
    """True when *path* (an existing file or directory) is on a file system mounted read-only."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (AttributeError, OSError):
        return False


def directory_problem(directory, create=False):
    """Why new files cannot be created in *directory*, in words, or None when they can.

    Names the real obstacle: a path component that is a file ("/etc/hostname is a file, not a directory"), a
    directory that does not exist, or one this user cannot write. With *create*, a directory that does not exist
    yet is fine when it can be made: the nearest existing component is then the one judged.
    """
    directory = os.path.abspath(directory)
    if os.path.isdir(directory):
        return _unwritable(directory)
    probe = directory
    while not os.path.lexists(probe) and os.path.dirname(probe) != probe:
        probe = os.path.dirname(probe)
    if os.path.lexists(probe) and not os.path.isdir(probe):
        return "%s is a file, not a directory" % probe
    if create and os.path.isdir(probe):
        return _unwritable(probe)
    return "the directory %s does not exist" % directory


def _unwritable(directory):
    if read_only(directory):
        return "the directory %s is on a read-only file system" % directory
    if not os.access(directory, os.W_OK | os.X_OK):
        return "the directory %s is not writable by this user" % directory
    return None


def os_error_text(exc):
    """An OSError in words, without the errno prefix: "Permission denied: /srv/asbuilt"."""
    if getattr(exc, "errno", None) == errno.EROFS and getattr(exc, "filename", None):
        return "%s is on a read-only file system" % exc.filename
    text = getattr(exc, "strerror", None) or str(exc)
    filename = getattr(exc, "filename", None)
    if filename:
        text += ": %s" % filename
    return text
