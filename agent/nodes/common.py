"""Shared node helpers: replies, streamed steps, recorded tool runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import structlog
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.runtime import Runtime
from pydantic import BaseModel

from agent.context import AgentContext
from agent.state import AgentState, ToolRun
from knowledge.errors import CompassError

log = structlog.get_logger(__name__)

T = TypeVar("T")
CHUNK = 24  # characters per streamed text event of a templated reply


def latest_human_text(state: AgentState) -> str:
    for msg in reversed(state.messages):
        if isinstance(msg, HumanMessage):
            return msg.content if isinstance(msg.content, str) else str(msg.content)
    return ""


def emit(runtime: Runtime[AgentContext], event: str, **data: Any) -> None:
    """A custom stream event every front end can show (steps, spec updates, approvals ...)."""
    runtime.stream_writer({"event": event, **data})


def say(runtime: Runtime[AgentContext], text: str) -> AIMessage:
    """The reply as a message, streamed in chunks for front ends that render progressively."""
    for i in range(0, len(text), CHUNK):
        emit(runtime, "token", text=text[i:i + CHUNK])
    return AIMessage(content=text)


def summarize(result: Any) -> str:
    if isinstance(result, list):
        return f"{len(result)} item(s)"
    if hasattr(result, "recommendations"):
        recs = result.recommendations
        top = recs[0] if recs else None
        return (f"{len(recs)} option(s); top: {top.model_id} on {top.total_gpus} x {top.gpu}, "
                f"${top.monthly_cost_usd:,.0f}/month, {'meets' if top.meets_slos else 'misses'} SLOs") if top else "no options"
    if hasattr(result, "variants"):
        return f"base + {len(result.variants)} variant(s) compared"
    if isinstance(result, BaseModel):
        return type(result).__name__
    return str(result)[:120]


def run_tool(runtime: Runtime[AgentContext], state: AgentState, name: str, args: dict[str, Any],
             fn: Callable[[], T]) -> tuple[T | None, ToolRun, str | None]:
    """Run one tool with a visible step (start/end events) and a structured record; errors become text."""
    emit(runtime, "step", name=name, status="start", args=args)
    started = time.perf_counter()
    try:
        result, error = fn(), None
    except CompassError as exc:
        result, error = None, str(exc)
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    summary = error or summarize(result)
    emit(runtime, "step", name=name, status="error" if error else "end", summary=summary, elapsed_ms=elapsed)
    log.info("tool_run", tool=name, user=runtime.context.user, ok=error is None, elapsed_ms=elapsed, args=args,
             summary=summary)
    return result, ToolRun(turn=state.turn, name=name, args=args, ok=error is None, summary=summary,
                           elapsed_ms=elapsed), error
