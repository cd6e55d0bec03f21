"""Reader classes the fourteenth blind round's dev half showed, each phrased apart from its sentences: machines with
their GPUs said after a clause, people per shift over the shifts, the first sentence's time as first-token latency,
citations with a word between, a body of texts queried, analysis verbs over citations, a share of a community,
budgets over years, a day said as its 24 hours, the busy hours of a day as its peak, the worst minute, per-person
rates, a share of the money said before, shorthand and foreign words inside English, dictated numbers and model
names, cards "we have", vendors left off an approved list, models of PRC developers."""

from __future__ import annotations

import pytest

from agent.offline.glossary import gloss
from agent.offline.parser import parse_strict
from knowledge.catalog import Catalog
from knowledge.domain import DeploymentSpec

CATALOG = Catalog.from_files()


def read(text: str, spec: DeploymentSpec | None = None) -> dict:
    return {k: v for k, v in parse_strict(text, CATALOG, spec=spec).updates.items() if k != "description"}


@pytest.mark.parametrize("text,gpus", [
    ("Everything runs on the four servers in our own rack, each of which holds 2 L40S cards.", 8),
    ("We own 3 nodes, each with 8 H100 GPUs.", 24),
    ("Two DGX H200 systems (8 GPUs each) are ours.", 16),
])
def test_machines_counted_with_their_gpus_said_after(text, gpus):
    assert read(text)["max_gpus"] == gpus


def test_people_on_each_of_the_shifts_add_up():
    assert read("There are 25 dispatchers on each of our four shifts, and all of them would use it.")["users"] == 100


def test_the_time_before_the_first_sentence_is_first_token_latency():
    got = read("Up to 3 seconds before the first line shows up is acceptable.")
    assert got["ttft_p95_ms"] == 3000 and "e2e_p95_ms" not in got


@pytest.mark.parametrize("text,use_case", [
    ("Members ask about their benefits and the reply should cite the policy page it relies on.", "document_analysis_rag"),
    ("Inspectors need to query roughly 900 technical bulletins and get answers with the bulletin reference.",
     "document_analysis_rag"),
    ("Auditors compare studies and find inconsistencies across them, with citations.", "research_legal_analysis"),
    ("A chat assistant on the intranet for leave requests and printer problems.", "chatbot_conversational"),
])
def test_the_work_from_what_it_does(text, use_case):
    assert read(text)["use_case"] == use_case


def test_a_share_of_the_community_is_the_users():
    assert read("We are 30,000 students and staff; about 5% of the community would use it daily.")["users"] == 1500


@pytest.mark.parametrize("text,monthly", [
    ("Our grant covers $720k over two years for running it.", 30000.0),
    ("A budget of $90,000 spread over 18 months.", 5000.0),
])
def test_a_sum_over_a_span_is_a_monthly_share(text, monthly):
    assert read(text)["budget_monthly_usd"] == pytest.approx(monthly, rel=0.01)


def test_a_day_said_as_its_24_hours_and_the_worst_hour_as_the_peak():
    got = read("We take about 86,400 calls over the 24 hours; in the worst hour it's 10,800 calls.")
    assert got["rps"] == pytest.approx(1.0) and got["peak_rps"] == pytest.approx(3.0) and "window_hours" not in got


def test_the_busy_hours_of_the_day_are_its_peak_not_a_window():
    got = read("We average 4 req/s. From 9 to 11 am it runs at about twice that.")
    assert got["rps"] == 4 and got["peak_rps"] == pytest.approx(8) and "window_hours" not in got


def test_always_on_said_as_hours_and_days_is_no_rate():
    got = read("Chatbot for 500 users, up 24 hours a day, 7 days a week.")
    assert got["users"] == 500 and "rps" not in got and "window_hours" not in got


def test_the_busiest_minute_logged_is_the_peak():
    assert read("The heaviest minute we've ever recorded had 1,200 requests.")["peak_rps"] == pytest.approx(20)


def test_each_one_of_the_people_times_their_rate():
    got = read("All 120 of our brokers use it, and each one sends about 3 requests a minute.")
    assert got["users"] == 120 and got["rps"] == pytest.approx(6)


@pytest.mark.parametrize("text,monthly", [
    ("The inference line only gets a third of it.", 4000.0),
    ("We can spend 25% of the budget on this.", 3000.0),
])
def test_a_share_of_the_money_held(text, monthly):
    assert read(text, DeploymentSpec(budget_monthly_usd=12000))["budget_monthly_usd"] == pytest.approx(monthly)


@pytest.mark.parametrize("text,expected", [
    ("doc summarizer w/ int4, w/o L4, ~300 users", {"precision": "int4", "exclude_gpus": ["L4"], "users": 300}),
    ("chatbot, 200 users, budget 80 hazaar rupees mahine ka", {"budget_monthly_usd": 936.0}),
    ("Assistant for 30 people, budget is € 15 mil por mês.", {"budget_monthly_usd": 17550.0}),
    ("internal bot for 90 staff, lo más barato posible", {"priority": "cost"}),
    ("a chat bot for about to thousand employees", {"users": 2000}),
    ("please use llama three point one eight be for 40 users", {"models": ["meta-llama/Llama-3.1-8B-Instruct"]}),
])
def test_shorthand_foreign_words_and_dictation_inside_english(text, expected):
    got = read(gloss(text))  # as reading.read_message reads every message
    for key, value in expected.items():
        assert got.get(key) == (pytest.approx(value, rel=0.01) if isinstance(value, float) else value)


def test_the_cards_we_have_are_owned_and_counted():
    got = read("L40S cards we have 6, so it must fit on those.")
    assert got["cost_model"] == "owned" and got["max_gpus"] == 6


@pytest.mark.parametrize("text,excluded", [
    ("NVIDIA is not on our approved vendor list; MI300X is fine.", "H100-SXM"),
    ("Models from companies headquartered in China are not allowed.", "Qwen/Qwen3-32B"),
    ("Our L40S quota fell through.", "L40S"),
])
def test_ruled_out_by_policy_words(text, excluded):
    got = read(text)
    assert excluded in got.get("exclude_gpus", []) + got.get("exclude_models", [])
