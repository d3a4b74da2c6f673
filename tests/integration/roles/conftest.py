"""Fixtures of the role and playbook tests (the simulator fixtures come from simulator/testing.py)."""
import pytest

from simulator import Simulator, SimulatorConfig


@pytest.fixture(scope="module")
def module_sims():
    """Like sim_factory, but the simulators live for the whole test module (stopped at its end)."""
    sims = []

    def make(**kwargs):
        kwargs.setdefault("port", 0)
        sim = Simulator(SimulatorConfig(**kwargs)).start()
        sims.append(sim)
        return sim
    yield make
    for sim in sims:
        try:
            sim.stop()
        except Exception:  # already stopped by a test
            pass
