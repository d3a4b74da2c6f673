"""User test 18, item 3: with a health rule disabled, the healthcheck play's summary line counted it among the
rules ("3 of 46 rules found a problem"). It now counts the enabled rules and says how many are disabled."""
import re

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.health_rules import RULES

from roles_util import env_for, host_vars, inventory, now_iso, run_playbook

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

CLUSTER = "vast-tiny"


def test_play_summary_counts_enabled_rules(sim_factory, tmp_path):
    sim = sim_factory(profile="tiny", now=now_iso())
    inv = inventory(tmp_path, {CLUSTER: host_vars(sim)}, asbuilt_output_dir=str(tmp_path / "out"))
    result = run_playbook("healthcheck", tmp_path, inv, env_for(sim),
                          extra_vars={"healthcheck_disabled_rules": ["VAST-NET-005"]}).check()
    found = re.search(r"(\d+) of (\d+) enabled rules found a problem \(1 disabled\)\.", result.stdout)
    assert found, result.stdout[-3000:]
    assert int(found.group(2)) == len(RULES) - 1
    assert "of %d rules found a problem" % len(RULES) not in result.stdout
