"""What the offline parser extracts from one user message (the contract between parser and graph)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Intent(StrEnum):
    DESCRIBE = "describe"          # states or corrects facts about the need (the default)
    DONT_KNOW = "dont_know"        # "I don't know", "you pick", "no idea": take the offered defaults
    RECOMMEND = "recommend"        # "what do you recommend", "plan it", "show options"
    WHATIF = "whatif"              # "what if traffic doubles", "what about fp8", "relax TTFT to 500 ms?"
    COMPARE = "compare"            # "compare option 1 and 3"
    SELECT = "select"              # "I'll take option 2", "go with the second one"
    WHY = "why"                    # "why option 1?", "explain"
    CHEAPER = "cheaper"            # "show cheaper options", "anything cheaper?"
    FASTER = "faster"              # "anything faster?"
    DEPLOY = "deploy"              # "deploy option 2", "deploy it", "roll it out"
    SHOW_YAML = "show_yaml"        # "show the YAML", "show manifests"
    SHOW_SPEC = "show_spec"        # "show the spec", "what did you assume?"
    VALIDATE = "validate"          # "validate the deployment", "check it meets the SLOs"
    START_OVER = "start_over"      # "start over", "reset", "new conversation"
    HELP = "help"                  # "help", "what can you do"
    GREETING = "greeting"          # "hi", "hello" (nothing else)


class WhatIfRequest(BaseModel):
    label: str = Field(description="short human label, e.g. 'traffic x2'")
    changes: dict[str, Any] = Field(
        description="spec field -> value or 'Nx' multiplier; 'traffic' scales users/rps/peak_rps together")


class ParseResult(BaseModel):
    updates: dict[str, Any] = Field(
        default_factory=dict,
        description="DeploymentSpec fields stated in this message, with canonical values "
                    "(use_case enum value, GPU canonical names, model canonical ids, numbers in spec units)")
    cleared: list[str] = Field(default_factory=list, description="fields the user retracted: 'no budget', 'any GPU'")
    intents: list[Intent] = Field(default_factory=list)
    options: list[int] = Field(default_factory=list, description="option numbers mentioned (1-based), in order")
    whatifs: list[WhatIfRequest] = Field(default_factory=list)
    dont_know: list[str] = Field(default_factory=list,
                                 description="spec fields the user said they do not know (from `asked` context)")
    contradictions: list[str] = Field(default_factory=list,
                                      description="facts in this message that cannot all be true, in words")
    suspicious: list[str] = Field(default_factory=list,
                                  description="instruction-like text aimed at the agent (possible prompt injection)")
    unparsed: bool = Field(default=False, description="nothing usable was found in the message")
    spans: dict[str, str] = Field(default_factory=dict, description="field -> the words its value was read from")
    notes: dict[str, str] = Field(default_factory=dict, description="field -> how its value was read (assumption)")
    inferred: dict[str, str] = Field(default_factory=dict,
                                     description="field -> the words its value was inferred from, when the user "
                                                 "described the need rather than naming the value (a use case)")
    guessed: list[str] = Field(default_factory=list,
                               description="fields a bare number was given to by guess (asked back, not applied)")
    questions: list[dict[str, Any]] = Field(default_factory=list,
                                            description="what why-questions ask about: {about, target}")
    narrowed: list[str] = Field(default_factory=list,
                                description="exclusion fields whose names replace the list ('I only meant no Llama "
                                            "405B'): what was excluded before and is not named is allowed again")
    remarks: list[str] = Field(default_factory=list,
                               description="what the message asks that Compass does not model (a cloud region, a "
                                           "seasonal peak), in words, to be said back rather than dropped")
    additive: list[str] = Field(default_factory=list,
                                description="list fields named as additions ('H100s are fine too'), not restrictions")
