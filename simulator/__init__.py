"""VMS simulator: a stand-in for a VAST cluster's management REST API (see simulator/README.md).

    from simulator import Simulator, SimulatorConfig
    sim = Simulator(SimulatorConfig(profile="small", vast_version="5.3.1", seed=7)).start()
"""
from .config import PROFILES, SimulatorConfig, release_for
from .core import Simulator
from .scenarios import SCENARIOS

__all__ = ["Simulator", "SimulatorConfig", "PROFILES", "SCENARIOS", "release_for"]
