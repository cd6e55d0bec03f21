"""Reading the measured fixed-concurrency CSV into simulation cases (configuration + load + figures).

The rows are benchmark-client runs (InferenceMAX style): ``batch_size`` concurrent clients per attention
data-parallel rank, each sending requests back to back, 10 requests per client, prompt and output lengths
drawn uniformly from [0.8 x isl, isl] and [0.8 x osl, osl] (``random-range-ratio 0.8``); the reported figures
are the mean TTFT and the mean time per output token over all requests, warm-up included.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from knowledge.catalog import Catalog, UnknownNameError
from knowledge.domain import Load, LoadKind, Precision, ServingConfig
from knowledge.domain.prediction import BenchmarkProtocol
from simulator.perf.vllm_versions import async_scheduling_by_default

# The benchmark client's protocol (see module docstring).
REQUESTS_PER_USER = 10
RANGE_RATIO = 0.8
PROTOCOL = BenchmarkProtocol(requests_per_user=REQUESTS_PER_USER, length_spread=RANGE_RATIO)
MAX_MODEL_LEN_MARGIN = 256

_SYSTEM_GPU = {"h100_sxm": "H100-SXM", "h200_sxm": "H200-SXM", "b200_sxm": "B200", "b300_sxm": "B300",
               "gb200_sxm": "GB200", "gb300_sxm": "GB300"}


@dataclass(frozen=True)
class Case:
    row_id: str
    model_id: str  # canonical catalog id
    gpu: str  # canonical catalog name
    family: str
    engine: str
    config: ServingConfig
    load: Load
    isl: int
    osl: int
    ttft_ms: float
    tpot_ms: float
    protocol: BenchmarkProtocol | None = PROTOCOL  # None: the steady state at exactly isl/osl

    @property
    def key(self) -> tuple:
        """Identical simulations (repeated measurements share one)."""
        return (self.config, self.load, self.protocol)

    @property
    def mean_lengths(self) -> tuple[float, float]:
        spread = self.protocol.length_spread if self.protocol else 1.0
        return self.isl * (1 + spread) / 2, self.osl * (1 + spread) / 2


def uniform_load(concurrency: int, isl: int, osl: int, fixed_lengths: bool = False) -> Load:
    """The client's lengths as a Load's mean and p90 (uniform on [0.8 L, L] -> mean 0.9 L, p90 0.98 L), for code
    that sizes a steady state like the client's; replays use ``PROTOCOL`` itself."""
    if fixed_lengths:
        return Load(kind=LoadKind.CONCURRENCY, value=concurrency, prompt_tokens=isl, output_tokens=osl)
    lo = RANGE_RATIO
    return Load(kind=LoadKind.CONCURRENCY, value=concurrency,
                prompt_tokens=round(isl * (1 + lo) / 2), prompt_tokens_p90=round(isl * (lo + 0.9 * (1 - lo))),
                output_tokens=round(osl * (1 + lo) / 2), output_tokens_p90=round(osl * (lo + 0.9 * (1 - lo))))


def resolve_gpu(catalog: Catalog, system: str) -> str:
    for name in (_SYSTEM_GPU.get(system, system), system, system.replace("_sxm", "")):
        try:
            return catalog.gpu(name).name
        except UnknownNameError:
            continue
    raise UnknownNameError("GPU", system, [])


def load_cases(csv_path: Path, catalog: Catalog, *, backend: str = "vllm", mode: str = "agg",
               fixed_lengths: bool = False, kv_policy: str = "auto", exclude_inconsistent: bool = False
               ) -> tuple[list[Case], dict[str, int]]:
    """Cases for the rows of one backend/mode; also counts of rows skipped and why (``exclude_inconsistent``:
    leave out the rows ``inconsistent_rows`` names, counted under its reason)."""
    cases: list[Case] = []
    skipped: dict[str, int] = {}
    with open(csv_path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["backend"] != backend or row["mode"] != mode:
                continue
            try:
                cases.append(_case(row, catalog, fixed_lengths, kv_policy))
            except (UnknownNameError, ValueError) as exc:
                reason = type(exc).__name__ + ": " + str(exc).split(".")[0]
                skipped[reason] = skipped.get(reason, 0) + 1
    if exclude_inconsistent:
        bad = inconsistent_rows(cases)
        if bad:
            skipped[INCONSISTENT_REASON] = len(bad)
        cases = [c for c in cases if c.row_id not in bad]
    return cases, skipped


# Measurement spread between runs and vLLM releases of one deployment stays within this factor of per-token time.
CONSISTENCY_FACTOR = 0.6
INCONSISTENT_REASON = ("contradicts its deployment's load curve: under 0.6x the time per output token the same "
                       "deployment measured with fewer requests running (a fuller batch cannot be that much faster)")


def inconsistent_rows(cases: list[Case]) -> set[str]:
    """Rows whose time per output token contradicts the same deployment's other rows (model, GPU, precision,
    parallelism, lengths; any vLLM release): a step that carries more sequences cannot be much faster per token.
    The sequences a row had running come from the row itself by Little's law (users x decode time / request time),
    so a run whose requests mostly queued (a huge TTFT) is compared at the batch it really decoded. The row with
    the most contradictions goes first, until none are left (one bad row does not take its neighbours with it)."""
    running: dict[str, float] = {}
    groups: dict[tuple, list[Case]] = {}
    for c in cases:
        _, out = c.mean_lengths
        decode = max(out - 1, 1.0) * c.tpot_ms
        running[c.row_id] = c.load.value * decode / (c.ttft_ms + decode)
        cfg = c.config
        key = (c.model_id, c.gpu, cfg.precision, cfg.tensor_parallel, cfg.data_parallel, cfg.expert_parallel,
               c.isl, c.osl)
        groups.setdefault(key, []).append(c)

    def contradicts(a: Case, b: Case) -> bool:
        fewer, more = (a, b) if running[a.row_id] < running[b.row_id] else (b, a)
        return (running[more.row_id] > 1.2 * running[fewer.row_id]
                and more.tpot_ms < CONSISTENCY_FACTOR * fewer.tpot_ms)

    bad: set[str] = set()
    for rows in groups.values():
        rows = list(rows)
        while True:
            counts = [sum(contradicts(c, o) for o in rows) for c in rows]
            # ties: the row whose running batch is inferred from the most queueing is the less certain one
            worst = max(range(len(rows)), key=lambda i: (counts[i], running[rows[i].row_id]), default=None)
            if worst is None or counts[worst] == 0:
                break
            bad.add(rows.pop(worst).row_id)
    return bad


def deployment_parallelism(row: dict) -> tuple[int, int, bool]:
    """(tensor parallel, attention data parallel, expert parallel) of the deployment a vLLM row measured.

    The dump writes a vLLM expert-parallel run as ``tp_size`` T, ``attention_dp_size`` D and ``moe_ep_size`` T x D,
    yet the run used T GPUs: the rows' own ids name them ``tpT_epT`` (``..._c16_tp4_ep4_1317``), and the Kimi-K2.5
    ones are the very measurements listed as TP4 EP4 at D x the per-rank batch (same TTFT and TPOT to the last
    digit). On such rows vLLM ran tensor parallel over T GPUs with the experts spread over the same T GPUs
    (``--enable-expert-parallel``), and ``batch_size`` x D clients. Other rows: as written (GPUs = tp x dp).
    """
    tp, dp, ep = int(row["tp_size"]), int(row["attention_dp_size"] or 1), int(row["moe_ep_size"] or 1)
    if dp > 1 and ep == tp * dp and row.get("backend") == "vllm":
        return tp, 1, True
    return tp, dp, ep > 1


def _case(row: dict, catalog: Catalog, fixed_lengths: bool, kv_policy: str) -> Case:
    model = catalog.model(row["model_path"])
    gpu = catalog.gpu(resolve_gpu(catalog, row["system"]))
    tp, dp, ep = deployment_parallelism(row)
    isl, osl = int(row["isl"]), int(row["osl"])
    clients = int(row["batch_size"]) * int(row["attention_dp_size"] or 1)  # batch_size: clients per DP rank
    per_rank = clients // dp
    precision = Precision(row["precision"])
    kv = "fp8" if kv_policy == "fp8" or (kv_policy == "quantized" and precision in (Precision.FP8, Precision.FP4)) \
        else "auto"
    config = ServingConfig(
        model_id=model.id, precision=precision, gpu=gpu.name, tensor_parallel=tp, kv_cache_dtype=kv,
        data_parallel=dp, expert_parallel=ep, max_num_seqs=max(256, per_rank),
        max_num_batched_tokens=8192, max_model_len=isl + osl + MAX_MODEL_LEN_MARGIN, gpu_memory_utilization=0.9,
        async_scheduling=async_scheduling_by_default(row["backend_version"]))
    # Under the protocol the load's lengths are the client's L (it draws uniformly in [0.8 L, L]).
    load = Load(kind=LoadKind.CONCURRENCY, value=clients, prompt_tokens=isl, output_tokens=osl)
    return Case(row_id=row["id"], model_id=model.id, gpu=gpu.name, family=gpu.family, engine=row["backend"],
                config=config, load=load, isl=isl, osl=osl, ttft_ms=float(row["silicon_ttft_ms"]),
                tpot_ms=float(row["silicon_tpot_ms"]), protocol=None if fixed_lengths else PROTOCOL)
