"""A small hand-written catalog for the performance tests (public spec-sheet numbers).

The tests assert hand calculations against these exact figures, so they must not move when the shipped
catalog files are edited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from knowledge.catalog import Catalog
from knowledge.domain import GpuPrice, GpuSpec, ModelArchitecture, ModelCard, Precision

_TODAY = dt.date(2026, 1, 1)


def _gpu(name: str, family: str, memory_gib: float, bw: float, bf16: float, fp8: float | None,
         int8: float | None, fp4: float | None, ic: str, ic_gbps: float, price: float, vendor: str = "nvidia",
         per_node: int = 8) -> GpuSpec:
    return GpuSpec(
        name=name, vendor=vendor, family=family, memory_gib=memory_gib, memory_bandwidth_gbps=bw,
        bf16_tflops=bf16, fp8_tflops=fp8, int8_tops=int8, fp4_tflops=fp4, tdp_watts=700, interconnect=ic,
        interconnect_gbps=ic_gbps, max_gpus_per_node=per_node, node_label=f"{vendor}-{name}",
        resource_name="amd.com/gpu" if vendor == "amd" else "nvidia.com/gpu",
        prices=[GpuPrice(provider="test", usd_per_gpu_hour=price, source="test", as_of=_TODAY)],
        spot_discount=0.5, reserved_1y_discount=0.3, purchase_usd=30000, purchase_source="test",
        purchase_as_of=_TODAY, aliases=[name.lower().replace("-sxm", "_sxm")],
    )


GPUS = {
    "H100-SXM": _gpu("H100-SXM", "hopper", 79.65, 3350, 989, 1979, 1979, None, "NVLink 4", 450, 3.0),
    "H200-SXM": _gpu("H200-SXM", "hopper", 140.4, 4800, 989, 1979, 1979, None, "NVLink 4", 450, 3.8),
    "B200": _gpu("B200", "blackwell", 179.06, 8000, 2250, 4500, 4500, 9000, "NVLink 5", 900, 6.0),
    "B300": _gpu("B300", "blackwell", 268.0, 8000, 2250, 4500, 4500, 13500, "NVLink 5", 900, 7.5),
    "A100-80GB": _gpu("A100-80GB", "ampere", 79.15, 2039, 312, None, 624, None, "NVLink 3", 300, 1.8),
    "L4": _gpu("L4", "ada", 22.49, 300, 121, 242, 242, None, "PCIe Gen4", 25, 0.8),
    "L40S": _gpu("L40S", "ada", 44.99, 864, 362, 733, 733, None, "PCIe Gen4", 25, 1.5),
    "MI300X": _gpu("MI300X", "cdna3", 191.5, 5300, 1307, 2615, 2615, None, "Infinity Fabric", 448, 3.5,
                   vendor="amd"),
}


def _card(id_: str, arch: ModelArchitecture, precisions: list[Precision],
          native: Precision = Precision.BF16, aliases: list[str] | None = None) -> ModelCard:
    return ModelCard(id=id_, name=id_.split("/")[-1], family="test", provider="test", license="test",
                     tasks=["chat"], architecture=arch, native_precision=native, precisions=precisions,
                     aliases=aliases or [])


LLAMA_8B = _card("meta-llama/Llama-3.1-8B-Instruct", ModelArchitecture(
    total_params_b=8.03, active_params_b=8.03, num_layers=32, hidden_size=4096, num_attention_heads=32,
    num_kv_heads=8, head_dim=128, intermediate_size=14336, vocab_size=128256, max_context=131072,
    attention="gqa"), [Precision.BF16, Precision.FP8, Precision.INT8, Precision.INT4],
    aliases=["meta-llama/Llama-3.1-8B"])
LLAMA_70B = _card("meta-llama/Llama-3.1-70B-Instruct", ModelArchitecture(
    total_params_b=70.55, active_params_b=70.55, num_layers=80, hidden_size=8192, num_attention_heads=64,
    num_kv_heads=8, head_dim=128, intermediate_size=28672, vocab_size=128256, max_context=131072,
    attention="gqa"), [Precision.BF16, Precision.FP8, Precision.INT4, Precision.FP4],
    aliases=["meta-llama/Llama-3.1-70B"])
MIXTRAL = _card("mistralai/Mixtral-8x7B-Instruct-v0.1", ModelArchitecture(
    total_params_b=46.70, active_params_b=12.88, num_layers=32, hidden_size=4096, num_attention_heads=32,
    num_kv_heads=8, head_dim=128, intermediate_size=14336, vocab_size=32000, max_context=32768,
    attention="gqa", num_experts=8, experts_per_token=2, moe_intermediate_size=14336),
    [Precision.BF16, Precision.FP8, Precision.INT4])
DEEPSEEK_V3 = _card("deepseek-ai/DeepSeek-V3", ModelArchitecture(
    total_params_b=671.0, active_params_b=37.0, num_layers=61, hidden_size=7168, num_attention_heads=128,
    num_kv_heads=128, head_dim=128, intermediate_size=18432, vocab_size=129280, max_context=163840,
    attention="mla", num_experts=256, experts_per_token=8, num_shared_experts=1, moe_intermediate_size=2048,
    first_dense_layers=3, kv_lora_rank=512, qk_rope_head_dim=64), [Precision.FP8, Precision.FP4],
    native=Precision.FP8)
GPT_OSS_120B = _card("openai/gpt-oss-120b", ModelArchitecture(
    total_params_b=116.83, active_params_b=5.13, num_layers=36, hidden_size=2880, num_attention_heads=64,
    num_kv_heads=8, head_dim=64, intermediate_size=2880, vocab_size=201088, max_context=131072,
    attention="gqa", num_experts=128, experts_per_token=4, moe_intermediate_size=2880, sliding_window=128,
    sliding_window_layers=18), [Precision.FP4, Precision.BF16], native=Precision.FP4)

MODELS = {m.id: m for m in (LLAMA_8B, LLAMA_70B, MIXTRAL, DEEPSEEK_V3, GPT_OSS_120B)}


def fixture_catalog() -> Catalog:
    return Catalog(models=tuple(MODELS.values()), gpus=tuple(GPUS.values()), use_cases=(), version="test")


def dev_catalog() -> Catalog:
    """The shipped catalog when its files are complete; else shipped models + these GPUs (development)."""
    from knowledge.catalog_files import DATA_DIR, _validated

    if (DATA_DIR / "gpus.yaml").exists() and (DATA_DIR / "usecases.yaml").exists():
        return Catalog.from_files()
    models = [m for f in sorted(Path(DATA_DIR / "models").glob("*.yaml")) for m in _validated(ModelCard, f, "models")]
    return Catalog(models=tuple(models), gpus=tuple(GPUS.values()), use_cases=(), version="dev")
