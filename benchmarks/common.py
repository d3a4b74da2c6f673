"""Shared helpers of the benchmarks: the simulator process, Ansible runs, statistics, tables, machine facts.

Each benchmark module (``bench_*.py``) has ``run(ctx) -> dict`` returning ``{"title", "columns", "rows",
"notes", "targets", "data"}``; ``run.py`` prints the table and writes everything as JSON.
"""
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PYTHON = sys.executable
CLK_TCK = os.sysconf("SC_CLK_TCK")

sys.path.insert(0, os.path.join(REPO, ".cache", "collections"))


# -- statistics and tables -------------------------------------------------------------------------------------
def mmm(values, digits=2):
    """{"median", "min", "max", "n", "runs"} of a list of numbers (None when empty)."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": round(statistics.median(values), digits), "min": round(min(values), digits),
            "max": round(max(values), digits), "n": len(values), "runs": [round(v, digits) for v in values]}


def fmt(stat, unit="", digits=2):
    """'4.10 (3.90-4.40)' for a mmm() dict, the value for a plain number, '-' for None."""
    if stat is None:
        return "-"
    if isinstance(stat, dict):
        if stat["n"] == 1:
            return "%.*f%s" % (digits, stat["median"], unit)
        return "%.*f%s (%.*f-%.*f)" % (digits, stat["median"], unit, digits, stat["min"], digits, stat["max"])
    if isinstance(stat, float):
        return "%.*f%s" % (digits, stat, unit)
    return "%s%s" % (stat, unit)


def table(columns, rows):
    """A plain-text table (left-aligned first column, the others right-aligned)."""
    cells = [[str(c) for c in columns]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = []
    for n, row in enumerate(cells):
        parts = [row[0].ljust(widths[0])] + [row[i].rjust(widths[i]) for i in range(1, len(row))]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def keep_going(ctx, name, started, done, budget_s):
    """Whether benchmark *name* runs another repetition: up to ctx["runs"], at least 2 (when asked for), and
    beyond 2 only while the repetitions so far fit in its share *budget_s* of the 10-minute budget (a busy
    machine gets fewer repetitions; ``ctx["trimmed"]`` and the notes say so)."""
    if done >= ctx["runs"]:
        return False
    if done < min(2, ctx["runs"]):
        return True
    elapsed = time.monotonic() - started
    if elapsed + elapsed / done <= budget_s:
        return True
    ctx.setdefault("trimmed", {})[name] = done
    return False


def trimmed_note(ctx, name):
    done = ctx.get("trimmed", {}).get(name)
    if done is None:
        return []
    return ["%d run(s) instead of %d: the machine was too slow for more within this benchmark's share of the "
            "10-minute budget" % (done, ctx["runs"])]


def verdict(met, what, limited_by=None):
    """One target line: 'target met: ...' or 'target NOT met: ... limited by ...'."""
    if met:
        return "target met: %s" % what
    return "target NOT met: %s%s" % (what, "; limited by %s" % limited_by if limited_by else "")


# -- machine and versions --------------------------------------------------------------------------------------
def machine_info():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram_gb = None
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    ram_gb = round(int(line.split()[1]) / 1024.0 / 1024.0, 1)
    except OSError:
        pass
    try:
        import ansible.release
        ansible_version = ansible.release.__version__
    except ImportError:
        ansible_version = None

    def git(*args):
        try:
            return subprocess.run(["git", "-C", REPO] + list(args), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  check=True, universal_newlines=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return {"cpu_model": cpu, "cores": os.cpu_count(), "ram_gb": ram_gb, "platform": platform.platform(),
            "python": platform.python_version(), "ansible_core": ansible_version,
            "requests": requests.__version__, "git_commit": git("rev-parse", "HEAD"),
            "git_dirty": bool(dirty) if dirty is not None else None,
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "loadavg_start": os.getloadavg()}


def cpu_seconds(pid):
    """User + system CPU seconds of process *pid* so far (None when it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / float(CLK_TCK)
    except (OSError, IndexError, ValueError):
        return None


# -- the simulator, in its own process -------------------------------------------------------------------------
class Sim:
    """One simulator process (``benchmarks/simlaunch.py``: ``python -m simulator`` plus scaled profiles)."""

    def __init__(self, workdir, profile, seed=7, latency_ms=0, args=(), name="sim"):
        self.workdir = workdir
        self.profile = profile
        self.seed = seed
        self.name = name
        self.ready_path = os.path.join(workdir, "%s-ready.json" % name)
        self.log_path = os.path.join(workdir, "%s-requests.jsonl" % name)
        self.out_path = os.path.join(workdir, "%s.out" % name)
        self.cmd = [PYTHON, os.path.join(HERE, "simlaunch.py"), "--host", "127.0.0.1", "--port", "0",
                    "--profile", profile, "--seed", str(seed), "--latency-ms", str(latency_ms),
                    "--ready-file", self.ready_path, "--log", self.log_path] + list(args)
        self.proc = None
        self.info = None
        self.latency_ms = latency_ms
        self._http = None

    def start(self, wait=True):
        self._out = open(self.out_path, "w")
        self.proc = subprocess.Popen(self.cmd, stdout=self._out, stderr=subprocess.STDOUT, cwd=REPO)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=180):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if os.path.exists(self.ready_path) and os.path.getsize(self.ready_path):
                with open(self.ready_path) as handle:
                    self.info = json.load(handle)
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("simulator exited (%s): %s" % (self.proc.returncode, open(self.out_path).read()))
            time.sleep(0.05)
        raise RuntimeError("simulator not ready after %ss" % timeout)

    @property
    def pid(self):
        return self.proc.pid

    @property
    def host(self):
        return self.info["host"]

    def creds(self, user="admin"):
        return {"host": self.info["host"], "username": user, "password": self.info["users"][user],
                "ca_path": self.info["ca_path"], "validate_certs": True}

    def admin(self, method, path, body=None):
        if self._http is None:
            self._http = requests.Session()
            self._http.trust_env = False   # REQUESTS_CA_BUNDLE would override verify (requests#3829)
        answer = self._http.request(method, self.info["base_url"] + path, json=body, verify=self.info["ca_path"],
                                    timeout=30)
        answer.raise_for_status()
        return answer.json()

    def configure(self, **settings):
        """Run-time settings (PATCH /_sim/config): latency_ms, max_concurrent, ..."""
        self.admin("PATCH", "/_sim/config", settings)
        if "latency_ms" in settings:
            self.latency_ms = settings["latency_ms"]

    def log_mark(self):
        return os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0

    def log_since(self, mark):
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path, "rb") as handle:
            handle.seek(mark)
            return [json.loads(line) for line in handle.read().splitlines() if line.strip()]

    def cpu(self):
        return cpu_seconds(self.proc.pid)

    def stop(self):
        if self._http is not None:
            self._http.close()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_out", None):
            self._out.close()


class Measure:
    """Context manager around one run: wall time, our CPU, the simulator's CPU and its log for the run."""

    def __init__(self, sim=None):
        self.sim = sim

    def __enter__(self):
        self.mark = self.sim.log_mark() if self.sim else 0
        self.sim_cpu0 = self.sim.cpu() if self.sim else None
        self.cpu0 = time.process_time()
        self.t0 = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.wall = time.monotonic() - self.t0
        self.cpu = time.process_time() - self.cpu0
        if self.sim:
            time.sleep(0.05)   # the last log line is written after the answer is sent
            self.log = self.sim.log_since(self.mark)
            end = self.sim.cpu()
            self.sim_cpu = None if end is None or self.sim_cpu0 is None else end - self.sim_cpu0
        else:
            self.log, self.sim_cpu = [], None
        return False


def sim_overhead_ms(entries, injected_ms):
    """Median and p95 of the simulator's own time per request (its latency_ms minus the injected latency)."""
    own = sorted(max(0.0, e["latency_ms"] - injected_ms) for e in entries if e.get("status"))
    if not own:
        return None, None
    return statistics.median(own), own[min(len(own) - 1, int(round(0.95 * (len(own) - 1))))]


# -- Ansible ---------------------------------------------------------------------------------------------------
def collections_path():
    subprocess.run([PYTHON, os.path.join(REPO, "tools", "collection_tree.py"), "link"], check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(REPO, ".cache", "collections")


def ansible_env(workdir, extra=None):
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": collections_path(),
        "ANSIBLE_HOME": os.path.join(REPO, ".cache", "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": os.path.join(workdir, "ansible-tmp"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_HOST_KEY_CHECKING": "0",
        "ANSIBLE_DEPRECATION_WARNINGS": "0",
        "BENCH_REAL_PYTHON": PYTHON,
        "PATH": os.path.dirname(PYTHON) + os.pathsep + env.get("PATH", ""),
    })
    env.update(extra or {})
    return env


def run_module(workdir, sim, module_args, module="vastops.asbuilt.vast_info", user="admin", timeout=900):
    """Run a module as Ansible does (``ansible localhost -m ...``, local connection), with the interpreter wrapper.

    Returns {"wall_s" (the whole ansible command), "module" (wrapper: wall_s, cpu_s, maxrss_mb of the module
    process), "result" (the module's result, kept by callback_plugins/bench_timing.py), "rc"}.
    """
    stamp = "%d" % int(time.time() * 1e6)
    rss_out = os.path.join(workdir, "rss-%s.jsonl" % stamp)
    result_out = os.path.join(workdir, "result-%s.json" % stamp)
    creds = sim.creds(user)
    env = ansible_env(workdir, {
        "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "bench_timing",
        "ANSIBLE_STDOUT_CALLBACK": "minimal",
        "BENCH_TIMING_OUT": result_out,
        "BENCH_KEEP_RESULTS": "1",
        "BENCH_RSS_OUT": rss_out,
        "VAST_HOST": creds["host"], "VAST_USERNAME": creds["username"], "VAST_PASSWORD": creds["password"],
        "VAST_CA_PATH": creds["ca_path"], "VAST_VALIDATE_CERTS": "true",
    })
    cmd = [os.path.join(os.path.dirname(PYTHON), "ansible"), "localhost", "-i", "localhost,", "-c", "local",
           "-e", "ansible_python_interpreter=%s" % os.path.join(HERE, "rss_python.py"),
           "-m", module, "-a", json.dumps(module_args)]
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                          universal_newlines=True, cwd=workdir)
    wall = time.monotonic() - started
    try:
        with open(result_out) as handle:
            result = json.load(handle)["results"]["localhost"]
        os.unlink(result_out)
    except (OSError, ValueError, KeyError):
        result = {"failed": True, "msg": "no result from ansible: %s %s" % (proc.stdout[-800:], proc.stderr[-800:])}
    module_stats = {}
    if os.path.exists(rss_out):
        with open(rss_out) as handle:
            lines = [json.loads(line) for line in handle if line.strip()]
        module_stats = lines[-1] if lines else {}
        os.unlink(rss_out)
    if proc.returncode != 0 and not result.get("failed"):
        result["failed"] = True
        result.setdefault("msg", proc.stderr[-800:])
    return {"wall_s": wall, "module": module_stats, "result": result, "rc": proc.returncode}


def session_params(sim, **extra):
    params = sim.creds()
    params.update(extra)
    return params


def make_workdir():
    base = os.environ.get("BENCH_TMPDIR") or None
    return tempfile.mkdtemp(prefix="vastops-bench-", dir=base)


def remove(path):
    shutil.rmtree(path, ignore_errors=True)
