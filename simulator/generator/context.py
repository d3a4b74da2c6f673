"""Generation context: the seeded random source, the reference clock, address plans and record helpers.

One ``random.Random(seed)`` drives the core (hardware, network, tenants, policies) in a fixed order. Bulk
resources (views, quotas, events, ...) are generated per record from ``record_rng(resource, index)`` so a record
depends only on the core and its own index: that is what lets the ``huge`` profile generate them lazily.
"""
import datetime
import ipaddress
import random

from ..common import URL_PH, iso, parse_time
from ..models import models

WORDS = ("orion", "vega", "lyra", "atlas", "nova", "zephyr", "aurora", "cobalt", "quartz", "helix", "talon",
         "ember", "nimbus", "polaris", "sierra", "tundra", "vertex", "willow", "onyx", "juniper")
PROJECT_WORDS = ("alpha", "bravo", "genomics", "render", "ml-train", "archive", "finance", "seismic", "cad",
                 "imaging", "backup", "scratch-ai", "logs", "media", "research", "vdi", "sim", "datalake",
                 "home", "shared", "build", "qa", "analytics", "video", "chem", "weather", "bio", "risk")
FIRST_NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
               "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yolanda")


MASK64 = (1 << 64) - 1


class RecordRandom:
    """splitmix64: a tiny, fast, seedable source for per-record values (random.Random.seed costs ~5 us)."""

    __slots__ = ("state",)

    def __init__(self, seed):
        self.state = seed & MASK64

    def next64(self):
        self.state = z = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def random(self):
        return (self.next64() >> 11) * (1.0 / 9007199254740992.0)

    def randint(self, a, b):
        return a + self.next64() % (b - a + 1)

    def randrange(self, n):
        return self.next64() % n

    def uniform(self, a, b):
        return a + (b - a) * self.random()

    def choice(self, seq):
        return seq[self.next64() % len(seq)]

    def getrandbits(self, k):
        value = 0
        for _ in range((k + 63) // 64):
            value = (value << 64) | self.next64()
        return value >> (((k + 63) // 64) * 64 - k)


class Context:
    def __init__(self, config):
        self.cfg = config
        self.release = config.release
        self.scale = config.scale
        self.seed = int(config.seed)
        self.rng = random.Random(self.seed)
        self.models = models()
        self.now = parse_time(config.now)
        self.data = {}          # resource -> list of records (core, eager)
        self.singletons = {}    # e.g. network_settings, capacity
        self.bulk = {}          # resource -> (count, factory(index) -> record)
        rng = self.rng
        word = rng.choice(WORDS)
        self.site = word
        self.cluster_name = config.cluster_name or "%s-%s-%02d" % (word, rng.choice(("prod", "lab", "dr", "hpc")),
                                                                   rng.randint(1, 9))
        self.prefix = "%s%02d" % (word[:5], rng.randint(1, 40))
        self.cluster_guid = self.guid()
        self.mgmt_octet = 20 + rng.randint(0, 59)
        self.domain = "%s.example.com" % word
        self._salt = rng.randint(1, 2 ** 31)
        self._bases = {}

    # ---- randomness -------------------------------------------------------------------------------------
    def guid(self, rng=None):
        """A random (version 4 shaped) UUID string from the seeded source."""
        h = "%032x" % (rng or self.rng).getrandbits(128)
        return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) & 3], h[17:20], h[20:])

    def record_rng(self, resource, index):
        base = self._bases.get(resource)
        if base is None:
            h = (self.seed * 1000003 + self._salt) * 31 + sum(ord(c) * (i + 1) for i, c in enumerate(resource))
            base = self._bases[resource] = h * 10000019
        return RecordRandom(base + index)

    def digits(self, n, rng=None):
        rng = rng or self.rng
        return "".join(str(rng.randint(0, 9)) for _ in range(n))

    # ---- time ---------------------------------------------------------------------------------------------
    def ts(self, seconds_before_now=0.0, rng=None):
        """ISO timestamp ``seconds_before_now`` before the reference now, with a seeded microsecond part."""
        micro = (rng or self.rng).randint(0, 999999)
        value = self.now - datetime.timedelta(seconds=int(seconds_before_now)) + datetime.timedelta(microseconds=micro)
        return iso(value)

    def date(self, days_from_now):
        return (self.now + datetime.timedelta(days=days_from_now)).strftime("%Y-%m-%d")

    # ---- addresses ------------------------------------------------------------------------------------------
    def mgmt(self, third, fourth):
        """Management network 10.<site>.0.0/16 (NOTES shows 10.x management with a /16 mask)."""
        return str(ipaddress.IPv4Address("10.%d.%d.0" % (self.mgmt_octet, third)) + fourth)

    # ---- records ----------------------------------------------------------------------------------------------
    def new(self, schema, **fields):
        """A record: the schema skeleton (every property, neutral values) overlaid with ``fields``."""
        rec = dict(self.models.template(schema)) if schema else {}
        rec.update(fields)
        return rec

    def url(self, resource, ident):
        return "%s/%s/%s%s" % (URL_PH, resource, ident, "/" if self.release.self_link_slash else "")

    def common(self, resource, ident, name=None, rng=None, title=None):
        """Fields most objects share: id, guid, url, title, cluster."""
        out = {"id": ident, "guid": self.guid(rng), "url": self.url(resource, ident)}
        if name is not None:
            out["name"] = name
            out["title"] = title if title is not None else name
        return out

    def cluster_ref(self, string_id=False):
        return {"cluster": self.cluster_name, "cluster_id": "1" if string_id else 1}

    def sync(self, rng=None):
        return {"sync": "SYNCED", "sync_time": self.ts((rng or self.rng).randint(60, 86400), rng)}

    def add(self, resource, records):
        self.data.setdefault(resource, []).extend(records)
        return records
