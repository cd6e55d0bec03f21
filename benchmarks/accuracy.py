"""Accuracy of the performance engine against the shared calibration data (prints figures; not a test).

    python benchmarks/accuracy.py [--shared ../shared] [--fixed-lengths] [--limit N] [--skip-lomo]

Rows that contradict their own deployment's load curve are left out by one rule for every model
(``calibration_data.inconsistent_rows``); the figures with every row kept are printed beside the headline.

1. Headline, leave one model out: for each GPU family with measured vLLM ``agg`` rows, the end-to-end
   overheads are refitted without one model (kernel efficiencies come from the kernel tables, which hold no
   end-to-end rows), and that model's rows are predicted; median and p90 absolute percentage error of mean TTFT
   and mean time per output token by family, model, GPU and precision. Every row is replayed as the benchmark
   client ran it: closed loop at the row's concurrency, 10 requests per user back to back, lengths uniform in
   [0.8 L, L], warm-up included. Targets: median TTFT <= 15%, TPOT <= 7% per family.
2. In-sample beside it: the shipped coefficients through ``predict()`` (the product path), same rows; rows
   without a prediction are counted with the reason (``--fixed-lengths``: exact isl/osl, steady state).
3. simulated_load_sweeps.json: p95 TTFT, ITL and E2E vs those rows at their open-loop Poisson rates.
   Those rows are simulated (BLIS), not measured: a consistency check on curve shapes only.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from knowledge.catalog import Catalog, UnknownNameError  # noqa: E402
from knowledge.domain import Load, LoadKind, Precision, ServingConfig  # noqa: E402
from simulator.perf.calibration import KV_POLICY, ErrorStats, family_reports  # noqa: E402
from simulator.perf.calibration_data import load_cases  # noqa: E402
from simulator.perf.kernel_calibration import fit_all_families  # noqa: E402
from simulator.perf.predict import predict  # noqa: E402
from simulator.perf.workload import Z90  # noqa: E402


def ape_table(errors: dict[str, list[tuple[float, float]]], title: str) -> None:
    print(f"\n{title}")
    print(f"{'group':<28}{'rows':>6}{'TTFT med':>10}{'TTFT p90':>10}{'TPOT med':>10}{'TPOT p90':>10}")
    for name in sorted(errors, key=lambda k: (k == "overall", k)):
        e = np.array(errors[name])
        print(f"{name:<28}{len(e):>6}{np.median(e[:, 0]):>10.1%}{np.percentile(e[:, 0], 90):>10.1%}"
              f"{np.median(e[:, 1]):>10.1%}{np.percentile(e[:, 1], 90):>10.1%}")


TARGET = {"ttft": 0.15, "tpot": 0.07}


def _stats_line(label: str, s: ErrorStats, mark: bool = False) -> str:
    flag = ""
    if mark:
        flag = "  " + ("meets" if s.ttft_median_ape <= TARGET["ttft"] and s.tpot_median_ape <= TARGET["tpot"]
                       else "misses") + " the targets"
    return (f"{label:<34}{s.rows:>6}{s.ttft_median_ape:>10.1%}{s.ttft_p90_ape:>10.1%}{s.tpot_median_ape:>10.1%}"
            f"{s.tpot_p90_ape:>10.1%}{flag}")


def leave_one_model_out(shared: Path, catalog: Catalog, with_inconsistent: bool = True) -> None:
    t0 = time.perf_counter()
    kernels = fit_all_families(shared / "data/kernels", catalog)
    csv_path = shared / "data/calibration/measured_fixed_concurrency.csv"
    results, skipped = family_reports(csv_path, catalog, kernels)
    print(f"\nLEAVE ONE MODEL OUT (headline): overheads refitted without the model, kernel efficiencies from the "
          f"kernel tables; benchmark protocol; {time.perf_counter() - t0:.0f}s")
    for reason, n in skipped.items():
        print(f"{n} rows left out (the same rule for every model): {reason}")
    header = f"{'family / group':<34}{'rows':>6}{'TTFT med':>10}{'TTFT p90':>10}{'TPOT med':>10}{'TPOT p90':>10}"
    print(header)
    for r, _ in results:
        print(_stats_line(r.family, r.leave_one_model_out, mark=True))
        for title, part in (("model", r.per_model_left_out), ("GPU", r.per_gpu_left_out),
                            ("precision", r.per_precision_left_out)):
            for name, st in part.items():
                print(_stats_line(f"  {title} {name.split('/')[-1]}", st))
        for reason, n in r.rows_not_fitting.items():
            print(f"  {n} rows without a prediction: {reason}")
    print("\nIN-SAMPLE beside it (same fit, all models)")
    print(header)
    for r, _ in results:
        print(_stats_line(r.family, r.in_sample))
        for title, part in (("model", r.per_model_in_sample), ("GPU", r.per_gpu_in_sample),
                            ("precision", r.per_precision_in_sample)):
            for name, st in part.items():
                print(_stats_line(f"  {title} {name.split('/')[-1]}", st))
    if with_inconsistent and skipped:
        t0 = time.perf_counter()
        every, _ = family_reports(csv_path, catalog, kernels, exclude_inconsistent=False)
        print(f"\nThe same with every row kept (no exclusion), fitted and scored on all rows; "
              f"{time.perf_counter() - t0:.0f}s")
        print(header)
        for r, _ in every:
            print(_stats_line(f"{r.family} leave one model out", r.leave_one_model_out, mark=True))
            print(_stats_line(f"{r.family} in-sample", r.in_sample))


def measured_rows(shared: Path, catalog: Catalog, fixed_lengths: bool, limit: int | None) -> None:
    cases, skipped = load_cases(shared / "data/calibration/measured_fixed_concurrency.csv", catalog,
                                fixed_lengths=fixed_lengths, kv_policy=KV_POLICY, exclude_inconsistent=True)
    cases = cases[:limit] if limit else cases
    cache: dict[tuple, tuple[float, float]] = {}
    errors: dict[str, list[tuple[float, float]]] = defaultdict(list)
    missing: dict[str, int] = defaultdict(int)
    t0 = time.perf_counter()
    for c in cases:
        if c.key not in cache:
            p = predict(c.config, c.load, catalog, protocol=c.protocol)
            cache[c.key] = (p.ttft_ms.mean, p.itl_ms.mean) if p.fits else (math.nan, "; ".join(p.notes))
        ttft, tpot = cache[c.key]
        if not isinstance(tpot, float):
            missing[tpot] += 1
            continue
        e = (abs(ttft / c.ttft_ms - 1), abs(tpot / c.tpot_ms - 1))
        for key in ("overall", c.family, c.gpu, c.model_id.split("/")[-1], c.config.precision.value):
            errors[key].append(e)
    how = "fixed isl/osl, steady state" if fixed_lengths else "benchmark client: 10 requests/user, 0.8-1.0 x L"
    ape_table(errors, f"predict() with the shipped coefficients, vLLM agg rows ({how}); in-sample; "
                      f"{len(cache)} distinct simulations in {time.perf_counter() - t0:.0f}s"
                      + (f"; skipped {skipped}" if skipped else ""))
    for reason, n in missing.items():
        print(f"{n} rows without a prediction: {reason}")


_SWEEP_GPU = {"H100": "H100-SXM", "A100-80": "A100-80GB"}


def simulated_sweeps(shared: Path, catalog: Catalog, limit: int | None) -> None:
    rows = json.loads((shared / "data/calibration/simulated_load_sweeps.json").read_text())["benchmarks"]
    rows = rows[:limit] if limit else rows
    errors: dict[str, list[list[float]]] = defaultdict(list)
    curves: dict[tuple, list[tuple]] = defaultdict(list)
    times, skipped = [], defaultdict(int)
    for r in rows:
        try:
            resolved = catalog.resolve_model(r["model_hf_repo"])
            gpu = catalog.gpu(_SWEEP_GPU.get(r["hardware"], r["hardware"]))
        except UnknownNameError as exc:
            skipped[str(exc).split(".")[0]] += 1
            continue
        precision = resolved.precision or resolved.card.native_precision
        n = int(r["hardware_count"])
        p_in, p_out = int(r["prompt_tokens"]), int(r["output_tokens"])
        cfg = ServingConfig(model_id=resolved.card.id, precision=Precision(precision), gpu=gpu.name,
                            tensor_parallel=n, max_model_len=min(resolved.card.architecture.max_context,
                                                                 max(8192, 2 * (p_in + p_out))))
        load = Load(kind=LoadKind.RPS, value=float(r["requests_per_second"]), prompt_tokens=p_in,
                    output_tokens=p_out,
                    prompt_tokens_p90=round(p_in + Z90 * r.get("prompt_tokens_stdev", 0)) or None,
                    output_tokens_p90=round(p_out + Z90 * r.get("output_tokens_stdev", 0)) or None)
        t = time.perf_counter()
        p = predict(cfg, load, catalog)
        times.append(time.perf_counter() - t)
        if not p.fits:
            skipped["does not fit in this memory model"] += 1
            continue
        e = [abs(p.ttft_ms.p95 / r["ttft_p95"] - 1), abs(p.itl_ms.p95 / r["itl_p95"] - 1),
             abs(p.e2e_ms.p95 / r["e2e_p95"] - 1)]
        for key in ("overall", gpu.name):
            errors[key].append(e)
        curve = (cfg.model_id, cfg.gpu, n, p_in, p_out)
        curves[curve].append((load.value, p.itl_ms.p95, r["itl_p95"], p.e2e_ms.p95, r["e2e_p95"],
                              any(x.startswith("overloaded") for x in p.notes)))
    print("\nsimulated_load_sweeps.json (BLIS-simulated, open-loop Poisson): p95 absolute percentage error")
    print(f"{'group':<14}{'rows':>6}" + "".join(f"{m + ' ' + q:>11}" for m in ("TTFT", "ITL", "E2E")
                                                for q in ("med", "p90")))
    for name in sorted(errors, key=lambda k: (k == "overall", k)):
        e = np.array(errors[name])
        cols = "".join(f"{np.median(e[:, i]):>11.1%}{np.percentile(e[:, i], 90):>11.1%}" for i in range(3))
        print(f"{name:<14}{len(e):>6}{cols}")
    if skipped:
        print("skipped:", dict(skipped))
    _curve_shapes(curves)
    if times:
        ms = np.array(times) * 1e3
        print(f"predict() wall time, open loop: median {np.median(ms):.0f} ms, p90 {np.percentile(ms, 90):.0f} ms, "
              f"max {ms.max():.0f} ms over {len(ms)} calls")


def _curve_shapes(curves: dict[tuple, list[tuple]]) -> None:
    """Shape, not level: each curve divided by its own lightest-load point, predicted vs simulated; and the ratio
    of predicted to simulated p95 at the lightest and the heaviest load (pessimism that grows with load shows as a
    rising ratio)."""
    growth, light, heavy, overloaded = [], [], [], 0
    for pts in curves.values():
        pts.sort()
        if len(pts) < 3:
            continue
        r0 = pts[0]
        for rate, itl_p, itl_s, e2e_p, e2e_s, over in pts[1:]:
            overloaded += over
            if not over:
                growth.append(np.log((e2e_p / r0[3]) / (e2e_s / r0[4])))
        light.append(r0[3] / r0[4])
        fine = [q for q in pts if not q[5]]
        heavy.append(fine[-1][3] / fine[-1][4])
    if not growth:
        return
    g = np.array(growth)
    print(f"curve shapes over {len(light)} sweeps: E2E p95 growth with load (each curve over its lightest point), "
          f"predicted/simulated median {np.exp(np.median(g)):.2f}x, p10-p90 {np.exp(np.percentile(g, 10)):.2f}-"
          f"{np.exp(np.percentile(g, 90)):.2f}x; predicted/simulated E2E p95 at the lightest load median "
          f"{np.median(light):.2f}x, at the heaviest non-overloaded load {np.median(heavy):.2f}x; "
          f"{overloaded} points predicted overloaded")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--fixed-lengths", action="store_true", help="fixed isl/osl and steady state instead")
    ap.add_argument("--limit", type=int, default=None, help="only the first N rows of each file")
    ap.add_argument("--skip-lomo", action="store_true", help="skip the leave-one-model-out refits (~2 min)")
    ap.add_argument("--skip-unfiltered", action="store_true",
                    help="skip the second leave-one-model-out run that keeps the inconsistent rows (~2 min)")
    args = ap.parse_args()
    catalog = Catalog.from_files()
    if not args.skip_lomo:
        leave_one_model_out(args.shared, catalog, with_inconsistent=not args.skip_unfiltered)
    measured_rows(args.shared, catalog, args.fixed_lengths, args.limit)
    simulated_sweeps(args.shared, catalog, args.limit)


if __name__ == "__main__":
    main()
