"""Calibrated efficiency factors of the step-time model, per GPU family and engine.

The fitted numbers live in ``coefficients.json`` next to this module (written by ``calibrate()``); the
defaults below are the priors the fit starts from, is regularised towards, and what a missing file falls back
to. They are generic figures, not fitted: large GEMMs reach ~60% of dense tensor peak in serving engines,
weight streaming ~75% of HBM peak, flash attention ~45% of 16-bit peak, kernel launch floors of tens of
microseconds per layer, NCCL/custom all-reduce latencies of ~10 us per call on NVLink.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache
from pathlib import Path

DEFAULT_COEFFICIENTS_PATH = Path(__file__).with_name("coefficients.json")
FAMILIES = ("ampere", "ada", "hopper", "blackwell", "cdna3")


@dataclass(frozen=True)
class EngineCoefficients:
    """Efficiencies are fractions of the GPU's peak; overheads are wall time."""

    bw_eff: float = 0.75  # weight streaming, fraction of peak HBM bandwidth
    flops_eff: float = 0.60  # dense GEMMs with many tokens, fraction of peak tensor throughput
    attn_bw_eff: float = 0.60  # KV-cache reads of decode attention
    attn_flops_eff: float = 0.45  # prefill (flash) attention, fraction of 16-bit peak
    moe_flops_eff: float = 0.70  # grouped expert GEMMs relative to dense GEMMs, compute
    moe_bw_eff: float = 0.80  # grouped expert GEMMs relative to dense GEMMs, weight streaming
    fp4_flops_eff: float = 0.80  # native 4-bit (NVFP4/MXFP4) GEMMs, compute, relative to 8/16-bit ones
    fp4_bw_eff: float = 0.80  # native 4-bit GEMMs, weight streaming, relative
    wonly_flops_eff: float = 0.60  # weight-only kernels (4-bit weights dequantized to 16-bit), compute
    wonly_bw_eff: float = 0.80  # weight-only kernels, weight streaming
    step_ms: float = 1.5  # fixed per engine step: scheduler, sampler, input preparation
    layer_us: float = 25.0  # per layer per step: floor of a layer's kernel latencies
    moe_layer_us: float = 15.0  # extra per MoE layer per step (router, top-k, permutations)
    seq_us: float = 8.0  # per sequence in the batch: sampling and bookkeeping
    comm_latency_us: float = 12.0  # per collective call (all-reduce, all-to-all)
    comm_eff: float = 0.70  # fraction of the interconnect's one-way bandwidth
    ttft_ms: float = 8.0  # per request: HTTP, tokenization, first-token streaming
    ttft_per_seq_ms: float = 0.2  # first-token delay per running request (API server and streaming load)

    def with_values(self, **values: float) -> "EngineCoefficients":
        return replace(self, **values)


COEFFICIENT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(EngineCoefficients))
PRIOR = EngineCoefficients()


@dataclass(frozen=True)
class FamilyFit:
    coefficients: EngineCoefficients
    prior: bool  # True when no measurements of this family were fitted
    band_pct: dict[str, float]  # +/- relative uncertainty (about 80% of errors inside) per metric
    derivation: str = ""


@dataclass(frozen=True)
class CoefficientSet:
    engines: dict[str, dict[str, FamilyFit]]
    fitted_on: str | None = None

    def fit_for(self, family: str, engine: str = "vllm") -> FamilyFit:
        per_engine = self.engines.get(engine) or self.engines.get("vllm") or {}
        if family in per_engine:
            return per_engine[family]
        return FamilyFit(PRIOR, prior=True, band_pct=dict(_DEFAULT_BANDS), derivation="built-in prior")

    def for_family(self, family: str, engine: str = "vllm") -> EngineCoefficients:
        return self.fit_for(family, engine).coefficients


_DEFAULT_BANDS = {"ttft": 40.0, "itl": 30.0, "e2e": 35.0}


def coefficient_set_from_dict(doc: dict) -> CoefficientSet:
    engines: dict[str, dict[str, FamilyFit]] = {}
    for engine, families in doc.get("engines", {}).items():
        engines[engine] = {}
        for family, entry in families.items():
            values = {k: float(v) for k, v in entry.get("coefficients", {}).items() if k in COEFFICIENT_NAMES}
            engines[engine][family] = FamilyFit(
                coefficients=replace(PRIOR, **values), prior=bool(entry.get("prior", False)),
                band_pct={k: float(v) for k, v in entry.get("band_pct", _DEFAULT_BANDS).items()},
                derivation=str(entry.get("derivation", "")))
    return CoefficientSet(engines=engines, fitted_on=doc.get("fitted_on"))


def coefficient_set_to_dict(cs: CoefficientSet) -> dict:
    return {
        "engines": {
            engine: {family: {"prior": fit.prior, "derivation": fit.derivation, "band_pct": fit.band_pct,
                              "coefficients": {k: round(v, 6) for k, v in asdict(fit.coefficients).items()}}
                     for family, fit in families.items()}
            for engine, families in cs.engines.items()},
        "fitted_on": cs.fitted_on,
    }


@lru_cache(maxsize=8)
def load_coefficients(path: Path = DEFAULT_COEFFICIENTS_PATH) -> CoefficientSet:
    """The committed fit; the built-in priors when the file is absent."""
    if not Path(path).exists():
        return CoefficientSet(engines={})
    return coefficient_set_from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
