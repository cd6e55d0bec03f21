"""The brain interface the graph talks to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel

from agent.offline.contract import ParseResult
from knowledge.catalog import Catalog

if TYPE_CHECKING:
    from agent.state import AgentState


class Understanding(BaseModel):
    parsed: ParseResult
    notice: str | None = None  # said once to the user, e.g. "the LLM was unreachable; using the offline brain"


class Brain(Protocol):
    name: str

    def understand(self, text: str, state: "AgentState", catalog: Catalog) -> Understanding:
        """Extract spec facts and intents from the latest message."""

    def phrase(self, draft: str, *, state: "AgentState", purpose: str, facts: Sequence[str] = ()) -> str:
        """Word the answer. ``draft`` is the complete templated answer built from tool results."""
