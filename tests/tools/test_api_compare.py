"""Self-hosting vs hosted per-token APIs (issue 14 item 5)."""

from __future__ import annotations

import pytest

from tools.planner import plan_detailed
from tools.planner.api_compare import api_prices

from tests.tools.conftest import stated


def test_every_api_price_names_a_catalog_model_its_source_and_dates(catalog):
    ids = {m.id for m in catalog.models}
    prices = api_prices()
    assert len(prices) >= 10
    for p in prices:
        assert p.model in ids and p.source.startswith("https://") and p.retrieved
        assert p.usd_per_m_output >= p.usd_per_m_input * 0.5  # output tokens are never much cheaper than input


def test_the_plan_compares_option_1_with_an_api_for_the_same_model(catalog):
    result = plan_detailed(stated(use_case="chatbot_conversational", users=20000,
                                  models=["meta-llama/Llama-3.3-70B-Instruct"]), catalog)
    [alt] = result.api_comparison
    top = result.recommendations[0]
    assert alt.same_model and alt.model == top.model_id and alt.self_hosted_usd_per_month == top.monthly_cost_usd
    w = result.workload
    per_request = (w.prompt_tokens * alt.usd_per_m_input + w.output_tokens * alt.usd_per_m_output) / 1e6
    assert alt.requests_per_month == pytest.approx(w.avg_rps * 3600 * 730, rel=1e-3)
    assert alt.api_usd_per_month == pytest.approx(alt.requests_per_month * per_request, rel=1e-3)
    if alt.break_even_requests_per_month is not None:
        assert alt.break_even_requests_per_month == pytest.approx(top.monthly_cost_usd / per_request, rel=1e-3)
        assert f"{alt.break_even_requests_per_month:,.0f}" in alt.text
    else:
        assert "does not break even" in alt.text
    assert f"${alt.api_usd_per_month:,.0f}/month" in alt.text


def test_a_model_without_a_listing_is_compared_with_a_comparable_one_and_says_why(catalog):
    result = plan_detailed(stated(use_case="chatbot_conversational", users=1000,
                                  models=["mistralai/Mistral-Small-24B-Instruct-2501"]), catalog)
    [alt] = result.api_comparison
    assert not alt.same_model and "has no listing" in alt.comparable_because
    assert alt.comparable_because in alt.text


def test_the_fleets_volume_is_said_with_its_traffic_shape_and_the_flat_figure_beside_it(catalog):
    """'Even fully used' was the volume with the traffic's peaks at capacity (2.5x below a flat load at capacity),
    stated as if it were the most the fleet could serve. Both are now said, each with its own per-request cost."""
    result = plan_detailed(stated(use_case="chatbot_conversational", users=5000), catalog)
    [alt] = result.api_comparison
    w, top = result.workload, result.recommendations[0]
    assert "fully used" not in alt.text
    assert f"{w.peak_rps / w.avg_rps:.2g}x its average" in alt.text
    assert f"{alt.fleet_requests_per_month:,.0f}" in alt.text
    if alt.break_even_requests_per_month is None:
        flat = alt.fleet_flat_requests_per_month
        assert flat == pytest.approx(alt.fleet_requests_per_month * w.peak_rps / w.avg_rps, rel=1e-6)
        assert f"about {flat:,.0f} requests/month" in alt.text
        assert f"${top.monthly_cost_usd / flat * 1000:.3g})" in alt.text


def test_a_stand_in_listing_reads_as_one_sentence(catalog):
    result = plan_detailed(stated(use_case="chatbot_conversational", users=1000,
                                  models=["mistralai/Mistral-Small-24B-Instruct-2501"]), catalog)
    [alt] = result.api_comparison
    # the stand-in's reason sits inside the listing's brackets, before the verb it used to cut off
    assert f"; a stand-in: {alt.comparable_because}) would cost" in alt.text
