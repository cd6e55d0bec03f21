"""Builders for domain objects in tests (real types, plausible values)."""

from __future__ import annotations

from knowledge.domain import (
    CostEstimate, CostModel, DeploymentOutcome, DeploymentSpec, LatencyFigures, LatencyStats, MeasuredPerformance,
    MemoryBreakdown, Precision, Prediction, Provenance, Recommendation, ServingConfig, SloCheck, Throughput,
)


def stats(p95: float) -> LatencyStats:
    return LatencyStats(mean=p95 * 0.7, p50=p95 * 0.65, p90=p95 * 0.9, p95=p95, p99=p95 * 1.2, band_pct=15)


def prediction(ttft=200.0, itl=30.0, e2e=8000.0) -> Prediction:
    return Prediction(
        ttft_ms=stats(ttft), itl_ms=stats(itl), e2e_ms=stats(e2e),
        throughput=Throughput(requests_per_s=2.0, output_tokens_per_s=500.0), fits=True,
        memory=MemoryBreakdown(gpu_capacity_gb=24.0, usable_gb=21.6, weights_gb=16.1, activation_gb=1.0,
                               overhead_gb=1.0, kv_cache_gb=3.5, kv_bytes_per_token=131072, kv_capacity_tokens=26000),
        max_concurrency=30, provenance=Provenance.ESTIMATED, notes=[])


def recommendation(model="meta-llama/Llama-3.1-8B-Instruct", gpu="L4", replicas=2) -> Recommendation:
    return Recommendation(
        rank=1, config=ServingConfig(model_id=model, precision=Precision.BF16, gpu=gpu), replicas=replicas,
        min_replicas=1, max_replicas=replicas + 1, load_per_replica_rps=1.0, prediction=prediction(),
        cost=CostEstimate(cost_model=CostModel.CLOUD, monthly_usd=1000.0 * replicas),
        slo_checks=[SloCheck(metric="ttft_p95_ms", target_ms=500, predicted_ms=200, met=True, margin_pct=60)],
        meets_slos=True, within_budget=True, pareto_optimal=True, rationale="test")


def outcome(spec: DeploymentSpec, passed: bool = True, **rec) -> DeploymentOutcome:
    fig = LatencyFigures(mean=150, p50=140, p90=190, p95=210, p99=260)
    return DeploymentOutcome(
        target="local", spec=spec, recommendation=recommendation(**rec), predicted=prediction(),
        measured=MeasuredPerformance(ttft_ms=fig, itl_ms=fig, e2e_ms=fig, requests=100, errors=0,
                                     requests_per_s=2.0, duration_s=50, tool="test"),
        slo_checks=[], passed=passed)
