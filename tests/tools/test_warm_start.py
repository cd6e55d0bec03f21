"""The planner's engine results kept on disk (tools/planner/warm_start.py): a new process that reads them plans
exactly what a cold process plans, never reads another catalog's file, and survives a damaged one."""

from __future__ import annotations

import pytest

from knowledge.catalog import Catalog
from knowledge.catalog_files import load_catalog_files
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
