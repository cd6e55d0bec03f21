"""Planner and predictor speed on this machine: plan() over the whole catalog, in-process.

For three typical workloads: the first plan of the process (cold: every configuration's engine model is built)
and then RUNS plans of the same workload class with a different user count each (so no plan is ever repeated;
what is kept between them is the per-catalog memo of engine models, capacities and simulations, as in a
long-running server), p50 and max. Then the first plan of a new process that finds the engine results an earlier
process kept on disk (tools/planner/warm_start.py), and one open-loop predict call.

    python benchmarks/plan_speed.py [--runs 10]

Targets: plan p50 <= 100 ms in-process (issue 14), predict <= 100 ms. The machine is shared: the load average is
printed with the figures, and each plan's CPU time beside its wall time (contention shows in the difference).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SPECS = {
    "support chatbot, 5,000 users, latency first": dict(use_case="chatbot_conversational", users=5000, priority="latency"),
    "code completion, 400 developers": dict(use_case="code_completion", users=400),
    "RAG over documents, 2,000 users, cost first": dict(use_case="document_analysis_rag", users=2000, priority="cost"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from knowledge.catalog import Catalog
    from knowledge.domain import DeploymentSpec, Load, LoadKind, Precision, ServingConfig
    from simulator.perf import predict
    from tools.planner import plan_detailed

    catalog = Catalog.from_files()
    print(f"catalog: {len(catalog.models)} models x {len(catalog.gpus)} GPUs; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    all_warm, all_cpu = [], []
    for label, values in SPECS.items():
        t, c = time.perf_counter(), time.process_time()
        result = plan_detailed(DeploymentSpec().with_values("stated", None, **values), catalog)
        cold, cold_cpu = time.perf_counter() - t, time.process_time() - c
        times, cpu = [], []
        for i in range(1, args.runs + 1):
            spec = DeploymentSpec().with_values("stated", None, **{**values, "users": values["users"] + 37 * i})
            t, c = time.perf_counter(), time.process_time()
            result = plan_detailed(spec, catalog)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        all_warm += times
        all_cpu += cpu
        top = result.recommendations[0]
        print(f"plan  {label:<46} cold {cold * 1000:5.0f} ms ({cold_cpu * 1000:4.0f} CPU)  then p50 "
              f"{statistics.median(times) * 1000:4.0f} ms ({statistics.median(cpu) * 1000:3.0f} CPU), max "
              f"{max(times) * 1000:4.0f} ms  ({result.candidates_considered} configurations; top: {top.model_id} "
              f"on {top.total_gpus} x {top.gpu})")
    print(f"plan  all workloads: p50 {statistics.median(all_warm) * 1000:.0f} ms wall, "
          f"{statistics.median(all_cpu) * 1000:.0f} ms CPU over {len(all_warm)} plans")
    warm_start_figures(SPECS)
    config = ServingConfig(model_id="meta-llama/Llama-3.1-70B-Instruct", precision=Precision.FP8, gpu="H100-SXM",
                           tensor_parallel=4, max_model_len=8192)
    load = Load(kind=LoadKind.RPS, value=4.0, prompt_tokens=1024, output_tokens=256)
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        p = predict(config, load, catalog)
        times.append(time.perf_counter() - t)
    print(f"predict Llama-3.1-70B fp8 on 4 x H100-SXM at 4 req/s (1024 -> 256 tokens): p50 "
          f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms  (p95 TTFT {p.ttft_ms.p95:.0f} ms, "
          f"ITL {p.itl_ms.p95:.1f} ms)")
    print("targets: plan p50 <= 100 ms, predict <= 100 ms")


def warm_start_figures(specs: dict) -> None:
    """A new process's first plan when an earlier process kept its engine results (tools/planner/warm_start.py,
    what `compass plan` and the servers do): a fresh catalog snapshot reads the file, then plans a user count it
    has never planned."""
    import tempfile

    from knowledge.catalog import Catalog
    from knowledge.domain import DeploymentSpec
    from tools.planner import plan_detailed, warm_start

    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="plan-speed-cache-")  # not the user's own cache
    earlier = Catalog.from_files()
    warm_start.restore(earlier)
    for values in specs.values():
        plan_detailed(DeploymentSpec().with_values("stated", None, **values), earlier)
    warm_start.save(earlier)
    for label, values in specs.items():
        catalog = Catalog.from_files()
        t, c = time.perf_counter(), time.process_time()
        loaded = warm_start.restore(catalog)
        spec = DeploymentSpec().with_values("stated", None, **{**values, "users": values["users"] + 11})
        plan_detailed(spec, catalog)
        print(f"plan  {label:<46} new process, kept results: {(time.perf_counter() - t) * 1000:4.0f} ms "
              f"({(time.process_time() - c) * 1000:3.0f} CPU; {loaded:,} entries read from "
              f"{warm_start.cache_file(catalog).stat().st_size / 1e3:,.0f} kB)")


if __name__ == "__main__":
    main()
