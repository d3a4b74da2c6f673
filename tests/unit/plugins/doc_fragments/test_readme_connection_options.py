"""README's connection-options section covers every option of the connection doc fragment (fifth user test, item 9:
`port` / `VAST_PORT` was missing from the table although ansible-doc documents it)."""
import os
import re

import yaml

from ansible_collections.vastops.asbuilt.plugins.doc_fragments.connection import ModuleDocFragment

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))


def _section():
    with open(os.path.join(ROOT, "README.md")) as handle:
        readme = handle.read()
    return readme.split("## Connection options", 1)[1].split("\n## ", 1)[0]


def test_every_connection_option_is_in_the_readme():
    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    section = _section()
    table = dict((m.group(1), m.group(2)) for m in re.finditer(r"^\| `([a-z_]+)` \| `?([A-Z_]*)`? \|", section, re.M))
    missing = []
    for name, spec in sorted(options.items()):
        env = re.search(r"E\((VAST_[A-Z_]+)\)", " ".join(spec.get("description") or []))
        if name in table:
            assert env is None or table[name] == env.group(1), name
        elif "`%s`" % name not in section:             # the options named in the sentence under the table
            missing.append(name)
    assert not missing, "README's connection options leave out: %s" % ", ".join(missing)
    assert table["port"] == "VAST_PORT"
