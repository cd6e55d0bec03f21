"""The deterministic brain: rule-based understanding and templated answers. Needs no model at all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from agent.brains.base import Understanding
from agent.offline import parse
from knowledge.catalog import Catalog

if TYPE_CHECKING:
    from agent.state import AgentState


class OfflineBrain:
    name = "offline"

    def understand(self, text: str, state: "AgentState", catalog: Catalog) -> Understanding:
        last = state.last_question()
        asked = last.fields if last and last.turn == state.turn - 1 else []
        return Understanding(parsed=parse(text, catalog, asked=asked, spec=state.spec))

    def phrase(self, draft: str, *, state: "AgentState", purpose: str, facts: Sequence[str] = ()) -> str:
        return draft
