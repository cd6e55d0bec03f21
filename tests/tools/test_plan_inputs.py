"""Extreme but valid inputs get a plan or one clear line, never a traceback (issue 15 item 8)."""

from __future__ import annotations

import math

import pytest

from knowledge.errors import CompassError
from tools.planner import plan_detailed
from tools.planner.rationale import round_up

from tests.tools.conftest import stated


def test_two_million_token_prompts_get_a_clear_planning_error_not_a_nan(catalog):
    # Before: the simulation completed no request, its p95s were NaN and rationale._round_up raised
    # "cannot convert float NaN to integer" out of plan().
    spec = stated(use_case="chatbot_conversational", users=100, prompt_tokens=2_000_000)
    with pytest.raises(CompassError) as err:
        plan_detailed(spec, catalog)
    message = str(err.value)
    assert "\n" not in message and "nan" not in message.lower()
    assert "2,000,000-token prompts" in message


def test_round_up_gives_round_targets_and_passes_non_finite_values_through():
    assert round_up(7.2) == 8 and round_up(123) == 130 and round_up(1234) == 1250 and round_up(12_345) == 12_500
    assert math.isnan(round_up(float("nan"))) and round_up(float("inf")) == float("inf")


def test_a_model_skipped_for_its_context_says_how_the_need_was_computed(catalog):
    """The context a workload needs is a rule (about p99 of prompt and output, plus margin): the skip note shows
    its parts, which add up to the figure it names."""
    import re

    from tools.planner import plan_detailed

    result = plan_detailed(stated(use_case="document_analysis_rag", users=500), catalog)
    note = next(n for n in result.notes if "microsoft/phi-4 skipped" in n)
    need, prompt, output = (float(x.replace(",", "")) for x in re.search(
        r"needs \(([\d,]+): a ([\d,]+)-token prompt and ([\d,]+)-token output", note).groups())
    assert need >= (prompt + output) * 1.25 and need - (prompt + output) * 1.25 < 1024


def test_a_model_filter_still_shows_as_many_options_as_asked(catalog):
    """Two GPUs per model keep a plan's options diverse across models; with one model allowed, the other GPUs
    that meet the SLOs fill the list instead of leaving it at two rows."""
    from tools.planner.options import PlanOptions

    result = plan_detailed(stated(use_case="chatbot_conversational", users=5000,
                                  models=["meta-llama/Llama-3.3-70B-Instruct"]), catalog, options=PlanOptions(top_n=5))
    meeting = [r for r in result.recommendations if r.meets_slos]
    assert len(meeting) >= 4 and len({r.gpu for r in meeting}) == len(meeting)


def test_a_rental_cost_says_when_its_prices_were_read(catalog):
    """Prices age: each cloud cost names the dates its providers' prices were read, from the catalog."""
    result = plan_detailed(stated(use_case="chatbot_conversational", users=500, gpus=["L4"]), catalog)
    gpu = catalog.gpu("L4")
    dates = sorted(p.as_of for p in gpu.prices)
    words = result.recommendations[0].cost.assumptions[0]
    assert f"read {dates[0]}" in words and (dates[0] == dates[-1] or f"to {dates[-1]}" in words)
