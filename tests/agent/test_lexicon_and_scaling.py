"""The lexical use-case scorer and the scaling grammar of the offline parser (agent/offline/lexicon.py, scaling.py)."""

from __future__ import annotations

import pytest

from agent.offline.lexicon import lexical_use_case
from agent.offline.numbers import number_text
from agent.offline.scaling import multiplier_text
from knowledge.domain.enums import UseCase


@pytest.mark.parametrize(("text", "expected"), [
    ("our pharmacists look things up in the drug formulary all day", UseCase.DOCUMENT_ANALYSIS_RAG),
    ("our dispatchers talk to it and ask it for advice", UseCase.CHATBOT_CONVERSATIONAL),
    ("we turn english product pages into swedish and finnish", UseCase.TRANSLATION),
    ("it writes bash scripts and fixes bugs in our repo", UseCase.CODE_GENERATION_DETAILED),
    ("auditors check supplier agreements for risky clauses", UseCase.RESEARCH_LEGAL_ANALYSIS),
    ("engineers get suggestions inline in their editor as they type", UseCase.CODE_COMPLETION),
])
def test_lexicon_reads_the_work_described(text: str, expected: UseCase) -> None:
    found = lexical_use_case(text)
    assert found is not None and found[0] == expected
    assert found[1]  # the words it was read from, for the "inferred from" echo


@pytest.mark.parametrize("text", ["hello there", "what does p95 mean", "we need it by march", "help"])
def test_lexicon_answers_nothing_without_a_clear_lead(text: str) -> None:
    assert lexical_use_case(text) is None


@pytest.mark.parametrize(("text", "field", "factor"), [
    ("make the time-to-first-token target twice as strict", "ttft_p95_ms", 0.5),
    ("make the summaries three times as long", "output_tokens", 3.0),
    ("loosen the end-to-end target by 50%", "e2e_p95_ms", 1.5),
    ("tighten the itl target by 20%", "itl_p95_ms", 0.8),
    ("one more zero on the budget", "budget_monthly_usd", 10.0),
    ("drop a zero from the budget", "budget_monthly_usd", 0.1),
    ("plan for 10% more traffic than that", "traffic", 1.1),
    ("traffic doubles", "traffic", 2.0),
])
def test_scaling_grammar(text: str, field: str, factor: float) -> None:
    found = multiplier_text(number_text(text))
    assert [(f, round(x, 6)) for f, x, _ in found] == [(field, factor)]


def test_a_plain_number_is_no_scaling() -> None:
    assert multiplier_text(number_text("budget 5,000 a month for 300 users")) == []
