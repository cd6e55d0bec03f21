"""Checkpoint serialisation: LangGraph's msgpack serializer, with our state types explicitly allowed."""

from __future__ import annotations

import enum
import typing
from functools import lru_cache

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from pydantic import BaseModel

from agent.state import AgentState


def _reachable_types(root: type) -> set[type]:
    """Every pydantic model and enum reachable from ``root``'s field annotations."""
    seen: set[type] = set()
    stack: list = [root]
    while stack:
        t = stack.pop()
        for arg in typing.get_args(t):
            stack.append(arg)
        if isinstance(t, type) and t not in seen and (issubclass(t, BaseModel) or issubclass(t, enum.Enum)):
            seen.add(t)
            if issubclass(t, BaseModel):
                stack.extend(f.annotation for f in t.model_fields.values())
    return seen


@lru_cache(maxsize=1)
def checkpoint_serde() -> JsonPlusSerializer:
    allowed = sorted({(t.__module__, t.__name__) for t in _reachable_types(AgentState)
                      if t.__module__.split(".")[0] in ("agent", "knowledge", "tools", "simulator")})
    return JsonPlusSerializer(allowed_msgpack_modules=allowed)
