"""Data-health findings on seeded broken data."""

from __future__ import annotations

import datetime as dt

from psycopg.types.json import Jsonb


def test_shipped_catalog_is_healthy(kb):
    report = kb.health()
    assert report.ok, [f.message for f in report.errors]
    assert report.counts["models"] >= 30 and report.counts["gpus"] >= 10 and report.counts["use_cases"] == 9


def test_broken_data_is_reported(kb):
    stale_before = {f.subject for f in kb.health(price_max_age_days=365).findings if f.check == "stale-price"}
    fresh_gpu = next(g.name for g in kb.catalog.gpus if g.name not in stale_before | {"L4"})
    with kb.db.connection() as conn:
        conn.execute("INSERT INTO models (id, family, card) VALUES ('acme/bare-model', 'acme', %s)",
                     (Jsonb({"id": "acme/bare-model", "name": "bare"}),))
        conn.execute("DELETE FROM gpu_prices WHERE gpu_name = 'L4'")
        conn.execute("UPDATE gpu_prices SET as_of = %s WHERE gpu_name = %s", (dt.date(2019, 1, 1), fresh_gpu))
        conn.execute(
            "INSERT INTO benchmarks (natural_key, model_id, precision, gpu, tensor_parallel, prompt_tokens,"
            " output_tokens, load_kind, load_value, data_kind, source, row) VALUES"
            " ('k1', 'acme/ghost', 'bf16', 'TPU-v9', 1, 512, 256, 'rps', 1, 'measured', 'seed', '{}')")
        conn.execute("DELETE FROM use_cases WHERE name = 'translation'")
    report = kb.health(price_max_age_days=365)
    by_check = {}
    for f in report.findings:
        by_check.setdefault(f.check, []).append(f)
    assert by_check["model-architecture"][0].subject == "acme/bare-model"
    assert [f.subject for f in by_check["gpu-prices"]] == ["L4"]
    assert {f.subject for f in by_check["stale-price"]} == (stale_before - {"L4"}) | {fresh_gpu}
    assert by_check["benchmark-model"][0].subject == "acme/ghost"
    assert by_check["benchmark-gpu"][0].subject == "TPU-v9"
    assert by_check["use-case-missing"][0].subject == "translation"
    assert not report.ok
