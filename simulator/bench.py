"""Requests per second of the simulator: ``python -m simulator.bench [--seconds 5] [--clients 1,8,32]``.

The simulator runs in its own process (as in every benchmark of the collection); clients are threads spread
over ``--procs`` client processes, each thread with one keep-alive HTTPS connection (http.client, TLS verified
against the simulator's CA), reading the same endpoint in a loop. Every answer is checked (status 200 and the
full Content-Length read). Prints one line per concurrency level and, with --json, a JSON summary.
"""
import argparse
import http.client
import json
import multiprocessing
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _client_proc(host, port, ca, path, auth, threads, seconds, queue):
    ctx = ssl.create_default_context(cafile=ca)
    counts, lat, errors = [0] * threads, [[] for _ in range(threads)], [0] * threads
    start = threading.Barrier(threads + 1)

    def run(i):
        conn = http.client.HTTPSConnection(host, port, context=ctx, timeout=30)
        start.wait()
        end = time.perf_counter() + seconds
        while True:
            t0 = time.perf_counter()
            if t0 >= end:
                break
            try:
                conn.request("GET", path, headers={"Authorization": auth})
                resp = conn.getresponse()
                body = resp.read()
                if resp.status != 200 or len(body) != int(resp.getheader("Content-Length")):
                    errors[i] += 1
                else:
                    counts[i] += 1
                    lat[i].append(time.perf_counter() - t0)
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPSConnection(host, port, context=ctx, timeout=30)
        conn.close()
    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    start.wait()
    for w in workers:
        w.join()
    queue.put((sum(counts), sum(errors), [x for part in lat for x in part]))


def measure(info, path, clients, seconds, procs):
    import base64
    auth = "Basic " + base64.b64encode(("admin:%s" % info["users"]["admin"]).encode()).decode()
    host, port = info["host"].rsplit(":", 1)
    procs = max(1, min(procs, clients))
    per = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_client_proc, args=(host, int(port), info["ca_path"], path, auth, n,
                                                                   seconds, queue)) for n in per]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    results = [queue.get(timeout=seconds + 120) for _ in workers]
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - t0
    ok = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    lat = sorted(x for r in results for x in r[2])
    pct = (lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 2) if lat else None)
    return {"clients": clients, "ok": ok, "errors": errors, "rps": round(ok / seconds, 1),
            "p50_ms": pct(0.5), "p99_ms": pct(0.99), "wall_s": round(elapsed, 2)}


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m simulator.bench")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--clients", default="1,8,32")
    p.add_argument("--procs", type=int, default=2, help="client processes")
    p.add_argument("--profile", default="small")
    p.add_argument("--path", action="append", help="endpoints (default: /api/v7/vms/ and a 50-view page)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    paths = args.path or ["/api/v7/vms/", "/api/v7/views/?page_size=50&page=3"]
    tmp = tempfile.mkdtemp(prefix="vms-sim-bench-")
    ready = os.path.join(tmp, "ready.json")
    sim = subprocess.Popen([sys.executable, "-m", "simulator", "--port", "0", "--profile", args.profile,
                            "--ready-file", ready, "--socket-timeout", "60"], cwd=REPO,
                           env=dict(os.environ, PYTHONPATH=REPO), stdout=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while not os.path.exists(ready):
            if sim.poll() is not None or time.time() > deadline:
                raise SystemExit("simulator did not start")
            time.sleep(0.05)
        with open(ready, encoding="utf-8") as fh:
            info = json.load(fh)
        out = []
        for path in paths:
            for clients in (int(c) for c in args.clients.split(",")):
                row = measure(info, path, clients, args.seconds, args.procs)
                row["path"] = path
                out.append(row)
                if not args.json:
                    print("%-40s clients=%-3d %8.1f req/s  p50 %6.2f ms  p99 %7.2f ms  errors %d" % (
                        path, clients, row["rps"], row["p50_ms"] or 0, row["p99_ms"] or 0, row["errors"]), flush=True)
        if args.json:
            print(json.dumps({"cpus": os.cpu_count(), "profile": args.profile, "results": out}, indent=2))
        return out
    finally:
        sim.terminate()
        sim.wait(timeout=30)


if __name__ == "__main__":
    main()
