# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files the local modules write: always atomically, never a partial file under a final name.

``atomic_write(path, data)`` writes to a temporary file in the same directory, fsyncs it and renames it over
*path*. ``point_latest(cluster_dir, run_dir)`` makes ``<cluster_dir>/latest`` a relative symlink to the run
directory (replaced atomically) and writes ``latest.txt`` (its name) for platforms or tools without symlinks.
``run_dirs(cluster_dir)`` lists the run directories of a cluster, oldest first.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gzip
import json
import os
import re
import tempfile

RUN_DIR = re.compile(r"^\d{8}T\d{6}Z(?:-\d+)?$")


def atomic_write(path, data, mode=0o644):
    """Write *data* (str or bytes) to *path* atomically; the directory must exist."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


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
