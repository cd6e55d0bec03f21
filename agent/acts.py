"""The typed contract for understanding a turn: the dialogue acts of one user message.

Both brains speak it. The offline brain's parser reads a message into acts; an LLM emits the spec-changing acts
as the arguments of the ``update_spec`` tool. Only ``update_spec`` changes the spec, so "a question never
changes the requirements" is structural: a question is an ``AskWhy``/``WhatIf``/``Compare`` act, which maps to a
tool that reads the plan, never to ``update_spec``.

Spec acts carry the words they came from (``span``), so every change can be echoed and undone; a reading the
brain is unsure of is marked ``sure=False`` and asked back instead of applied.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from knowledge.domain.spec import SPEC_FIELDS

ListField = Literal["gpus", "exclude_gpus", "models", "exclude_models"]
LIST_FIELDS: tuple[str, ...] = ("gpus", "exclude_gpus", "models", "exclude_models")
SCALAR_FIELDS: tuple[str, ...] = tuple(f for f in SPEC_FIELDS if f not in LIST_FIELDS)


class _Act(BaseModel):
    model_config = ConfigDict(extra="forbid")

    span: str = Field(default="", description="the words of the message this act was read from")


# ------------------------------------------------------------------ acts that change the spec (update_spec)

class SetField(_Act):
    """State a value: 'budget 15k a month' -> budget_monthly_usd = 15000."""

    act: Literal["set"] = "set"
    field: str = Field(description=f"one of {', '.join(SCALAR_FIELDS)}")
    value: Any = Field(description="in spec units: requests/s, ms, tokens, USD per month, enum values")
    sure: bool = Field(default=True, description="false: ask the user to confirm instead of applying it")
    inferred: bool = Field(default=False, description="true: the value is a reading of what the user described "
                           "(span), not a value they named, e.g. use case chatbot from 'an AI assistant'; it is "
                           "recorded as assumed, with those words")
    note: str | None = Field(default=None, description="how the value was read, e.g. a currency conversion")


class UnsetField(_Act):
    """Withdraw a value: 'forget the budget', 'I never said we only have 1 GPU'."""

    act: Literal["unset"] = "unset"
    field: str


class Include(_Act):
    """Allow GPUs, a vendor's GPUs or models. ``only``: restrict to these ('only L4s'); otherwise add them to what
    is allowed and lift any exclusion ('H100-PCIe is fine too')."""

    act: Literal["include"] = "include"
    kind: Literal["gpu", "vendor", "model"]
    names: list[str] = Field(min_length=1)
    only: bool = False


class Exclude(_Act):
    """Rule out GPUs, a vendor's GPUs or models ('no H100s', 'no AMD', 'not Mixtral')."""

    act: Literal["exclude"] = "exclude"
    kind: Literal["gpu", "vendor", "model"]
    names: list[str] = Field(min_length=1)
    only: bool = Field(default=False, description="these are all that is excluded ('I only meant no Llama 405B'): "
                                                  "anything excluded before and not named is allowed again")


class Correct(_Act):
    """Fix a value the brain got wrong: 'not 10 dollars, 10 thousand' (value None: 'I never said that')."""

    act: Literal["correct"] = "correct"
    field: str
    wrong: Any = Field(default=None, description="the value the user says is wrong, if they named it")
    value: Any = Field(default=None, description="the right value; null withdraws the field")


class DontKnow(_Act):
    """The user does not know (or leaves it to us): the offered defaults apply, marked assumed."""

    act: Literal["dont_know"] = "dont_know"
    fields: list[str] = Field(default_factory=list, description="empty: the fields of the last question")


class Confirm(_Act):
    """'yes' to 'did you mean ...?': apply the reading that was asked back."""

    act: Literal["confirm"] = "confirm"


SpecAct = Annotated[SetField | UnsetField | Include | Exclude | Correct | DontKnow | Confirm, Field(discriminator="act")]
SPEC_ACTS = (SetField, UnsetField, Include, Exclude, Correct, DontKnow, Confirm)


# ------------------------------------------------------------------ acts that ask, explore or act

WhyAbout = Literal["option", "gpu", "model", "precision", "tp", "gpu_count", "cost", "plan", "api", "best", "catalog",
                   "budget", "tp_pair", "failure", "cost_confidence",
                   "currency", "source", "fits", "meets", "namespaces"]


class AskWhy(_Act):
    """'why option 1?', 'why not an H100?', 'why 80 GPUs?', 'why so cheap?', 'would a hosted API be cheaper?',
    'which option is the cheapest?' (about best, target cost / latency / quality), 'is 12k even enough?' (about
    budget, target the amount in USD a month): answered from the plan."""

    act: Literal["ask_why"] = "ask_why"
    about: WhyAbout
    target: str | int | None = Field(default=None, description="the GPU, model id, precision, TP or option")


class WhatIf(_Act):
    act: Literal["what_if"] = "what_if"
    label: str
    changes: dict[str, Any]


class Compare(_Act):
    act: Literal["compare"] = "compare"
    options: list[int] = Field(default_factory=list)


class Select(_Act):
    """Pick an option; without one, adopt the what-if just compared ('let's do that')."""

    act: Literal["select"] = "select"
    option: int | None = None


class DeployRequest(_Act):
    act: Literal["deploy"] = "deploy"
    option: int | None = None
    namespace: str | None = None
    row: dict[str, str] | None = Field(default=None, description="a what-if row the user saw and adopts (model_id, "
                                       "gpu, precision): the re-made plan's option with that configuration is deployed")


class ShowManifests(_Act):
    act: Literal["show_manifests"] = "show_manifests"
    option: int | None = None


class Simple(_Act):
    """Acts without arguments."""

    act: Literal["recommend", "show_spec", "validate", "undo", "undo_all", "start_over", "greeting", "thanks", "off_topic",
                 "cheaper", "faster", "approve_by_text", "unclear", "unclear_question", "explain_term", "which_one",
                 "deployment_status"]
    note: str | None = Field(default=None, description="which_one: the rows a pointing deploy fits, said back")


class Help(_Act):
    act: Literal["help"] = "help"
    command: str | None = Field(default=None, description="an unknown slash command that was typed")


class UnsupportedLanguage(_Act):
    act: Literal["unsupported_language"] = "unsupported_language"
    language: str


Act = Annotated[SetField | UnsetField | Include | Exclude | Correct | DontKnow | Confirm | AskWhy | WhatIf | Compare | Select
                | DeployRequest | ShowManifests | Simple | Help | UnsupportedLanguage, Field(discriminator="act")]


class Reading(BaseModel):
    """Everything one message says, in order, with what the brain noticed about the message itself."""

    acts: list[Act] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="contradictions, rejected values, cut pastes")
    suspicious: list[str] = Field(default_factory=list, description="instruction-like text aimed at the agent")

    def spec_acts(self) -> list[Any]:
        return [a for a in self.acts if isinstance(a, SPEC_ACTS)]

    def first(self, *kinds: str) -> Any | None:
        return next((a for a in self.acts if a.act in kinds), None)

    def has(self, *kinds: str) -> bool:
        return self.first(*kinds) is not None
