"""Reader classes the fifteenth blind round's dev half showed, each phrased apart from its sentences, with the
sentences they must leave alone: money paid today with the time after it, a share of today's bill, money that prices
something else (sunk running costs, salaries, one-off spends), a cap after an amount a month; priorities said as the
one thing cared about, a numbered ranking or the most one can get; the part of a headcount at work on an ordinary
day; groups joined by "+"; an organisation's customers in brackets; owned cards named by where they are or who gave
them; dictated GPU names and percentiles; rates said as a ceiling or for a time something happens; a week's or a
month's count inside a daily window; one side's tokens an hour over its length; lengths in characters; and the
follow-ups: a budget trimmed by a share or topped up from a fund, a window changed, an amount said to be yearly, a
slip corrected and said twice, a length said to be characters, a model put back in, a card the team cannot get."""

from __future__ import annotations

import pytest

from agent.offline.parser import parse_strict
from knowledge.catalog import Catalog
from knowledge.domain import DeploymentSpec

CATALOG = Catalog.from_files()


def read(text: str, spec: DeploymentSpec | None = None) -> dict:
    return {k: v for k, v in parse_strict(text, CATALOG, spec=spec).updates.items() if k != "description"}


def held(**values) -> DeploymentSpec:
    return DeploymentSpec().with_values("stated", **values)


# ------------------------------------------------------------------ money

@pytest.mark.parametrize("text", [
    "We pay OpenAI about $11k a month today for the support bot.",
    "we spend $9k/month on the API at the moment",
])
def test_money_paid_now_with_the_time_after_it_is_no_budget(text):
    assert "budget_monthly_usd" not in read(text)


def test_a_share_of_todays_bill_is_the_ceiling():
    got = read("We pay about $20k a month for the hosted API right now. Self-hosting has to come in at under a quarter "
               "of what we pay.")
    assert got["budget_monthly_usd"] == pytest.approx(5000)


@pytest.mark.parametrize("text", [
    "We'd otherwise need two more editors at €60k a year each.",
    "We own 4 L40S. Power and cooling for them is about $1.5k a month, already sunk.",
    "A one-time setup budget of $30k is approved.",
])
def test_money_that_prices_something_else_is_no_budget(text):
    assert "budget_monthly_usd" not in read(text)


def test_a_budget_beside_a_one_off_spend_is_kept():
    got = read("Finance approved up to $18k/month running cost; one-time setup budget of $50k is separate.")
    assert got["budget_monthly_usd"] == 18000


def test_a_cap_after_an_amount_a_month_is_money_not_traffic():
    got = read("chatbot, 1,500 users, 7k/mo cap")
    assert got["budget_monthly_usd"] == 7000 and "rps" not in got
    assert read("chatbot for 300 users, 500 chats a day max")["peak_rps"] == pytest.approx(500 / 86400, rel=0.01)


# ------------------------------------------------------------------ priorities

@pytest.mark.parametrize("text,priority", [
    ("The board cares about exactly one thing: the monthly bill.", "cost"),
    ("What matters, in this order: (1) accuracy, (2) speed, (3) cost.", "quality"),
    ("Fastest setup money can buy, please.", "latency"),
    ("Lowest latency we can possibly get; cost is secondary.", "latency"),
])
def test_priority_said_in_other_words(text, priority):
    assert read(text)["priority"] == priority


def test_first_token_is_no_priority():
    assert "priority" not in read("latency first token p95: 450ms.")
    assert read("latency first, cost second")["priority"] == "latency"


# ------------------------------------------------------------------ people

@pytest.mark.parametrize("text,users", [
    ("1,800 developers, roughly 1,100 active on a normal day.", 1100),
    ("~350 eng, about 280 actually coding on a given day", 280),
    ("We have 3,000 agents. About 1,200 of them write listings on a given weekday.", 1200),
    ("The app has 90k monthly actives, and around 7k of them open the assistant tab on an average day.", 7000),
    ("22 grad students + 4 postdocs use it.", 26),
    ("Chatbot for 800 field engineers at a utility company (2.2M customers).", 800),
])
def test_who_uses_it_on_a_day(text, users):
    assert read(text)["users"] == users


def test_items_counted_on_a_normal_day_are_no_users():
    assert "users" not in read("About 3,000 tickets arrive on a normal day.")


# ------------------------------------------------------------------ hardware

@pytest.mark.parametrize("text,expected", [
    ("We have 16 H200s in our Frankfurt DC earmarked for this.", {"cost_model": "owned", "max_gpus": 16}),
    ("We were given 8 MI300X accelerators by central IT.", {"cost_model": "owned", "max_gpus": 8}),
    ("we have 4 L40S cards idle in the lab", {"cost_model": "owned", "max_gpus": 4}),
    ("Our only GPU quota is L40S, max 6 of them.", {"max_gpus": 6}),
    ("use our 2 DGX H100 boxes (16x H100 SXM total)", {"max_gpus": 16}),
])
def test_gpus_the_team_has(text, expected):
    got = read(text)
    assert {k: got.get(k) for k in expected} == expected


def test_a_busy_part_of_the_pool_is_taken_off_never_read_as_its_size():
    assert read("20 GPUs, 6 of them are busy").get("max_gpus") == 14


def test_a_count_owned_in_its_own_sentence_and_a_size_without_b():
    got = read("gpt oss 120 on our h200s. we own 2 of em, thats all we got.")
    assert got["max_gpus"] == 2 and got["models"] == ["openai/gpt-oss-120b"]
    assert read("use llama 3 for chat")["models"]  # a version is no size: "3" names Llama 3.x, not only the 3B


def test_dictated_gpu_names_and_an_article_before_a_number():
    got = read("we've got eight A one hundreds, the eighty gig ones, in our own data center")
    assert got["gpus"] == ["A100-80GB"] and got["max_gpus"] == 8
    assert read("no H two hundreds, and B two hundreds are also out")["exclude_gpus"] == ["H200", "B200"]
    assert read("a one hundred person team wants a chatbot")["users"] == 100


@pytest.mark.parametrize("text,out", [
    ("don't bother with L4 or A10G, too small", ["L4", "A10G"]),
    ("B200s are also out, same reason", ["B200"]),
])
def test_cards_ruled_out_in_other_words(text, out):
    got = read(text)
    assert got["exclude_gpus"] == out and "gpus" not in got


# ------------------------------------------------------------------ traffic and windows

@pytest.mark.parametrize("text,rps,peak", [
    ("~6 requests a minute on average and 30 a minute when the morning routes go out", 0.1, 0.5),
    ("~25 requests/sec on average, 70/sec at the Saturday evening peak", 25, 70),
    ("it never sees more than 20 requests a second", None, 20),
])
def test_the_average_and_the_peak(text, rps, peak):
    got = read(text)
    assert got.get("rps") == (pytest.approx(rps) if rps else None) and got["peak_rps"] == pytest.approx(peak)


@pytest.mark.parametrize("text,count", [
    ("350k requests a week, Monday to Friday only, 8am-6pm", 70000),
    ("Last month: 1.1M queries, 22 working days, only used 08:00-18:00.", 50000),
    ("70k requests a week, 8am-6pm", 10000),
])
def test_a_longer_periods_count_inside_a_daily_window(text, count):
    got = read(text)
    assert got["window_requests"] == count and got["window_hours"] == 10 and "rps" not in got


def test_one_sides_tokens_an_hour_over_its_length():
    got = read("about 2M generated tokens per hour; an average response is ~500 tokens")
    assert got["rps"] == pytest.approx(2e6 / 3600 / 500, rel=0.01)
    got = read("Usage is about 90k tokens per minute. Each request is 600 prompt tokens and 300 output tokens.")
    assert got["rps"] == pytest.approx(90000 / 900 / 60, rel=0.01)


def test_a_per_person_rate_of_people_at_it_at_once():
    got = read("300 agents are on calls at the same time, and the copilot fires ~2 prompts a minute for them")
    assert got["rps"] == pytest.approx(10)


def test_the_worst_minute_with_its_noun_left_out():
    got = read("the busiest hour had 5,400 questions, and the worst single minute inside that hour had 180")
    assert got["peak_rps"] == pytest.approx(3)


@pytest.mark.parametrize("text", [
    "The GPU batch slot is 01:00-04:00; we summarize 90k transcripts in it.",
    "200k reviews need a label within 6 hours of the drop.",
    "the job starts Friday evening and must be finished by Monday morning",
])
def test_work_against_a_slot_or_deadline_is_batch(text):
    assert read(text)["experience_class"] == "batch"


def test_a_count_of_them_every_night():
    assert read("the day's tickets, roughly 15k of them, every night")["window_requests"] == 15000


# ------------------------------------------------------------------ lengths and latency

@pytest.mark.parametrize("text,prompt,output", [
    ("the contracts average about 30k tokens, the analyses ~2k tokens", 30000, 2000),
    ("~6,000 tokens each, into ~200-token notes", 6000, 200),
    ("we send 10k-character log chunks, the model returns a verdict of about 300 characters", 2500, 75),
    ("The full prompt comes to about 1,250 tokens. The reply must fit in one SMS, 160 characters.", 1250, 40),
])
def test_lengths(text, prompt, output):
    got = read(text)
    assert (got["prompt_tokens"], got["output_tokens"]) == (prompt, output)


def test_dictated_percentile_and_run_on_latencies():
    got = read("p ninety five time to first token three hundred milliseconds inter token latency thirty five milliseconds")
    assert got["ttft_p95_ms"] == 300 and got["itl_p95_ms"] == 35


def test_a_p95_beside_another_percentile_is_the_target():
    assert read("first_token_p95: 450ms first_token_p50: 150ms")["ttft_p95_ms"] == 450
    assert read("slo:\n  ttft_p95: 800ms\n  ttft_p50: 250ms")["ttft_p95_ms"] == 800
    assert read("p99 TTFT under 900 ms")["ttft_p95_ms"] == 900  # alone, another percentile still sets the target


# ------------------------------------------------------------------ use cases

@pytest.mark.parametrize("text,use_case", [
    ("Lawyers ask questions and get an answer citing the precedent(s) it came from.", "document_analysis_rag"),
    ("roll out the contract-review assistant to the legal group", "research_legal_analysis"),
    ("internal chat for 350 ppl", "chatbot_conversational"),
])
def test_use_cases(text, use_case):
    assert read(text)["use_case"] == use_case


# ------------------------------------------------------------------ follow-ups

@pytest.mark.parametrize("text,budget", [
    ("finance came back: 20% less budget", 8000),
    ("Controlling wants it cut by a quarter", 7500),
    ("we got 3k more per month from the innovation fund", 13000),
    ("that 120k is the annual figure btw", 10000),
])
def test_the_budget_changed(text, budget):
    spec = held(use_case="chatbot_conversational", users=1500, budget_monthly_usd=10000 if "120k" not in text else 120000)
    assert read(text, spec)["budget_monthly_usd"] == pytest.approx(budget)


def test_a_slip_corrected_and_said_again_in_words():
    spec = held(use_case="chatbot_conversational", users=2000, budget_monthly_usd=80000)
    assert read("sorry fat-fingered that, 8k. eight thousand.", spec)["budget_monthly_usd"] == 8000


def test_other_follow_ups():
    spec = held(use_case="chatbot_conversational", users=3000, itl_p95_ms=50, window_hours=8, prompt_tokens=4000)
    assert read("and then add another 1,000 for the contractors", spec)["users"] == 4000
    assert read("make the token gap 20% tighter", spec) == {"itl_p95_ms": 40}
    assert read("bad news, the window shrinks to 6 hours", spec)["window_hours"] == 6
    assert read("wait, the 4k I gave you was characters, not tokens", spec)["prompt_tokens"] == 1000


def test_a_model_put_back_in_is_no_pin():
    result = parse_strict("put Qwen3 32B back in", CATALOG, spec=held(exclude_models=["Qwen/Qwen3-32B"]))
    assert "models" in result.additive


def test_the_card_the_team_cannot_get_stays_out():
    got = read("nvm H100s are fine, it's just the H200 we can't get",
               held(exclude_gpus=["H100-SXM", "H100-PCIe", "H200"]))
    assert got["exclude_gpus"] == ["H200"] and "H200" not in got["gpus"]
