"""Calibrate the step-time coefficients (``compass calibrate``): kernels first, then end-to-end overheads.

1. Kernel level (``kernel_calibration.py``): every GPU family with measured kernel tables gets its GEMM,
   attention, MoE and all-reduce efficiencies from them.
2. End to end, per GPU family with measured serving runs (vLLM ``agg`` rows): only the overheads the kernels
   do not show (per step, per layer, per sequence, API server) are fitted, minimising the robust (Huber)
   squared log error of mean TTFT and mean time per output token. The optimiser evaluates the fast closed-loop
   approximation (``closedloop.py``) multiplied by its ratio to the full event simulation, refreshed at each
   fitted point (defect correction). Honest errors come from leave-one-model-out refits evaluated with the full
   simulation.

Families with kernel tables but no serving runs (Ampere, Ada) take the overheads of the Hopper fit; families
with neither (CDNA3) stay priors derived from the Hopper fit (documented in the file).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from knowledge.catalog import Catalog
from simulator.perf.calibration_data import PROTOCOL, REQUESTS_PER_USER, Case, load_cases
from simulator.perf.closedloop import closed_loop
from simulator.perf.coefficients import (
    DEFAULT_COEFFICIENTS_PATH, PRIOR, CoefficientSet, EngineCoefficients, FamilyFit, coefficient_set_to_dict,
    family_name, family_with_gpus, load_coefficients,
)
from simulator.perf.fitting import BOUNDS, Parameterization, huber_weights, levenberg_marquardt
from simulator.perf.loadsim import config_parts, engine_limits, simulate
from simulator.perf.kernel_calibration import FamilyKernelFit, fit_all_families
from simulator.perf.steptime import StepTimeModel

TPOT_WEIGHT = 2.0  # the TPOT target is tighter (7% vs 15% median error)
HUBER_DELTA = 0.1
PRIOR_SIGMA = np.log(4.0)
PRIOR_WEIGHT = 2.0  # strong enough that a model class left out of the data falls back on sane priors
DEFECT_ROUNDS = 2
# What the end-to-end fit may move: the overheads no kernel table shows.
OVERHEAD_NAMES = ("floor_scale", "compute_scale", "step_ms", "layer_us", "seq_us", "ttft_ms", "ttft_per_seq_ms",
                  "ttft_prompt_us", "ep_imbalance")
# The measured runs' KV cache was FP8 for FP8/FP4 checkpoints: where concurrency exhausts the cache
# (TTFT jumps) matches FP8 KV on H200/B200/B300 (e.g. MiniMax-M2.5 TP2 on B200 runs 64 x 9k-token users
# without queueing; a 16-bit cache would hold about 50).
KV_POLICY = "quantized"
PRIOR_BAND_FACTOR = 1.5  # families without measurements: 1.5x the widest fitted band


class ErrorStats(BaseModel):
    rows: int
    ttft_median_ape: float
    ttft_p90_ape: float
    tpot_median_ape: float
    tpot_p90_ape: float


class FamilyReport(BaseModel):
    family: str
    rows: int
    coefficients: dict[str, float]
    in_sample: ErrorStats
    leave_one_model_out: ErrorStats | None = None
    per_gpu_in_sample: dict[str, ErrorStats] = {}
    per_model_in_sample: dict[str, ErrorStats] = {}
    per_model_left_out: dict[str, ErrorStats] = {}
    per_gpu_left_out: dict[str, ErrorStats] = {}
    per_precision_in_sample: dict[str, ErrorStats] = {}
    per_precision_left_out: dict[str, ErrorStats] = {}
    rows_not_fitting: dict[str, int] = {}  # rows whose configuration cannot start, by reason


class CalibrationReport(BaseModel):
    csv_path: str
    out_path: str
    fitted_on: str
    rows_used: int
    rows_skipped: dict[str, int]
    families: dict[str, FamilyReport]
    prior_families: list[str]  # no end-to-end rows
    kernel_families: list[str] = []  # kernel level fitted to measured kernel tables


@dataclass
class _Group:
    """One distinct simulation (config + load) and the measured rows that share it."""

    case: Case
    rows: list[Case]
    parts: tuple = field(default=())  # (model, gpu, plan, limits)

    def prepare(self, catalog: Catalog) -> None:
        cfg = self.case.config
        model, gpu = catalog.model(cfg.model_id), catalog.gpu(cfg.gpu)
        _, plan, _ = config_parts(cfg, catalog, PRIOR)
        self.parts = (model, gpu, plan, engine_limits(cfg, plan))

    def surrogate(self, c: EngineCoefficients) -> tuple[float, float]:
        model, gpu, _, lim = self.parts
        cfg = self.case.config
        step = StepTimeModel(model, cfg.precision, gpu, cfg.tensor_parallel, c, data_parallel=cfg.data_parallel,
                             expert_parallel=cfg.expert_parallel, kv_cache_dtype=cfg.kv_cache_dtype,
                             async_scheduling=cfg.async_scheduling)
        load = self.case.load
        prompt, output = self.case.mean_lengths
        est = closed_loop(step, lim, load.value / cfg.data_parallel, prompt, output,
                          c.api_ms(0.0, prompt), REQUESTS_PER_USER, ttft_per_seq_ms=c.ttft_per_seq_ms)
        return est.ttft_ms, est.tpot_ms

    def simulated(self, c: EngineCoefficients, catalog: Catalog) -> tuple[float, float]:
        r = simulate(self.case.config, self.case.load, catalog, coefficients=c,
                     protocol=self.case.protocol or PROTOCOL)
        return float(np.nanmean(r.ttft_ms)), float(np.nanmean(r.itl_ms))


def group_cases(cases: list[Case], catalog: Catalog, dropped: dict[str, int] | None = None) -> list[_Group]:
    """Distinct simulations; those that cannot start (memory) are left out and counted in ``dropped`` by reason."""
    groups: dict[tuple, _Group] = {}
    for c in cases:
        groups.setdefault(c.key, _Group(c, [])).rows.append(c)
    out = list(groups.values())
    for g in out:
        g.prepare(catalog)
        if not g.parts[2].fits and dropped is not None:
            reason = f"does not fit: {g.parts[2].reason}"
            dropped[reason] = dropped.get(reason, 0) + len(g.rows)
    return [g for g in out if g.parts[2].fits]


def fitted_names(groups: list[_Group]) -> tuple[str, ...]:
    """The end-to-end fit moves only the overheads; efficiencies come from the kernel tables."""
    del groups
    return OVERHEAD_NAMES


def _measured(groups: list[_Group]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    idx = np.array([i for i, g in enumerate(groups) for _ in g.rows])
    ttft = np.array([r.ttft_ms for g in groups for r in g.rows])
    tpot = np.array([r.tpot_ms for g in groups for r in g.rows])
    return idx, ttft, tpot


def fit_family(groups: list[_Group], catalog: Catalog, start: EngineCoefficients,
               ratios: np.ndarray | None = None, rounds: int = DEFECT_ROUNDS) -> tuple[EngineCoefficients, np.ndarray]:
    """Fit; returns the coefficients and the simulation/surrogate ratios at them (per group, ttft & tpot)."""
    par = Parameterization(fitted_names(groups), start)
    x = par.from_coefficients(start)
    x_prior = par.from_coefficients(PRIOR)
    idx, m_ttft, m_tpot = _measured(groups)
    rho = np.ones((len(groups), 2)) if ratios is None else ratios.copy()
    log_prior = np.log([getattr(PRIOR, n) for n in par.names])

    def raw(xv: np.ndarray) -> np.ndarray:
        c = par.to_coefficients(xv)
        s = np.array([g.surrogate(c) for g in groups]) * rho
        return np.concatenate([np.log(s[idx, 0] / m_ttft), TPOT_WEIGHT * np.log(s[idx, 1] / m_tpot)])

    def penalty(xv: np.ndarray) -> np.ndarray:
        c = par.to_coefficients(xv)
        logs = np.log([getattr(c, n) for n in par.names])
        return PRIOR_WEIGHT * (logs - log_prior) / PRIOR_SIGMA

    for _ in range(rounds):
        for _ in range(2):  # IRLS rounds for the Huber loss
            w = huber_weights(raw(x), HUBER_DELTA * np.r_[np.ones(len(idx)), TPOT_WEIGHT * np.ones(len(idx))])
            x, _ = levenberg_marquardt(lambda xv: np.concatenate([w * raw(xv), penalty(xv)]), x, max_iter=40)
        c = par.to_coefficients(x)
        sim = np.array([g.simulated(c, catalog) for g in groups])
        sur = np.array([g.surrogate(c) for g in groups])
        rho = sim / sur
    del x_prior
    return par.to_coefficients(x), rho


def error_stats(groups: list[_Group], predicted: np.ndarray) -> ErrorStats:
    idx, m_ttft, m_tpot = _measured(groups)
    e_t = np.abs(predicted[idx, 0] / m_ttft - 1)
    e_p = np.abs(predicted[idx, 1] / m_tpot - 1)
    return ErrorStats(rows=len(idx), ttft_median_ape=float(np.median(e_t)), ttft_p90_ape=float(np.percentile(e_t, 90)),
                      tpot_median_ape=float(np.median(e_p)), tpot_p90_ape=float(np.percentile(e_p, 90)))


def leave_one_model_out(groups: list[_Group], catalog: Catalog, fitted: EngineCoefficients,
                        rho: np.ndarray) -> tuple[ErrorStats, np.ndarray]:
    predicted = np.zeros((len(groups), 2))
    models = sorted({g.case.model_id for g in groups})
    for m in models:
        train = [i for i, g in enumerate(groups) if g.case.model_id != m]
        test = [i for i, g in enumerate(groups) if g.case.model_id == m]
        if not train:
            continue
        c, _ = fit_family([groups[i] for i in train], catalog, fitted, rho[train], rounds=1)
        for i in test:
            predicted[i] = groups[i].simulated(c, catalog)
    return error_stats(groups, predicted), predicted


def calibrate(csv_path: Path, out_path: Path = DEFAULT_COEFFICIENTS_PATH, *, catalog: Catalog | None = None,
              cross_validate: bool = True, workers: int | None = None,
              kernels_dir: Path | None = None, exclude_inconsistent: bool = True) -> CalibrationReport:
    """Fit every family's kernel level from ``kernels_dir`` (when given), then the end-to-end overheads of every
    GPU family with vLLM ``agg`` rows in ``csv_path``, and write ``out_path``.

    Families are fitted in parallel processes (``workers``, default: up to the CPU count). Rows that contradict
    their own deployment's load curve are left out and counted (``calibration_data.inconsistent_rows``).
    """
    catalog = catalog or Catalog.from_files()
    kernel_fits = fit_all_families(Path(kernels_dir), catalog) if kernels_dir else {}
    results, skipped = family_reports(Path(csv_path), catalog, kernel_fits, cross_validate=cross_validate,
                                      workers=workers, exclude_inconsistent=exclude_inconsistent)
    families = {r.family: r for r, _ in results}
    fits: dict[str, FamilyFit] = {}
    for r, fit in results:
        k = kernel_fits.get(r.family)
        fits[r.family] = FamilyFit(
            fit.coefficients, False, fit.band_pct,
            f"engine overheads fitted on {r.rows} measured vLLM serving runs ({Path(csv_path).name}); "
            + (f"kernel efficiencies from {family_with_gpus(r.family, k.gpus)} kernel tables" if k
               else "kernel efficiencies assumed (no kernel tables)"),
            kernel_gpus=tuple(k.gpus) if k else (), kernel_source=k.source if k else "")
    fits.update(kernel_only_families(kernel_fits, fits))
    fits.update(prior_families(fits))
    fitted_on = dt.date.today().isoformat()
    doc = coefficient_set_to_dict(CoefficientSet(engines={"vllm": fits}, fitted_on=fitted_on))
    doc["source"] = (f"{Path(csv_path).name}: backend=vllm, mode=agg rows; KV cache fp8 for fp8/fp4 checkpoints; "
                     f"benchmark client of {REQUESTS_PER_USER} requests per user; kernel tables: "
                     + (Path(kernels_dir).name if kernels_dir else "none") + "; see simulator/perf/calibration.py")
    doc["rows_skipped"] = skipped
    doc["residuals"] = {f: r.model_dump(exclude={"coefficients"}) for f, r in families.items()}
    doc["kernel_fit"] = {f: k.model_dump(exclude={"values"}) for f, k in kernel_fits.items()}
    Path(out_path).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    load_coefficients.cache_clear()
    return CalibrationReport(csv_path=str(csv_path), out_path=str(out_path), fitted_on=fitted_on,
                             rows_used=sum(r.rows for r in families.values()), rows_skipped=skipped,
                             families=families, prior_families=sorted(set(fits) - set(families)),
                             kernel_families=sorted(kernel_fits))


def family_reports(csv_path: Path, catalog: Catalog, kernel_fits: dict[str, FamilyKernelFit], *,
                   cross_validate: bool = True, workers: int | None = None, exclude_inconsistent: bool = True
                   ) -> tuple[list[tuple[FamilyReport, FamilyFit]], dict[str, int]]:
    """End-to-end fit (and leave-one-model-out refits) of every family with rows, starting from its kernel fit;
    also the rows skipped and why. Writes nothing."""
    starts = {f: PRIOR.with_values(**k.values) for f, k in kernel_fits.items()}
    cases, skipped = load_cases(Path(csv_path), catalog, kv_policy=KV_POLICY,
                                exclude_inconsistent=exclude_inconsistent)
    names = sorted({c.family for c in cases})
    jobs = [([c for c in cases if c.family == f], starts.get(f, PRIOR)) for f in names]
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_calibrate_family, [j[0] for j in jobs], [catalog] * len(jobs),
                                    [cross_validate] * len(jobs), [j[1] for j in jobs]))
    else:
        results = [_calibrate_family(j[0], catalog, cross_validate, j[1]) for j in jobs]
    return results, skipped


def _calibrate_family(cases: list[Case], catalog: Catalog, cross_validate: bool,
                      start: EngineCoefficients = PRIOR) -> tuple[FamilyReport, FamilyFit]:
    family = cases[0].family
    dropped: dict[str, int] = {}
    groups = group_cases(cases, catalog, dropped)
    coeffs, rho = fit_family(groups, catalog, start)
    sim = np.array([g.simulated(coeffs, catalog) for g in groups])
    report = FamilyReport(family=family, rows=sum(len(g.rows) for g in groups),
                          coefficients={k: round(v, 6) for k, v in asdict(coeffs).items()},
                          in_sample=error_stats(groups, sim), rows_not_fitting=dropped)
    report.per_gpu_in_sample = _breakdown(groups, sim, lambda g: g.case.gpu)
    report.per_model_in_sample = _breakdown(groups, sim, lambda g: g.case.model_id)
    report.per_precision_in_sample = _breakdown(groups, sim, lambda g: g.case.config.precision.value)
    honest = report.in_sample
    if cross_validate:
        report.leave_one_model_out, held_out = leave_one_model_out(groups, catalog, coeffs, rho)
        report.per_model_left_out = _breakdown(groups, held_out, lambda g: g.case.model_id)
        report.per_gpu_left_out = _breakdown(groups, held_out, lambda g: g.case.gpu)
        report.per_precision_left_out = _breakdown(groups, held_out, lambda g: g.case.config.precision.value)
        honest = report.leave_one_model_out
    return report, FamilyFit(coeffs, prior=False, band_pct=bands_from(honest))


def _breakdown(groups: list[_Group], predicted: np.ndarray, key) -> dict[str, ErrorStats]:
    out = {}
    for k in sorted({key(g) for g in groups}):
        sel = [i for i, g in enumerate(groups) if key(g) == k]
        out[k] = error_stats([groups[i] for i in sel], predicted[sel])
    return out


def bands_from(stats: ErrorStats) -> dict[str, float]:
    """+/- band (percent) for p95 figures: the ~80th percentile error of means, widened for tails."""
    ttft80 = stats.ttft_median_ape + 0.6 * (stats.ttft_p90_ape - stats.ttft_median_ape)
    tpot80 = stats.tpot_median_ape + 0.6 * (stats.tpot_p90_ape - stats.tpot_median_ape)
    tail = 1.25
    return {"ttft": round(100 * tail * ttft80, 1), "itl": round(100 * tail * tpot80, 1),
            "e2e": round(100 * tail * max(tpot80, 0.5 * (ttft80 + tpot80)), 1)}


KERNEL_ONLY_BAND_FACTOR = 1.25  # kernel-calibrated families whose overheads come from another family's runs


def kernel_only_families(kernel_fits: dict[str, FamilyKernelFit], fitted: dict[str, FamilyFit]) -> dict[str, FamilyFit]:
    """Families with kernel tables but no serving runs: their kernel level, the Hopper fit's overheads (CPU-side
    scheduler, sampler and API costs, which do not depend on the GPU), a wider band."""
    base_name = "hopper" if "hopper" in fitted else next(iter(fitted), None)
    if base_name is None:
        return {}
    base = fitted[base_name]
    widest = {m: max(f.band_pct.get(m, 0.0) for f in fitted.values()) for m in ("ttft", "itl", "e2e")}
    out = {}
    for family, k in kernel_fits.items():
        if family in fitted:
            continue
        overheads = {n: getattr(base.coefficients, n) for n in OVERHEAD_NAMES}
        out[family] = FamilyFit(
            PRIOR.with_values(**k.values, **overheads), prior=False,
            band_pct={m: round(KERNEL_ONLY_BAND_FACTOR * v, 1) for m, v in widest.items()},
            derivation=(f"kernel efficiencies from {family_with_gpus(family, k.gpus)} kernel tables; engine "
                        f"overheads from the serving runs measured on {family_name(base_name)} GPUs (none on "
                        f"{family_name(family)} GPUs); uncertainty {KERNEL_ONLY_BAND_FACTOR}x the widest measured "
                        "family's"),
            end_to_end=False, kernel_gpus=tuple(k.gpus), kernel_source=k.source)
    return out


# Families without any measurements: relative adjustments to the Hopper (else Blackwell) fit, with reasons.
_PRIOR_ADJUSTMENTS: dict[str, tuple[dict[str, float], str]] = {
    "cdna3": ({"flops_eff": 0.7, "bw_eff": 0.85, "attn_flops_eff": 0.7, "layer_us": 1.3, "step_ms": 1.3,
               "comm_latency_us": 1.5},
              "the NVIDIA Hopper calibration with ROCm vLLM kernels assumed 30% less compute-efficient, 15% less "
              "bandwidth-efficient, with 30% higher overheads and 1.5x the collective latency"),
}


def prior_families(fits: dict[str, FamilyFit]) -> dict[str, FamilyFit]:
    base_name = "hopper" if "hopper" in fits else next(iter(fits), None)
    base = fits[base_name].coefficients if base_name else PRIOR
    widest = {m: max(f.band_pct.get(m, 0.0) for f in fits.values()) for m in ("ttft", "itl", "e2e")} if fits \
        else {"ttft": 40.0, "itl": 30.0, "e2e": 35.0}
    out = {}
    for family, (adj, why) in _PRIOR_ADJUSTMENTS.items():
        if family in fits:
            continue
        values = {k: min(getattr(base, k) * f, BOUNDS[k][1]) for k, f in adj.items()}
        out[family] = FamilyFit(base.with_values(**values), prior=True,
                                band_pct={k: round(min(PRIOR_BAND_FACTOR * v, 150.0), 1) for k, v in widest.items()},
                                derivation=f"assumed, nothing measured on {family_name(family)} GPUs: {why}",
                                end_to_end=False)
    return out
