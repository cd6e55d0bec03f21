"""Questions about the plan on screen that have answers of their own (each module says its class): where a value came
from, whether it fits the user's GPUs, slower replies for less money, the cost in another currency, how sure the
cost is, losing a replica, two values of one setting.

Asked only once a plan exists, and only of a message that states nothing new: "we're uncertain about traffic, maybe
500 users, budget $3k?" is a need with a question mark, read by the parser, not a question about the cost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from agent.acts import AskWhy
from agent.offline.cost_questions import cost_confidence_question, currency_question
from agent.offline.failure import failure_question, meets_question
from agent.offline.fit_questions import fit_question
from agent.offline.setting_pairs import setting_pair
from agent.offline.tradeoffs import latency_for_cost


def _asked(about: str, reader: Callable[[str], Any]) -> Callable[[str], list[Any] | None]:
    """A reader that answers False when the message is not its question (None is 'the selected option')."""
    def read(text: str) -> list[Any] | None:
        target = reader(text)
        return None if target is False else [AskWhy(about=about, target=target)]
    return read


# which namespace a deploy would use or may use: "which namespaces can I use then?", "where can we deploy?", "which k8s
# namespace would this end up in?", "where would it be deployed?"
_NS = r"(?:k8s\s+|kubernetes\s+)?namespaces?\b"
_NAMESPACES = re.compile(rf"\b(?:which|what)\s+{_NS}|\bnamespaces?\b[^?.!]*\b(?:would|will|does|do)\b[^?.!]*\b(?:go|land|"
                         r"end\s+up|deploy)|\bwhere\s+(?:can|could|may|would|will|does|do)\s+(?:i|we|it|this|that|they)\s+"
                         r"(?:be\s+)?(?:deploy(?:ed)?|land|end\s+up)\b|\b(?:allowed|permitted|available|valid)\s+"
                         r"namespaces\b|\bnamespaces?\s+(?:are|is)\s+(?:allowed|permitted|available|ok)\b", re.I)


def _namespaces(text: str) -> list[Any] | None:
    return [AskWhy(about="namespaces")] if _NAMESPACES.search(text) and "?" in text else None


def _currency(text: str) -> list[Any] | None:
    target = currency_question(text)
    return None if target is None else [AskWhy(about="currency", target=target)]


# (reader, whether the message must state nothing else); a reader gives the acts, or None when the message is not its
# question. Slower-for-cheaper and setting pairs are read by patterns of their own words ("fp8 vs bf16" parses as a
# precision), so they are not held to the rule.
_READERS: tuple[tuple[Callable[[str], list[Any] | None], bool], ...] = (
    (_asked("fits", fit_question), True),
    (latency_for_cost, False),
    (_currency, True),
    (_asked("cost_confidence", cost_confidence_question), True),
    (_asked("failure", failure_question), True),
    (_asked("meets", meets_question), True),
    (_namespaces, True),
    (setting_pair, False),
)


def plan_question(text: str, states_nothing: Callable[[], bool]) -> list[Any] | None:
    """The acts of a question about the plan, or None. ``states_nothing()`` (a parse, so called only once a reader
    matched) says the message carries no requirement of its own."""
    for reader, guarded in _READERS:
        acts = reader(text)
        if acts is not None:
            return acts if not guarded or states_nothing() else None
    return None
