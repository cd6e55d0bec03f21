"""Typed catalog entries: models, GPUs and use-case templates.

The YAML files under ``knowledge/data/`` are validated against these models when they are
loaded, and the database stores them as validated JSON, so every layer reads one shape.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from knowledge.domain.enums import AttentionKind, ExperienceClass, Precision, UseCase


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- models


class ModelArchitecture(_Strict):
    """The facts a performance model needs, as in the model's ``config.json``."""

    total_params_b: float = Field(gt=0, description="all parameters, billions (incl. embeddings)")
    active_params_b: float = Field(gt=0, description="parameters used per token, billions (MoE < total)")
    num_layers: int = Field(gt=0)
    hidden_size: int = Field(gt=0)
    num_attention_heads: int = Field(gt=0)
    num_kv_heads: int = Field(gt=0)
    head_dim: int = Field(gt=0)
    intermediate_size: int = Field(gt=0, description="dense MLP width (dense layers)")
    vocab_size: int = Field(gt=0)
    max_context: int = Field(gt=0, description="max position embeddings served by default, tokens")
    attention: AttentionKind
    # Mixture of experts
    num_experts: int | None = Field(default=None, gt=0)
    experts_per_token: int | None = Field(default=None, gt=0)
    num_shared_experts: int = Field(default=0, ge=0)
    moe_intermediate_size: int | None = Field(default=None, gt=0)
    first_dense_layers: int = Field(default=0, ge=0, description="leading layers with a dense MLP")
    # Multi-head latent attention (DeepSeek-V3 style): the cache holds a compressed latent
    kv_lora_rank: int | None = Field(default=None, gt=0)
    qk_rope_head_dim: int | None = Field(default=None, gt=0)
    # Sliding-window attention: that many of the layers only attend to the last `sliding_window` tokens
    sliding_window: int | None = Field(default=None, gt=0)
    sliding_window_layers: int = Field(default=0, ge=0)

    @property
    def is_moe(self) -> bool:
        return bool(self.num_experts and self.num_experts > 1)

    @model_validator(mode="after")
    def _consistent(self) -> "ModelArchitecture":
        if self.active_params_b > self.total_params_b * 1.0001:
            raise ValueError("active_params_b cannot exceed total_params_b")
        if self.num_attention_heads % self.num_kv_heads:
            raise ValueError("num_attention_heads must be a multiple of num_kv_heads")
        if self.attention is AttentionKind.MLA and not (self.kv_lora_rank and self.qk_rope_head_dim):
            raise ValueError("MLA models need kv_lora_rank and qk_rope_head_dim")
        if self.is_moe and not (self.experts_per_token and self.moe_intermediate_size):
            raise ValueError("MoE models need experts_per_token and moe_intermediate_size")
        if self.sliding_window_layers > self.num_layers:
            raise ValueError("sliding_window_layers cannot exceed num_layers")
        if self.sliding_window_layers and not self.sliding_window:
            raise ValueError("sliding_window_layers needs sliding_window")
        return self


class QuantizedVariant(_Strict):
    """A published checkpoint of the same model in another precision."""

    hf_id: str
    precision: Precision
    method: str = Field(description="e.g. fp8-dynamic, w8a8, w4a16, awq, nvfp4, mxfp4")


class QualityScore(_Strict):
    score: float = Field(ge=0, le=100, description="0-100, higher is better")
    benchmark: str = Field(description="which public benchmark the figure is")
    source: str = Field(description="where the figure comes from")

    @property
    def benchmark_name(self) -> str:
        """The benchmark as its authors name it (what a user reads), e.g. 'MMLU-Pro' for mmlu_pro."""
        return BENCHMARK_NAMES.get(self.benchmark, self.benchmark)

    @property
    def estimated(self) -> bool:
        """Not the model's own published figure: a same-size model's score used as a proxy, or one estimated from
        a related row or imputed from another benchmark (the source says which), so a reader must be told."""
        return self.source.startswith(("Proxy", "Estimated")) or "imputed" in self.source


# The public benchmarks behind the quality scores (knowledge/data/models/*.yaml), by the names their authors use.
BENCHMARK_NAMES = {
    "artificial_analysis_intelligence_index": "Artificial Analysis Intelligence Index",
    "artificial_analysis_coding_index": "Artificial Analysis Coding Index",
    "livecodebench": "LiveCodeBench", "mmlu_pro": "MMLU-Pro", "ifbench": "IFBench", "gpqa": "GPQA",
    "lcr": "AA-LCR (long-context reasoning)",
}


class ModelCard(_Strict):
    id: str = Field(description="Hugging Face id, canonical spelling")
    name: str
    family: str
    provider: str
    license: str
    commercial_use: bool = True
    tasks: list[str] = Field(min_length=1, description="chat, code, reasoning, tool_use, vision, long_context ...")
    architecture: ModelArchitecture
    native_precision: Precision = Precision.BF16
    native_checkpoint_gb: float | None = Field(
        default=None, gt=0,
        description="weights of the native checkpoint, GB (10^9 bytes); set for mixed-precision checkpoints "
                    "(e.g. MXFP4 experts + BF16 attention) where params x bytes would be wrong")
    precisions: list[Precision] = Field(min_length=1, description="precisions it is commonly served in")
    variants: list[QuantizedVariant] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list, description="other ids for the same weights/architecture")
    quality: dict[UseCase, QualityScore] = Field(default_factory=dict)
    released: dt.date | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _precisions(self) -> "ModelCard":
        if self.native_precision not in self.precisions:
            raise ValueError(f"native_precision {self.native_precision} missing from precisions")
        for v in self.variants:
            if v.precision not in self.precisions:
                raise ValueError(f"variant {v.hf_id} has precision {v.precision} not in precisions")
        return self


# --------------------------------------------------------------------------- GPUs


class GpuPrice(_Strict):
    provider: str
    usd_per_gpu_hour: float = Field(gt=0)
    instance: str | None = None
    source: str = Field(description="URL or document the price was read from")
    as_of: dt.date


class GpuSpec(_Strict):
    name: str = Field(description="canonical name, e.g. H100-SXM")
    vendor: Literal["nvidia", "amd"]
    family: Literal["ampere", "ada", "hopper", "blackwell", "cdna3"]
    memory_gib: float = Field(gt=0, description="usable device memory as the driver reports it, GiB")
    memory_bandwidth_gbps: float = Field(gt=0, description="peak HBM/GDDR bandwidth, GB/s")
    bf16_tflops: float = Field(gt=0, description="dense BF16 tensor TFLOPS (no sparsity)")
    fp8_tflops: float | None = Field(default=None, gt=0, description="dense FP8 TFLOPS; None if unsupported")
    int8_tops: float | None = Field(default=None, gt=0, description="dense INT8 TOPS")
    fp4_tflops: float | None = Field(default=None, gt=0, description="dense FP4 TFLOPS; None if unsupported")
    tdp_watts: float = Field(gt=0)
    interconnect: str = Field(description="e.g. NVLink 4, PCIe Gen4, Infinity Fabric")
    interconnect_gbps: float = Field(gt=0, description="per-GPU GPU-to-GPU bandwidth, one direction, GB/s")
    max_gpus_per_node: int = Field(gt=0, description="largest common node/instance size")
    node_label: str = Field(description="value of nvidia.com/gpu.product (or amd.com/gpu.product) from GFD")
    resource_name: Literal["nvidia.com/gpu", "amd.com/gpu"]
    aliases: list[str] = Field(default_factory=list)
    prices: list[GpuPrice] = Field(min_length=1, description="on-demand rental, $/GPU-hour")
    spot_discount: float = Field(ge=0, lt=1, description="typical spot discount vs on-demand, fraction")
    reserved_1y_discount: float = Field(ge=0, lt=1, description="typical 1-year commitment discount, fraction")
    purchase_usd: float = Field(gt=0, description="typical purchase price per GPU incl. share of the server")
    purchase_source: str
    purchase_as_of: dt.date

    @cached_property  # read thousands of times per plan; the model is frozen
    def on_demand_usd_per_hour(self) -> float:
        """Median of the providers' on-demand prices (one number to plan with)."""
        prices = sorted(p.usd_per_gpu_hour for p in self.prices)
        mid = len(prices) // 2
        return prices[mid] if len(prices) % 2 else (prices[mid - 1] + prices[mid]) / 2

    def tflops(self, precision: Precision) -> float:
        """Peak dense tensor throughput usable by the GEMMs of this precision."""
        if precision is Precision.FP8 and self.fp8_tflops:
            return self.fp8_tflops
        if precision is Precision.INT8 and self.int8_tops:
            return self.int8_tops
        if precision is Precision.FP4 and self.fp4_tflops:
            return self.fp4_tflops
        # weight-only formats (int4, emulated fp4/fp8) compute in 16-bit
        return self.bf16_tflops


# --------------------------------------------------------------------------- use cases


class LengthDistribution(_Strict):
    mean: int = Field(gt=0, description="tokens")
    p90: int = Field(gt=0, description="tokens; the spread of the distribution")

    @model_validator(mode="after")
    def _ordered(self) -> "LengthDistribution":
        if self.p90 < self.mean:
            raise ValueError("p90 must be >= mean")
        return self


class TrafficShape(_Strict):
    """Turns a user count into a request rate: rps = users x active x req/min / 60."""

    active_fraction: float = Field(gt=0, le=1, description="share of users active in a busy hour")
    requests_per_active_user_per_min: float = Field(gt=0)
    peak_to_average: float = Field(ge=1, description="peak request rate / busy-hour average")
    burstiness_cv: float = Field(ge=0, description="coefficient of variation of inter-arrival times (1 = Poisson)")


class UseCaseTemplate(_Strict):
    name: UseCase
    title: str
    description: str
    experience_class: ExperienceClass
    prompt_tokens: LengthDistribution
    output_tokens: LengthDistribution
    ttft_p95_ms: float = Field(gt=0)
    itl_p95_ms: float = Field(gt=0)
    e2e_p95_ms: float = Field(gt=0)
    traffic: TrafficShape
    quality_benchmark: str = Field(description="benchmark that ranks models for this use case")
    prefix_caching_helps: bool = Field(description="shared system prompts / documents make prefix caching pay off")
    rationale: str = Field(description="why these defaults")


# --------------------------------------------------------------------------- hosted APIs


class ApiPrice(_Strict):
    """A hosted per-token API's list price for a catalog model (knowledge/data/api_prices.yaml)."""

    provider: str
    model: str = Field(description="catalog model id the API serves")
    api_model: str = Field(description="the provider's name for it")
    usd_per_m_input: float = Field(ge=0, description="USD per million prompt tokens")
    usd_per_m_output: float = Field(ge=0, description="USD per million generated tokens")
    source: str = Field(description="the page the figures were read from")
    as_of: dt.date | None = Field(description="the page's own date (None: the page is undated)")
    retrieved: dt.date = Field(description="when the figures were read")

    def usd_per_request(self, prompt_tokens: float, output_tokens: float) -> float:
        return (prompt_tokens * self.usd_per_m_input + output_tokens * self.usd_per_m_output) / 1e6
