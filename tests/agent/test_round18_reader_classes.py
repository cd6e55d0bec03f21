"""Reader classes the eighteenth blind round's dev half showed, each phrased apart from its sentences, with the
sentences they must leave alone: an amount a month with no currency as a list item or under a ceiling word is money
(a count a month has its noun, verb or label); a rate's period after its keyword; what a vendor quoted and a line of
last year's actuals are no budget; a sum for the months it covers; groups listed with where they work add up; groups
of groups multiply; a part of the people left out is taken off; a group joined "too"; a copilot of another trade;
use cases described by their work (answers from a library with the source linked, a text turned into a note, a
question turned into SQL, contracts through a risk analysis, a regulator's dossiers, a use case scrapped); jargon made
plain is no translation; the noun "quantization" sets no precision; "a sec"; a machine out for repair; a limit on one
model instance is no fleet; cards named as the team's own."""

from __future__ import annotations

import pytest

from tests.agent.reader_helpers import read


# ------------------------------------------------------------------ money

@pytest.mark.parametrize("text,budget", [
    ("Meeting summaries for 350 staff, 4k/month.", 4000),
    ("internal chat for 900 people, 12k a month", 12000),
    ("Code review assistant, 80 engineers, budget-wise cap 7.5k/month.", 7500),
    ("rented GPUs only, 9k a month max, translation for 600 people", 9000),
    ("A vendor quoted us $30k/month for this. Too much. We can do 14k a month. RAG for 700 analysts.", 14000),
    ("Pilot of 4 months for 120 lawyers doing contract review; $48k total, for all four months.", 12000),
    ("Approved: $240,000 for the inference platform (12 months, hosting only). Chatbot for 3,000 staff.", 20000),
])
def test_an_amount_a_month_said_as_money_is_the_budget(text, budget):
    assert read(text)["budget_monthly_usd"] == pytest.approx(budget)


@pytest.mark.parametrize("text", [
    "RAG for 1,000 users, traffic: 30k/month",
    "we get about 30k a month, chatbot",
    "chatbot, 50k requests/month",
    "translation for 200 people, 300/month",
    "A vendor quoted us $30k/month for the hosted version. Chatbot for 2,000 staff.",
    "Last year's actuals: $90,000 on API calls, $40,000 consultants. Chatbot for 500 staff.",
])
def test_a_count_a_month_a_quote_or_past_spend_is_no_budget(text):
    assert "budget_monthly_usd" not in read(text)


def test_a_rates_period_after_its_keyword_is_the_rates():
    got = read("RAG for 1,000 users, traffic: 30k/month")
    assert got["rps"] == pytest.approx(30000 / (30.4 * 86400), rel=0.05) and got["users"] == 1000
    assert read("chatbot, load of 900 an hour")["rps"] == pytest.approx(0.25)
    assert read("traffic of 20, chatbot")["rps"] == 20  # no period: per second, as before


# ------------------------------------------------------------------ people

@pytest.mark.parametrize("text,users", [
    ("Who gets it: 200 nurses, 40 people in pharmacy and 12 ward managers.", 252),
    ("chatbot for the 60 agents on the night desk, 25 clerks in billing and our 8 supervisors", 93),
    ("We're 3 regions, each region has 4 teams of about 10 planners. All of them get it.", 120),
    ("3 sites with 5 squads of 8 engineers each, code assistant", 120),
])
def test_groups_listed_or_nested_add_up_and_multiply(text, users):
    assert read(text)["users"] == users


def test_a_part_said_to_be_left_out_is_taken_off_the_whole():
    assert read("RAG for 1,200 staff; 200 of those are temps and they won't get access")["users"] == 1000
    assert read("chatbot for 1,200 staff; 200 of them work nights")["users"] != 1000  # a part, not left out


def test_a_copilot_of_another_trade_is_no_code_tool():
    assert read("Underwriting copilot (chat style) for 90 underwriters")["use_case"] == "chatbot_conversational"
    assert read("a GitHub Copilot alternative for 300 devs")["use_case"] == "code_completion"
    assert read("copilot for our 300 devs")["use_case"] == "code_completion"
    assert read("devs want copilot-style completions, 120 of them")["use_case"] == "code_completion"


# ------------------------------------------------------------------ use cases

@pytest.mark.parametrize("text,use_case", [
    ("An assistant that answers pharmacists' questions straight out of our formulary library, with links to the "
     "source page. 300 pharmacists.", "document_analysis_rag"),
    ("Customers chat with the manual of their dishwasher and get an answer pulled from the right section with the "
     "page reference. 5,000 users.", "document_analysis_rag"),
    ("Analysts type a question in plain English and we convert that into SQL for the warehouse. 200 analysts.",
     "code_generation_detailed"),
    ("Each support call's transcript gets turned into a short note for the CRM. 400 agents.", "summarization_short"),
    ("Underwriters paste broker emails and want the key facts back: limits, dates, exclusions. 150 underwriters.",
     "summarization_short"),
    ("We need to run 3,000 supplier contracts through a risk analysis (termination clauses? audit rights?).",
     "research_legal_analysis"),
    ("Medical device regulatory affairs: analysis of submission dossiers, 40 specialists.", "research_legal_analysis"),
])
def test_a_use_case_described_by_its_work(text, use_case):
    assert read(text)["use_case"] == use_case


def test_a_use_case_scrapped_is_not_the_one_read():
    got = read("Scrap the summaries idea: what we want is an assistant people talk to in Slack, 800 staff.")
    assert got["use_case"] == "chatbot_conversational"


def test_jargon_made_plain_in_the_same_language_is_no_translation():
    got = read("Lab reports are full of jargon; we want to 'translate' them into plain English for patients. Same "
               "language, just simpler. 50 doctors sign them off.")
    assert got.get("use_case") != "translation"
    assert read("translate our docs into German for 300 staff")["use_case"] == "translation"


# ------------------------------------------------------------------ hardware and latency

def test_the_noun_quantization_sets_no_precision():
    assert "precision" not in read("our ML team is nervous about quantization")
    assert read("we can run a quantized model, chatbot")["precision"] == "int4"


def test_a_sec_is_a_second():
    assert read("support bot, under a sec to first word")["ttft_p95_ms"] == 1000


def test_a_machine_out_for_repair_leaves_the_rest():
    got = read("3 servers x 8 A100s in our DC, but one server is out for RMA. chatbot, 500 users")
    assert got["max_gpus"] == 16


def test_a_limit_on_one_model_instance_is_no_fleet():
    got = read("We own 16 L4s across 4 nodes. Rule: a single model instance may use at most 2 GPUs. Chatbot, 900 users.")
    assert got["max_gpus"] == 16 and got["cost_model"] == "owned"
    assert read("chatbot on at most 2 GPUs")["max_gpus"] == 2


@pytest.mark.parametrize("text", [
    "Deploy Mistral on our 4 L40S, small chatbot for 100 users.",
    "We have 24 H100 across 3 nodes, all owned. RAG for 2,000 users.",
    "we have eight L4 cards in the lab, ours, chatbot for 300 people",
])
def test_cards_named_as_the_teams_own_are_owned(text):
    assert read(text)["cost_model"] == "owned"


def test_cards_of_a_cloud_are_rented_even_said_as_ours():
    assert read("chatbot for 300 users on our 8 H100s on AWS")["cost_model"] == "cloud"


# ------------------------------------------------------------------ the need asked as a question, context counts

def test_a_first_message_asking_whether_a_need_fits_states_the_need():
    from agent.offline.contract import Intent
    from tests.agent.reader_helpers import CATALOG
    from agent.offline.parser import parse_strict
    from knowledge.domain import DeploymentSpec

    got = parse_strict("We own four L40S, could they handle a 900-user RAG assistant?", CATALOG, spec=DeploymentSpec())
    assert got.updates["users"] == 900 and got.updates["max_gpus"] == 4 and Intent.WHATIF not in got.intents
    # a need said before the question in the same message keeps the question a what-if
    got = parse_strict("chatbot for 300 users. what if we had 600 users?", CATALOG, spec=DeploymentSpec())
    assert got.updates["users"] == 300 and Intent.WHATIF in got.intents


def test_a_count_said_as_the_whole_or_for_context_is_no_users():
    got = read("Loyalty app chatbot: ~8k members chat with it on a typical day (we have 2.5M members total, just for "
               "context).")
    assert got["users"] == 8000
    assert read("we have about 900 baristas in total, chatbot")["users"] == 900  # a total alone still counts


def test_nobody_waiting_on_the_results_is_a_batch():
    got = read("run 2,000 claim files through it overnight, 11pm to 5am. Nobody waits on individual outputs.")
    assert got["experience_class"] == "batch"


def test_a_claim_asked_back_about_a_named_gpu_orders_nothing():
    from agent.offline.contract import Intent
    from tests.agent.reader_helpers import held, parsed

    spec = held(use_case="chatbot_conversational", users=4000)
    got = parsed("why not L40S? isn't it way cheaper?", spec)
    assert Intent.CHEAPER not in got.intents and Intent.WHY in got.intents
    assert Intent.CHEAPER in parsed("is there anything cheaper?", spec).intents


def test_an_amount_added_to_the_budget_held():
    from tests.agent.reader_helpers import held

    spec = held(use_case="summarization_short", users=1000, budget_monthly_usd=6000)
    assert read("add 2.5k to the budget", spec)["budget_monthly_usd"] == 8500
    assert read("add another $1,500 a month", spec)["budget_monthly_usd"] == 7500
    assert read("add 200 users", spec)["users"] == 1200 and "budget_monthly_usd" not in read("add 200 users", spec)
