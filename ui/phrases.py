"""What the UI's buttons and the spec card's edits say to the agent.

The UI never changes the spec or the plan itself: an edit becomes an ordinary user message in words the
offline parser understands ("users: 8000"), so it goes through the graph like typed text, shows up in the
conversation and is saved with it. tests/ui/test_phrases.py checks every phrase against the parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.domain.enums import CostModel, Precision, Priority, UseCase

VALUE = "{value}"


@dataclass(frozen=True)
class FieldInput:
    kind: str  # number | text | select
    template: str = ""  # for number/text: the message, with {value} where the user's value goes
    options: tuple[tuple[str, str, str], ...] = ()  # select: (value, label, message)
    clear: str | None = None  # the message that removes the value ("no budget")
    unit: str = ""
    step: str = "any"
    extra: dict = field(default_factory=dict)


USE_CASE_WORDS = {u: u.label for u in UseCase}  # the domain's names (knowledge/domain/enums.py)
PRIORITY_WORDS = {Priority.LATENCY: "latency matters most", Priority.COST: "cost matters most",
                  Priority.QUALITY: "quality matters most", Priority.BALANCED: "balanced priority"}
COST_MODEL_WORDS = {CostModel.CLOUD: "we rent GPUs in the cloud", CostModel.OWNED: "we own the GPUs",
                    CostModel.PURCHASE: "we will buy the GPUs"}

FIELD_INPUTS: dict[str, FieldInput] = {
    "use_case": FieldInput("select", options=tuple((u.value, USE_CASE_WORDS[u], f"use case: {USE_CASE_WORDS[u]}")
                                                   for u in UseCase)),
    "users": FieldInput("number", "users: {value}", step="1"),
    "rps": FieldInput("number", "average rate: {value} req/s", unit="req/s"),
    "peak_rps": FieldInput("number", "peak: {value} req/s", unit="req/s"),
    "prompt_tokens": FieldInput("number", "prompts of {value} tokens", unit="tokens", step="1"),
    "output_tokens": FieldInput("number", "outputs of {value} tokens", unit="tokens", step="1"),
    "ttft_p95_ms": FieldInput("number", "TTFT: {value} ms", unit="ms"),
    "itl_p95_ms": FieldInput("number", "ITL: {value} ms", unit="ms"),
    "e2e_p95_ms": FieldInput("number", "p95 E2E {value} ms", unit="ms"),
    "priority": FieldInput("select", options=tuple((p.value, p.value, PRIORITY_WORDS[p]) for p in Priority)),
    "budget_monthly_usd": FieldInput("number", "budget: ${value} per month", clear="no budget", unit="$/month"),
    "gpus": FieldInput("text", "GPUs: {value}", clear="any GPU"),
    "models": FieldInput("text", "models: {value}"),
    "precision": FieldInput("select", options=tuple((p.value, p.value, f"precision: {p.value}") for p in Precision)),
    "cost_model": FieldInput("select", options=tuple((c.value, c.value, COST_MODEL_WORDS[c]) for c in CostModel)),
    "max_gpus": FieldInput("number", "max {value} GPUs", step="1"),
    "namespace": FieldInput("text", "namespace: {value}"),
    "allow_cold_start": FieldInput("select", options=(("true", "yes", "allow scale to zero"),
                                                      ("false", "no", "no scale to zero"))),
}


def edit_message(field_name: str, value: str) -> str:
    """The message that sets ``field_name`` to ``value`` (what the spec card sends)."""
    spec = FIELD_INPUTS[field_name]
    if spec.kind == "select":
        for option_value, _label, message in spec.options:
            if option_value == str(value):
                return message
        raise ValueError(f"{value!r} is not a choice for {field_name}")
    return spec.template.replace(VALUE, str(value).strip())


# Buttons of the recommendations table and the what-if chips.
def select_message(option: int) -> str:
    return f"I'll go with option {option}"


def why_message(option: int) -> str:
    return f"why option {option}"


def compare_message(a: int, b: int) -> str:
    return f"compare option {a} and {b}"


def deploy_message(option: int) -> str:
    return f"deploy option {option}"


WHATIF_CHIPS: tuple[tuple[str, str], ...] = (
    ("Traffic x2", "what if traffic doubles?"),
    ("FP8", "what if we use fp8?"),
    ("Cheaper", "anything cheaper?"),
    ("Faster", "anything faster?"),
)
