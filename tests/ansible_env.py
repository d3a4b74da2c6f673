"""The environment every test that runs an Ansible command uses (shared by tests/integration and tests/reliability).

``ansible_env(vast, **extra)`` starts from this process's environment without any ``VAST_*`` or ``ANSIBLE_*``
variable of the caller's shell, points Ansible at this checkout's collection tree (``.cache/collections``, made
by tests/conftest.py) and at this virtual environment's Python, keeps Ansible's own files under ``.cache``,
then adds the ``VAST_*`` connection variables in *vast* and the *extra* ones (``None`` removes a variable).
"""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(REPO, ".cache", "collections")
BIN = os.path.dirname(sys.executable)


def ansible_env(vast=None, **extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VAST_", "ANSIBLE_"))}
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCAL_TEMP": os.path.join(REPO, ".cache", "ansible-tmp"),
        "ANSIBLE_HOME": os.path.join(REPO, ".cache", "ansible-home"),
        "PATH": BIN + os.pathsep + env.get("PATH", ""),
    })
    env.update(vast or {})
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env
