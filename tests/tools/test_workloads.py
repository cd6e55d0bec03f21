"""Workload shapes beyond 24x7 chat: batch windows, business hours, scale to zero, price tiers."""

from __future__ import annotations

import pytest

from knowledge.domain import ExperienceClass, PriceTier
from tools.planner import plan_detailed
from tools.planner.cost import COLD_START_BASE_S, DAYS_PER_MONTH, HOURS_PER_MONTH, Schedule
from tools.planner.workload import workload_from_spec

from tests.tools.conftest import stated

BATCH = dict(use_case="summarization_short", window_requests=300_000, window_hours=5, experience_class="batch",
             priority="cost")


def test_a_batch_window_is_a_steady_rate_without_latency_targets(catalog):
    w = workload_from_spec(stated(**BATCH), catalog)
    assert w.batch and w.avg_rps == w.peak_rps == pytest.approx(300_000 / (5 * 3600), abs=1e-3)
    assert (w.slos.ttft_p95_ms, w.slos.itl_p95_ms, w.slos.e2e_p95_ms) == (None, None, None)
    assert w.spec.allow_cold_start is True and not w.spec.stated("allow_cold_start")
    assert w.schedule == Schedule(hours_per_day=5, scale_to_zero=True)


def test_a_batch_window_is_costed_for_its_hours_and_says_the_cold_start(catalog):
    result = plan_detailed(stated(**BATCH), catalog)
    top = result.recommendations[0]
    assert top.meets_slos and top.sized_by is not None
    # the fleet serves the window's requests in time: replicas x what one sustains >= the window's rate
    assert top.sized_by.per_replica_rps * top.replicas >= result.workload.avg_rps
    hours = top.cost.monthly_usd / (top.cost.usd_per_gpu_hour * top.total_gpus)
    assert 5 * DAYS_PER_MONTH < hours < (5 + 0.25) * DAYS_PER_MONTH  # 5 h a day plus minutes of cold start
    assert any("cold start" in a and "min" in a for a in top.cost.assumptions)
    assert result.notes[0].startswith("Batch work: 300,000 requests in 5 h")
    # the cost per token is over the tokens the window produces, not a 24x7 rate
    tokens = 300_000 * result.workload.output_tokens * DAYS_PER_MONTH
    assert top.cost.usd_per_million_output_tokens == pytest.approx(top.cost.monthly_usd / tokens * 1e6, rel=1e-3)


def test_spot_is_cheaper_and_names_its_interruption_risk(catalog):
    on_demand = plan_detailed(stated(**BATCH), catalog).recommendations[0]
    spot = plan_detailed(stated(**BATCH, price_tier="spot"), catalog).recommendations[0]
    assert spot.cost.tier is PriceTier.SPOT and spot.monthly_cost_usd < on_demand.monthly_cost_usd
    assert any("reclaim" in a for a in spot.cost.assumptions)


def test_business_hours_keep_one_replica_warm_unless_scaling_to_zero(catalog):
    base = dict(use_case="document_analysis_rag", window_requests=2000, window_hours=8)
    w = workload_from_spec(stated(**base), catalog)
    assert w.avg_rps == pytest.approx(2000 / (8 * 3600), abs=1e-3) and not w.batch
    assert w.peak_rps == pytest.approx(w.avg_rps * w.template.traffic.peak_to_average, rel=0.02)
    warm = plan_detailed(stated(**base), catalog).recommendations[0]
    cold = plan_detailed(stated(**base, allow_cold_start=True), catalog).recommendations[0]
    assert cold.monthly_cost_usd < warm.monthly_cost_usd
    assert cold.min_replicas == 0 and warm.min_replicas >= 1


def test_a_reservation_bills_every_hour_even_with_a_window():
    s = Schedule(hours_per_day=8, scale_to_zero=True)
    assert s.gpu_hours(4, 2, COLD_START_BASE_S, PriceTier.RESERVED_1Y) == 4 * HOURS_PER_MONTH
    assert s.gpu_hours(4, 2, 0.0, PriceTier.ON_DEMAND) == pytest.approx(4 * 8 * DAYS_PER_MONTH)
    kept_warm = Schedule(hours_per_day=8).gpu_hours(4, 2, 0.0, PriceTier.ON_DEMAND)
    assert kept_warm == pytest.approx((4 * 8 + 2 * 16) * DAYS_PER_MONTH)


def test_a_stated_experience_class_sets_the_targets(catalog):
    w = workload_from_spec(stated(use_case="chatbot_conversational", users=1000, experience_class="deferred"),
                           catalog)
    assert (w.slos.ttft_p95_ms, w.slos.itl_p95_ms) == (8000, 80)
    assert w.slos.e2e_p95_ms >= 8000 + 512 * 80
    assert "deferred experience target" in w.spec.sources["ttft_p95_ms"].note
    same = workload_from_spec(stated(use_case="chatbot_conversational", users=1000,
                                     experience_class=ExperienceClass.CONVERSATIONAL), catalog)
    assert same.slos.ttft_p95_ms == same.template.ttft_p95_ms


def test_price_tier_from_the_options_reaches_the_spec(catalog):
    from tools.planner import PlanOptions

    result = plan_detailed(stated(use_case="chatbot_conversational", users=1000), catalog,
                           options=PlanOptions(price_tier=PriceTier.SPOT))
    assert result.spec.price_tier is PriceTier.SPOT and result.recommendations[0].cost.tier is PriceTier.SPOT
