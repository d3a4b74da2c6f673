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


def test_report_and_connection_values_are_checked(tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    assert asbuilt_variable_errors({"report_rows_detail": 50, "report_rows_full": "5000", "report_logo": str(logo),
                                    "report_colors": {"primary": "#112233"}, "vast_timeout": "30",
                                    "vast_validate_certs": "false", "report_logo_unused": None}) == []
    errors = asbuilt_variable_errors({"report_rows_detail": -1, "report_logo": str(tmp_path / "none.png"),
                                      "report_colors": {"primary": "red; x"}, "vast_timeout": "abc",
                                      "vast_validate_certs": [1]})
    assert errors == [
        "report_colors: primary: colour 'red; x' is not of the form #rrggbb",
        "report_logo: %s does not exist" % (tmp_path / "none.png"),
        "report_rows_detail: must be a whole number of rows, at least 1, got -1",
        "vast_timeout: must be a number (type float), got a string ('abc')",
        "vast_validate_certs: must be true or false (type bool), got a list ([1])"]
    assert asbuilt_variable_errors({"report_logo": "/etc/passwd"}) == [
        "report_logo: the logo must be a PNG, JPEG, GIF, WebP or SVG file"]


def test_argument_errors_come_once_named_as_the_user_set_them():
    """asbuilt_sections: hardware makes the spec complain of collect_sections and report_sections (both default to
    it): one message, under asbuilt_sections; a variable the spec already names is not reported again."""
    spec_errors = ["argument 'collect_sections' is of type <class 'str'> and we were unable to convert to dict",
                   "argument 'report_sections' is of type <class 'str'> and we were unable to convert to dict"]
    assert asbuilt_variable_errors({"asbuilt_sections": "hardware", "collect_sections": "hardware",
                                    "report_sections": "hardware"}, spec_errors) == [
        "argument 'asbuilt_sections' is of type <class 'str'> and we were unable to convert to dict"]
    assert asbuilt_variable_errors({"healthcheck_thresholds": {"foo": 1}},
                                   ["healthcheck_thresholds.foo. Supported parameters include: x"]) == [
        "healthcheck_thresholds.foo. Supported parameters include: x"]


def test_a_warning_threshold_must_come_before_its_critical_one():
    assert asbuilt_variable_errors({"healthcheck_thresholds": {"capacity_warning_percent": 95}}) == [
        "healthcheck_thresholds: threshold capacity_warning_percent (95) must be below capacity_critical_percent (90)"]
    assert asbuilt_variable_errors({"healthcheck_thresholds": {"capacity_critical_percent": 120}}) == [
        "healthcheck_thresholds: threshold capacity_critical_percent: 120 is not a percentage from 0 to 100"]


def test_a_plain_string_is_a_list_split_at_commas():
    """User test 15, item 3: -e healthcheck_disabled_rules=VAST-MON-001 was checked letter by letter ("unknown rule
    id(s): -, 0, 1, A, ...") and -e collect_extra_subsets=security as 's', 'e', ...: a string is split at commas,
    as ansible-core does for a list option."""
    from ansible_collections.vastops.asbuilt.plugins.filter.asbuilt import asbuilt_list, asbuilt_subsets
    assert asbuilt_list("VAST-MON-001") == ["VAST-MON-001"]
    assert asbuilt_list("security, monitoring,") == ["security", "monitoring"]
    assert asbuilt_list("") == [] and asbuilt_list(None) == [] and asbuilt_list(["a", "b"]) == ["a", "b"]
    assert asbuilt_variable_errors({"healthcheck_disabled_rules": "VAST-MON-001,VAST-NET-005",
                                    "collect_extra_subsets": "security", "collect_subsets": "security,network"}) == []
    assert asbuilt_variable_errors({"healthcheck_disabled_rules": "VAST-XX-999", "collect_extra_subsets": "nope"}) == [
        "collect_extra_subsets: unknown subset 'nope'; valid: " + asbuilt_variable_errors(
            {"collect_extra_subsets": ["nope"]})[0].split("; valid: ")[1],
        "healthcheck_disabled_rules: unknown rule id(s): VAST-XX-999"]
    assert "security" in asbuilt_subsets({}, True, True, "VAST-MON-001", "security")
    assert asbuilt_subsets({}, True, True, "VAST-MON-001", "security") == asbuilt_subsets(
        {}, True, True, ["VAST-MON-001"], ["security"])


def test_vast_ca_path_is_checked_up_front(tmp_path, monkeypatch):
    """User test 18, item 5: a missing vast_ca_path failed only at the collection, after the output directory (and
    an index listing the cluster as failed) had been written; now it is named before anything is read or written."""
    monkeypatch.chdir(str(tmp_path))
    errors = asbuilt_variable_errors({"vast_ca_path": "noca.pem"})
    assert errors == ["vast_ca_path: %s does not exist: give the CA certificate (PEM) that signed the cluster's "
                      "certificate" % (tmp_path / "noca.pem")]
    (tmp_path / "empty.pem").write_text("not a certificate\n")
    assert "holds no PEM certificate" in asbuilt_variable_errors({"vast_ca_path": "empty.pem"})[0]
    (tmp_path / "fifo").mkdir()
    assert asbuilt_variable_errors({"vast_ca_path": str(tmp_path / "fifo")}) == []       # a directory of CAs
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\nMII...\n-----END CERTIFICATE-----\n")
    assert asbuilt_variable_errors({"vast_ca_path": "ca.pem"}) == []
    assert asbuilt_variable_errors({"vast_ca_path": ""}) == []                           # unset: VAST_CA_PATH
    assert asbuilt_variable_errors({"vast_ca_path": "   "})[0].startswith("vast_ca_path: is blank")
