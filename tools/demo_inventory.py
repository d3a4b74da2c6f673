#!/usr/bin/env python3
"""Turn the simulator's ready file into the demo's inventory and connection environment.

    demo_inventory.py READY_JSON OUTPUT_DIR INVENTORY_PATH ENV_PATH

Writes an inventory with one cluster (named after the simulated cluster, local connection) in the ``vast_clusters`` group, and a file of
``export VAST_...=...`` lines that tools/demo.sh sources, so the password reaches the modules through the
environment (VAST_PASSWORD) and never appears in the inventory or on a command line.
The ready file's keys follow docs/DEVELOPING.md: host (or base_url), users, ca_path.
"""
import json
import shlex
import sys
from urllib.parse import urlsplit

DEMO_USER = "readonly"


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    ready_path, output_dir, inventory_path, env_path = argv[1:]
    with open(ready_path, encoding="utf-8") as handle:
        ready = json.load(handle)
    host = ready.get("host") or urlsplit(ready["base_url"]).netloc
    users = ready.get("users") or {}
    user = DEMO_USER if DEMO_USER in users else sorted(users)[0]
    name = "".join(c if c.isalnum() or c in "._-" else "_" for c in str(ready.get("cluster_name") or "demo")) or "demo"
    inventory = {
        "vast_clusters": {
            "hosts": {name: {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}},
            "vars": {"asbuilt_output_dir": output_dir, "report_company": "Example Corp",
                     "report_author": "vastops.asbuilt demo (simulated cluster)"},
        }
    }
    with open(inventory_path, "w", encoding="utf-8") as handle:
        json.dump(inventory, handle, indent=2)
    env = {
        "VAST_HOST": host,
        "VAST_USERNAME": user,
        "VAST_PASSWORD": users[user],
        "VAST_CA_PATH": ready.get("ca_path") or "",
        "VAST_VALIDATE_CERTS": "true",
    }
    with open(env_path, "w", encoding="utf-8") as handle:
        for key, value in env.items():
            handle.write("export %s=%s\n" % (key, shlex.quote(str(value))))
    print("demo: simulated cluster at https://%s, user %s" % (host, user))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
