"""Kernel-level calibration on the shared kernel tables: every family with tables gets fitted efficiencies,
and the step-time model uses the same kernel formulas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.catalog import Catalog
from knowledge.domain import Precision
from simulator.perf.coefficients import PRIOR
from simulator.perf.kernel_calibration import GpuTables, error_table, fit_all_families
from simulator.perf.kernels import gemm_kind, gemm_ms, gemm_rates
from simulator.perf.steptime import StepTimeModel

KERNELS = Path(__file__).resolve().parents[4] / "shared" / "data" / "kernels"
needs_tables = pytest.mark.skipif(not KERNELS.exists(), reason="shared kernel tables not available")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_files()


@pytest.fixture(scope="module")
def fits(catalog):
    return fit_all_families(KERNELS, catalog)


@needs_tables
def test_every_family_with_tables_is_fitted_per_op_and_gpu(fits):
    assert set(fits) == {"ampere", "ada", "hopper", "blackwell"}
    assert fits["ampere"].gpus == ["A100-80GB"] and fits["ada"].gpus == ["L40S"]
    ops = {(e.op, e.gpu) for f in fits.values() for e in f.errors}
    for gpu in ("H100-SXM", "H200", "B200", "B300", "A100-80GB", "L40S"):
        assert ("gemm bf16", gpu) in ops and ("attention generation", gpu) in ops and ("all-reduce", gpu) in ops
    assert ("gemm fp4", "B200") in ops and ("gemm fp8", "L40S") in ops and ("moe wonly", "H200") in ops
    assert ("moe all-to-all", "H200") in ops and ("attention generation fp8-KV", "B200") in ops
    # Ampere has no FP8 tensor cores and no FP8 tables: those coefficients stay priors, and say so
    assert "fp8_flops_eff" in fits["ampere"].not_fitted and "fp8_flops_eff" in fits["hopper"].values
    assert "aiconfigurator-core 0.12.0" in fits["hopper"].source
    assert "gemm bf16" in error_table(fits)


@needs_tables
def test_fitted_efficiencies_are_physical_and_dense_gemms_fit_closely(fits):
    for f in fits.values():
        for name, v in f.values.items():
            if name.endswith("_eff") and not name.startswith("moe_"):
                assert 0.05 < v <= 1.0, (f.family, name, v)
        bf16 = [e for e in f.errors if e.op == "gemm bf16"]
        assert all(e.median_ape < 0.15 for e in bf16), bf16


@needs_tables
def test_step_model_gemms_are_the_fitted_kernel_formula(fits, catalog):
    """A decode step of Llama-3.1-8B in 16-bit on H100: its 4 GEMMs per layer match the measured table rows."""
    c = PRIOR.with_values(**fits["hopper"].values)
    gpu = catalog.gpu("H100-SXM")
    g = GpuTables.load(KERNELS, "h100_sxm").tables["gemm"]
    rates = gemm_rates(gpu, c, gemm_kind(gpu, Precision.BF16))
    for n, k in ((6144, 4096), (4096, 4096), (28672, 4096), (4096, 14336)):
        sel = (g["gemm_dtype"] == "bfloat16") & (g["m"] == 16) & (g["n"] == n) & (g["k"] == k)
        if sel.any():
            measured = float(g["latency"][sel][0])
            assert gemm_ms(rates, 16, n, k) == pytest.approx(measured, rel=0.35)
    model = StepTimeModel(catalog.model("meta-llama/Llama-3.1-8B-Instruct"), Precision.BF16, gpu, 1, c)
    one, many = model.batch_ms(1, 1), model.batch_ms(256, 256)
    assert 0 < one < many and np.isfinite(many)
