"""calibrate(): a small fit on part of the shared measurements, and the shipped coefficients file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from knowledge.catalog import Catalog
from simulator.perf.calibration import calibrate
from simulator.perf.calibration_data import deployment_parallelism, load_cases, uniform_load
from simulator.perf.coefficients import DEFAULT_COEFFICIENTS_PATH, coefficient_set_from_dict
from simulator.perf.fitting import BOUNDS

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"
CSV = SHARED / "calibration" / "measured_fixed_concurrency.csv"
KERNELS = SHARED / "kernels"
needs_csv = pytest.mark.skipif(not (CSV.exists() and KERNELS.exists()), reason="shared calibration data not available")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_files()


def _subset(tmp_path: Path, keep) -> Path:
    with open(CSV, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if keep(r)]
        fields = reader.fieldnames
    out = tmp_path / "subset.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    return out


@needs_csv
def test_rows_resolve_through_the_catalog(catalog):
    cases, skipped = load_cases(CSV, catalog)
    assert len(cases) == 1163 and not skipped  # every vLLM agg row
    assert {c.family for c in cases} == {"hopper", "blackwell"}
    assert all(c.load.value == int(c.load.value) for c in cases)
    # Rows the dump labels tp T, attention dp D, moe ep T x D ran TP T with the experts over the same T GPUs:
    # the Kimi ones are the TP4 EP4 measurements at D x the per-rank batch (identical figures).
    relabelled = {c.row_id: c for c in cases if "_tp4_ep4_" in c.row_id and c.model_id.endswith("Kimi-K2.5")}
    by_figures: dict[tuple, list] = {}
    for c in relabelled.values():
        by_figures.setdefault((round(c.ttft_ms, 2), round(c.tpot_ms, 2)), []).append(c.key)
    assert len(relabelled) >= 30 and all(len(v) >= 2 and len(set(v)) == 1 for v in by_figures.values())
    assert all(c.config.data_parallel == 1 and c.config.tensor_parallel == 4 and c.config.expert_parallel
               for c in relabelled.values())


def test_a_vllm_row_labelled_data_parallel_with_experts_over_tp_x_dp_gpus_ran_on_tp_gpus():
    row = {"backend": "vllm", "tp_size": "4", "attention_dp_size": "4", "moe_ep_size": "16"}
    assert deployment_parallelism(row) == (4, 1, True)
    assert deployment_parallelism({**row, "moe_ep_size": "4"}) == (4, 4, True)  # as written
    assert deployment_parallelism({**row, "backend": "trtllm"}) == (4, 4, True)
    assert deployment_parallelism({**row, "attention_dp_size": "", "moe_ep_size": ""}) == (4, 1, False)


def test_benchmark_client_lengths_are_uniform_80_to_100_percent():
    load = uniform_load(16, 1000, 500)
    assert load.prompt_tokens == 900 and load.prompt_tokens_p90 == 980
    assert load.output_tokens == 450 and load.output_tokens_p90 == 490


@needs_csv
def test_small_calibration_fits_and_writes_the_file(tmp_path, catalog):
    path = _subset(tmp_path, lambda r: r["backend"] == "vllm" and r["mode"] == "agg"
                   and r["model_path"] == "meta-llama/Llama-3.1-70B" and r["system"] == "h200_sxm"
                   and r["tp_size"] in ("4", "8") and r["isl"] == "1024")
    out = tmp_path / "coefficients.json"
    report = calibrate(path, out, catalog=catalog, cross_validate=False, workers=1, kernels_dir=KERNELS)
    assert report.rows_used == 20 and report.families.keys() == {"hopper"}
    assert set(report.kernel_families) == {"ampere", "ada", "hopper", "blackwell"}
    fit = report.families["hopper"]
    # one dense model on one GPU: the model can follow it closely
    assert fit.in_sample.tpot_median_ape < 0.08
    assert fit.in_sample.ttft_median_ape < 0.15
    doc = json.loads(out.read_text())
    cs = coefficient_set_from_dict(doc)
    assert not cs.fit_for("hopper").prior
    assert cs.fit_for("cdna3").prior  # neither kernel tables nor serving runs
    for family, gpus in (("ampere", ("A100-80GB",)), ("ada", ("L40S",))):  # kernel tables, no serving runs
        fit = cs.fit_for(family)
        assert not fit.prior and not fit.end_to_end and fit.kernel_gpus == gpus
        assert "kernel tables" in fit.derivation and fit.band_pct["itl"] > cs.fit_for("hopper").band_pct["itl"]
    assert cs.fit_for("ada").scaled_note("L4", "ada").startswith(
        "L4: NVIDIA Ada (L40S) kernel tables scaled to L4's vendor figures")
    assert cs.fit_for("ada").scaled_note("L40S", "ada") is None
    # families in words a user knows, never the internal keys
    for family in ("ampere", "ada", "cdna3"):
        derivation = cs.fit_for(family).derivation
        assert "NVIDIA" in derivation or "AMD" in derivation
        assert not any(key in derivation for key in ("hopper fit", "ada:", "cdna3", " agg rows"))
    assert doc["kernel_fit"]["hopper"]["errors"]
    assert doc["fitted_on"] and doc["residuals"]["hopper"]["in_sample"]["rows"] == 20


def test_shipped_coefficients_file_has_fits_residuals_and_date():
    doc = json.loads(DEFAULT_COEFFICIENTS_PATH.read_text())
    assert doc["fitted_on"]
    for family in ("hopper", "blackwell"):
        entry = doc["engines"]["vllm"][family]
        assert entry["prior"] is False
        res = doc["residuals"][family]
        assert res["in_sample"]["rows"] > 100 and res["leave_one_model_out"]["rows"] > 100
    assert doc["engines"]["vllm"]["cdna3"]["prior"] is True  # MI300X: no measurements at all
    for family in ("ampere", "ada"):  # kernel tables, no serving runs
        entry = doc["engines"]["vllm"][family]
        assert entry["prior"] is False and entry["end_to_end"] is False and entry["kernel_gpus"]
        assert doc["kernel_fit"][family]["errors"]


def test_shipped_coefficients_stay_within_what_the_fit_allows():
    """Every family's numbers lie in the fit's bounds: e.g. kernel floors in a served (CUDA-graph) pass at most the
    isolated kernels' (floor_scale <= 1), efficiencies at most their peak."""
    doc = json.loads(DEFAULT_COEFFICIENTS_PATH.read_text())
    for family, entry in doc["engines"]["vllm"].items():
        for name, value in entry["coefficients"].items():
            if name in BOUNDS:
                lo, hi = BOUNDS[name]
                assert lo <= value <= hi, (family, name, value)


@needs_csv
def test_compass_calibrate_fits_kernels_then_overheads(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    path = _subset(tmp_path, lambda r: r["backend"] == "vllm" and r["mode"] == "agg"
                   and r["model_path"] == "meta-llama/Llama-3.1-70B" and r["system"] == "h200_sxm"
                   and r["tp_size"] == "8" and r["isl"] == "1024")
    out = tmp_path / "coefficients.json"
    result = CliRunner().invoke(app, ["calibrate", str(path), "--kernels", str(KERNELS), "--out", str(out),
                                      "--no-cross-validate"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "hopper" in result.output and "calibration written to" in result.output
    doc = json.loads(out.read_text())
    assert doc["kernel_fit"]["blackwell"]["errors"] and doc["engines"]["vllm"]["ampere"]["kernel_gpus"] == ["A100-80GB"]
    missing = CliRunner().invoke(app, ["calibrate", str(path), "--kernels", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "no such file or directory" in missing.output


def _ladder(tpots: dict[int, float], ttft: float = 100.0, queued: dict[int, float] | None = None):
    """One deployment measured at several concurrencies (1000/1000 tokens)."""
    from knowledge.domain import Load, LoadKind, Precision, ServingConfig
    from simulator.perf.calibration_data import Case

    config = ServingConfig(model_id="meta-llama/Llama-3.1-70B-Instruct", precision=Precision.FP8, gpu="H200",
                           tensor_parallel=4)
    return [Case(row_id=f"c{c}", model_id=config.model_id, gpu="H200", family="hopper", engine="vllm",
                 config=config, load=Load(kind=LoadKind.CONCURRENCY, value=c, prompt_tokens=1000, output_tokens=1000),
                 isl=1000, osl=1000, ttft_ms=(queued or {}).get(c, ttft), tpot_ms=t) for c, t in tpots.items()]


def test_a_row_that_contradicts_its_own_load_curve_is_named_and_only_that_row():
    from simulator.perf.calibration_data import inconsistent_rows

    ok = {4: 8.0, 16: 9.0, 64: 12.0, 128: 16.0}
    assert inconsistent_rows(_ladder(ok)) == set()
    # 512 users whose requests mostly queued (TTFT 20 s): ~100 decoding at 5 ms/token, faster than 64 at 12 ms
    assert inconsistent_rows(_ladder({**ok, 512: 5.0}, queued={512: 20_000.0})) == {"c512"}
    # a repeat that is 4x slower than the fuller batches of the same deployment
    assert inconsistent_rows(_ladder({**ok, 16: 40.0})) == {"c16"}
    # queueing for the KV cache is no contradiction: few decode at once, per-token time stays in line
    assert inconsistent_rows(_ladder({**ok, 512: 14.0}, queued={512: 20_000.0})) == set()


@needs_csv
def test_inconsistent_measurements_are_left_out_by_rule_and_counted(catalog):
    cases, skipped = load_cases(CSV, catalog, exclude_inconsistent=True)
    assert len(cases) + sum(skipped.values()) == 1163
    [(reason, n)] = skipped.items()
    assert "load curve" in reason and 0 < n <= 10  # a handful of rows, not a model's worth
