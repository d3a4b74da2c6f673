"""pytest fixtures (loaded by tests/conftest.py as a plugin).

* ``sim_factory``: call it with :class:`SimulatorConfig` keyword arguments, get a started simulator that is
  stopped at teardown.
* ``vms_sim``: a ``small`` VAST 5.3.1 cluster, seed 7.
* ``vms_sim_shared``: the same, shared by a whole test module (for read-only tests; do not mutate it).
* ``module_sims``: like ``sim_factory``, but the simulators live until the end of the test module.

Also registers the ``slow`` marker.
"""
import pytest

from .config import SimulatorConfig
from .core import Simulator


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running test (large/huge profiles, benchmarks)")


def _factory():
    sims = []

    def make(**kwargs):
        kwargs.setdefault("port", 0)
        sim = Simulator(SimulatorConfig(**kwargs)).start()
        sims.append(sim)
        return sim
    return make, sims


def _stop_all(sims):
    for sim in sims:
        try:
            sim.stop()
        except Exception:  # pylint: disable=broad-except  # already stopped by the test
            pass


@pytest.fixture
def sim_factory():
    make, sims = _factory()
    yield make
    _stop_all(sims)


@pytest.fixture(scope="module")
def module_sims():
    make, sims = _factory()
    yield make
    _stop_all(sims)


@pytest.fixture
def vms_sim(sim_factory):
    return sim_factory(profile="small", vast_version="5.3.1", seed=7)


@pytest.fixture(scope="module")
def vms_sim_shared():
    make, sims = _factory()
    yield make(profile="small", vast_version="5.3.1", seed=7)
    _stop_all(sims)
