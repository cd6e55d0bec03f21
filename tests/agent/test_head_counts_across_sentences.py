"""Head counts a message gives across its sentences or in steps (agent/offline/head_counts.py, shares.py), and prices
per token (budgets.py): the classes the twelfth round's dev half left, phrased apart from its sentences."""

from __future__ import annotations

import pytest

from agent.offline.parser import parse_strict
from knowledge.catalog import Catalog

CATALOG = Catalog.from_files()


def parse(text: str):
    return parse_strict(text, CATALOG)


@pytest.mark.parametrize("text,users", [
    ("Our firm has 7 branches. Every branch employs 15 tellers who would ask the assistant about policy.", 105),
    ("We operate 6 depots; in each depot there are 25 drivers and 5 more on weekends.", 180),
    ("Three hospitals in the group, each with 220 clinicians. RAG over our guidelines.", 660),
    ("We have 4 labs. Each lab has 9 chemists and 3 technicians.", 48),
])
def test_places_counted_then_the_people_in_each(text, users):
    got = parse(text)
    assert got.updates["users"] == users and "x" in got.notes["users"]


@pytest.mark.parametrize("text", [
    "We have 4 labs. Each lab has a manager. Chatbot for 90 staff.",  # the users are said apart
    "We have 12 servers. Each server has 8 GPUs.",  # machines, not people
])
def test_no_product_when_the_each_sentence_counts_no_users(text):
    assert parse(text).updates.get("users") in (None, 90)


@pytest.mark.parametrize("text,users", [
    ("Claims handlers per city: Leeds 45, Bristol 30 and Cardiff 25. Summaries of claim files.", 100),
    ("Engineers using it - Berlin 1,200, Porto 300, Lyon 150: coding assistant.", None),  # no colon before the list
    ("Support agents: Toronto 80, Montreal 40.", 120),
])
def test_people_listed_per_place_add_up(text, users):
    assert parse(text).updates.get("users") == users


def test_a_list_of_amounts_per_region_is_no_head_count():
    assert parse("Spend by region: EMEA 5000, APAC 3000. Chatbot for 200 staff.").updates["users"] == 200


@pytest.mark.parametrize("text,users", [
    ("Of our 6,000 employees, a third work in the plants, and about half of plant staff would use it.", 1000),
    ("We have 1,200 people; 25% are in finance and 60% of those would use the assistant.", 180),
])
def test_a_share_of_a_share(text, users):
    assert parse(text).updates["users"] == users


def test_two_shares_side_by_side_are_not_multiplied():
    assert parse("Of our 3,000 staff, 20% would use it daily and 10% are contractors.").updates["users"] == 600


@pytest.mark.parametrize("text,users", [
    ("Chatbot for 800 employees. Headcount should grow 25% by next year and we want to size for that.", 1000),
    ("About 2,000 users now; we expect to triple, so please plan for the growth.", 6000),
])
def test_growth_the_message_asks_to_size_for(text, users):
    got = parse(text)
    assert got.updates["users"] == users and "today x" in got.notes["users"]


@pytest.mark.parametrize("text", [
    "Chatbot for 800 employees. We might grow 25% one day.",  # not asked to size for it
    "Chatbot for 800 employees; traffic doubles at lunch, so size it for that.",  # a rush hour (the peak), no growth
])
def test_growth_not_asked_for_leaves_todays_count(text):
    assert parse(text).updates["users"] == 800


def test_the_count_of_the_people_named_before():
    assert parse("The underwriters will use it to query our guidelines. There are 75 of them.").updates["users"] == 75


@pytest.mark.parametrize("text", [
    "We are billed $2.50 per million input tokens by our provider. Chatbot for 300 staff.",
    "Current price is €0.60/1M tokens. RAG assistant for 100 people.",
])
def test_a_price_per_token_is_neither_a_budget_nor_a_prompt_length(text):
    got = parse(text).updates
    assert "budget_monthly_usd" not in got and "prompt_tokens" not in got


def test_a_price_per_token_times_the_tokens_a_month_is_what_is_paid_today():
    got = parse("Our provider charges $1.20 per million tokens and we send 500 million tokens a month. "
                "Internal chatbot for 400 staff.")
    assert "budget_monthly_usd" not in got.updates
    assert any("$600 a month" in r for r in got.remarks)
    capped = parse("We pay $1.20 per 1M tokens on 500M tokens a month; it is only worth it if we stay under that.")
    assert capped.updates["budget_monthly_usd"] == pytest.approx(600)


@pytest.mark.parametrize("text,monthly", [
    ("Unser Jahresbudget: 240.000 €. Chatbot for 100 staff.", 240_000 / 12),
    ("Budget annuel 60 000 EUR. Chatbot for 100 staff.", 60_000 / 12),
])
def test_a_yearly_budget_in_another_languages_words(text, monthly):
    assert parse(text).updates["budget_monthly_usd"] == pytest.approx(monthly * 1.17, rel=0.12)  # EUR at a dated rate


def test_licences_of_which_a_share_log_in():
    assert parse("We hold 900 licences for the old tool, but only a third of people actually log in each day. "
                 "Drafting emails.").updates["users"] == 300


def test_groups_of_people_and_how_many_groups_work_on_a_day():
    got = parse("There are 6 watches of 15 controllers. Two watches are off at any time, so four watches work on any "
                "given day. They'd summarise shift logs.")
    assert got.updates["users"] == 60 and "4 watches at work x 15" in got.notes["users"]


def test_people_always_on_leave_or_rest_days_say_nothing_of_cold_starts():
    assert "allow_cold_start" not in parse("One team is always on rest days. Chatbot for 90 staff.").updates


@pytest.mark.parametrize("text,owned", [
    ("Our in-house legal team of 30 wants clause extraction.", False),  # people, not hardware
    ("55 in-house linguists would post-edit machine drafts.", False),
    ("We'd run it in-house on the servers we have. Chatbot for 200 staff.", True),
])
def test_in_house_people_are_no_owned_hardware(text, owned):
    assert (parse(text).updates.get("cost_model") == "owned") is owned


@pytest.mark.parametrize("text", ["What if only half of our staff would use it?", "And if half of them use it?"])
def test_a_share_asked_as_a_what_if_scales_the_users_held(text):
    """With no head count said before it in the sentence, "half of them would use it" is a what-if on the users the
    spec holds (a share of a count said in the sentence is read as the users, test_a_share_of_a_share)."""
    from knowledge.domain import DeploymentSpec

    spec = DeploymentSpec().with_values("stated", "test", use_case="chatbot_conversational", users=2000)
    got = parse_strict(text, CATALOG, spec=spec)
    assert [w.changes for w in got.whatifs] == [{"traffic": "0.5x"}] and "users" not in got.updates
