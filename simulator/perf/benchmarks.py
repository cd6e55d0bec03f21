"""Matching stored benchmark rows to a prediction request (benchmarks first, model second).

* ``measured``: a row measured on hardware with the same configuration at (nearly) the same load and lengths;
* ``interpolated``: rows of the same configuration at neighbouring loads or lengths (measured or simulated):
  the model is run at each row's own load and its error there corrects the prediction;
* ``estimated``: no usable rows; the calibrated model alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from knowledge.catalog import Catalog, UnknownNameError
from knowledge.domain import BenchmarkRow, LatencyFigures, Load, LoadKind, ServingConfig

LOAD_TOLERANCE = 0.05  # relative difference in load value still called "the same load"
LENGTH_TOLERANCE = 0.10
NEIGHBOUR_LOAD_FACTOR = 4.0  # rows within this factor of the load (and 2x of lengths) may interpolate
NEIGHBOUR_LENGTH_FACTOR = 2.0
MAX_NEIGHBOURS = 2


def same_config(row: BenchmarkRow, config: ServingConfig, catalog: Catalog) -> bool:
    if (row.engine or "vllm").lower() != "vllm":
        return False
    try:
        same_model = catalog.model(row.model_id).id == catalog.model(config.model_id).id
        same_gpu = catalog.gpu(row.gpu).name == catalog.gpu(config.gpu).name
    except UnknownNameError:
        return False
    return (same_model and same_gpu and row.precision == config.precision
            and row.tensor_parallel == config.tensor_parallel and row.gpu_count == config.gpus_per_replica)


def _kind_matches(row: BenchmarkRow, load: Load) -> bool:
    open_loop = {LoadKind.RPS, LoadKind.BURSTY}
    if load.kind is LoadKind.BURSTY:
        return row.load_kind is LoadKind.BURSTY or (row.load_kind is LoadKind.RPS and load.burstiness_cv <= 1.2)
    return row.load_kind == load.kind or (load.kind in open_loop and row.load_kind in open_loop)


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-9)


def is_exact(row: BenchmarkRow, load: Load) -> bool:
    return (_kind_matches(row, load) and _rel(row.load_value, load.value) <= LOAD_TOLERANCE
            and _rel(row.prompt_tokens, load.prompt_tokens) <= LENGTH_TOLERANCE
            and _rel(row.output_tokens, load.output_tokens) <= LENGTH_TOLERANCE)


def distance(row: BenchmarkRow, load: Load) -> float:
    """Log-space distance in load and lengths (inf when too far to interpolate from)."""
    if not _kind_matches(row, load):
        return math.inf
    d_load = abs(math.log(row.load_value / load.value))
    d_in = abs(math.log(row.prompt_tokens / load.prompt_tokens))
    d_out = abs(math.log(row.output_tokens / load.output_tokens))
    if (d_load > math.log(NEIGHBOUR_LOAD_FACTOR) or d_in > math.log(NEIGHBOUR_LENGTH_FACTOR)
            or d_out > math.log(NEIGHBOUR_LENGTH_FACTOR)):
        return math.inf
    return d_load + d_in + d_out


@dataclass(frozen=True)
class BenchmarkMatch:
    exact: BenchmarkRow | None  # measured on hardware at this very load
    exact_simulated: BenchmarkRow | None  # a simulated row at this load (never "measured")
    neighbours: tuple[BenchmarkRow, ...]


def match(config: ServingConfig, load: Load, rows: Sequence[BenchmarkRow], catalog: Catalog) -> BenchmarkMatch:
    same = [r for r in rows if same_config(r, config, catalog)]
    exact = [r for r in same if is_exact(r, load)]
    measured = [r for r in exact if r.data_kind == "measured"]
    simulated = [r for r in exact if r.data_kind != "measured"]
    near = sorted((distance(r, load), i, r) for i, r in enumerate(same) if r not in exact)
    neighbours = tuple(r for d, _, r in near if d < math.inf)[:MAX_NEIGHBOURS]
    return BenchmarkMatch(exact=_best(measured), exact_simulated=_best(simulated), neighbours=neighbours)


def _best(rows: list[BenchmarkRow]) -> BenchmarkRow | None:
    """Most complete, then most recent."""
    if not rows:
        return None

    def score(r: BenchmarkRow) -> tuple:
        filled = sum(v is not None for f in (r.ttft_ms, r.itl_ms, r.e2e_ms) for v in f.model_dump().values())
        return filled, r.measured_on.isoformat() if r.measured_on else ""

    return max(rows, key=score)


def reference_value(fig: LatencyFigures) -> tuple[str, float] | None:
    """The statistic a correction factor is taken from: p95 if known, else mean, else p50/p90/p99."""
    for name in ("p95", "mean", "p50", "p90", "p99"):
        v = getattr(fig, name)
        if v is not None and v > 0:
            return name, v
    return None
