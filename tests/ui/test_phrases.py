"""Every message the UI sends for the user (spec edits, buttons, chips) is understood by the offline parser."""

from __future__ import annotations

import pytest

from agent.offline.contract import Intent
from agent.offline.parser import parse_strict
from ui import phrases
from ui.phrases import FIELD_INPUTS, edit_message

# field -> (what the user types into the card, what the spec must then hold)
TYPED = {
    "users": ("8000", 8000), "rps": ("12.5", 12.5), "peak_rps": ("30", 30.0), "prompt_tokens": ("700", 700),
    "output_tokens": ("300", 300), "ttft_p95_ms": ("800", 800.0), "itl_p95_ms": ("35.5", 35.5),
    "e2e_p95_ms": ("9000", 9000.0), "budget_monthly_usd": ("12500", 12500.0), "max_gpus": ("16", 16),
    "namespace": ("team-a", "team-a"), "gpus": ("L4, A100", ["L4", "A100-80GB"]),
    "models": ("Llama 3.1 8B", ["meta-llama/Llama-3.1-8B-Instruct"]),
}


@pytest.mark.parametrize("field", sorted(TYPED))
def test_typed_edits_set_exactly_that_field(catalog, field):
    typed, expected = TYPED[field]
    parsed = parse_strict(edit_message(field, typed), catalog)
    assert parsed.updates.get(field) == expected
    assert set(parsed.updates) - {field} == set() and Intent.DEPLOY not in parsed.intents


def test_every_number_and_text_field_of_the_card_is_covered():
    assert {f for f, spec in FIELD_INPUTS.items() if spec.kind != "select"} == set(TYPED)


@pytest.mark.parametrize("field,value", [(f, v) for f, spec in FIELD_INPUTS.items() if spec.kind == "select"
                                         for v, _label, _message in spec.options])
def test_every_choice_of_a_select_sets_that_value(catalog, field, value):
    parsed = parse_strict(edit_message(field, value), catalog)
    got = parsed.updates.get(field)
    assert str(got).lower() == value
    assert set(parsed.updates) <= {field, "description"}  # "use case: chatbot" is also a description


@pytest.mark.parametrize("field", [f for f, spec in FIELD_INPUTS.items() if spec.clear])
def test_clear_messages_retract_the_field(catalog, field):
    assert parse_strict(FIELD_INPUTS[field].clear, catalog).cleared == [field]


def test_button_messages_are_commands_with_their_option_numbers(catalog):
    cases = [(phrases.select_message(2), Intent.SELECT, [2]), (phrases.why_message(3), Intent.WHY, [3]),
             (phrases.compare_message(1, 4), Intent.COMPARE, [1, 4]), (phrases.deploy_message(1), Intent.DEPLOY, [1])]
    for text, intent, options in cases:
        parsed = parse_strict(text, catalog)
        assert intent in parsed.intents and parsed.options == options and not parsed.updates, text


def test_whatif_chips_ask_without_changing_the_spec(catalog):
    expected = {"Traffic x2": Intent.WHATIF, "FP8": Intent.WHATIF, "Cheaper": Intent.CHEAPER, "Faster": Intent.FASTER}
    for label, message in phrases.WHATIF_CHIPS:
        parsed = parse_strict(message, catalog)
        assert expected[label] in parsed.intents and not parsed.updates, message


def test_unknown_choice_is_refused():
    with pytest.raises(ValueError):
        edit_message("priority", "speed")
