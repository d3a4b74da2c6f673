"""fleet.data_gaps: what a cluster's report lacks, in the words the report itself uses."""
from ansible_collections.vastops.asbuilt.plugins.module_utils.fleet import data_gaps


def _row(**values):
    return dict(dict(not_collected_titles=[], resources_failed=[], resumed=[]), **values)


def test_nothing_missing_says_nothing():
    assert data_gaps(_row()) == ""


def test_each_gap_in_words():
    row = _row(not_collected_titles=["Security"], resources_failed=["logical.views"],
               resumed=["hardware.cnodes", "hardware.dnodes"])
    assert data_gaps(row) == ("no data for Security; 1 resource could not be read; "
                              "2 resources reused from an earlier run")


def test_resumed_parts_are_not_called_interrupted():
    # the earlier run may have completed (degraded by one resource): the report's banner says "an earlier run"
    assert "interrupted" not in data_gaps(_row(resumed=["hardware.cnodes"]))
