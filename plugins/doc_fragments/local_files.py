# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The ``attributes`` of the collection's local modules (they read snapshots and write report files)."""

    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - In check mode the module computes everything and returns it, writes no file, and reports whether files
        would have changed.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
    details:
      - Works on local files only (snapshots and reports) and never contacts a cluster; run it where the files are,
        usually the controller (C(connection=local) or C(delegate_to=localhost)). It needs no extra Python library.
notes:
  - Every file is written atomically (a temporary file in the same directory, then a rename), so a failure never
    leaves a partial file under a final name.
"""
