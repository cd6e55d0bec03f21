"""Compass performance engine: memory plan, step-time model, load simulation, prediction and capacity.

Public API (the other layers code against these names):

* ``plan_memory`` -> ``MemoryPlan`` (fits, reason, breakdown, ``max_sequences(context_tokens)``)
* ``valid_tensor_parallel``
* ``StepTimeModel`` (``iteration_ms(prefill=[(chunk, prefix)], decode_contexts=[...])``)
* ``simulate`` -> ``SimulationResult``
* ``predict`` -> ``knowledge.domain.Prediction``
* ``max_rate_for_slos`` -> ``RateSearchResult``; ``SloTargets``
* ``estimate_capacity_rps`` (fast analytic screen); ``light_load_p95`` (one request in flight) and
  ``capacity_ceiling_rps`` (its bound whatever the targets) for pre-screening
* ``calibrate`` -> ``CalibrationReport`` (writes ``coefficients.json``)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from simulator.perf.capacity import (
    LightLoadLatency, RateSearchResult, SloTargets, capacity_ceiling_rps, capacity_limit, estimate_capacity_rps,
    light_load_p95, max_rate_for_slos,
)
from simulator.perf.coefficients import DEFAULT_COEFFICIENTS_PATH, EngineCoefficients, load_coefficients
from simulator.perf.loadsim import DoesNotFitError, SimulationResult, simulate
from simulator.perf.memory import MemoryPlan, plan_memory
from simulator.perf.parallelism import valid_tensor_parallel
from simulator.perf.predict import predict
from simulator.perf.steptime import StepTimeModel

if TYPE_CHECKING:
    from simulator.perf.calibration import CalibrationReport, calibrate

# Calibration (its least-squares fits, kernel tables and process pool) is loaded on first use: planning and predicting never need it,
# and every command line start would pay for it.
_LAZY = {"CalibrationReport": "simulator.perf.calibration", "calibrate": "simulator.perf.calibration"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_COEFFICIENTS_PATH", "CalibrationReport", "DoesNotFitError", "EngineCoefficients", "LightLoadLatency",
    "MemoryPlan",
    "RateSearchResult", "SimulationResult", "SloTargets", "StepTimeModel", "calibrate", "capacity_ceiling_rps", "capacity_limit",
    "estimate_capacity_rps", "light_load_p95",
    "load_coefficients", "max_rate_for_slos", "plan_memory", "predict", "simulate", "valid_tensor_parallel",
]
