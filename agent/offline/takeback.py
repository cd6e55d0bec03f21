"""Changes taken back or redone by what they were, not by the field's name: "undo the R1 exclusion", "undo the
halving", "go back to 200", "the 10 seconds can be 15".

The message names an earlier change by what it did (an exclusion, a pin, a halving) or an earlier value by the value
itself; which field that was comes from the spec and its history, never from a guess: no field, or more than one,
and nothing is read here.
"""

from __future__ import annotations

import re
from typing import Any

from agent.offline.time_units import MS_PER_UNIT

# a change named by what it did: "undo the R1 exclusion", "revert the model pin", "undo the halving", "roll back the
# streaming change"
UNDO_NAMED = re.compile(
    r"\b(?:undo|revert|reverse|roll\s*back|take\s+back|cancel)\s+(?:the|that|my|our|this|your)\s+(?:[\w.-]+\s+){0,3}?"
    r"(?:changes?|exclusions?|excludes?|bans?|pins?|pinning|halving|doubling|tripling|increase|decrease|cut|bump|raise|"
    r"restrictions?|limits?|caps?|switch|edit|tweak|update)\b", re.I)
# every change since the first plan taken back: "revert everything to how it was in the first plan", "undo all my
# changes", "go back to the original requirements"; "go back to option 1" and "undo that" are other acts
_FIRST = r"(?:the|my|our|your)\s+(?:very\s+)?(?:first|original|initial)\s+(?:plan|requirements?|specs?|version|numbers|setup|" \
         r"settings|request|brief|ask)\b"
UNDO_ALL = re.compile(
    r"\b(?:undo|revert|reverse|roll\s*back|take\s+back|discard|scrap|throw\s+away|drop)\s+(?:all\s+(?:of\s+)?(?:my|the|"
    r"those|these|our)\s+(?:changes|edits|tweaks)|all\s+(?:the\s+)?(?:changes|edits|tweaks)|every\s+change|everything)\b|"
    r"\b(?:go|going|get|set|put|take|revert|reset|roll|switch|return|bring|change)\s+(?:(?:it|everything|all|things|"
    r"the\s+spec)\s+)?(?:back\s+)?to\s+(?:(?:how|what|the\s+way)\s+(?:it|things|everything)\s+(?:was|were|stood)\s+"
    r"(?:in|at|for|with)\s+|what\s+(?:we|I)\s+(?:had|said)\s+(?:in|at|for|with)\s+)?" + _FIRST, re.I)
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k|ms|msec|millis(?:econds?)?|s|secs?|seconds?)?(?![\w%$])"
# an earlier value said again: "go back to 200", "let's return to 1.5 s"
_BACK_TO = re.compile(r"\b(?:go(?:ing)?|come|set\s+it|switch|revert|change\s+it|put\s+it|return|move\s+it)\s+back\s+to\s+"
                      r"(?:the\s+)?" + _NUMBER + r"|\breturn\s+to\s+(?:the\s+)?" + _NUMBER, re.I)
# a value named by itself and given a new one: "the 10 seconds can be 15", "the 500 ms could go up to 800"
_VALUE_BECOMES = re.compile(r"\bthe\s+" + _NUMBER + r"\s+(?:target\s+|limit\s+|cap\s+)?(?:can|could|may|might|should|"
                            r"will)\s+(?:now\s+|actually\s+|easily\s+)?(?:be|become|go\s+(?:up|down)\s+to|stretch\s+to|"
                            r"relax\s+to|move\s+to)\s+" + _NUMBER, re.I)
# a target named by its value and withdrawn: "drop the 1 second requirement", "forget the 300 ms TTFT target", "scrap
# the $5k cap" (which field held that value comes from the spec)
_WITHDRAWN = re.compile(r"\b(?:drop|remove|lift|forget(?:\s+about)?|ignore|scrap|scratch|delete|get\s+rid\s+of|kill|axe|"
                        r"ditch|waive|lose|bin|no\s+more)\s+(?:the|that|our|my|this)\s+\$?" + _NUMBER +
                        r"[\s-]*(?:(?:p95\s+)?(?P<name>ttft|itl|tpot|e2e|end[\s-]to[\s-]end|first[\s-]token|inter[\s-]?token|"
                        r"latency|response[\s-]time|budget|gpus?)\s+)?(?:requirements?|targets?|limits?|caps?|slos?|"
                        r"constraints?|goals?|ceiling|thing|rule)\b", re.I)
_NAMED = {"ttft": "ttft_p95_ms", "first": "ttft_p95_ms", "itl": "itl_p95_ms", "tpot": "itl_p95_ms", "inter": "itl_p95_ms",
          "e2e": "e2e_p95_ms", "end": "e2e_p95_ms", "budget": "budget_monthly_usd", "gpu": "max_gpus"}
# the fields an earlier value may be found in, with the unit each is kept in
_VALUE_FIELDS = ("ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms", "users", "concurrent_users", "rps", "peak_rps",
                 "budget_monthly_usd", "max_gpus", "prompt_tokens", "output_tokens")


def _value(number: str, unit: str | None) -> tuple[float, bool]:
    """(the number in its field's unit, whether it was said as a duration)."""
    value = float(number.replace(",", ""))
    if not unit:
        return value, False
    unit = unit.lower()
    if unit == "k":
        return value * 1000, False
    return value * MS_PER_UNIT.get(unit, MS_PER_UNIT.get(unit.rstrip("s"), 1.0)), True


def _fields(duration: bool) -> tuple[str, ...]:
    return tuple(f for f in _VALUE_FIELDS if f.endswith("_ms")) if duration else _VALUE_FIELDS


def _close(a: Any, b: float) -> bool:
    return isinstance(a, (int, float)) and not isinstance(a, bool) and abs(a - b) <= 1e-6 * max(1.0, abs(b))


def value_said_again(text: str, state: Any) -> tuple[str, float] | None:
    """(field, value) for "go back to 200" (the one field that held 200 before) or "the 10 seconds can be 15" (the
    one field now at 10 s, to 15 s); None when no field, or more than one, fits."""
    if state is None:
        return None
    spec = state.spec
    m = _VALUE_BECOMES.search(text)
    if m:
        old, duration = _value(m.group(1), m.group(2))
        new, new_duration = _value(m.group(3), m.group(4) or m.group(2))
        fields = [f for f in _fields(duration or new_duration) if _close(getattr(spec, f, None), old)]
        return (fields[0], new) if len(fields) == 1 else None
    m = _BACK_TO.search(text)
    if m:
        number, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        value, duration = _value(number, unit)
        history = [v.spec for v in getattr(state, "spec_history", None) or []]
        fields = {f for f in _fields(duration) for old in history
                  if _close(getattr(old, f, None), value) and not _close(getattr(spec, f, None), value)}
        return (fields.pop(), value) if len(fields) == 1 else None
    return None


def value_withdrawn(text: str, state: Any) -> str | None:
    """The one field whose target, named by its value, is withdrawn ("drop the 1 second requirement"); None when no
    field, or more than one, holds that value."""
    m = _WITHDRAWN.search(text)
    if m is None or state is None:
        return None
    value, duration = _value(m.group(1), m.group(2))
    name = (m.group("name") or "").lower()
    named = next((f for key, f in _NAMED.items() if name.startswith(key)), None)
    candidates = (named,) if named else _fields(duration or name in ("latency", "response time"))
    fields = [f for f in candidates if _close(getattr(state.spec, f, None), value)]
    return fields[0] if len(fields) == 1 else None
