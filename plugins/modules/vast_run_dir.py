#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2025, vastops.asbuilt contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vast_run_dir
short_description: Manage the run directories of one cluster (staging, a new run, tidying up)
version_added: 0.1.0
description:
  - "The as-built roles keep each cluster's runs under C(<output_dir>/<cluster>/): one directory per run, named by
    its UTC time (C(20261203T163000Z)), and a staging directory C(.collecting/) where
    M(vastops.asbuilt.vast_info) writes the snapshot. An interrupted or partly failed collection keeps its parts
    there (C(snapshot.json.gz.parts/)), so that the next run, in a directory of its own, reads only what is missing."
  - "O(state=staging) creates the staging directory and returns its path. With O(run_id), it also takes the
    directory's lease (C(.collecting/.lease)) for this run, for the whole collection (reading, then filing the
    snapshot): a second run on the same cluster directory fails at once (RV(error_kind=locked)) while the run
    holding it still runs, so the cluster is never read twice at once and no run touches the other's snapshot. A
    lease whose run no longer runs (its process is gone from this host) or that is older than 24 hours is stale:
    it is taken over, with a warning (the parts the dead run left are resumed as usual)."
  - O(state=present) creates a new run directory, never reusing a name (C(-1), C(-2)... is appended when two runs
    start in the same second), and files O(snapshot) in it as C(snapshot.json.gz), moved (a rename, atomic) or,
    with O(copy=true), copied. So a run directory exists only once there is a snapshot to put in it.
  - O(state=release) gives the lease of O(run_id) back (after a run lost vast_info's own lock, say) and touches
    nothing else. O(state=present) and O(state=tidy) give it back too, after filing the snapshot or tidying.
  - O(state=tidy) removes the staging directory when it holds nothing (no parts to resume, no snapshot waiting to
    be filed, no file another run is writing), and the cluster directory when it is then empty (after a run that
    failed before reading anything, such as a wrong password). A run that lost the lock to another one must not
    call it (the collect role does not).
author:
  - vastops.asbuilt contributors (@vastops)
options:
  cluster_dir:
    description: The directory of one cluster's runs (C(<output_dir>/<cluster>)); created when needed.
    type: path
    required: true
  state:
    description: What to do (see the description).
    type: str
    choices: [staging, present, tidy, release]
    default: present
  run_id:
    description:
      - The identity of this run of the playbook, the same for every call of one run (the collect role makes it
        with the C(vastops.asbuilt.asbuilt_run_id) filter). With it, O(state=staging) takes the staging directory's
        lease, and O(state=present), O(state=tidy) and O(state=release) give it back.
      - Without it, no lease is taken or checked.
    type: str
  run_pid:
    description: The process that runs the playbook (C(ansible-playbook)), recorded in the lease; when it no longer
      runs on this host, the lease is stale. Defaults to the parent of this module's process.
    type: int
  lease_max_age:
    description:
      - Seconds after which the lease taken by O(state=staging) is stale whichever host holds it, for a run whose
        process cannot be checked from here (another machine, a cancelled AWX job's container).
      - Make it the longest a collection can take; the collect role uses vast_info's C(deadline) plus 10 minutes
        (24 hours when the deadline is 0).
    type: int
    default: 4200
  snapshot:
    description: With O(state=present), the snapshot file to file in the new run directory.
    type: path
  copy:
    description: Copy O(snapshot) instead of moving it (for a snapshot that must stay where it is).
    type: bool
    default: false
  run_time:
    description:
      - With O(state=present), the UTC time the new run directory is named after (C(2026-12-03T16:30:00Z)), instead
        of now. The collect role gives a copied snapshot its collection time, so that the run directories of a
        cluster sort in the order their data was read (drift compares the last two).
      - A value that is not such a time is ignored (now is used).
    type: str
extends_documentation_fragment:
  - vastops.asbuilt.local_files
seealso:
  - module: vastops.asbuilt.vast_info
  - module: vastops.asbuilt.vast_snapshot_info
"""

EXAMPLES = r"""
- name: Create the staging directory
  vastops.asbuilt.vast_run_dir:
    cluster_dir: /srv/asbuilt/vast-prod-1
    state: staging
  register: staging

- name: Read the cluster (an interrupted run's parts in the staging directory are reused)
  vastops.asbuilt.vast_info:
    gather_subset: [all]
    dest: "{{ staging.path }}/snapshot.json.gz"
    resume: true
  register: collected

- name: File the snapshot in a new run directory
  vastops.asbuilt.vast_run_dir:
    cluster_dir: /srv/asbuilt/vast-prod-1
    snapshot: "{{ collected.dest }}"
  register: run

- name: Where the run is
  ansible.builtin.debug:
    msg: "{{ run.path }} holds {{ run.snapshot }}"
"""

RETURN = r"""
path:
  description:
    - The staging directory (O(state=staging)) or the new run directory (O(state=present)).
    - In check mode nothing is created; with O(state=present) it is the directory of O(snapshot), and RV(snapshot)
      is O(snapshot) itself.
  type: str
  returned: when O(state) is C(staging) or C(present)
  sample: /srv/asbuilt/vast-prod-1/20261203T163000Z
name:
  description: The name of the new run directory.
  type: str
  returned: when O(state=present)
  sample: 20261203T163000Z
snapshot:
  description: The snapshot filed in the run directory.
  type: str
  returned: when O(state=present) and O(snapshot) is set
  sample: /srv/asbuilt/vast-prod-1/20261203T163000Z/snapshot.json.gz
parts:
  description: The parts of an interrupted collection waiting in the staging directory, or null.
  type: str
  returned: always
  sample: /srv/asbuilt/vast-prod-1/.collecting/snapshot.json.gz.parts
lease:
  description: The lease file of the staging directory taken (O(state=staging) with O(run_id)).
  type: str
  returned: when O(state=staging) and O(run_id) is set
  sample: /srv/asbuilt/vast-prod-1/.collecting/.lease
taken_over:
  description: The stale lease replaced (whose run, and why it no longer holds), or null.
  type: str
  returned: when O(state=staging) and O(run_id) is set
error_kind:
  description: C(locked) when another run (still running) holds the lease of the staging directory.
  type: str
  returned: on failure
  sample: locked
staging_dir:
  description:
    - The staging directory whose lease another run holds (with RV(error_kind=locked) from O(state=staging)).
    - Failures name it C(staging_dir), not C(path), so that Ansible does not add the directory's owner, mode and
      size to the error.
  type: str
  returned: when O(state=staging) fails with RV(error_kind=locked)
  sample: /srv/asbuilt/vast-prod-1/.collecting
lease_holder:
  description: The run holding the lease (its id, pid, host and start), with RV(error_kind=locked) from O(state=staging).
  type: str
  returned: when O(state=staging) fails with RV(error_kind=locked)
removed:
  description: The directories removed (O(state=tidy)).
  type: list
  elements: str
  returned: when O(state=tidy)
  sample: [/srv/asbuilt/vast-prod-1/.collecting]
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.vastops.asbuilt.plugins.module_utils.atomic_files import (
    directory_problem, make_dirs, os_error_text,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.output_files import (
    LEASE_NAME, LeaseHeld, acquire_lease, describe_lease, file_snapshot, lease_expiry_text, lease_holder, lease_owner,
    new_run_dir, release_lease, staged_parts, staging_dir, tidy_staging,
)


ADVICE = "Choose another asbuilt_output_dir (the playbooks' output directory), one this user can create and write, " \
    "or fix the permissions."
READ_ONLY_ADVICE = "Choose another asbuilt_output_dir (the playbooks' output directory), on a file system mounted " \
    "read-write."


def _advice(problem):
    return READ_ONLY_ADVICE if "read-only file system" in (problem or "") else ADVICE


def _utc_time(text):
    """The aware UTC datetime of an ISO-8601 UTC time such as a snapshot's collected_at, or None."""
    import datetime
    if not text:
        return None
    value = str(text).strip().replace("Z", "+00:00")
    try:
        when = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when.astimezone(datetime.timezone.utc)


def main():
    module = AnsibleModule(argument_spec=dict(cluster_dir=dict(type="path", required=True),
                                              state=dict(type="str", default="present",
                                                         choices=["staging", "present", "tidy", "release"]),
                                              run_id=dict(type="str"), run_pid=dict(type="int"),
                                              lease_max_age=dict(type="int", default=4200),
                                              snapshot=dict(type="path"), copy=dict(type="bool", default=False),
                                              run_time=dict(type="str")),
                           supports_check_mode=True)
    p = module.params
    cluster_dir = os.path.abspath(p["cluster_dir"])
    if p["snapshot"] and p["state"] != "present":
        module.fail_json(msg="snapshot is only used with state=present")
    try:
        if p["state"] == "staging":
            path = staging_dir(cluster_dir)
            problem = directory_problem(path, create=True)
            if problem:
                module.fail_json(msg="cannot prepare the staging directory %s: %s. %s" % (path, problem, _advice(problem)))
            changed = not os.path.isdir(path)
            if module.check_mode or not p["run_id"]:
                if changed and not module.check_mode:
                    make_dirs(cluster_dir)                      # DIR_MODE; another run may create them at the same
                    make_dirs(path, 0o700)                      # moment. The staging directory is private state
                module.exit_json(changed=changed, path=path, parts=staged_parts(cluster_dir))
            if p["lease_max_age"] < 60:
                module.fail_json(msg="lease_max_age must be at least 60 seconds (got %d)" % p["lease_max_age"])
            owner = lease_owner(p["run_id"], p["run_pid"] or os.getppid(), max_age=p["lease_max_age"])
            try:
                lease, taken_over = acquire_lease(cluster_dir, owner)
            except LeaseHeld as exc:
                expiry = lease_expiry_text(exc.lease)
                module.fail_json(msg="Another run is already collecting into %s: %s holds its lease. Wait for it to "
                                     "finish, or give this run another asbuilt_output_dir. If that run no longer runs "
                                     "(a cancelled job, a machine that went down), delete %s%s." % (
                                         path, exc, os.path.join(path, LEASE_NAME),
                                         (": it lapses by itself at %s" % expiry) if expiry else ""),
                                 error_kind="locked", staging_dir=path, lease_holder=str(exc))
            if taken_over:
                module.warn("%s: took over the staging directory from %s; what it read is resumed." % (path, taken_over))
            module.exit_json(changed=True, path=path, parts=staged_parts(cluster_dir), lease=lease,
                             taken_over=taken_over)
        if p["state"] == "release":
            released = False if module.check_mode or not p["run_id"] else release_lease(cluster_dir, p["run_id"])
            module.exit_json(changed=released, parts=staged_parts(cluster_dir))
        if p["state"] == "tidy":
            released = False if module.check_mode or not p["run_id"] else release_lease(cluster_dir, p["run_id"])
            removed = [] if module.check_mode else tidy_staging(cluster_dir)
            module.exit_json(changed=bool(removed) or released, removed=removed, parts=staged_parts(cluster_dir))
        if p["run_id"] and p["snapshot"]:
            holder = lease_holder(cluster_dir)
            if holder is not None and (holder or {}).get("run_id") != p["run_id"]:
                module.fail_json(msg="the staging directory %s is now held by %s (this run's lease was taken over as "
                                     "stale): its snapshot is not filed by this run." % (
                                         staging_dir(cluster_dir), describe_lease(holder or {})),
                                 error_kind="locked")
        if p["snapshot"] and not os.path.isfile(p["snapshot"]):
            module.fail_json(msg="snapshot: %s is not a file" % p["snapshot"])
        if module.check_mode:
            # nothing is created: the snapshot stays where it is, so that the roles after this one can still read it
            source = os.path.abspath(p["snapshot"]) if p["snapshot"] else None
            module.exit_json(changed=True, path=os.path.dirname(source) if source else None, name=None,
                             snapshot=source, parts=staged_parts(cluster_dir))
        path = new_run_dir(cluster_dir, now=_utc_time(p["run_time"]))
        result = dict(changed=True, path=path, name=os.path.basename(path), parts=staged_parts(cluster_dir))
        if p["snapshot"]:
            try:
                result["snapshot"] = file_snapshot(os.path.abspath(p["snapshot"]), path, copy=p["copy"])
            except (IOError, OSError):
                try:
                    os.rmdir(path)          # nothing was filed: leave no empty run directory behind
                except OSError:
                    pass
                raise
        if p["run_id"]:
            release_lease(cluster_dir, p["run_id"])     # the snapshot is filed: the collection is over
    except (IOError, OSError) as exc:
        problem = directory_problem(cluster_dir, create=True) or os_error_text(exc)
        module.fail_json(msg="cannot prepare the run directory under %s: %s. %s" % (cluster_dir, problem, _advice(problem)))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
