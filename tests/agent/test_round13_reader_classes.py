"""Reader classes the thirteenth blind round's dev half showed, each phrased apart from its sentences: lengths of
suggestions, the audience narrowed to a centre or desk, cold starts described before they are refused, a balance of
the three measures, hours named by what they are, a day's count after other words, a sum for a span of months, a
part of the headcount named by where it works, DGX systems counted, colocated and paid-off hardware, answers tied to
the passage they came from."""

from __future__ import annotations

import pytest

from agent.offline.parser import parse_strict
from knowledge.catalog import Catalog

CATALOG = Catalog.from_files()


def read(text: str) -> dict:
    return {k: v for k, v in parse_strict(text, CATALOG).updates.items() if k != "description"}


def test_suggestions_are_what_is_generated():
    got = read("The editor ships ~1,500 tokens of code around the cursor; completions suggestions run about 25 tokens.")
    assert got["prompt_tokens"] == 1500 and got["output_tokens"] == 25


def test_the_organisations_size_is_not_the_audience_of_one_centre():
    got = read("We are a 20,000-person bank, but the bot is only for the service centre: 120 agents at once at peak.")
    assert got.get("users") != 20000 and got["concurrent_users"] == 120


@pytest.mark.parametrize("text,allowed", [
    ("A cold start where a shopper stares at a spinner for a minute is unacceptable. Keep one replica warm.", False),
    ("Keep a single pod up at all times, please.", False),
    ("Cold starts that take a minute or two are fine for this internal tool.", True),
])
def test_cold_starts_described_then_judged(text, allowed):
    got = read(text)
    assert got["allow_cold_start"] is allowed
    assert "ttft_p95_ms" not in got and "e2e_p95_ms" not in got  # the start-up time is no latency target


@pytest.mark.parametrize("text", [
    "We want a sensible mix of price, latency and quality for the 90 paralegals.",
    "We need a good trade-off between speed and cost for the help desk.",
    "Please don't optimise for any extreme here.",
])
def test_the_measures_weighed_together_are_balanced(text):
    assert read(text)["priority"] == "balanced"


def test_hours_named_by_what_they_are_make_the_window():
    got = read("Roughly 24,000 claims arrive every day, all inside our 8 business hours.")
    assert got["window_requests"] == 24000 and got["window_hours"] == 8


def test_the_days_count_after_other_words_replaces_monthly_actives():
    got = read("The app has 90k monthly actives, and around 7k of them open the assistant tab on an average day.")
    assert got["users"] == 7000


@pytest.mark.parametrize("text,monthly", [
    ("We were given $9,000 for this pilot for the next 3 months.", 3000.0),
    ("A €12,000 grant has to cover the first six months.", 12000 / 6 * 1.17),
])
def test_a_sum_for_a_span_of_months_is_spread_over_them(text, monthly):
    got = parse_strict(text, CATALOG)
    assert got.updates["budget_monthly_usd"] == pytest.approx(monthly, rel=0.01)
    assert "months" in got.notes["budget_monthly_usd"]


@pytest.mark.parametrize("text,users", [
    ("Our firm has 4,000 people; only the 260 in tax advisory would use the assistant.", 260),
    ("8 of us plan to use it to summarise supplier emails.", 8),
])
def test_a_part_of_the_headcount_named_by_where_it_works_or_what_it_does(text, users):
    assert read(text)["users"] == users


@pytest.mark.parametrize("text,gpus", [
    ("We own 3x DGX H200 (8 GPUs each) in the basement.", 24),
    ("There are 2x HGX A100 boxes we already own.", 16),
])
def test_dgx_and_hgx_systems_are_counted_not_scaled(text, gpus):
    assert read(text)["max_gpus"] == gpus


def test_colocated_paid_off_hardware_is_owned():
    assert read("Four L40S servers sit in a colocation cage; they are fully paid off.")["cost_model"] == "owned"


@pytest.mark.parametrize("text", [
    "Staff ask about leave rules and every reply should link the policy it came from.",
    "Auditors want quick answers that show the exact paragraph they were taken from.",
])
def test_answers_tied_to_the_passage_they_came_from_are_retrieval(text):
    assert read(text)["use_case"] == "document_analysis_rag"


@pytest.mark.parametrize("text", [
    "Our epidemiologists compare studies on the same drug, find inconsistencies and argue whether the effect is real.",
    "Risk officers map the new rules against our controls and look for gaps, citing sources as they go.",
])
def test_analysis_named_by_what_it_weighs_is_research_even_with_citations(text):
    assert read(text)["use_case"] == "research_legal_analysis"


def test_citations_alone_stay_retrieval():
    assert read("Answers over our intranet with citations for 300 staff.")["use_case"] == "document_analysis_rag"
