# -*- coding: utf-8 -*-
"""atomic_files: a target is either the old file or the whole new one; no temporary file survives."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils import atomic_files


def _entries(path):
    return sorted(os.listdir(str(path)))


def test_write_replaces_whole_file_with_mode(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old")
    atomic_files.atomic_write(str(target), u"new \u00e9", mode=0o600)
    assert target.read_text(encoding="utf-8") == u"new \u00e9"
    assert stat.S_IMODE(os.stat(str(target)).st_mode) == 0o600
    assert _entries(tmp_path) == ["report.md"]


def test_error_inside_block_keeps_old_file_and_removes_temp(tmp_path):
    target = tmp_path / "snapshot.json.gz"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError):
        with atomic_files.atomic_file(str(target)) as handle:
            handle.write(b"half of the new")
            assert len(_entries(tmp_path)) == 2          # the temporary file exists while writing
            raise RuntimeError("killed while writing")
    assert target.read_bytes() == b"previous"
    assert _entries(tmp_path) == ["snapshot.json.gz"]


def test_interrupt_is_handled_like_an_error(tmp_path):
    target = tmp_path / "index.html"
    with pytest.raises(KeyboardInterrupt):
        with atomic_files.atomic_file(str(target)) as handle:
            handle.write(b"x")
            raise KeyboardInterrupt()
    assert _entries(tmp_path) == []


def test_temp_names_carry_the_pid_for_stale_cleanup(tmp_path):
    path = atomic_files.temp_path(str(tmp_path), "snap.json.gz")
    name = os.path.basename(path)
    assert name.startswith(".snap.json.gz.%d." % os.getpid()) and name.endswith(".tmp")


def test_directory_problem_names_the_real_obstacle(tmp_path):
    from ansible_collections.vastops.asbuilt.plugins.module_utils.atomic_files import directory_problem
    assert directory_problem(str(tmp_path)) is None
    blocker = tmp_path / "hostname"
    blocker.write_text("x")
    assert directory_problem(str(blocker)) == "%s is a file, not a directory" % blocker
    assert directory_problem(str(blocker / "a" / "b")) == "%s is a file, not a directory" % blocker
    assert directory_problem(str(tmp_path / "missing" / "deeper")) == (
        "the directory %s does not exist" % (tmp_path / "missing" / "deeper"))


def test_os_error_text_has_no_errno_prefix():
    from ansible_collections.vastops.asbuilt.plugins.module_utils.atomic_files import os_error_text
    try:
        os.makedirs("/proc/vastops-no-such/dir")
    except OSError as exc:
        text = os_error_text(exc)
    assert not text.startswith("[Errno") and text.endswith("/proc/vastops-no-such") and ": " in text


# user test 17, item 7: the output directory's problems in words that fit

def test_a_read_only_file_system_is_called_so(tmp_path, monkeypatch):
    real = os.statvfs

    class ReadOnly(object):
        def __init__(self, result):
            self.f_flag = result.f_flag | os.ST_RDONLY

    monkeypatch.setattr(atomic_files.os, "statvfs", lambda path: ReadOnly(real(path)))
    problem = atomic_files.directory_problem(str(tmp_path))
    assert problem == "the directory %s is on a read-only file system" % tmp_path
    assert "not writable by this user" not in problem


def test_an_erofs_error_is_called_a_read_only_file_system():
    import errno
    exc = OSError(errno.EROFS, os.strerror(errno.EROFS), "/mnt/ro/index.html")
    assert atomic_files.os_error_text(exc) == "/mnt/ro/index.html is on a read-only file system"


def test_an_error_names_the_final_file_not_the_temporary_one(tmp_path, monkeypatch):
    import errno

    def refuse(prefix, suffix, dir):
        raise OSError(errno.EACCES, "Permission denied", os.path.join(dir, prefix + "75p7wgga" + suffix))

    monkeypatch.setattr(atomic_files.tempfile, "mkstemp", refuse)
    with pytest.raises(OSError) as info:
        atomic_files.atomic_write(str(tmp_path / "fleet.json"), "{}")
    text = atomic_files.os_error_text(info.value)
    assert text == "Permission denied: %s" % (tmp_path / "fleet.json")
    assert ".tmp" not in text


def test_a_failed_rename_names_the_final_file(tmp_path, monkeypatch):
    import errno

    def refuse(src, dst):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), src)

    monkeypatch.setattr(atomic_files.os, "replace", refuse)
    with pytest.raises(OSError) as info:
        atomic_files.atomic_write(str(tmp_path / "index.md"), "x")
    assert atomic_files.os_error_text(info.value) == "%s is on a read-only file system" % (tmp_path / "index.md")
    assert _entries(tmp_path) == []
