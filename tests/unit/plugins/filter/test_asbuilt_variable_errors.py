"""The asbuilt_variable_errors filter: the values of role variables a specification can only type-check."""
from ansible_collections.vastops.asbuilt.plugins.filter.asbuilt import asbuilt_variable_errors


def test_right_values_and_unset_variables_give_no_message():
    assert asbuilt_variable_errors({
        "asbuilt_sections": {"hardware": 3, "monitoring": 0}, "collect_sections": None, "report_sections": None,
        "collect_subsets": ["all", "!monitoring"], "collect_extra_subsets": ["switches"],
        "healthcheck_disabled_rules": [], "healthcheck_thresholds": {"capacity_warning_percent": 75}}) == []


def test_the_sections_the_user_set_are_named_once():
    """collect_sections and report_sections default to asbuilt_sections: one message, under that name."""
    bad = {"hardware": 7}
    assert asbuilt_variable_errors({"asbuilt_sections": bad, "collect_sections": dict(bad),
                                    "report_sections": dict(bad)}) == [
        "asbuilt_sections: section hardware: detail level 7 is not in 0-3"]
    assert asbuilt_variable_errors({"asbuilt_sections": {}, "report_sections": {"nope": 1}})[0].startswith(
        "report_sections: unknown report section 'nope'")
    assert asbuilt_variable_errors({"asbuilt_sections": ["hardware"]}) == [
        "asbuilt_sections: must be a dictionary of section name to detail level 0-3, got ['hardware']"]


def test_each_kind_of_wrong_value_names_its_variable():
    errors = asbuilt_variable_errors({
        "collect_subsets": ["bogus"], "collect_extra_subsets": ["nope"],
        "healthcheck_disabled_rules": ["VAST-XX-999"], "healthcheck_thresholds": {"capacity_warning_percent": "x"}})
    assert [e.split(":")[0] for e in errors] == [
        "collect_extra_subsets", "collect_subsets", "healthcheck_disabled_rules", "healthcheck_thresholds"]
    assert errors[1].startswith("collect_subsets: unknown subset 'bogus'; valid: all, min")
    assert "VAST-XX-999" in errors[2] and "capacity_warning_percent" in errors[3]
