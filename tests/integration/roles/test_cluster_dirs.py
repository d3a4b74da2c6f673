"""m7: clusters whose names are not plain ASCII get distinct, readable directories that never hide or escape."""
import os
import re

import pytest

from roles_util import env_for, host_vars, inventory, now_iso, read_json, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]


def test_names_that_used_to_collide(sim_factory, tmp_path):
    sims = [sim_factory(profile="tiny", seed=31, now=now_iso()), sim_factory(profile="tiny", seed=32, now=now_iso())]
    out = tmp_path / "out"
    hosts = {"東京-vast": host_vars(sims[0]), "大阪-vast": host_vars(sims[1]),
             "evil": dict(host_vars(sims[0]), collect_cluster_name="../evil/Tälon lab#1")}
    inv = inventory(tmp_path, hosts, asbuilt_output_dir=str(out))
    run_playbook("asbuilt", tmp_path, inv, env_for(sims[0])).check()
    entries = sorted(os.listdir(out))
    dirs = [e for e in entries if os.path.isdir(out / e)]
    assert len(dirs) == 3, entries                                   # three clusters, three directories
    assert not [d for d in dirs if d.startswith(".")]                # none hidden
    assert not os.path.exists(tmp_path / "evil") and not os.path.exists(out.parent / "evil")
    from ansible_collections.vastops.asbuilt.plugins.module_utils.asbuilt_util import dir_name
    tokyo, osaka, evil = dir_name("東京-vast"), dir_name("大阪-vast"), dir_name("../evil/Tälon lab#1")
    assert set(dirs) == {tokyo, osaka, evil}
    assert re.match(r"^evil_Talon_lab_1-[0-9a-f]{8}$", evil)
    snaps = dict((d, read_json(os.path.join(str(out), d, "latest", "snapshot.json.gz"))) for d in (tokyo, osaka))
    assert snaps[tokyo]["meta"]["cluster"]["guid"] != snaps[osaka]["meta"]["cluster"]["guid"]
    fleet = read_json(os.path.join(str(out), "fleet.json"))
    links = dict((c["name"], c["link"]) for c in fleet["clusters"])
    assert links["東京-vast"].startswith(tokyo + "/") and links["大阪-vast"].startswith(osaka + "/")
    assert links["evil"].startswith(evil + "/")
