"""``compass kb import`` formats, malformed files (nothing written) and skip reporting."""

from __future__ import annotations

import json

import pytest

from knowledge.errors import ImportFormatError
from knowledge.importers import ImportOptions
from tests.conftest import REPO, SHARED

GUIDELLM = REPO / "tests" / "fixtures" / "guidellm_report.json"


def compass_doc(*rows: dict, metadata: dict | None = None) -> dict:
    return {"_metadata": metadata or {"source": "lab run"}, "benchmarks": list(rows)}


def compass_row(**overrides) -> dict:
    row = {"model_hf_repo": "meta-llama/llama-3.1-8b-instruct", "hardware": "H100", "hardware_count": 1,
           "framework": "vllm", "framework_version": "v0.10.1", "prompt_tokens": 512, "output_tokens": 256,
           "ttft_mean": 30.0, "ttft_p90": 40.0, "ttft_p95": 45.0, "ttft_p99": 60.0, "itl_mean": 9.0,
           "itl_p90": 9.5, "itl_p95": 9.8, "itl_p99": 10.5, "e2e_mean": 2400.0, "e2e_p90": 2600.0,
           "e2e_p95": 2700.0, "e2e_p99": 2900.0, "requests_per_second": 2.0, "responses_per_second": 2.0,
           "tokens_per_second": 510.0}
    row.update(overrides)
    return row


def write(tmp_path, doc, name="bench.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return path


def test_compass_format_rows_are_added_and_unknowns_skipped_with_reasons(kb, tmp_path):
    doc = compass_doc(compass_row(), compass_row(requests_per_second=4.0, ttft_p95=70.0),
                      compass_row(model_hf_repo="acme/unknown-model"), compass_row(hardware="TPU-v9"),
                      compass_row(model_hf_repo="RedHatAI/phi-4-quantized.w4a16", hardware_count=2))
    report = kb.import_file(write(tmp_path, doc))
    assert (report.added, report.skipped) == (3, 2)
    assert report.reasons == {"unknown model": 1, "unknown GPU": 1}
    rows = kb.benchmarks("microsoft/phi-4", "int4", "H100-SXM")
    assert len(rows) == 1 and rows[0].tensor_parallel == 2 and rows[0].data_kind == "measured"
    again = kb.import_file(write(tmp_path, doc))
    assert again.added == 0 and again.reasons["duplicate of a stored row"] == 3


def test_malformed_row_names_row_and_field_and_writes_nothing(kb, tmp_path):
    doc = compass_doc(compass_row(), compass_row(ttft_p95="fast"))
    with pytest.raises(ImportFormatError, match=r"row 2, field 'ttft_p95': expected a number"):
        kb.import_file(write(tmp_path, doc))
    assert kb.status().counts["benchmarks"] == 0
    with pytest.raises(ImportFormatError, match=r"row 1, field 'requests_per_second': must be positive"):
        kb.import_file(write(tmp_path, compass_doc(compass_row(requests_per_second=0))))
    with pytest.raises(ImportFormatError, match="not valid JSON"):
        kb.import_file(write(tmp_path, '{"benchmarks": [', "broken.json"))
    with pytest.raises(ImportFormatError, match="unrecognised format"):
        kb.import_file(write(tmp_path, {"rows": []}, "other.json"))
    assert kb.status().counts["benchmarks"] == 0


def test_guidellm_results_need_a_gpu_and_import_fixed_loads(kb):
    with pytest.raises(ImportFormatError, match="--gpu"):
        kb.import_file(GUIDELLM)
    report = kb.import_file(GUIDELLM, ImportOptions(gpu="L4"))
    assert report.format == "guidellm"
    assert (report.added, report.skipped) == (3, 1)
    assert report.reasons == {"no fixed load (throughput/sweep probe)": 1}
    rows = {(r.load_kind.value, r.load_value): r for r in kb.benchmarks(
        "meta-llama/Llama-3.1-8B-Instruct", "bf16", "L4")}
    assert set(rows) == {("concurrency", 1.0), ("rps", 4.0), ("concurrency", 16.0)}
    poisson = rows[("rps", 4.0)]
    assert poisson.ttft_ms.p95 == 95 and poisson.e2e_ms.p95 == pytest.approx(4200.0)  # seconds -> ms
    assert poisson.prompt_tokens == 512 and poisson.output_tokens == 256


def test_export_round_trips_benchmarks(kb, tmp_path):
    kb.import_file(write(tmp_path, compass_doc(compass_row(), compass_row(requests_per_second=8.0))))
    files = {p.name: p for p in kb.export(tmp_path / "out")}
    assert {"models.yaml", "gpus.yaml", "usecases.yaml", "benchmarks.json", "deployment_outcomes.json"} <= set(files)
    report = kb.import_file(files["benchmarks.json"])
    assert report.format.startswith("compass-benchmark-rows") and report.added == 0 and report.skipped == 2


@pytest.mark.skipif(not (SHARED / "data/calibration/simulated_load_sweeps.json").exists(), reason="no shared data")
def test_imports_the_team_sweep_file_as_simulated_rows(kb):
    report = kb.import_file(SHARED / "data/calibration/simulated_load_sweeps.json")
    assert report.format == "compass-benchmarks" and report.added > 800
    assert kb.status().counts["benchmarks"] == report.added
    with kb.db.connection() as conn:
        kinds = {r[0] for r in conn.execute("SELECT DISTINCT data_kind FROM benchmarks")}
    assert kinds == {"simulated"}


def test_imports_a_real_guidellm_report_as_simulated_rows(kb):
    """A report GuideLLM 0.8.1 wrote against the Compass simulator (so marked simulated, not measured)."""
    report = kb.import_file(REPO / "tests" / "fixtures" / "guidellm_real_report.json",
                            ImportOptions(gpu="H100", data_kind="simulated"))
    assert report.format == "guidellm" and (report.added, report.skipped) == (2, 0)
    rows = kb.benchmarks("Qwen/Qwen2.5-7B-Instruct", "bf16", "H100-SXM")
    assert sorted(r.load_value for r in rows) == [2.0, 8.0]
    assert all(r.data_kind == "simulated" and r.ttft_ms.p95 and r.e2e_ms.p95 > r.ttft_ms.p95 for r in rows)
