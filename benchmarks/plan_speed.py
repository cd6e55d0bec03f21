"""Planner and predictor speed on this machine: plan() over the whole catalog for three typical specs (p50 of
10 runs, no plan cache), and one open-loop predict call.

    python benchmarks/plan_speed.py [--runs 10]

Targets: plan <= 1 s, predict <= 100 ms on a 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SPECS = {
    "support chatbot, 5,000 users, latency first": dict(use_case="chatbot_conversational", users=5000, priority="latency"),
    "code completion, 400 developers": dict(use_case="code_completion", users=400),
    "RAG over documents, 20 req/s, cost first": dict(use_case="document_analysis_rag", rps=20, priority="cost"),
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
    print(f"catalog: {len(catalog.models)} models x {len(catalog.gpus)} GPUs")
    for label, values in SPECS.items():
        spec = DeploymentSpec().with_values("stated", None, **values)
        times, result = [], None
        for _ in range(args.runs):
            t = time.perf_counter()
            result = plan_detailed(spec, catalog)
            times.append(time.perf_counter() - t)
        top = result.recommendations[0]
        print(f"plan  {label:<48} p50 {statistics.median(times) * 1000:7.0f} ms  max {max(times) * 1000:6.0f} ms  "
              f"({result.candidates_considered} candidates; top: {top.model_id} on {top.total_gpus} x {top.gpu})")
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
    print("targets: plan <= 1000 ms, predict <= 100 ms")


if __name__ == "__main__":
    main()
