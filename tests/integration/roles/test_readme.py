"""The README's examples, run as written against the simulator, so that the README cannot drift from the code.

The YAML blocks that start with a file name comment (``# inventory.yml``) are written to a directory and the
shell blocks are run there, changed only where a real site differs from the simulator: the VMS address, the user
name, the CA file, and the vault password (``--vault-password-file`` instead of ``--ask-vault-pass``: a test
cannot type). Nothing else is set for them: no ``ANSIBLE_PYTHON_INTERPRETER`` (the inventory must choose the
right Python) and no ``VAST_*`` variable unless the README's own commands export it.
"""
import os
import re
import subprocess
import textwrap

import pytest
import yaml

from roles_util import BIN, REPO, env_for, now_iso

pytestmark = [pytest.mark.integration, pytest.mark.simulator]

README = os.path.join(REPO, "README.md")
PASSWORD = "Rd0nly-Vault-Pa55"


def blocks(lang):
    """The fenced blocks of a language, dedented (a block inside a list item is indented)."""
    text = open(README, encoding="utf-8").read()
    return [textwrap.dedent(m.group(2)) for m in re.finditer(r"^( *)```%s\n(.*?)^\1```" % lang, text, re.S | re.M)]


def files():
    """{file name: text} of the YAML blocks that name their file in their first line."""
    out = {}
    for body in blocks("yaml"):
        match = re.match(r"^# ([\w.-]+\.yml)\b", body)
        if match:
            out[match.group(1)] = body
    return out


def shell_block(starting):
    return next(b for b in blocks("sh") if b.startswith(starting))


@pytest.fixture(scope="module")
def sim(module_sims):
    return module_sims(profile="tiny", now=now_iso(), passwords={"readonly": PASSWORD})


def site(tmp_path, sim):
    """The README's files in a fresh directory, pointing at the simulator."""
    written = files()
    assert {"inventory.yml", "show-cluster.yml"} <= set(written)
    for name, body in written.items():
        (tmp_path / name).write_text(body.replace("vms.prod1.example.com", sim.host))
    env = env_for(None)
    env.pop("ANSIBLE_PYTHON_INTERPRETER")                 # the inventory must choose the interpreter itself
    return env


def run(cmd, tmp_path, env, stdin=None):
    proc = subprocess.run(cmd, shell=isinstance(cmd, str), cwd=str(tmp_path), env=env, input=stdin, text=True,
                          capture_output=True, timeout=300, executable="/bin/bash" if isinstance(cmd, str) else None)
    return proc


def test_every_yaml_block_parses():
    found = blocks("yaml")
    assert len(found) >= 3
    for body in found:
        yaml.safe_load(body)


def test_minimal_playbook_as_written(sim, tmp_path):
    env = site(tmp_path, sim)
    env.update(VAST_USERNAME="readonly", VAST_PASSWORD=PASSWORD, VAST_CA_PATH=sim.ca_path)
    proc = run([os.path.join(BIN, "ansible-playbook"), "-i", "inventory.yml", "show-cluster.yml"], tmp_path, env)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    cnodes = sorted(c["hostname"] for c in sim.records("cnodes"))
    assert all(name in proc.stdout for name in cnodes)
    assert '"views": "%d"' % len(sim.records("views")) in proc.stdout or \
        '"views": %d' % len(sim.records("views")) in proc.stdout
    assert "VAST 5." in proc.stdout


@pytest.mark.parametrize("typed", ["without a line break", "ended with Enter"])
def test_real_cluster_example_with_a_vaulted_password(sim, tmp_path, typed):
    """The vault recipe, then the playbooks it names, with the CA given by vast_ca_path (mapped to ca_path)."""
    env = site(tmp_path, sim)
    vault_file = tmp_path / "vault-pass"
    vault_file.write_text("vault-secret\n")
    script = shell_block("mkdir -p group_vars")
    assert "ansible-vault encrypt_string --stdin-name vast_password" in script and "--ask-vault-pass" in script
    script = (script.replace("ansible-vault encrypt_string", "ansible-vault encrypt_string --vault-password-file %s"
                             % vault_file)
                    .replace("--ask-vault-pass", "--vault-password-file %s" % vault_file)
                    .replace("asbuilt-readonly", "readonly").replace("/etc/pki/vast/vms-ca.pem", sim.ca_path))
    script = "set -e\n" + script
    stdin = PASSWORD + ("\n" if typed == "ended with Enter" else "")
    proc = run(script, tmp_path, env, stdin=stdin)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    vault = (tmp_path / "group_vars" / "vast_clusters" / "vault.yml").read_text()
    assert "$ANSIBLE_VAULT" in vault and PASSWORD not in vault
    assert sorted(c["hostname"] for c in sim.records("cnodes"))[0] in proc.stdout
    reports = [os.path.join(d, f) for d, _s, fs in os.walk(tmp_path / "asbuilt-output") for f in fs
               if f == "report.html"]
    assert len(reports) == 1
    assert os.path.isfile(tmp_path / "asbuilt-output" / "index.html")


def test_examples_inventory_sets_the_interpreter():
    """playbooks/examples: the inventory alone makes the modules run with the Python that runs Ansible."""
    env = env_for(None)
    env.pop("ANSIBLE_PYTHON_INTERPRETER")
    proc = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i",
                           os.path.join(REPO, "playbooks", "examples", "inventory.yml"), "--list"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = yaml.safe_load(proc.stdout)
    hosts = doc["_meta"]["hostvars"]
    assert hosts and all(v.get("ansible_python_interpreter") == "{{ ansible_playbook_python }}" and
                         v.get("ansible_connection") == "local" for v in hosts.values())


def test_role_variables_table_matches_the_argument_specs():
    text = open(README, encoding="utf-8").read()
    table = text.split("Role variables (every one is in the role's", 1)[1].split("\n\n", 2)[1]
    names = set(re.findall(r"`((?:collect|healthcheck|report|drift)_\w+)`", table))
    specs = ""
    for role in ("collect", "healthcheck", "report", "drift"):
        specs += open(os.path.join(REPO, "roles", role, "meta", "argument_specs.yml"), encoding="utf-8").read()
    missing = sorted(n for n in names if "\n      %s:" % n not in specs)
    assert not missing, "README names role variables the roles do not have: %s" % missing
    assert "collect_resume_max_age" in names


def _wait_for(path, proc, seconds=60):
    import time
    for _ in range(int(seconds * 10)):
        if os.path.isfile(path):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.1)
    return False


def test_trying_it_by_hand_with_make_simulator(tmp_path):
    """'Trying it by hand': `make simulator` (tools/simulator.sh), then `source .cache/simulator/env.sh` and the
    README's minimal playbook with the inventory it wrote, as written; a second one is refused while the first
    runs and leaves its env.sh alone; stopping it removes env.sh and inventory.json (as its header says)."""
    import signal
    body = open(README, encoding="utf-8").read().split("## Trying it by hand against the simulator", 1)[1]
    assert "source .cache/simulator/env.sh" in body and ".cache/simulator/inventory.json show-cluster.yml" in body
    (tmp_path / "show-cluster.yml").write_text(files()["show-cluster.yml"])
    state = tmp_path / "state"
    env = env_for(None)
    for name in [k for k in env if k.startswith("VAST_") or k in ("ANSIBLE_COLLECTIONS_PATH",
                                                                  "ANSIBLE_PYTHON_INTERPRETER")]:
        env.pop(name)                                     # all of it must come from env.sh
    env.update(SIM_STATE_DIR=str(state), SIM_OUTPUT=str(tmp_path / "out"), SIM_ARGS="--profile tiny --port 0",
               PATH=os.path.dirname(BIN) + "/bin:" + os.environ.get("PATH", ""))
    script = os.path.join(REPO, "tools", "simulator.sh")
    first = subprocess.Popen([script], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert _wait_for(str(state / "env.sh"), first), first.stdout.read() if first.poll() is not None else "slow"
        proc = run("source %s/env.sh && ansible-playbook -i %s/inventory.json show-cluster.yml" % (state, state),
                   tmp_path, env)
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
        assert '"cnodes": [' in proc.stdout and "VAST 5." in proc.stdout
        second = subprocess.run([script], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 1 and "already running" in second.stderr, second.stdout + second.stderr
        assert (state / "env.sh").is_file() and (state / "inventory.json").is_file()
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=60)
    assert not (state / "env.sh").exists()
    assert not (state / "inventory.json").exists()        # the header comment promises both are removed
