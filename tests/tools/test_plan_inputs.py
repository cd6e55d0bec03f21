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
