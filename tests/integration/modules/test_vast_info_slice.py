"""vast_info through ansible-playbook: the thin slice the roles build on (all subsets into a snapshot file)."""
import gzip
import json

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils import snapshot
from playbook_util import only_reads, run_tasks

pytestmark = [pytest.mark.integration, pytest.mark.simulator]


def test_all_subsets_into_a_snapshot(sim_factory, tmp_path):
    sim = sim_factory(profile="small", vast_version="5.3.1")
    dest = tmp_path / "snapshot.json.gz"
    run = run_tasks(sim, tmp_path, [{"vastops.asbuilt.vast_info": {"gather_subset": ["all"], "dest": str(dest)}}])
    result = run.results[0]
    assert result and not result.get("failed"), run
    assert result["changed"] is False
    assert result["dest"] == str(dest) and "vast_info" not in result
    with gzip.open(str(dest), "rb") as handle:
        document = json.loads(handle.read().decode("utf-8"))
    assert snapshot.validate(document) == []
    assert list(document)[-1] == "meta" and document["schema_version"] == 1
    assert set(document["vast_info"]) == set(["min", "cluster", "hardware", "switches", "network", "logical",
                                              "security", "protection", "monitoring"])
    assert document["vast_info"]["logical"]["views"][0]["id"] == 1
    assert len(document["vast_info"]["logical"]["views"]) == 329
    assert document["meta"]["counts"] == result["counts"]
    assert document["meta"]["errors"] == {}
    assert sorted(document["meta"]["unavailable"]) == ["cluster.health", "security.tlscertificates"]
    assert snapshot.file_sha256(str(dest)) == result["sha256"]
    assert only_reads(sim) == []
