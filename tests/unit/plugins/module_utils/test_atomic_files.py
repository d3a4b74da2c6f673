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
