"""What a user reads: numbers rounded once (knowledge/domain/display.py), use cases marked as read from their
words, and values that follow from what was said derived as soon as it was said."""

from __future__ import annotations

import re

import pytest

from agent.acts import SetField
from agent.offline.reading import read_message
from agent.spec_update import apply_acts
from knowledge.domain import DeploymentSpec, UseCase

FALSE_PRECISION = re.compile(r"\b\d\.\d{3,}|\b\d{2}\.\d{2,}|\d{3}\.\d|\b\d+\.0 ms")  # over 3 significant figures
IDENTIFIERS = re.compile(r"\b(?:chatbot_conversational|on_demand|document_analysis_rag|reserved_1y)\b")


def _acts(text, catalog, spec=None):
    return read_message(text, catalog, spec=spec).spec_acts()


@pytest.mark.parametrize("text, use_case, words", [
    ("an AI assistant for our 5000 employees", UseCase.CHATBOT_CONVERSATIONAL, "AI assistant"),
    ("Translate our product pages, 20 requests per second", UseCase.TRANSLATION, "Translate"),
    ("help desk bot for 300 agents", UseCase.CHATBOT_CONVERSATIONAL, "help desk"),
])
def test_a_use_case_read_from_a_description_is_assumed_with_the_words_it_came_from(catalog, text, use_case, words):
    spec = apply_acts(DeploymentSpec(), _acts(text, catalog), catalog).spec
    assert spec.use_case is use_case
    source = spec.sources["use_case"]
    assert source.origin == "assumed" and words in source.note and source.note.startswith("inferred from")


@pytest.mark.parametrize("text, use_case", [
    ("a chatbot for 5000 employees", UseCase.CHATBOT_CONVERSATIONAL),
    ("translation, 20 requests per second", UseCase.TRANSLATION),
    ("RAG for 300 analysts", UseCase.DOCUMENT_ANALYSIS_RAG),
])
def test_a_use_case_named_by_the_user_is_stated(catalog, text, use_case):
    spec = apply_acts(DeploymentSpec(), _acts(text, catalog), catalog).spec
    assert spec.use_case is use_case and spec.sources["use_case"].origin == "stated"


def test_naming_a_use_case_that_was_inferred_makes_it_stated_and_a_reading_never_downgrades_it(catalog):
    spec = apply_acts(DeploymentSpec(), _acts("an AI assistant for our staff", catalog), catalog).spec
    named = apply_acts(spec, _acts("it's a chatbot", catalog, spec), catalog)
    assert named.spec.sources["use_case"].origin == "stated" and not named.changes[:0]
    again = apply_acts(named.spec, [SetField(field="use_case", value="chatbot_conversational", span="assistant",
                                             inferred=True)], catalog)
    assert again.spec.sources["use_case"].origin == "stated" and [c.field for c in again.unchanged] == ["use_case"]


@pytest.mark.parametrize("text, window, requests, rps", [
    ("We process 4,000 invoices in a 4h window after market close.", 4, 4000, 4000 / 4 / 3600),
    ("Between 8:00 and 18:00 we get 36,000 requests; outside that it's dead.", 10, 36000, 1.0),
    ("300k documents have to go through between midnight and 5am", 5, 300_000, 300_000 / 5 / 3600),
])
def test_a_windows_rate_is_derived_when_it_is_said_without_a_use_case(catalog, text, window, requests, rps):
    update = apply_acts(DeploymentSpec(), _acts(text, catalog), catalog)
    spec = update.spec
    assert spec.use_case is None and spec.window_hours == window and spec.window_requests == requests
    assert spec.rps == pytest.approx(rps, rel=0.01) and spec.sources["rps"].origin == "assumed"
    assert f"{requests:,} requests over {window:g} h" == spec.sources["rps"].note
    assert "rps" in [c.field for c in update.changes]  # echoed with the rest of the turn


def test_batch_work_said_as_such_gets_its_steady_peak_and_scale_to_zero_at_once(catalog):
    text = "90k invoices, extract the fields, window 01:00-04:00, no user is waiting"
    spec = apply_acts(DeploymentSpec(), _acts(text, catalog), catalog).spec
    assert spec.experience_class.value == "batch" and spec.rps == pytest.approx(90_000 / 3 / 3600, rel=0.01)
    assert spec.peak_rps == spec.rps and spec.allow_cold_start is True
    assert spec.sources["allow_cold_start"].origin == "assumed"


def test_a_rate_that_needs_the_use_case_waits_for_it(catalog):
    """Users become requests/s only through a use case's traffic shape: nothing is derived before one is known."""
    spec = apply_acts(DeploymentSpec(), _acts("about 2,000 people will use it", catalog), catalog).spec
    assert spec.users == 2000 and spec.rps is None


def test_a_derived_rate_follows_a_change_of_the_window(catalog):
    spec = apply_acts(DeploymentSpec(), _acts("36,000 requests between 8:00 and 18:00", catalog), catalog).spec
    update = apply_acts(spec, _acts("actually the window is 6 hours", catalog, spec), catalog)
    assert update.spec.window_hours == 6 and update.spec.rps == pytest.approx(36_000 / 6 / 3600, rel=0.01)
    assert {c.field for c in update.changes} == {"window_hours", "rps"}


def test_replies_show_no_false_precision_or_identifiers(service, session):
    replies = [service.turn(session, "alice", text).reply for text in (
        "an AI assistant for our 5000 employees", "why that many GPUs?", "show the spec", "what if traffic doubles?",
        "compare option 1 and 2", "why does option 1 cost that much?")]
    for reply in replies:
        assert not FALSE_PRECISION.search(reply), FALSE_PRECISION.search(reply)
        assert not IDENTIFIERS.search(reply), IDENTIFIERS.search(reply)
    assert "5.21 req/s on average and 13.0 at peak" in replies[0] and "ITL 50 ms" in replies[0]
    assert 'use case chatbot (inferred from "AI assistant")' in replies[0]


def test_a_task_with_no_template_says_which_template_stands_in_and_why(catalog):
    """'document classification' has no use case of its own: the assumption says the nearest one and why, not only the
    word it was read from (a bare 'inferred from "classification"' read as if classification were summarisation)."""
    spec = apply_acts(DeploymentSpec(), _acts("document classification of support tickets for 300 agents", catalog),
                      catalog).spec
    source = spec.sources["use_case"]
    assert spec.use_case == UseCase.SUMMARIZATION_SHORT and source.origin == "assumed"
    assert source.note.startswith('inferred from "classification"') and "nearest" in source.note
