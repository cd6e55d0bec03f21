"""predict(): schema, fit checks, provenance rules and uncertainty bands."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.domain import (
    BenchmarkRow, LatencyFigures, Load, LoadKind, Precision, Prediction, Provenance, ServingConfig,
)
from simulator.perf.coefficients import CoefficientSet, EngineCoefficients, FamilyFit
from simulator.perf.predict import predict
from tests.simulator.perf.catalog_fixture import fixture_catalog

CAT = fixture_catalog()
COEFFS = CoefficientSet(engines={"vllm": {
    "hopper": FamilyFit(EngineCoefficients(), prior=False, band_pct={"ttft": 20.0, "itl": 10.0, "e2e": 12.0}),
    "ampere": FamilyFit(EngineCoefficients(flops_eff=0.5), prior=True,
                        band_pct={"ttft": 40.0, "itl": 25.0, "e2e": 30.0}),
}})
CFG = ServingConfig(model_id="meta-llama/Llama-3.1-8B-Instruct", precision=Precision.BF16, gpu="H100-SXM",
                    tensor_parallel=1, max_model_len=16384)
LOAD = Load(kind=LoadKind.RPS, value=4.0, prompt_tokens=1000, output_tokens=250)


def _row(load_value: float = 4.0, prompt: int = 1000, output: int = 250, kind: str = "measured",
         ttft_p95: float = 123.0, itl_p95: float = 17.0, gpu: str = "h100_sxm") -> BenchmarkRow:
    return BenchmarkRow(
        model_id="meta-llama/Llama-3.1-8B", precision=Precision.BF16, gpu=gpu, gpu_count=1, tensor_parallel=1,
        prompt_tokens=prompt, output_tokens=output, load_kind=LoadKind.RPS, load_value=load_value,
        ttft_ms=LatencyFigures(mean=100.0, p95=ttft_p95), itl_ms=LatencyFigures(p95=itl_p95),
        e2e_ms=LatencyFigures(p95=5000.0), requests_per_s=load_value * 0.99, data_kind=kind, source="test",
        measured_on=dt.date(2026, 1, 1))


def test_estimated_prediction_has_every_field():
    p = predict(CFG, LOAD, CAT, coefficients=COEFFS)
    assert isinstance(p, Prediction) and p.fits
    assert p.provenance is Provenance.ESTIMATED
    for s in (p.ttft_ms, p.itl_ms, p.e2e_ms):
        assert s is not None and 0 < s.p50 <= s.p90 <= s.p95 <= s.p99
    assert p.ttft_ms.band_pct == 20.0 and p.itl_ms.band_pct == 10.0
    assert p.throughput is not None and p.throughput.requests_per_s == pytest.approx(4.0, rel=0.1)
    # e2e ~ ttft + 249 inter-token gaps
    assert p.e2e_ms.mean == pytest.approx(p.ttft_ms.mean + 249 * p.itl_ms.mean, rel=0.1)
    assert p.max_concurrency == 256  # max_num_seqs binds before the 440k-token cache
    assert set(Prediction.model_fields) == set(p.model_dump())


def test_config_that_does_not_fit_says_why_and_has_no_latencies():
    cfg = CFG.model_copy(update={"model_id": "meta-llama/Llama-3.1-70B-Instruct", "gpu": "L4"})
    p = predict(cfg, LOAD, CAT, coefficients=COEFFS)
    assert p.fits is False
    assert p.ttft_ms is None and p.itl_ms is None and p.e2e_ms is None and p.throughput is None
    assert any("weights need" in n for n in p.notes)
    assert p.memory.weights_gb > p.memory.usable_gb


def test_measured_row_at_the_same_load_gives_measured_provenance():
    p = predict(CFG, LOAD, CAT, benchmarks=[_row()], coefficients=COEFFS)
    assert p.provenance is Provenance.MEASURED
    assert p.ttft_ms.p95 == 123.0 and p.ttft_ms.mean == 100.0 and p.itl_ms.p95 == 17.0
    assert p.throughput.requests_per_s == pytest.approx(3.96)


def test_simulated_rows_never_give_measured_provenance():
    p = predict(CFG, LOAD, CAT, benchmarks=[_row(kind="simulated")], coefficients=COEFFS)
    assert p.provenance is Provenance.INTERPOLATED


def test_neighbouring_rows_interpolate_and_pull_the_prediction_towards_them():
    base = predict(CFG, LOAD, CAT, coefficients=COEFFS)
    # rows at 3 and 6 req/s claim ITL twice what the model says there
    rows = []
    for rate in (3.0, 6.0):
        at = predict(CFG, LOAD.model_copy(update={"value": rate}), CAT, coefficients=COEFFS)
        rows.append(_row(load_value=rate, ttft_p95=at.ttft_ms.p95, itl_p95=2 * at.itl_ms.p95))
    p = predict(CFG, LOAD, CAT, benchmarks=rows, coefficients=COEFFS)
    assert p.provenance is Provenance.INTERPOLATED
    assert p.itl_ms.p95 == pytest.approx(2 * base.itl_ms.p95, rel=0.05)
    assert p.ttft_ms.p95 == pytest.approx(base.ttft_ms.p95, rel=0.05)
    assert p.itl_ms.band_pct < base.itl_ms.band_pct


def test_rows_of_other_configurations_are_ignored():
    far = _row(load_value=100.0)  # too far in load to interpolate from
    other_gpu = _row(gpu="A100-80GB")
    other_tp = _row().model_copy(update={"tensor_parallel": 2, "gpu_count": 2})
    p = predict(CFG, LOAD, CAT, benchmarks=[far, other_gpu, other_tp], coefficients=COEFFS)
    assert p.provenance is Provenance.ESTIMATED


def test_families_without_calibration_get_wider_bands():
    hopper = predict(CFG, LOAD, CAT, coefficients=COEFFS)
    ampere = predict(CFG.model_copy(update={"gpu": "A100-80GB"}), LOAD, CAT, coefficients=COEFFS)
    assert ampere.ttft_ms.band_pct > hopper.ttft_ms.band_pct
    assert any(n.startswith("nothing measured on NVIDIA Ampere GPUs was calibrated") for n in ampere.notes)


def test_shipped_coefficients_mark_priors_and_widen_their_bands():
    from simulator.perf.coefficients import load_coefficients

    cs = load_coefficients()
    fitted = [cs.fit_for(f) for f in ("hopper", "blackwell")]
    assert all(not f.prior for f in fitted)
    mi300 = cs.fit_for("cdna3")
    assert mi300.prior and "nothing measured on AMD CDNA 3 GPUs" in mi300.derivation  # no tables, no serving runs
    for family in ("ampere", "ada", "cdna3"):
        fit = cs.fit_for(family)
        assert fit.band_pct["ttft"] > max(f.band_pct["ttft"] for f in fitted)
    for family in ("ampere", "ada"):  # kernel level measured, overheads borrowed
        fit = cs.fit_for(family)
        assert not fit.prior and not fit.end_to_end and "kernel tables" in fit.derivation


def test_gpu_without_its_own_kernel_tables_says_so_and_widens_the_band():
    """L4 runs on the Ada efficiencies measured on L40S, scaled by L4's own vendor figures."""
    cfg = CFG.model_copy(update={"model_id": "meta-llama/Llama-3.1-8B-Instruct", "gpu": "L4"})
    l4 = predict(cfg, LOAD, CAT)
    l40s = predict(cfg.model_copy(update={"gpu": "L40S"}), LOAD, CAT)
    assert l4.fits and l40s.fits
    assert any(n.startswith("L4: NVIDIA Ada (L40S) kernel tables scaled to L4's vendor figures") for n in l4.notes)
    assert not any(n.startswith("L40S:") for n in l40s.notes)
    assert l4.itl_ms.band_pct > l40s.itl_ms.band_pct
    # overheads borrowed from the Hopper runs, said in a family's name, not an internal key
    assert any(n.startswith("NVIDIA Ada GPUs: kernel efficiencies from NVIDIA Ada (L40S) kernel tables")
               and "serving runs measured on NVIDIA Hopper GPUs" in n for n in l40s.notes)
    assert not any(key in n for n in l40s.notes + l4.notes for key in ("ada:", "hopper fit", "cdna3"))


def test_past_saturation_the_prediction_says_overloaded_with_the_rate_it_sustains():
    """Never zero throughput with healthy-looking latencies: the ceiling is stated and reported as throughput."""
    cfg = CFG.model_copy(update={"max_model_len": 2048})
    light = predict(cfg, LOAD.model_copy(update={"prompt_tokens": 1024, "output_tokens": 256, "value": 4.0}), CAT)
    assert not any(n.startswith("overloaded") for n in light.notes)
    for offered in (30.0, 60.0):
        p = predict(cfg, LOAD.model_copy(update={"prompt_tokens": 1024, "output_tokens": 256, "value": offered}), CAT)
        note = next(n for n in p.notes if n.startswith("overloaded: sustains at most "))
        sustained = float(note.removeprefix("overloaded: sustains at most ").split(" ")[0])
        assert 0 < sustained < offered
        assert p.throughput.requests_per_s == pytest.approx(sustained, rel=0.01)
        assert p.throughput.output_tokens_per_s > 100 * sustained
