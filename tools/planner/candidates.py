"""Enumerate the (model, precision, GPU, tensor parallel) configurations worth sizing for a workload."""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.catalog import Catalog, UnknownNameError
from knowledge.domain import GpuSpec, ModelCard, Precision, QualityScore, ServingConfig, max_model_len_words
from simulator.perf import MemoryPlan, plan_memory, valid_tensor_parallel
from tools.errors import PlanningError
from tools.planner.memo import memo
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

    @property
    def group(self) -> "GroupKey":
        return (self.model.id, self.gpu.name, self.precision)


GroupKey = tuple[str, str, Precision]  # (model id, GPU name, precision): one line of the "considered" list


@dataclass
class Enumeration:
    candidates: list[Candidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    nearest_misfit: str | None = None  # why the most promising excluded configuration does not fit
    no_fit: dict[GroupKey, str] = field(default_factory=dict)  # model x GPU x precision -> why no TP fits
    short_context: dict[str, str] = field(default_factory=dict)  # model id -> why its context is too short


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


def enumerate_candidates(workload: PlanningWorkload, catalog: Catalog, options: PlanOptions, *,
                         tensor_parallel: int | None = None) -> Enumeration:
    """Every fitting (model, precision, GPU, TP) the spec allows; ``tensor_parallel`` restricts the degree."""
    result = Enumeration()
    spec = workload.spec
    smallest_misfit: tuple[float, str] | None = None
    gpus = allowed_gpus(workload, catalog)
    for model in allowed_models(workload, catalog, options):
        if model.architecture.max_context < workload.max_model_len:
            load = workload.peak_load
            need = max_model_len_words(load.prompt_tokens, load.prompt_tokens_p90, load.output_tokens,
                                       load.output_tokens_p90)
            why = (f"its context ({model.architecture.max_context:,} tokens) is shorter than this workload needs "
                   f"({need})")
            result.notes.append(f"{model.id} skipped: {why}")
            result.short_context[model.id] = why
            continue
        precisions = [spec.precision] if spec.precision else list(model.precisions)
        for precision in precisions:
            if precision not in model.precisions:
                continue
            for gpu in gpus:
                if not precision_runs_on(precision, gpu, model):
                    continue
                if spec.precision is None and dominated_precision(precision, gpu, list(model.precisions)):
                    continue
                fitted = memo(catalog, "candidates").get(
                    (model.id, precision, gpu.name, workload.max_model_len, spec.max_gpus, tensor_parallel),
                    lambda: _candidates(model, precision, gpu, workload.max_model_len, spec.max_gpus, catalog,
                                        tensor_parallel))
                if isinstance(fitted, tuple):
                    size, why = fitted
                    result.no_fit[(model.id, gpu.name, precision)] = why
                    if smallest_misfit is None or size < smallest_misfit[0]:
                        smallest_misfit = (size, f"{model.id} at {precision.value} on {gpu.name}: {why}")
                    continue
                result.candidates.extend(fitted)
    if smallest_misfit:
        result.nearest_misfit = smallest_misfit[1]
    return result


def memory_plan(model: ModelCard, precision: Precision, gpu: GpuSpec, tp: int, max_model_len: int,
                catalog: Catalog) -> MemoryPlan:
    """plan_memory, kept per catalog: the same shapes recur in every plan of a workload class."""
    return memo(catalog, "memory").get(
        (model.id, precision, gpu.name, tp, max_model_len),
        lambda: plan_memory(model, precision, gpu, tp, max_model_len=max_model_len, max_num_seqs=MAX_NUM_SEQS))


def fitting_degrees(model: ModelCard, precision: Precision, gpu: GpuSpec, max_model_len: int, max_gpus: int | None,
                    catalog: Catalog, *, only: int | None = None) -> list[tuple[int, MemoryPlan]] | tuple[float, str]:
    """Every valid tensor-parallel degree that fits (replicas buy throughput; a wider TP buys latency and
    KV cache, so each degree is a different option), or why none does."""
    fitted: list[tuple[int, MemoryPlan]] = []
    degrees = valid_tensor_parallel(model, gpu)
    last_reason = (f"{model.architecture.num_attention_heads} attention heads do not split over TP {only}"
                   if only and only not in degrees else "no valid tensor-parallel degree")
    for tp in degrees:
        if only is not None and tp != only:
            continue
        if max_gpus is not None and tp > max_gpus:
            if not fitted:
                last_reason = f"needs more than the {max_gpus} GPUs available ({last_reason})"
            break
        mem = memory_plan(model, precision, gpu, tp, max_model_len, catalog)
        if mem.fits:
            fitted.append((tp, mem))
        else:
            last_reason = mem.reason or "does not fit"
    if fitted:
        return fitted
    return model.architecture.total_params_b, last_reason


def _candidates(model: ModelCard, precision: Precision, gpu: GpuSpec, max_model_len: int, max_gpus: int | None,
                catalog: Catalog, only: int | None) -> list[Candidate] | tuple[float, str]:
    fitted = fitting_degrees(model, precision, gpu, max_model_len, max_gpus, catalog, only=only)
    return fitted if isinstance(fitted, tuple) else [_candidate(model, precision, gpu, tp, mem) for tp, mem in fitted]


def _candidate(model: ModelCard, precision: Precision, gpu: GpuSpec, tp: int, mem: MemoryPlan) -> Candidate:
    config = ServingConfig(model_id=model.id, precision=precision, gpu=gpu.name, tensor_parallel=tp,
                           max_num_seqs=MAX_NUM_SEQS, max_model_len=mem.max_model_len)
    return Candidate(model=model, precision=precision, gpu=gpu, config=config, memory=mem)
