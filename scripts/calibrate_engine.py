"""Re-fit the performance engine's shipped coefficients (simulator/perf/coefficients.json) from the shared data.

    .venv/bin/python scripts/calibrate_engine.py [--shared ../shared] [--no-cross-validate] [--out PATH]

1. Kernel level, per GPU family, from ../shared/data/kernels (measured vLLM kernel tables); prints the fit
   error per op and GPU.
2. End-to-end overheads per family with serving runs, from ../shared/data/calibration/measured_fixed_concurrency.csv
   (vLLM agg rows), with leave-one-model-out errors.

Deterministic: re-running it reproduces the committed file (apart from ``fitted_on``). Reads pyarrow (dev extra).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from knowledge.catalog import Catalog  # noqa: E402
from simulator.perf.calibration import calibrate  # noqa: E402
from simulator.perf.coefficients import DEFAULT_COEFFICIENTS_PATH  # noqa: E402
from simulator.perf.kernel_calibration import error_table, fit_all_families  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--out", type=Path, default=DEFAULT_COEFFICIENTS_PATH)
    ap.add_argument("--no-cross-validate", action="store_true")
    args = ap.parse_args()
    catalog = Catalog.from_files()
    kernels = args.shared / "data/kernels"
    t0 = time.perf_counter()
    print("Kernel-level fit (absolute relative error of predicted vs measured kernel latency)")
    print(error_table(fit_all_families(kernels, catalog)))
    report = calibrate(args.shared / "data/calibration/measured_fixed_concurrency.csv", args.out, catalog=catalog,
                       cross_validate=not args.no_cross_validate, kernels_dir=kernels)
    print(f"\nEnd-to-end overheads fitted on {report.rows_used} rows; kernel-calibrated families "
          f"{report.kernel_families}; without serving runs {report.prior_families}")
    for family, r in report.families.items():
        lomo = r.leave_one_model_out
        print(f"{family}: in-sample TTFT {r.in_sample.ttft_median_ape:.1%} TPOT {r.in_sample.tpot_median_ape:.1%}"
              + (f"; leave-one-model-out TTFT {lomo.ttft_median_ape:.1%} TPOT {lomo.tpot_median_ape:.1%}" if lomo
                 else ""))
    print(f"wrote {args.out} in {time.perf_counter() - t0:.0f}s")


if __name__ == "__main__":
    main()
