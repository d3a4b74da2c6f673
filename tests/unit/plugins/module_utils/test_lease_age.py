"""output_files: a staging lease is stale after its own max_age (the collection's bound) whoever holds it."""
import json
import os

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils import output_files
from ansible_collections.vastops.asbuilt.plugins.module_utils.output_files import (
    LeaseHeld, acquire_lease, lease_expiry_text, lease_owner,
)


def _leave(cluster_dir, created, max_age, host="automation-job-7"):
    staging = os.path.join(str(cluster_dir), ".collecting")
    os.makedirs(staging)
    lease = {"run_id": "gone", "pid": 1, "pid_start": None, "host": host, "created": created}
    if max_age is not None:
        lease["max_age"] = max_age
    with open(os.path.join(staging, ".lease"), "w") as handle:
        json.dump(lease, handle)


def test_owner_records_its_bound():
    assert lease_owner("r", os.getpid(), max_age=720)["max_age"] == 720
    assert lease_owner("r", os.getpid())["max_age"] == output_files.LEASE_MAX_AGE


@pytest.mark.parametrize("age, max_age, held", [
    (600, 4200, True), (4300, 4200, False), (4300, None, True), (25 * 3600, None, False), (100, 0, True),
])
def test_a_lease_from_another_host_holds_until_its_bound(tmp_path, age, max_age, held):
    now = 1_800_000_000.0
    _leave(tmp_path, now - age, max_age)
    owner = lease_owner("new", os.getpid(), now=now, max_age=4200)
    if held:
        with pytest.raises(LeaseHeld):
            acquire_lease(str(tmp_path), owner, now=now)
    else:
        _path, taken_over = acquire_lease(str(tmp_path), owner, now=now)
        assert "old (more than the" in taken_over


def test_expiry_in_words():
    assert lease_expiry_text({"created": 0, "max_age": 3600}) == "1970-01-01 01:00 UTC"
    assert lease_expiry_text({}) is None
