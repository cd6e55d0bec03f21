"""The planner's engine results kept on disk (tools/planner/warm_start.py): a new process that reads them plans
exactly what a cold process plans, never reads another catalog's file, survives a damaged one, and keeps the
engine's sustained rates exactly as simulated."""

from __future__ import annotations

import pytest

from knowledge.catalog import Catalog
from knowledge.catalog_files import load_catalog_files
from knowledge.domain import Load, LoadKind, Precision, ServingConfig
from simulator.perf import loadsim
from simulator.perf.loadsim import SUSTAINED, sustained_rps
from tools.planner import plan_detailed, warm_start
from tools.planner.memo import memo
from tests.tools.conftest import stated


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _plan_json(catalog: Catalog, users: int) -> str:
    spec = stated(use_case="code_completion", users=users, ttft_p95_ms=800)
    return plan_detailed(spec, catalog).model_dump_json(exclude={"elapsed_ms"})


def test_a_process_reading_the_kept_results_plans_what_a_cold_process_plans():
    earlier = Catalog.from_files()
    assert warm_start.restore(earlier) == 0  # nothing kept yet
    _plan_json(earlier, 300)
    assert warm_start.save(earlier)
    assert not warm_start.save(earlier)  # nothing new screened since

    warm = Catalog.from_files()
    assert warm_start.restore(warm) > 2000  # every configuration of the shape
    screened = len(memo(warm, "screen"))
    assert _plan_json(warm, 340) == _plan_json(Catalog.from_files(), 340)  # same plan, another user count
    assert len(memo(warm, "screen")) == screened  # the shape was read, not computed again


def test_another_catalog_never_reads_the_file_and_a_damaged_file_is_ignored():
    first = Catalog.from_files()
    _plan_json(first, 300)
    assert warm_start.save(first)
    other = Catalog.from_data(load_catalog_files(), version="another catalog")
    assert warm_start.cache_file(other) != warm_start.cache_file(first)
    assert warm_start.restore(other) == 0

    warm_start.cache_file(first).write_bytes(b"not a pickle")
    damaged = Catalog.from_files()
    assert warm_start.restore(damaged) == 0  # ignored, with a warning
    assert _plan_json(damaged, 320) == _plan_json(Catalog.from_files(), 320)
    assert warm_start.save(damaged)  # and rewritten
    assert warm_start.restore(Catalog.from_files()) > 2000


# A few configurations of different kinds: dense, MoE, FP8 KV cache with data parallelism, and one that does not fit
SUSTAINED_CASES = [
    ServingConfig(model_id="meta-llama/Llama-3.1-8B-Instruct", precision=Precision.BF16, gpu="L4", max_model_len=4096),
    ServingConfig(model_id="openai/gpt-oss-20b", precision=Precision.FP4, gpu="H100-SXM", max_model_len=4096),
    ServingConfig(model_id="Qwen/Qwen3-8B", precision=Precision.BF16, gpu="A100-80GB", max_model_len=4096,
                  kv_cache_dtype="fp8", data_parallel=2),
    ServingConfig(model_id="meta-llama/Llama-3.1-70B-Instruct", precision=Precision.BF16, gpu="L4",
                  max_model_len=4096),
]
SUSTAINED_LOAD = Load(kind=LoadKind.BURSTY, value=3.0, burstiness_cv=2.0, prompt_tokens=700, output_tokens=180)


def test_the_sustained_rates_are_kept_and_read_back_equal_to_the_simulation(monkeypatch):
    earlier = Catalog.from_files()
    figures = [sustained_rps(c, SUSTAINED_LOAD, earlier) for c in SUSTAINED_CASES]
    assert figures[-1] == 0.0 and all(f > 0 for f in figures[:-1])  # the 70B does not fit one L4
    assert warm_start.save(earlier, force=True)

    later = Catalog.from_files()
    assert warm_start.restore(later) > 0
    assert len(memo(later, SUSTAINED)) == len(SUSTAINED_CASES)  # the table was written and read
    with monkeypatch.context() as m:  # read back, not simulated again
        m.setattr(loadsim, "_saturated_rate", lambda *a, **k: pytest.fail("simulated a kept sustained rate again"))
        kept = [sustained_rps(c, SUSTAINED_LOAD, later) for c in SUSTAINED_CASES]
    fresh = [sustained_rps(c, SUSTAINED_LOAD, Catalog.from_files()) for c in SUSTAINED_CASES]
    assert kept == fresh == figures  # exactly the simulation's figures


def test_a_plan_keeps_the_sustained_rates_of_its_verifications():
    earlier = Catalog.from_files()
    _plan_json(earlier, 300)
    verified = len(memo(earlier, SUSTAINED))
    assert verified > 0  # open-loop verifications found what their replicas sustain
    assert warm_start.save(earlier)
    later = Catalog.from_files()
    warm_start.restore(later)
    assert len(memo(later, SUSTAINED)) == verified


def test_prepare_builds_the_sustained_rates_of_the_shipped_use_cases_into_the_file():
    full = Catalog.from_files()
    two = (full.models, full.gpus, full.use_cases[:2])
    server = Catalog(*two, version="two use cases")
    assert warm_start.prepare(server) == 2
    prepared = len(memo(server, SUSTAINED))
    assert prepared > 0  # each use case's verifications found what their replicas sustain

    restarted = Catalog(*two, version="two use cases")
    assert warm_start.prepare(restarted) == 0  # read from the file: nothing planned
    assert len(memo(restarted, SUSTAINED)) == prepared
