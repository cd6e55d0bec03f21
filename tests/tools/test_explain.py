"""tools/planner/explain.py: the considered list, binding constraints, the GPU limit and why_not."""

from __future__ import annotations

import pytest

from knowledge.domain import Load, LoadKind, Precision
from simulator.perf import predict
from tools.errors import PlanningError
from tools.planner import plan_detailed
from tools.planner.explain import ConsideredStatus, why_not

from tests.tools.conftest import stated

CHAT = dict(use_case="chatbot_conversational", users=5000)


@pytest.fixture(scope="module")
def chat(catalog):
    spec = stated(**CHAT)
    return spec, plan_detailed(spec, catalog)


def test_every_recommendation_has_a_true_binding_constraint(chat):
    _, result = chat
    for rec in result.recommendations:
        b = rec.sized_by
        assert b is not None and b.replicas == rec.replicas and b.text
        if rec.meets_slos and b.kind in ("slo", "throughput"):
            # the replicas sized for the binding limit carry the peak plus headroom
            assert b.per_replica_rps * rec.replicas >= b.sizing_rps * 0.999
        if b.kind == "slo":
            assert b.metric in ("ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms") and b.target_ms is not None
            assert f"{b.target_ms:,.0f}" in b.text.replace(" s", "000 ms") or str(int(b.target_ms / 1000)) in b.text
        if b.kind == "memory":
            assert rec.replicas == 1 and b.sizing_rps <= b.per_replica_rps


def test_considered_lists_recommended_options_first_and_each_with_a_reason(chat):
    _, result = chat
    recommended = [c for c in result.considered if c.status is ConsideredStatus.RECOMMENDED]
    assert sorted(c.option for c in recommended) == list(range(1, len(result.recommendations) + 1))
    for c in recommended:
        rec = result.recommendations[c.option - 1]
        assert (c.model_id, c.gpu, c.tp, c.total_gpus) == (rec.model_id, rec.gpu, rec.config.tensor_parallel,
                                                           rec.total_gpus)
    assert all(c.reason for c in result.considered)
    statuses = [c.status for c in result.considered]
    assert statuses == sorted(statuses, key=list(ConsideredStatus).index)
    # one line per model x GPU x precision at most
    keys = [(c.model_id, c.gpu, c.precision) for c in result.considered]
    assert len(keys) == len(set(keys))



def test_every_model_and_gpu_of_the_catalog_has_a_verdict(chat, catalog):
    _, result = chat
    assert {c.model_id for c in result.considered} == {m.id for m in catalog.models}
    assert {c.gpu for c in result.considered if c.gpu} == {g.name for g in catalog.gpus}


def test_light_load_misses_are_what_one_request_in_flight_predicts(catalog):
    spec = stated(use_case="code_completion", users=300, gpus=["A10G"])
    result = plan_detailed(spec, catalog)
    missed = [c for c in result.considered if c.status is ConsideredStatus.SLO_MISS and c.light_load_misses]
    assert missed, "A10G cannot meet code completion's 200 ms TTFT for ~1.5k-token prompts at light load"
    w = result.workload
    for c in missed[:3]:
        from knowledge.domain import ServingConfig

        config = ServingConfig(model_id=c.model_id, precision=c.precision, gpu=c.gpu, tensor_parallel=c.tp,
                               max_model_len=w.max_model_len)
        one = predict(config, Load(kind=LoadKind.CONCURRENCY, value=1, prompt_tokens=w.prompt_tokens,
                                   output_tokens=w.output_tokens, prompt_tokens_p90=w.prompt_tokens_p90,
                                   output_tokens_p90=w.output_tokens_p90), catalog)
        for miss in c.light_load_misses:
            assert miss.predicted_ms > miss.target_ms and not miss.met
            simulated = getattr(one, miss.metric.replace("_p95_ms", "_ms")).p95
            if miss.metric != "e2e_p95_ms":  # e2e is the analytic bound's loosest figure (within ~30%)
                assert simulated == pytest.approx(miss.predicted_ms, rel=0.15)
        assert "one request in flight" in c.reason


def test_gpu_limit_gives_the_best_plan_within_it_and_what_the_full_plan_needs(catalog):
    spec = stated(use_case="chatbot_conversational", users=50000, max_gpus=4, gpus=["H100-SXM"],
                  models=["meta-llama/Llama-3.3-70B-Instruct"])
    result = plan_detailed(spec, catalog)
    assert all(r.total_gpus <= 4 for r in result.recommendations)
    limit = result.gpu_limit
    assert limit is not None and limit.max_gpus == 4
    assert limit.full_plan_gpus is not None and limit.full_plan_gpus > 4
    assert limit.sustained_rps < limit.peak_rps
    assert str(limit.full_plan_gpus) in limit.text and result.notes[0] == limit.text
    top = result.recommendations[0]
    assert not top.meets_slos and {c.metric for c in limit.relaxed} == {c.metric for c in top.slo_checks if not c.met}
    assert top.sized_by.kind in ("gpu_limit", "throughput")


def test_why_not_an_excluded_gpu_evaluates_it_anyway(catalog, chat):
    spec, result = chat
    excluded = stated(**CHAT, exclude_gpus=["L4"])
    result = plan_detailed(excluded, catalog)
    answer = why_not(result, excluded, catalog, gpu="l4")
    assert answer.excluded_by == "you excluded this GPU"
    assert answer.recommendation is not None and answer.recommendation.gpu == "L4"
    assert answer.status in (ConsideredStatus.FEASIBLE, ConsideredStatus.OVER_BUDGET, ConsideredStatus.SLO_MISS)
    top = result.recommendations[0]
    assert answer.cost_ratio == pytest.approx(answer.recommendation.monthly_cost_usd / top.monthly_cost_usd, rel=1e-2)
    assert "L4" in answer.reason and "option 1" in answer.reason


def test_why_not_a_model_that_does_not_fit_says_why(catalog, chat):
    spec, result = chat
    answer = why_not(result, spec, catalog, model="meta-llama/Llama-3.1-405B-Instruct", gpu="L4")
    assert answer.status is ConsideredStatus.NO_FIT
    assert "GB" in answer.reason and "L4" in answer.reason


def test_why_not_a_tensor_parallel_degree_plans_exactly_that_degree(catalog):
    spec = stated(use_case="document_analysis_rag", rps=4, prompt_tokens=4000, output_tokens=500,
                  models=["Qwen/Qwen3-32B"], gpus=["H100-SXM"], precision="bf16")
    result = plan_detailed(spec, catalog)
    for tp in (1, 2, 4, 8):
        answer = why_not(result, spec, catalog, tp=tp)
        if answer.recommendation is not None:
            assert answer.recommendation.config.tensor_parallel == tp


def test_why_not_option_n_compares_with_option_1(chat, catalog):
    spec, result = chat
    n = len(result.recommendations)
    answer = why_not(result, spec, catalog, option=n)
    assert answer.status is ConsideredStatus.RECOMMENDED and answer.recommendation.rank == n
    assert answer.cost_delta_usd == pytest.approx(result.recommendations[n - 1].monthly_cost_usd
                                                  - result.recommendations[0].monthly_cost_usd, abs=0.01)
    assert why_not(result, spec, catalog, option=n + 1).reason.startswith(f"There is no option {n + 1}")


def test_why_not_rejects_unknown_names_with_one_line(chat, catalog):
    spec, result = chat
    with pytest.raises(PlanningError, match="Unknown GPU"):
        why_not(result, spec, catalog, gpu="Z9000")
    with pytest.raises(PlanningError, match="Unknown precision"):
        why_not(result, spec, catalog, precision="fp3")
    assert why_not(result, spec, catalog, precision=Precision.BF16).asked.endswith("at bf16")


def test_why_not_says_one_verdict_and_one_figure_per_claim(catalog):
    """The alternative's line in the answer carries the answer's verdict (not 'option 1' of the plan restricted
    to it), and the light-load misses the reason quotes are the ones in the line."""
    spec = stated(use_case="translation", rps=1.67, peak_rps=3.33, gpus=["L40S"])
    result = plan_detailed(spec, catalog)
    answer = why_not(result, spec, catalog, model="meta-llama/Llama-3.1-70B-Instruct")
    assert answer.best is not None and answer.best.status is answer.status and answer.best.option is None
    assert answer.best.reason == answer.reason.rstrip(".")
    if answer.misses_at_light_load:
        for miss in answer.best.light_load_misses:
            assert miss.metric in {m.metric for m in answer.slo_misses}
            assert next(m for m in answer.slo_misses if m.metric == miss.metric).predicted_ms == miss.predicted_ms
