# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The ``attributes`` shared by every vastops.asbuilt module (they only read the cluster)."""

    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - The module only reads the cluster, so check mode runs it fully and returns real data.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
    details:
      - Nothing is changed, so there is no diff.
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
    details:
      - Runs where Python and the C(requests) library are available, usually the controller or an execution
        environment (C(connection=local)); it talks to VMS over HTTPS.
  action_group:
    description: Use C(group/vastops.asbuilt.vast) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - vastops.asbuilt.vast
"""

    FACTS = r"""
options: {}
attributes:
  facts:
    description: Action returns an C(ansible_facts) dictionary that will update existing host facts.
    support: full
"""
