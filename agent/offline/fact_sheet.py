"""What one scope of text stated, as raw spec values: the ``Facts`` a reading fills in (facts.py and the readers it
calls) and the parser's per-message reader merges.

Its own module so the readers of names, words and work counts (names_said.py, word_facts.py, work_items.py) can fill
it in without importing the reader that calls them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agent.offline.numbers import Numbered
from agent.offline.relative import Relative
from knowledge.domain.enums import UseCase


@dataclass
class Facts:
    values: dict[str, Any] = field(default_factory=dict)       # scalar fields, last mention wins
    phrases: dict[str, str] = field(default_factory=dict)      # field -> the words it came from
    lists: dict[str, list[str]] = field(default_factory=dict)  # gpus / exclude_gpus / models / exclude_models
    cleared: list[str] = field(default_factory=list)
    # (use case, weight, position, the words it was read from)
    use_cases: list[tuple[UseCase, float, int, str]] = field(default_factory=list)
    weak_use_case: tuple[UseCase, str] | None = None  # a one-word answer ("support"), with that word
    namespace: str | None = None
    problems: list[str] = field(default_factory=list)
    multipliers: list[tuple[str, float]] = field(default_factory=list)
    relative: list[Relative] = field(default_factory=list)    # "3x that at peak": a rate relative to the other
    broad: dict[str, tuple[str, ...]] = field(default_factory=dict)  # allowed name -> its family, if excluded
    families: list[tuple[str, ...]] = field(default_factory=list)  # the cards of a family said alone ("Blackwell")
    consumed: set[str] = field(default_factory=set)            # words that were read as something
    additive: set[str] = field(default_factory=set)            # list fields named as additions ("L4 too")
    notes: dict[str, str] = field(default_factory=dict)        # field -> how its value was read (an assumption)
    item_counts: list[int] = field(default_factory=list)       # "2M product reviews": a window's count, if any
    span: tuple[float, str] | None = None                      # "we'd run it for a month": (hours, words), no count
    part_counts: list[int] = field(default_factory=list)       # "each shift handles 4,000 tickets": one part's count
    window_parts: int = 1                                      # "three 8-hour shifts": the parts of the window
    each_person: bool = False  # the work count is each person's, the people said in another sentence ("200 agents.
    # Each agent takes around 30 calls per shift"): whole_message.py multiplies it by them
    leftover: Numbered | None = None                           # number text after everything was read
    runs: float = 0.0                                          # "over 3 nights": windows the count is spread over
    # figures that become a spec value with another figure of the message (whole_message.py), field -> (value, words):
    # money per head a month ("$25 per seat per month"), per request ("$0.002 per request"), a month's saving off the
    # bill; tokens a second over a period ("150M input tokens last month")
    derived_parts: dict[str, tuple[float, str]] = field(default_factory=dict)
    remarks: list[str] = field(default_factory=list)           # what was said that is not modelled, in words

    def put(self, name: str, value: Any, phrase: str) -> None:
        self.values.pop(name, None)  # re-insert so dict order follows the text
        self.values[name] = value
        self.phrases[name] = phrase
        self.consume(phrase)

    def consume(self, phrase: str) -> None:
        self.consumed.update(re.findall(r"[a-z']+", phrase))

    def add(self, name: str, items: Sequence[str]) -> None:
        bucket = self.lists.setdefault(name, [])
        bucket.extend(i for i in items if i not in bucket)
