"""Enumerate the (model, precision, GPU, tensor parallel) configurations worth sizing for a workload."""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.catalog import Catalog, UnknownNameError
from knowledge.domain import GpuSpec, ModelCard, Precision, QualityScore, ServingConfig
from simulator.perf import MemoryPlan, plan_memory, valid_tensor_parallel
from tools.errors import PlanningError
from tools.planner.options import PlanOptions
from tools.planner.workload import PlanningWorkload

MAX_NUM_SEQS = 256  # vLLM's default for the OpenAI server on most GPUs


@dataclass(frozen=True)
class Candidate:
    model: ModelCard
    precision: Precision
    gpu: GpuSpec
    config: ServingConfig
    memory: MemoryPlan

    def quality(self, use_case) -> QualityScore | None:
        return self.model.quality.get(use_case)

    def e2e_proxy_ms(self, prompt_tokens: int, output_tokens: int) -> float:
        """Unloaded latency from rooflines alone: orders candidates before the real prediction runs."""
        tp = self.config.tensor_parallel
        decode_ms = self.memory.breakdown.weights_gb * 1e9 / (self.gpu.memory_bandwidth_gbps * 1e9) * 1e3
        prefill_ms = (2 * self.model.architecture.active_params_b * 1e9 * prompt_tokens
                      / (self.gpu.tflops(self.precision) * 1e12 * tp * 0.5) * 1e3)
        return prefill_ms + decode_ms * output_tokens


@dataclass
class Enumeration:
    candidates: list[Candidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    nearest_misfit: str | None = None  # why the most promising excluded configuration does not fit


def precision_runs_on(precision: Precision, gpu: GpuSpec, model: ModelCard) -> bool:
    """Whether vLLM has kernels for this weight format on this GPU.

    FP8 and INT8/INT4 run everywhere we plan (Ampere runs FP8 checkpoints weight-only through Marlin). FP4 is
    native only on Blackwell; elsewhere only checkpoints published in MXFP4 (gpt-oss) have kernels.
    """
    if precision is Precision.FP4:
        return gpu.fp4_tflops is not None or model.native_precision is Precision.FP4
    return True


def dominated_precision(precision: Precision, gpu: GpuSpec, offered: list[Precision]) -> bool:
    """On GPUs with FP8 tensor cores, an FP8 checkpoint is at least as fast and as small as BF16 or INT8 ones,
    and the catalog's quality figures do not tell them apart, so those would never rank above it."""
    return (gpu.fp8_tflops is not None and Precision.FP8 in offered
            and precision in (Precision.BF16, Precision.INT8))


def _resolve_all(catalog: Catalog, names: list[str], kind: str) -> list[str]:
    out = []
    for name in names:
        try:
            out.append(catalog.model(name).id if kind == "model" else catalog.gpu(name).name)
        except UnknownNameError as exc:
            raise PlanningError(str(exc)) from None
    return out


def allowed_models(workload: PlanningWorkload, catalog: Catalog, options: PlanOptions) -> list[ModelCard]:
    spec = workload.spec
    wanted = set(_resolve_all(catalog, spec.models, "model"))
    excluded = set(_resolve_all(catalog, spec.exclude_models, "model"))
    models = [m for m in catalog.models if (not wanted or m.id in wanted) and m.id not in excluded]
    if options.commercial_only:
        models = [m for m in models if m.commercial_use]
    if options.min_quality is not None:
        uc = workload.template.name
        models = [m for m in models if uc in m.quality and m.quality[uc].score >= options.min_quality]
    if not models:
        raise PlanningError("No model in the catalog matches the model preferences and exclusions given.")
    return models


def allowed_gpus(workload: PlanningWorkload, catalog: Catalog) -> list[GpuSpec]:
    spec = workload.spec
    wanted = set(_resolve_all(catalog, spec.gpus, "gpu"))
    excluded = set(_resolve_all(catalog, spec.exclude_gpus, "gpu"))
    gpus = [g for g in catalog.gpus if (not wanted or g.name in wanted) and g.name not in excluded]
    if not gpus:
        raise PlanningError("Every GPU in the catalog is excluded by the GPU constraints given.")
    return gpus


def enumerate_candidates(workload: PlanningWorkload, catalog: Catalog, options: PlanOptions) -> Enumeration:
    result = Enumeration()
    spec = workload.spec
    smallest_misfit: tuple[float, str] | None = None
    for model in allowed_models(workload, catalog, options):
        if model.architecture.max_context < workload.max_model_len:
            result.notes.append(f"{model.id} skipped: its context ({model.architecture.max_context} tokens) is "
                                f"shorter than this workload needs ({workload.max_model_len})")
            continue
        precisions = [spec.precision] if spec.precision else list(model.precisions)
        for precision in precisions:
            if precision not in model.precisions:
                continue
            for gpu in allowed_gpus(workload, catalog):
                if not precision_runs_on(precision, gpu, model):
                    continue
                if spec.precision is None and dominated_precision(precision, gpu, list(model.precisions)):
                    continue
                fitted = _fitting_degrees(model, precision, gpu, workload.max_model_len, spec.max_gpus)
                if isinstance(fitted, tuple):
                    size, why = fitted
                    if smallest_misfit is None or size < smallest_misfit[0]:
                        smallest_misfit = (size, f"{model.id} at {precision.value} on {gpu.name}: {why}")
                    continue
                result.candidates.extend(_candidate(model, precision, gpu, tp, mem, workload) for tp, mem in fitted)
    if smallest_misfit:
        result.nearest_misfit = smallest_misfit[1]
    return result


def _fitting_degrees(model: ModelCard, precision: Precision, gpu: GpuSpec, max_model_len: int,
                     max_gpus: int | None) -> list[tuple[int, MemoryPlan]] | tuple[float, str]:
    """The smallest fitting tensor-parallel degree and the next one up (a latency option), or why none fits."""
    fitted: list[tuple[int, MemoryPlan]] = []
    last_reason = "no valid tensor-parallel degree"
    for tp in valid_tensor_parallel(model, gpu):
        if max_gpus is not None and tp > max_gpus:
            last_reason = f"needs more than the {max_gpus} GPUs available"
            break
        mem = plan_memory(model, precision, gpu, tp, max_model_len=max_model_len, max_num_seqs=MAX_NUM_SEQS)
        if mem.fits:
            fitted.append((tp, mem))
            if len(fitted) == 2:
                break
        else:
            last_reason = mem.reason or "does not fit"
    if fitted:
        return fitted
    return model.architecture.total_params_b, last_reason


def _candidate(model: ModelCard, precision: Precision, gpu: GpuSpec, tp: int, mem: MemoryPlan,
               workload: PlanningWorkload) -> Candidate:
    config = ServingConfig(model_id=model.id, precision=precision, gpu=gpu.name, tensor_parallel=tp,
                           max_num_seqs=MAX_NUM_SEQS, max_model_len=mem.max_model_len)
    return Candidate(model=model, precision=precision, gpu=gpu, config=config, memory=mem)
