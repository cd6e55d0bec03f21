"""Checkpoint serialisation: LangGraph's msgpack serializer, with our state types explicitly allowed."""

from __future__ import annotations

import datetime
import enum
import typing
from functools import lru_cache
from typing import Any

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


def revive_dates(model: type[BaseModel], data: Any) -> Any:
    """Dates a strict msgpack serde handed back as their constructor arguments ([y, m, d]): the `langgraph dev`
    server's checkpointer does not rebuild types it does not allow, so a date in the state returns as a list."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for name, field in model.model_fields.items():
        if name in out:
            out[name] = _revive(field.annotation, out[name])
    return out


def _revive(annotation: Any, value: Any) -> Any:
    if value is None:
        return value
    if annotation is datetime.date and isinstance(value, list) and len(value) == 3:
        return datetime.date(*value)
    if annotation is datetime.datetime and isinstance(value, list) and 3 <= len(value) <= 7:
        return datetime.datetime(*value[:7])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return revive_dates(annotation, value)
    args = typing.get_args(annotation)
    if isinstance(value, list) and args and typing.get_origin(annotation) in (list, tuple):
        return [_revive(args[0], v) for v in value]
    for arg in args:  # Optional[X], Annotated[X, ...], X | Y
        if arg is not type(None):
            revived = _revive(arg, value)
            if revived is not value:
                return revived
    return value
