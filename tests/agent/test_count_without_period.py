"""A count of events said without a period is named back, never guessed into a rate (agent/offline/unperiodic.py)."""

from __future__ import annotations

import pytest

from agent.offline.parser import parse_strict
from agent.offline.unperiodic import count_without_period
from knowledge.catalog import Catalog


@pytest.mark.parametrize("text, said", [
    ("About 3000 calls, each call triggers roughly 10 suggestions.", "About 3000 calls"),
    ("We have 200 support agents handling about 40k chats.", "about 40k chats"),
    ("roughly 12,500 support tickets, give or take", "roughly 12,500 support tickets"),
])
def test_a_count_of_events_without_a_period_is_named(text, said):
    remark = count_without_period(text)
    assert remark is not None and f'"{said}"' in remark and "a day" in remark


@pytest.mark.parametrize("text", [
    "About 3000 calls a day, each call triggers roughly 10 suggestions.",
    "we get 3,000 tickets per month",
    "we answer 20k questions between 9 and 5",
    "10,000 emails in our inbox each week",
    "Peak is 500 concurrent sessions",
    "around 5,000 documents in the knowledge base",  # a corpus, not a volume of work
    "In 2024 we had 12 requests from legal",         # a handful, not a volume
    "the API takes 300 requests/s",
])
def test_a_count_with_a_period_or_no_volume_is_not(text):
    assert count_without_period(text) is None


def test_the_reader_says_it_only_when_no_traffic_figure_came_from_the_message():
    catalog = Catalog.from_files()
    said = parse_strict("A support chatbot; about 3000 calls, each makes 10 requests.", catalog)
    assert any("3000 calls" in r for r in said.remarks) and "rps" not in said.updates
    used = parse_strict("A support chatbot for 500 agents, about 3000 calls.", catalog)
    assert not any("3000 calls" in r for r in used.remarks) and used.updates["users"] == 500


def test_an_event_that_asks_the_model_for_several_things_multiplies_the_rate():
    catalog = Catalog.from_files()
    got = parse_strict("1,800 phone calls a day; each one asks the model for about 5 hints", catalog)
    assert got.updates["rps"] == pytest.approx(1800 * 5 / 86400, rel=0.01)
