#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vast_session
short_description: Log in to a VAST Data cluster once and share the session with later tasks
version_added: 0.1.0
description:
  - With O(state=present), logs in once (JWT) and returns the access and refresh tokens and their expiry, so later
    tasks pass them as O(access_token)/O(refresh_token) (or share O(token_file)) instead of logging in per task.
    With an O(api_token), checks that the cluster accepts it and returns C(valid) (not the token; the caller has
    it, and Ansible masks the value of a C(no_log) option anyway). It also returns the cluster's identity and
    versions.
  - With O(state=absent) (in an C(always) section), ends the session. JWTs cannot be revoked through the VMS API
    (they expire by themselves, after 1 hour and 1 day by default), so this forgets them and removes
    O(token_file); with O(revoke=true) and O(api_token_id) it also revokes that API token on the cluster.
  - "A task of this module hides its own output when it returns tokens (as with C(no_log: true)); the registered
    variable still holds them. Still mark the task C(no_log: true) so nothing else prints them, and never print
    the registered variable."
  - The tokens from the variables are renewed when the access token expires in a later task (refresh token, or a
    new login when O(password) is given too). With refresh-token rotation (the VMS default) only the first renewal
    can use the registered refresh token; for plays longer than the access token's lifetime give every task the same
    O(token_file), which each renewal updates.
  - O(state=present) only reads (GETs and the token call); C(changed) is C(false). Revoking an API token is the one
    write of this collection and returns C(changed=true); in check mode it is not done.
author:
  - vastops.asbuilt contributors (@vastops)
options:
  state:
    description:
      - V(present) logs in (or checks the given credentials) and returns the session; V(absent) ends it.
    type: str
    choices: [present, absent]
    default: present
  revoke:
    description:
      - With O(state=absent), revoke the API token O(api_token_id) on the cluster (VAST 5.3 and later). Needs
        credentials allowed to revoke it (its owner, or a manager with the Security realm's edit permission).
    type: bool
    default: false
  api_token_id:
    description:
      - The id of the API token to revoke with O(revoke=true) (the id listed by VMS, not the secret).
    type: str
extends_documentation_fragment:
  - vastops.asbuilt.connection
  - vastops.asbuilt.attributes
notes:
  - On a cluster without a token endpoint (VAST 4.x with Basic authentication only) there is no session to share;
    the module says so in a warning and later tasks need O(username) and O(password).
seealso:
  - module: vastops.asbuilt.vast_info
  - module: vastops.asbuilt.vast_facts
"""

EXAMPLES = r"""
- name: Log in once, read, and always log out
  block:
    - name: Log in
      vastops.asbuilt.vast_session:
        host: "{{ vast_host }}"
        username: "{{ vast_username }}"
        password: "{{ vast_password }}"
      register: vast_login
      no_log: true

    - name: Read with the session's tokens, for every module of the collection at once
      module_defaults:
        group/vastops.asbuilt.vast:
          host: "{{ vast_host }}"
          access_token: "{{ vast_login.access_token }}"
          refresh_token: "{{ vast_login.refresh_token }}"
      block:
        - name: Facts
          vastops.asbuilt.vast_facts:

        - name: Hardware
          vastops.asbuilt.vast_info:
            gather_subset: [hardware]
          register: hw
  always:
    - name: Log out
      vastops.asbuilt.vast_session:
        host: "{{ vast_host }}"
        state: absent

- name: Long plays - a token file that every task shares and each token renewal updates
  vastops.asbuilt.vast_session:
    host: "{{ vast_host }}"
    username: "{{ vast_username }}"
    password: "{{ vast_password }}"
    token_file: "{{ snapshot_dir }}/vast-token.json"
  no_log: true
"""

RETURN = r"""
auth_method:
  description: How the session authenticates (C(jwt), C(basic), C(api_token) or C(bearer) for given tokens).
  returned: always
  type: str
  sample: jwt
host:
  description: The host name (and port) of the cluster.
  returned: always
  type: str
  sample: vms.example.com
access_token:
  description:
    - The JWT access token (secret). Pass it to later tasks as O(access_token).
  returned: when O(state=present) and the cluster issued JWTs
  type: str
  sample: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...
refresh_token:
  description:
    - The JWT refresh token (secret). Pass it to later tasks as O(refresh_token).
  returned: when O(state=present) and the cluster issued JWTs
  type: str
  sample: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...
access_expires_at:
  description: When the access token expires (UTC, ISO 8601), measured on this machine's clock.
  returned: when O(state=present) and the cluster issued JWTs
  type: str
  sample: "2026-12-03T17:30:00Z"
refresh_expires_at:
  description: When the refresh token expires (UTC, ISO 8601).
  returned: when O(state=present) and the cluster issued JWTs
  type: str
  sample: "2026-12-04T16:30:00Z"
access_expires_in:
  description: Seconds until the access token expires.
  returned: when O(state=present) and the cluster issued JWTs
  type: int
  sample: 3600
token_file:
  description: The token file written (O(token_file)).
  returned: when O(token_file) is set
  type: str
  sample: /home/user/.vast-token.json
valid:
  description: Whether the cluster accepted the credentials.
  returned: when O(state=present)
  type: bool
  sample: true
cluster:
  description: Identity of the cluster (id, guid, name, psnt, sw_version, build).
  returned: when O(state=present)
  type: dict
  sample: {"id": 1, "guid": "7984b77f-a63f-4566-bc01-d244ce0d6f1f", "name": "vast-lab-01", "psnt": "PSNT-7F3A21"}
api_version:
  description: The API version used.
  returned: when O(state=present)
  type: str
  sample: v7
sw_version:
  description: The cluster's software version.
  returned: when O(state=present)
  type: str
  sample: 5.3.1.1.12345678901234567890
revoked:
  description: The id of the API token revoked (or that would be, in check mode).
  returned: when O(state=absent) and O(revoke=true)
  type: str
  sample: lB2Ohdi3.3139373230383237333433383232333831373133
token_file_removed:
  description: Whether O(token_file) existed and was removed.
  returned: when O(state=absent)
  type: bool
  sample: true
"""

import datetime
import os
import time

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import VastError
from ansible_collections.vastops.asbuilt.plugins.module_utils.module import VastModule

ARGUMENT_SPEC = dict(
    state=dict(type="str", choices=["present", "absent"], default="present"),
    revoke=dict(type="bool", default=False),
    api_token_id=dict(type="str"),
)


def _iso(epoch):
    if epoch is None:
        return None
    return datetime.datetime.utcfromtimestamp(epoch).strftime("%Y-%m-%dT%H:%M:%SZ")


def present(vast):
    session = vast.session()
    session.open()
    result = {"auth_method": session.auth_method, "host": session.params.netloc, "valid": True,
              "api_version": session.api_version, "sw_version": session.sw_version.raw if session.sw_version else None,
              "cluster": dict((k, v) for k, v in (session.cluster or {}).items())}
    tokens = session.exported_tokens()
    if tokens.get("access_token"):
        result["access_token"] = tokens["access_token"]
        result["access_expires_at"] = _iso(tokens.get("access_expires_at"))
        if tokens.get("access_expires_at"):
            result["access_expires_in"] = max(0, int(tokens["access_expires_at"] - time.time()))
    if tokens.get("refresh_token"):
        result["refresh_token"] = tokens["refresh_token"]
        result["refresh_expires_at"] = _iso(tokens.get("refresh_expires_at"))
    if session.auth_method == "basic":
        vast.warn("The cluster has no JWT token endpoint: there is no session to share; later tasks need username "
                  "and password.")
    if vast.params["token_file"]:
        result["token_file"] = vast.params["token_file"]
    return result


def absent(vast):
    params = vast.params
    result = {"auth_method": None, "host": params["host"]}
    if params["revoke"]:
        if not params["api_token_id"]:
            vast.fail("revoke=true needs api_token_id: the id of the API token to revoke (as listed by VMS, not the "
                      "secret).")
        session = vast.session()
        session.open()
        result.update(auth_method=session.auth_method, host=session.params.netloc, revoked=params["api_token_id"])
        if not vast.module.check_mode:
            try:
                session.revoke_api_token(params["api_token_id"])
            except VastError as exc:
                exc.msg = "Revoking API token %s failed: %s" % (params["api_token_id"], exc.msg)
                raise
        result["changed"] = True
    removed = False
    path = params["token_file"]
    if path and os.path.exists(path) and not vast.module.check_mode:
        os.unlink(path)
        removed = True
    elif path and os.path.exists(path):
        removed = True
    result["token_file_removed"] = removed
    return result


def run(vast):
    if vast.params["state"] == "present":
        if vast.params["revoke"]:
            vast.fail("revoke is only used with state=absent.")
        return present(vast)
    return absent(vast)


def main():
    vast = VastModule(ARGUMENT_SPEC)
    vast.run(run)


if __name__ == "__main__":
    main()
