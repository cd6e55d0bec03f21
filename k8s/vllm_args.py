"""From a plan to an engine configuration: which checkpoint vLLM serves, with which arguments.

Everything the templates need about the engine is decided here, in Python, so the templates stay
declarative and the choices are unit-testable (and explained in ``notes``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from k8s.constants import (
    GPU_PRODUCT_LABEL, SERVER_PORT, SIMULATOR_ENV_VARS, SIMULATOR_IMAGE, VLLM_IMAGE, VLLM_ROCM_IMAGE,
)
from k8s.errors import RenderError
from k8s.options import RenderOptions
from knowledge.catalog import Catalog, UnknownNameError
from knowledge.domain import DeploymentSpec, GpuSpec, ModelCard, Precision, Recommendation, max_model_len_for, p90_of
from knowledge.domain.spec import MODEL_LEN_MARGIN, MODEL_LEN_ROUND

# Worst-case download speed used to size the startup probe (a first start downloads the checkpoint).
DOWNLOAD_GB_PER_S = 0.1
STARTUP_BASE_S = 300
STARTUP_MAX_S = 7200
PROBE_PERIOD_S = 10
GIB_PER_GB = 1e9 / 2**30


@dataclass(frozen=True)
class PodResources:
    cpu_request: str
    cpu_limit: str
    memory_gi: int  # request = limit: a memory-limit kill mid-load wastes minutes of GPU time
    gpus: int
    gpu_resource: str | None
    shm_gi: int


@dataclass
class EnginePlan:
    """What runs in each replica's pod (vLLM or the simulator)."""

    model_id: str  # canonical id; also the served model name clients ask for
    checkpoint: str  # Hugging Face id vLLM downloads
    precision: Precision
    gpu: GpuSpec
    tensor_parallel: int
    data_parallel: int
    image: str
    command: list[str]
    args: list[str]
    env: list[tuple[str, str]]
    resources: PodResources
    checkpoint_gb: float
    startup_failure_threshold: int
    max_model_len: int | None
    prefix_caching: bool
    node_selector: dict[str, str]
    notes: list[str] = field(default_factory=list)

    @property
    def gpus_per_replica(self) -> int:
        return self.tensor_parallel * self.data_parallel


def plan_engine(rec: Recommendation, spec: DeploymentSpec, catalog: Catalog,
                options: RenderOptions) -> EnginePlan:
    cfg = rec.config
    try:
        card = catalog.model(cfg.model_id)
        gpu = catalog.gpu(cfg.gpu)
    except UnknownNameError as e:
        raise RenderError(f"{e} (the catalog has no entry to render manifests from)") from e
    notes: list[str] = []
    checkpoint_notes: list[str] = []  # about what vLLM downloads: moot for the simulator
    precision = Precision(cfg.precision)  # tolerate a plain string from an unvalidated copy
    checkpoint, quant_args, ckpt_precision = _checkpoint(card, precision, checkpoint_notes)
    checkpoint_gb = _checkpoint_gb(card, ckpt_precision)
    max_len = _max_model_len(cfg.max_model_len, spec, catalog, card, notes)
    prefix = _prefix_caching_helps(spec, catalog)
    gpus = cfg.gpus_per_replica
    if gpus > gpu.max_gpus_per_node:
        raise RenderError(f"{gpus} GPUs per replica exceed the largest {gpu.name} node ({gpu.max_gpus_per_node}); "
                          f"one replica must fit on one node (multi-node serving is not rendered)")
    startup = min(STARTUP_MAX_S, STARTUP_BASE_S + checkpoint_gb / DOWNLOAD_GB_PER_S)
    threshold = math.ceil(startup / PROBE_PERIOD_S)
    if options.simulated:
        return _simulator_plan(card, precision, gpu, cfg, max_len, checkpoint, checkpoint_gb, options, notes)
    args = [checkpoint, "--served-model-name", card.id, "--port", str(SERVER_PORT),
            "--tensor-parallel-size", str(cfg.tensor_parallel)]
    if cfg.data_parallel > 1:
        args += ["--data-parallel-size", str(cfg.data_parallel)]
    if cfg.expert_parallel:
        args += ["--enable-expert-parallel"]
    if max_len:
        args += ["--max-model-len", str(max_len)]
    args += ["--max-num-seqs", str(cfg.max_num_seqs),
             "--max-num-batched-tokens", str(cfg.max_num_batched_tokens),
             "--gpu-memory-utilization", f"{cfg.gpu_memory_utilization:g}"]
    args += quant_args
    if cfg.kv_cache_dtype == "fp8":
        args += ["--kv-cache-dtype", "fp8"]
    # Said either way: from the V1 engine on vLLM caches prefixes unless told not to, so leaving the flag out would
    # run an engine the summary does not name. The plan's latencies count no prefix-cache hits (it knows no
    # shared-prefix length), so with caching on a shared prompt prefix can only make them lower.
    args += ["--enable-prefix-caching" if prefix else "--no-enable-prefix-caching"]
    notes = checkpoint_notes + notes
    image = options.vllm_image or (VLLM_ROCM_IMAGE if gpu.vendor == "amd" else VLLM_IMAGE)
    env = [("HF_HOME", "/models-cache/huggingface"),
           ("VLLM_NO_USAGE_STATS", "1")]  # no usage telemetry from inside a customer cluster
    shm = min(16, 2 * gpus)  # NCCL/PyTorch shared memory grows with the tensor-parallel group
    res = PodResources(cpu_request=str(2 + 2 * gpus), cpu_limit=str(2 * (2 + 2 * gpus)),
                       memory_gi=12 + 6 * gpus + shm, gpus=gpus, gpu_resource=gpu.resource_name, shm_gi=shm)
    return EnginePlan(
        model_id=card.id, checkpoint=checkpoint, precision=precision, gpu=gpu,
        tensor_parallel=cfg.tensor_parallel, data_parallel=cfg.data_parallel, image=image,
        command=["vllm", "serve"], args=args, env=env, resources=res, checkpoint_gb=checkpoint_gb,
        startup_failure_threshold=threshold, max_model_len=max_len, prefix_caching=prefix,
        node_selector={GPU_PRODUCT_LABEL[gpu.vendor]: gpu.node_label}, notes=notes)


def _checkpoint(card: ModelCard, precision: Precision, notes: list[str]) -> tuple[str, list[str], Precision]:
    """(Hugging Face id, vLLM quantization arguments, precision of the downloaded weights)."""
    if precision is card.native_precision:
        return card.id, (["--dtype", "bfloat16"] if precision is Precision.BF16 else []), precision
    variants = [v for v in card.variants if v.precision is precision]
    if variants:
        v = variants[0]  # the catalog lists the preferred checkpoint first
        notes.append(f"Serving the pre-quantized {precision.value} checkpoint {v.hf_id} ({v.method}); vLLM reads "
                     f"the quantization scheme from its config.")
        return v.hf_id, (["--dtype", "bfloat16"] if precision is Precision.BF16 else []), precision
    if precision is Precision.FP8:
        notes.append(f"No pre-quantized FP8 checkpoint of {card.id} in the catalog: vLLM quantizes the "
                     f"{card.native_precision.value} weights to FP8 when it loads them (--quantization fp8). "
                     f"The full-size checkpoint is downloaded and loading takes longer.")
        return card.id, ["--quantization", "fp8", "--dtype", "bfloat16"], card.native_precision
    known = ", ".join(sorted({card.native_precision.value, *(v.precision.value for v in card.variants)}))
    raise RenderError(f"No {precision.value} checkpoint of {card.id} in the catalog and vLLM cannot quantize to "
                      f"{precision.value} at load time; plan with one of: {known}")


def _checkpoint_gb(card: ModelCard, precision: Precision) -> float:
    if precision is card.native_precision and card.native_checkpoint_gb:
        return card.native_checkpoint_gb
    return card.architecture.total_params_b * precision.weight_bytes


def _max_model_len(planned: int | None, spec: DeploymentSpec, catalog: Catalog, card: ModelCard,
                   notes: list[str]) -> int | None:
    """The plan's context length, else the workload's p90 request with margin, else the model's maximum."""
    limit = card.architecture.max_context
    if planned:
        return min(planned, limit)
    prompt, output = spec.prompt_tokens, spec.output_tokens
    prompt_p90 = output_p90 = None
    if spec.use_case is not None:
        t = catalog.use_case(spec.use_case)
        prompt, output = prompt or t.prompt_tokens.mean, output or t.output_tokens.mean
        prompt_p90, output_p90 = p90_of(prompt, t.prompt_tokens), p90_of(output, t.output_tokens)
    if not (prompt and output):
        notes.append("No request lengths in the spec: vLLM uses the model's maximum context length.")
        return None
    need = max_model_len_for(prompt, prompt_p90, output, output_p90)  # the planner's rule, so the two agree
    notes.append(f"--max-model-len {min(need, limit)}: the long requests of this workload (prompt {prompt} and "
                 f"output {output} tokens on average, p90 {prompt_p90 or prompt} and {output_p90 or output}) with a "
                 f"{MODEL_LEN_MARGIN} margin, rounded up to {MODEL_LEN_ROUND}.")
    return min(need, limit)


def _prefix_caching_helps(spec: DeploymentSpec, catalog: Catalog) -> bool:
    return spec.use_case is not None and catalog.use_case(spec.use_case).prefix_caching_helps


def _simulator_plan(card: ModelCard, precision: Precision, gpu: GpuSpec, cfg, max_len: int | None,
                    checkpoint: str, checkpoint_gb: float, options: RenderOptions,
                    notes: list[str]) -> EnginePlan:
    """The simulator answers like vLLM on ``gpu`` would, but needs no GPU, checkpoint or token."""
    from simulator.server.config import SimulatorConfig  # the one mapping of engine settings to its variables

    sim = SimulatorConfig.from_serving(cfg).model_copy(update={
        "model": card.id, "gpu": gpu.name, "precision": precision, "port": SERVER_PORT, "seed": options.seed,
        "max_model_len": max_len or card.architecture.max_context})
    values = sim.to_env()
    env = [(var, values[var]) for var in SIMULATOR_ENV_VARS]
    notes.append(f"Simulator mode: {options.simulator_image or SIMULATOR_IMAGE} imitates {card.id} on "
                 f"{cfg.gpus_per_replica}x {gpu.name}; no GPU is requested and no checkpoint is downloaded.")
    res = PodResources(cpu_request="500m", cpu_limit="1", memory_gi=1, gpus=0, gpu_resource=None, shm_gi=0)
    return EnginePlan(
        model_id=card.id, checkpoint=checkpoint, precision=precision, gpu=gpu,
        tensor_parallel=cfg.tensor_parallel, data_parallel=cfg.data_parallel,
        image=options.simulator_image or SIMULATOR_IMAGE, command=["compass", "simulate"], args=[], env=env,
        resources=res, checkpoint_gb=checkpoint_gb, startup_failure_threshold=30, max_model_len=max_len,
        prefix_caching=False, node_selector={}, notes=notes)


def cache_size_gi(plan: EnginePlan, override: int | None) -> int:
    """Model-cache PVC size: the checkpoint plus 20% (tokenizer, config, partial downloads), in 10 Gi steps."""
    if override:
        return override
    return max(10, math.ceil(plan.checkpoint_gb * GIB_PER_GB * 1.2 / 10) * 10)
