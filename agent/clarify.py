"""Which facts are missing, what to ask, and the defaults offered with each question."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from knowledge.domain import CostModel, DeploymentSpec, UseCase

MAX_QUESTIONS = 2
DEFAULT_USERS = 1000


class Ask(BaseModel):
    fields: list[str]
    text: str
    default: dict[str, Any] = Field(default_factory=dict)


USE_CASE_ASK = Ask(
    fields=["use_case"],
    text=("What will it be used for? For example a support chatbot, code completion in the IDE, RAG over "
          "documents, summarisation, translation or contract review. If you are not sure, I will plan for a "
          "conversational chatbot."),
    default={"use_case": UseCase.CHATBOT_CONVERSATIONAL},
)
SCALE_ASK = Ask(
    fields=["users"],
    text=(f"Roughly how many users will use it (or how many requests per second at peak)? If you don't know, "
          f"I will plan for {DEFAULT_USERS:,} users."),
    default={"users": DEFAULT_USERS},
)
BUDGET_ASK = Ask(
    fields=["budget_monthly_usd"],
    text="Is there a monthly budget I should stay under? Without one I rank by your priority and show the costs.",
    default={},
)


def missing_essentials(spec: DeploymentSpec) -> list[Ask]:
    """Facts without which any answer would be a guess: the use case and some measure of scale."""
    asks = []
    if spec.use_case is None:
        asks.append(USE_CASE_ASK)
    if (spec.users is None and spec.concurrent_users is None and spec.rps is None and spec.peak_rps is None
            and spec.window_requests is None):
        asks.append(SCALE_ASK)
    return asks[:MAX_QUESTIONS]


def unanswered(asks: list[Ask], asked: set[str]) -> tuple[list[Ask], list[Ask]]:
    """Split into (still to ask, already asked once): we never ask the same thing twice; defaults apply."""
    fresh = [a for a in asks if not set(a.fields) & asked]
    repeated = [a for a in asks if set(a.fields) & asked]
    return fresh, repeated


OWNED_GPUS_ASK = Ask(
    fields=["gpus"],
    text=("Which GPUs do you own, and how many (for example *we own 8 A100-80GB*)? Until you say, every GPU is "
          "costed as owned (power only), including ones you may not have."),
    default={},
)


def owned_count_ask(gpus: list[str]) -> Ask:
    """How many of the owned GPUs there are: until said, the plan takes as many as the load needs."""
    named = " or ".join(gpus)
    return Ask(fields=["max_gpus"], text=(f"How many {named} do you have? Until you say, the plan uses as many as "
                                          "the load needs, which may be more than you own."), default={})


def follow_up(spec: DeploymentSpec, asked: set[str]) -> Ask | None:
    """One optional question after a recommendation, about the most answer-changing fact still unknown: with owned
    hardware, which GPUs are owned (the plan otherwise prices cards the user may not have at power only), then how
    many (the plan otherwise takes as many as the load needs); else the budget, which owned hardware's power bill
    rarely needs."""
    if spec.cost_model is CostModel.OWNED:
        if not spec.gpus and "gpus" not in asked:
            return OWNED_GPUS_ASK
        if spec.max_gpus is None and not {"gpus", "max_gpus"} & asked:
            return owned_count_ask(spec.gpus)
        return None
    if spec.budget_monthly_usd is None and "budget_monthly_usd" not in asked:
        return BUDGET_ASK
    return None


def defaults_for(fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for ask in (USE_CASE_ASK, SCALE_ASK, BUDGET_ASK, OWNED_GPUS_ASK):
        if set(ask.fields) & set(fields):
            out.update(ask.default)
    return out
