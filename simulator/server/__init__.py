"""The live simulator: an OpenAI-compatible server that answers like vLLM on a given model/GPU/TP would.

Public API:

* ``SimulatorConfig`` (flags / environment variables) and ``resolve`` -> ``ResolvedSetup``
* ``create_app(setup)`` -> Starlette app
* ``run_server(config, host, port)``: blocking, what ``compass simulate`` runs
* ``InProcessServer(config).start()`` / ``.stop()``: on a background thread of this process
* ``SimulatorProcess(config).start()`` / ``.stop()``: a child process, waits for /health
"""

from simulator.server.app import create_app
from simulator.server.config import ConfigurationError, ResolvedSetup, SimulatorConfig, resolve
from simulator.server.process import InProcessServer, SimulatorProcess, free_port, run_server

__all__ = ["ConfigurationError", "InProcessServer", "ResolvedSetup", "SimulatorConfig", "SimulatorProcess",
           "create_app", "free_port", "resolve", "run_server"]
