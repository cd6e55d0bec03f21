"""The brain interface the graph's brain node talks to."""

from __future__ import annotations

from typing import Any, Protocol


class Brain(Protocol):
    name: str

    def turn(self, state: Any, runtime: Any, tools: list[Any], rounds_left: int, *, fallback: Any) -> dict:
        """The next message of the turn (tool calls or the answer), as a state update."""
