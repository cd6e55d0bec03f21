"""Calibrated efficiency factors of the step-time model, per GPU family and engine.

The fitted numbers live in ``coefficients.json`` next to this module (written by ``calibrate()``); the
defaults below are the priors the fits start from and what a missing file falls back to. They are generic
figures, not fitted: large 16-bit GEMMs reach ~70% of dense tensor peak, weight streaming ~75% of HBM peak,
flash attention ~50% of 16-bit peak, kernel floors of a few microseconds per call, NCCL/custom all-reduce
latencies of ~10 us per call on NVLink.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache
from pathlib import Path

DEFAULT_COEFFICIENTS_PATH = Path(__file__).with_name("coefficients.json")
FAMILIES = ("ampere", "ada", "hopper", "blackwell", "cdna3")
# GPU families as users know them, for anything a user reads.
FAMILY_NAMES = {"ampere": "NVIDIA Ampere", "ada": "NVIDIA Ada", "hopper": "NVIDIA Hopper",
                "blackwell": "NVIDIA Blackwell", "cdna3": "AMD CDNA 3"}


def family_name(family: str) -> str:
    return FAMILY_NAMES.get(family, family)


def family_with_gpus(family: str, gpus: tuple[str, ...] | list[str]) -> str:
    """'NVIDIA Ada (L40S)': the family and the GPUs that stand for it."""
    return f"{family_name(family)} ({', '.join(gpus)})" if gpus else family_name(family)


@dataclass(frozen=True)
class EngineCoefficients:
    """Efficiencies are fractions of the GPU's catalog peak of that kind; overheads are wall time.

    Kernel level (fitted to measured kernel tables, ``kernel_calibration.py``): GEMMs per kind, attention,
    fused MoE, all-reduce. End to end (fitted to measured serving runs, ``calibration.py``): what the kernels
    do not show (scheduler and sampler per step, per-layer glue, per sequence, API server).
    """

    bw_eff: float = 0.75  # 16-bit GEMMs: weight streaming, fraction of peak HBM bandwidth
    flops_eff: float = 0.70  # 16-bit GEMMs with many tokens, fraction of peak 16-bit tensor throughput
    gemm_lat_us: float = 4.0  # per 16-bit GEMM call: launch and tail floor
    fp8_flops_eff: float = 0.55  # native FP8 (and INT8) GEMMs, fraction of the 8-bit peak
    fp8_bw_eff: float = 0.70
    fp4_flops_eff: float = 0.50  # native 4-bit (NVFP4/MXFP4) GEMMs, fraction of the 4-bit peak
    fp4_bw_eff: float = 0.65
    wonly_flops_eff: float = 0.45  # weight-only kernels (weights dequantized to 16-bit), of the 16-bit peak
    wonly_bw_eff: float = 0.60
    quant_lat_us: float = 8.0  # per quantized GEMM call (includes quantizing the activations)
    quant_act_factor: float = 1.5  # input-quantization traffic of quantized GEMMs, in reads of the 16-bit input
    attn_bw_eff: float = 0.70  # KV-cache reads of decode attention, 16-bit cache
    attn_fp8_bw_eff: float = 0.60  # the same over an FP8 cache (dequantizing costs some of the bandwidth)
    attn_flops_eff: float = 0.50  # prefill (flash) attention, fraction of 16-bit peak
    attn_min_keys: float = 0.0  # prefill: keys' worth of work every query pays whatever its context (tile ramp)
    attn_lat_us: float = 10.0  # per attention call (one per layer and step)
    attn_seq_us: float = 0.3  # per sequence per attention call (tiles, split-KV reduction, block tables)
    moe_flops_eff: float = 0.70  # fused MoE GEMMs relative to dense GEMMs of the same kind, compute
    moe_bw_eff: float = 0.80  # fused MoE GEMMs relative to dense GEMMs of the same kind, weight streaming
    moe_layer_us: float = 30.0  # per MoE layer call: routing, top-k, permutations, the grouped GEMMs' floor
    moe_ep_lat_us: float = 15.0  # expert parallelism: the local-expert map and the extra permutation, per layer
    ep_imbalance: float = 1.2  # expert parallelism: the busiest GPU's routed tokens over the mean (uneven routing)
    comm_latency_us: float = 12.0  # per collective call (all-reduce, all-to-all)
    comm_eff: float = 0.70  # fraction of the interconnect's one-way bandwidth
    a2a_lat_us: float = 50.0  # per expert-parallel dispatch or combine call (all-to-all of routed tokens)
    a2a_eff: float = 0.50  # all-to-all payload rate, fraction of the interconnect's one-way bandwidth
    floor_scale: float = 1.0  # kernel call floors in a served forward pass relative to isolated kernels (CUDA graphs)
    compute_scale: float = 1.0  # sustained tensor throughput relative to the kernel benchmarks (power, clocks)
    step_ms: float = 1.5  # fixed per engine step: scheduler, sampler, input preparation
    layer_us: float = 10.0  # per layer per step beyond GEMMs and attention: norms, rotary, residuals, glue
    seq_us: float = 8.0  # per sequence in the batch: sampling and bookkeeping
    ttft_ms: float = 8.0  # per request: HTTP, tokenization, first-token streaming
    ttft_per_seq_ms: float = 0.2  # first-token delay per running request (API server and streaming load)
    ttft_prompt_us: float = 2.0  # first-token delay per prompt token: the API server parses and tokenizes the prompt

    def with_values(self, **values: float) -> "EngineCoefficients":
        return replace(self, **values)

    def api_ms(self, running, prompt_tokens):
        """The API server's share of a request's first-token latency: a constant, the prompt's parsing and
        tokenization, and a share growing with the requests it is streaming (numbers or arrays)."""
        return self.ttft_ms + self.ttft_prompt_us * 1e-3 * prompt_tokens + self.ttft_per_seq_ms * running


COEFFICIENT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(EngineCoefficients))
PRIOR = EngineCoefficients()


@dataclass(frozen=True)
class FamilyFit:
    coefficients: EngineCoefficients
    prior: bool  # True when no measurements of this family were fitted
    band_pct: dict[str, float]  # +/- relative uncertainty (about 80% of errors inside) per metric
    derivation: str = ""
    end_to_end: bool = True  # overheads fitted on this family's own serving runs
    kernel_gpus: tuple[str, ...] = ()  # catalog GPUs whose own kernel tables calibrated the kernel level
    kernel_source: str = ""  # where the kernel-level efficiencies come from (or why they are priors)

    def scaled_note(self, gpu: str, family: str) -> str | None:
        """Said of a GPU of this family without kernel tables of its own (its vendor figures scale the fit)."""
        if not self.kernel_gpus or gpu in self.kernel_gpus:
            return None
        return (f"{gpu}: {family_with_gpus(family, self.kernel_gpus)} kernel tables scaled to {gpu}'s vendor "
                f"figures (nothing measured on the {gpu} itself); wider uncertainty")


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
                derivation=str(entry.get("derivation", "")), end_to_end=bool(entry.get("end_to_end", True)),
                kernel_gpus=tuple(entry.get("kernel_gpus", ())), kernel_source=str(entry.get("kernel_source", "")))
    return CoefficientSet(engines=engines, fitted_on=doc.get("fitted_on"))


def coefficient_set_to_dict(cs: CoefficientSet) -> dict:
    return {
        "engines": {
            engine: {family: {"prior": fit.prior, "derivation": fit.derivation, "band_pct": fit.band_pct,
                              "end_to_end": fit.end_to_end, "kernel_gpus": list(fit.kernel_gpus),
                              "kernel_source": fit.kernel_source,
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
