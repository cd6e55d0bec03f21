"""``predict``: latency percentiles, throughput and memory of one replica under a load, with provenance."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

from knowledge.catalog import Catalog
from knowledge.domain import (
    BenchmarkRow, GpuSpec, LatencyFigures, LatencyStats, Load, LoadKind, Prediction, Provenance, ServingConfig,
    Throughput,
)
from knowledge.domain.prediction import BenchmarkProtocol, PredictionProtocol
from simulator.perf.benchmarks import BenchmarkMatch, match, reference_value
from simulator.perf.coefficients import CoefficientSet, EngineCoefficients, family_name, load_coefficients
from simulator.perf.loadsim import SimulationResult, config_parts, memory_plan, simulate
from simulator.perf.parallelism import valid_tensor_parallel

if TYPE_CHECKING:  # annotations only: numpy loads when a function here runs, not on every start
    import numpy as np

METRICS = ("ttft", "itl", "e2e")
MEASURED_BAND_PCT = 5.0  # run-to-run spread of a measurement at the same load
INTERPOLATED_BAND_SHARE = 0.6  # a nearby measurement removes most of the model's systematic error
MAX_CORRECTION = 2.0
SCALED_GPU_BAND_FACTOR = 1.2  # a GPU without kernel tables of its own, scaled from its family's by vendor figures


def predict(config: ServingConfig, load: Load, catalog: Catalog, *, benchmarks: Sequence[BenchmarkRow] = (),
            seed: int = 0, coefficients: CoefficientSet | EngineCoefficients | None = None,
            requests_per_user: int | None = None, n_requests: int | None = None,
            protocol: BenchmarkProtocol | None = None, cached_prefix_tokens: int = 0) -> Prediction:
    """Predict one replica of ``config`` under ``load`` (the exact ``Prediction`` schema).

    ``protocol`` replays a closed-loop benchmark client (all users start together, that many requests each back
    to back, lengths uniform in [spread x L, L] with L the load's lengths, all measured) instead of the steady
    state; ``requests_per_user`` alone does the same with the load's own length distribution.
    ``cached_prefix_tokens``: a shared prompt prefix that prefix caching does not recompute.
    """
    if protocol is None and requests_per_user:
        protocol = BenchmarkProtocol(requests_per_user=requests_per_user)
        keep_lengths = True
    else:
        keep_lengths = False
    described = describe_protocol(load, protocol, keep_lengths)
    gpu = catalog.gpu(config.gpu)
    _, plan, _ = config_parts(config, catalog, coefficients if isinstance(coefficients, EngineCoefficients) else None)
    context = load.prompt_tokens + load.output_tokens
    kv_seqs = plan.max_sequences(context)
    max_concurrency = min(kv_seqs, config.max_num_seqs * config.data_parallel)
    if not plan.fits:
        # fits=False is the field that says it; the note is the sentence after "does not fit:" (why, by how much,
        # what would hold it)
        return Prediction(ttft_ms=None, itl_ms=None, e2e_ms=None, throughput=None, fits=False, memory=plan.breakdown,
                          max_concurrency=kv_seqs, provenance=Provenance.ESTIMATED,
                          notes=[f"{plan.reason}; {what_would_fit(config, catalog)}"], protocol=described)
    how = {"requests_per_user": requests_per_user if keep_lengths else None,
           "protocol": None if keep_lengths else protocol, "cached_prefix_tokens": cached_prefix_tokens}
    sim = simulate(config, load, catalog, n_requests=n_requests, seed=seed, coefficients=coefficients, **how)
    bands, band_note = _bands(gpu, coefficients)
    stats = {m: sim.stats(m) for m in METRICS}
    throughput = Throughput(requests_per_s=sim.throughput_rps, output_tokens_per_s=sim.output_tokens_per_s)
    notes = list(sim.notes)
    found = match(config, load, benchmarks, catalog)
    provenance = Provenance.ESTIMATED
    if found.exact is not None:
        provenance = Provenance.MEASURED
        stats, throughput = _from_row(found.exact, stats, throughput)
        bands = {m: MEASURED_BAND_PCT for m in METRICS}
        notes.append(f"measured: benchmark row from {found.exact.source}")
    elif found.exact_simulated is not None or found.neighbours:
        factors, used = _corrections(found, config, load, catalog, seed, coefficients, how)
        if used:
            provenance = Provenance.INTERPOLATED
            stats = {m: _scaled(stats[m], factors.get(m, 1.0)) for m in METRICS}
            bands = {m: round(b * INTERPOLATED_BAND_SHARE, 1) for m, b in bands.items()}
            notes.append("interpolated: model corrected by " + ", ".join(
                f"{m} x{f:.2f}" for m, f in factors.items()) + f" from {used} benchmark row(s) of this configuration")
    if provenance is Provenance.ESTIMATED:
        notes.extend(band_note)
    if config.data_parallel > 1:
        notes.append(f"{config.data_parallel} data-parallel engine ranks of TP{config.tensor_parallel}, "
                     "requests split evenly among them")
    stats = {m: s.model_copy(update={"band_pct": bands.get(m)}) for m, s in stats.items()}
    if cached_prefix_tokens:
        notes.append(f"prefix caching: a shared {min(cached_prefix_tokens, load.prompt_tokens - 1)}-token prompt "
                     "prefix is computed once; its KV blocks are counted per sequence (capacity slightly understated)")
    return Prediction(ttft_ms=stats["ttft"], itl_ms=stats["itl"], e2e_ms=stats["e2e"], throughput=throughput,
                      fits=True, memory=plan.breakdown, max_concurrency=max_concurrency, provenance=provenance,
                      notes=notes, protocol=described)


def what_would_fit(config: ServingConfig, catalog: Catalog) -> str:
    """The smallest tensor-parallel size of this GPU that holds ``config`` (same precision and engine settings),
    else the fewest GPUs of any catalog GPU that do (within one node, as Compass plans), in words."""
    model = catalog.model(config.model_id)
    gpu = catalog.gpu(config.gpu)

    def smallest(g: GpuSpec) -> int | None:
        return next((tp for tp in valid_tensor_parallel(model, g)
                     if memory_plan(config.model_copy(update={"gpu": g.name, "tensor_parallel": tp}), catalog).fits),
                    None)

    here = smallest(gpu)
    if here is not None:
        return f"tensor parallel {here} ({here} x {gpu.name}) would fit"
    fits = sorted((tp * config.data_parallel, g.memory_gib, g.name) for g in catalog.gpus
                  if (tp := smallest(g)) is not None)
    widest = max(valid_tensor_parallel(model, gpu))
    head = f"no tensor-parallel size up to one {gpu.name} node ({widest} GPUs) holds it"
    if not fits:
        return f"{head}, nor does one node of any GPU in the catalog at {config.precision.value}"
    fewest = fits[0][0]
    names = [name for n, _, name in fits if n == fewest]
    return f"{head}; the fewest GPUs that would: {fewest} x {' or '.join(names[:3])}"


def describe_protocol(load: Load, protocol: BenchmarkProtocol | None, keep_lengths: bool = False
                      ) -> PredictionProtocol:
    """What the figures describe, in words computed from the protocol."""
    if protocol is None:
        what = ("steady state: the first requests (warm-up) are dropped and arrivals keep flowing past the last "
                "measured one" if load.kind is not LoadKind.CONCURRENCY else
                "steady state: each user's first request (the synchronized start) is dropped")
        return PredictionProtocol(kind="steady_state", description=what)
    if keep_lengths:
        lengths = "lengths as given"
    elif protocol.length_spread < 1:
        lengths = (f"prompts uniform in [{round(protocol.length_spread * load.prompt_tokens)}, {load.prompt_tokens}], "
                   f"outputs in [{round(protocol.length_spread * load.output_tokens)}, {load.output_tokens}] tokens")
    else:
        lengths = f"{load.prompt_tokens}-token prompts, {load.output_tokens}-token outputs"
    return PredictionProtocol(
        kind="benchmark_replay", benchmark=protocol,
        description=f"benchmark replay: {load.value:g} users start together, {protocol.requests_per_user} requests "
                    f"each back to back, {lengths}; every request measured, warm-up included")


def _bands(gpu: GpuSpec, coefficients) -> tuple[dict[str, float], list[str]]:
    """The family's uncertainty band, and what the estimate rests on when it is less than the family's own runs."""
    cs = coefficients if isinstance(coefficients, CoefficientSet) else load_coefficients()
    fit = cs.fit_for(gpu.family, "vllm")
    bands = {m: float(fit.band_pct.get(m, 40.0)) for m in METRICS}
    notes = []
    name = family_name(gpu.family)
    if fit.prior:
        notes.append(f"nothing measured on {name} GPUs was calibrated ({fit.derivation or 'assumed efficiencies'}); "
                     "wider uncertainty")
    elif not fit.end_to_end:
        notes.append(f"{name} GPUs: {fit.derivation}")
    scaled = fit.scaled_note(gpu.name, gpu.family)
    if scaled:
        bands = {m: round(b * SCALED_GPU_BAND_FACTOR, 1) for m, b in bands.items()}
        notes.append(scaled)
    return bands, notes


def _scaled(s: LatencyStats, f: float) -> LatencyStats:
    return LatencyStats(mean=s.mean * f, p50=s.p50 * f, p90=s.p90 * f, p95=s.p95 * f, p99=s.p99 * f,
                        band_pct=s.band_pct)


def _from_row(row: BenchmarkRow, stats: dict[str, LatencyStats], throughput: Throughput
              ) -> tuple[dict[str, LatencyStats], Throughput]:
    """Measured figures where the row has them; the model's shape, scaled to the row, for the rest."""
    out = {}
    for m in METRICS:
        fig: LatencyFigures = getattr(row, f"{m}_ms")
        ref = reference_value(fig)
        base = stats[m]
        scaled = _scaled(base, ref[1] / getattr(base, ref[0])) if ref and getattr(base, ref[0]) > 0 else base
        values = {k: getattr(fig, k) if getattr(fig, k) is not None else getattr(scaled, k)
                  for k in ("mean", "p50", "p90", "p95", "p99")}
        out[m] = LatencyStats(**values)
    tp = Throughput(requests_per_s=row.requests_per_s if row.requests_per_s is not None else throughput.requests_per_s,
                    output_tokens_per_s=row.output_tokens_per_s if row.output_tokens_per_s is not None
                    else throughput.output_tokens_per_s)
    return out, tp


def _corrections(found: BenchmarkMatch, config: ServingConfig, load: Load, catalog: Catalog, seed: int,
                 coefficients, how: dict) -> tuple[dict[str, float], int]:
    """Geometric mean over the rows of measured / modelled, per metric, each row modelled at its own load."""
    import numpy as np
    rows = ([found.exact_simulated] if found.exact_simulated else []) + list(found.neighbours)
    logs: dict[str, list[float]] = {m: [] for m in METRICS}
    used = 0
    for row in rows:
        row_load = _row_load(row, load)
        try:
            sim: SimulationResult = simulate(config, row_load, catalog, seed=seed, coefficients=coefficients, **how)
        except ValueError:
            continue
        any_metric = False
        for m in METRICS:
            ref = reference_value(getattr(row, f"{m}_ms"))
            if not ref:
                continue
            modelled = getattr(sim.stats(m), ref[0])
            if modelled > 0 and math.isfinite(modelled):
                logs[m].append(math.log(ref[1] / modelled))
                any_metric = True
        used += any_metric
    factors = {m: float(np.clip(math.exp(np.mean(v)), 1 / MAX_CORRECTION, MAX_CORRECTION)) for m, v in logs.items()
               if v}
    return factors, used


def _row_load(row: BenchmarkRow, load: Load) -> Load:
    """The row's load, with the request's relative length spread."""
    def p90(mean_row: int, mean: int, p90_: int | None) -> int | None:
        return None if p90_ is None else max(mean_row, round(mean_row * p90_ / mean))

    return Load(kind=row.load_kind, value=row.load_value, burstiness_cv=load.burstiness_cv,
                prompt_tokens=row.prompt_tokens, output_tokens=row.output_tokens,
                prompt_tokens_p90=p90(row.prompt_tokens, load.prompt_tokens, load.prompt_tokens_p90),
                output_tokens_p90=p90(row.output_tokens, load.output_tokens, load.output_tokens_p90))
