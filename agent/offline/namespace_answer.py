"""A namespace named alone right after a deploy was refused for its namespace: "default then", "ok, compass".

The refusal listed the namespaces the deploy may use ("Choose one of compass, default"); a short reply that names
one of them, and nothing else, answers it: the deploy goes on there. The names come from the refusal itself, as data
(its ToolMessage's artifact, written by request_deployment), never from its wording or a guess.
"""

from __future__ import annotations

import re
from typing import Any

from langchain_core.messages import ToolMessage

from agent.tools import names as T

_FILLER = (r"(?:ok(?:ay)?|k|fine|sure|right|alright|yes|yeah|ugh|uh|um|hmm+|oh|well|sigh|meh|then|instead|please|pls|just|"
           r"whatever|i\s+guess|it\s+is|it|use|try|put\s+it\s+in|deploy\s+(?:it\s+)?(?:to|in(?:to)?)|go\s+with|in|into|to|"
           r"the|namespace|ns|that|works|is|one|let'?s\s+do|do|go|then)")
_ANSWER = re.compile(rf"^\W*(?:{_FILLER}\W+)*(?P<name>[a-z0-9][a-z0-9-]{{0,62}})(?:\W+{_FILLER})*\W*$")


def refused_namespaces(state: Any) -> tuple[str, ...]:
    """The namespaces offered by a deploy refused in the turn before this one ((), when there was none)."""
    messages = getattr(state, "messages", None) or []
    humans = [i for i, m in enumerate(messages) if m.type == "human"]
    if len(humans) < 2:
        return ()
    # the refusal a turn or two before ("which namespaces can I use then?" may stand between), unless a deploy since
    for start, end in zip(reversed(humans[-3:-1]), reversed(humans[-2:])):
        for m in messages[start:end]:
            if isinstance(m, ToolMessage) and m.name == T.REQUEST_DEPLOYMENT and isinstance(m.artifact, dict):
                offered = m.artifact.get(T.OFFERED_NAMESPACES)
                return tuple(n for n in offered if isinstance(n, str) and n) if offered else ()
    return ()


def namespace_answer(text: str, state: Any) -> str | None:
    """The allowed namespace a short reply picks after a refusal (None when it is not such a reply)."""
    offered = refused_namespaces(state)
    if not offered:
        return None
    low = text.lower().strip()
    # the whole reply, or its last sentence or clause after a short aside ("ah ok, not allowed there. put it in compass
    # then.", "OK, if that one isn't allowed, use compass instead.")
    tries = [low] + ([re.split(r"[.!?;]\s+", low)[-1], re.split(r"[.!?;,]\s+", low)[-1]] if len(low) <= 120 else [])
    for said in tries:
        m = _ANSWER.match(said)
        if m and m.group("name") in offered:
            return m.group("name")
    return None
