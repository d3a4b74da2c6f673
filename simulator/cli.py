"""Command line: ``python -m simulator --port 0 --profile small --vast-version 5.3.1 --seed 7``.

Prints the base URL, the users and their passwords and the CA path (also to ``--ready-file`` as JSON), then
serves until SIGINT/SIGTERM.
"""
import argparse
import json
import signal
import sys
import time

from .config import PROFILES, SimulatorConfig
from .core import Simulator
from .faults import FaultError
from .overrides import OverrideError


def _kv(text):
    key, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError("expected NAME=VALUE, got %r" % text)
    return key, value


def parser():
    p = argparse.ArgumentParser(prog="python -m simulator", description="VAST VMS REST API simulator")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8443, help="port; 0 picks a free one (default 8443)")
    p.add_argument("--profile", default="small", choices=sorted(PROFILES), help="scale profile")
    p.add_argument("--vast-version", default="5.3.1", help="emulated release, e.g. 4.7, 5.2.0, 5.3.1, 5.4, 5.10")
    p.add_argument("--seed", type=int, default=7, help="data seed (same seed, same answers)")
    p.add_argument("--ebox", action="store_true", help="EBox architecture instead of CBoxes and DBoxes")
    p.add_argument("--plain-http", action="store_true", help="serve plain HTTP (debugging only)")
    p.add_argument("--faults", metavar="FILE", help="JSON file: a list of fault specs (or {\"faults\": [...]})")
    p.add_argument("--fault", action="append", default=[], metavar="JSON", help="one fault spec inline (repeatable)")
    p.add_argument("--latency-ms", type=float, default=0.0, help="fixed latency added to every API request")
    p.add_argument("--jitter-ms", type=float, default=0.0, help="uniform random latency on top")
    p.add_argument("--max-concurrent", type=int, help="answer 429 above this many API requests in flight")
    p.add_argument("--log", metavar="FILE", help="append the request log to FILE as JSON lines")
    p.add_argument("--ready-file", metavar="FILE", help="write the start-up information there as JSON")
    p.add_argument("--state", metavar="FILE", help="JSON state overrides applied after generation")
    p.add_argument("--scenario", action="append", default=[], metavar="NAME[:ARG]", help="scenario preset "
                   "(repeatable), e.g. healthy, failed_ssd, capacity:92")
    p.add_argument("--password", action="append", default=[], type=_kv, metavar="USER=PW",
                   help="password of admin, readonly or tenantadmin (repeatable)")
    p.add_argument("--tenant-admin-tenant", help="tenant of the tenantadmin user (default: the 2nd tenant)")
    p.add_argument("--access-token-lifetime", type=float, default=3600.0, help="JWT access lifetime, seconds")
    p.add_argument("--refresh-token-lifetime", type=float, default=86400.0, help="JWT refresh lifetime, seconds")
    p.add_argument("--no-refresh-rotation", action="store_true", help="refresh answers no new refresh token")
    p.add_argument("--max-api-tokens-per-user", type=int, default=5)
    p.add_argument("--max-api-version", type=int, help="highest vN served (default from the release table)")
    p.add_argument("--max-page-size", type=int, help="cap page_size (unknown on real clusters; default none)")
    p.add_argument("--cert-dir", help="directory for ca.pem / server.pem (default: a temporary directory)")
    p.add_argument("--extra-host", action="append", default=[], help="extra certificate SAN (repeatable)")
    p.add_argument("--now", help="reference time of the generated data (default 2026-11-01T12:00:00Z)")
    p.add_argument("--cluster-name", help="cluster name (default: invented from the seed)")
    p.add_argument("--quirk", action="append", default=[], type=_kv, metavar="NAME=JSON",
                   help="quirk switch, e.g. network_settings_wrapper=false (repeatable)")
    p.add_argument("--socket-timeout", type=float, default=30.0, help="idle/stuck connection timeout, seconds")
    p.add_argument("--set", action="append", default=[], type=_kv, metavar="FIELD=JSON", dest="settings",
                   help="any other SimulatorConfig field, e.g. jwt_enabled=false, eboxes_on_4x=\"404\", lazy=true")
    p.add_argument("--json", action="store_true", help="print the start-up information as one JSON line")
    return p


def config_from_args(args):
    faults = []
    if args.faults:
        with open(args.faults, encoding="utf-8") as fh:
            loaded = json.load(fh)
        faults.extend(loaded.get("faults", []) if isinstance(loaded, dict) else loaded)
    faults.extend(json.loads(f) for f in args.fault)
    quirks = {}
    for name, value in args.quirk:
        try:
            quirks[name] = json.loads(value)
        except ValueError:
            quirks[name] = value
    kwargs = dict(
        host=args.host, port=args.port, profile=args.profile, vast_version=args.vast_version, seed=args.seed,
        ebox=args.ebox, plain_http=args.plain_http, faults=faults, latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms, max_concurrent=args.max_concurrent, log_path=args.log, ready_file=args.ready_file,
        state=args.state, scenarios=args.scenario, passwords=dict(args.password),
        tenant_admin_tenant=args.tenant_admin_tenant, access_token_lifetime=args.access_token_lifetime,
        refresh_token_lifetime=args.refresh_token_lifetime, refresh_rotation=not args.no_refresh_rotation,
        max_api_tokens_per_user=args.max_api_tokens_per_user, max_api_version=args.max_api_version,
        max_page_size=args.max_page_size, cert_dir=args.cert_dir, extra_hosts=args.extra_host,
        cluster_name=args.cluster_name, quirks=quirks, socket_timeout=args.socket_timeout)
    if args.now:
        kwargs["now"] = args.now
    fields = set(SimulatorConfig.__dataclass_fields__)
    for name, value in args.settings:
        if name not in fields:
            raise ValueError("--set: unknown setting %r" % name)
        try:
            kwargs[name] = json.loads(value)
        except ValueError:
            kwargs[name] = value
    return SimulatorConfig(**kwargs)


def banner(info):
    users = info["users"]
    lines = [
        "VMS simulator ready: profile %s%s, VAST %s (API v1-v%d), seed %d, cluster %s" % (
            info["profile"], " (EBox)" if info["ebox"] else "", info["sw_version"], info["max_api_version"],
            info["seed"], info["cluster_name"]),
        "  base URL : %s" % info["base_url"],
        "  host     : %s" % info["host"],
        "  CA       : %s" % (info["ca_path"] or "(plain HTTP)"),
    ]
    for user, pw in users.items():
        extra = " (tenant %s)" % info["tenant_admin_tenant"] if user == "tenantadmin" else ""
        lines.append("  user     : %s / %s%s" % (user, pw, extra))
    lines.append("  admin    : %s" % info["admin_url"])
    ca = ("--cacert %s " % info["ca_path"]) if info["ca_path"] else ""
    lines.append("  try      : curl %s-u admin:%s %s/api/v%d/cnodes/" % (ca, users["admin"], info["base_url"],
                                                                         info["max_api_version"]))
    return "\n".join(lines)


def main(argv=None):
    args = parser().parse_args(argv)
    # Once the simulator serves, the handler only records the signal: a handler that takes a lock (Event.set)
    # deadlocks when a second signal arrives while the main thread holds that lock (Ctrl-C, then a TERM from the
    # shell that started it). Before that, a signal interrupts the start-up (a large profile takes seconds).
    stopping = []

    def stop(signum, _frame):
        if not stopping:
            stopping.append(signum)
            if not serving:
                raise KeyboardInterrupt
    serving = []
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        config = config_from_args(args)
        sim = Simulator(config).start()
        serving.append(True)
    except (ValueError, OSError, FaultError, OverrideError) as exc:
        print("simulator: %s" % exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("simulator: interrupted while starting", file=sys.stderr)
        return 130
    info = sim.info()
    print(json.dumps(info) if args.json else banner(info), flush=True)
    while not stopping:
        time.sleep(0.2)
    sim.stop()
    return 0
