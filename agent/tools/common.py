"""What every graph tool shares: the runtime it gets from LangGraph's ToolNode, visible steps, typed results.

A graph tool reads the checkpointed state and the run context through ``ToolRuntime`` and answers with a
``Command`` that updates the state and carries its ``ToolMessage`` (what the brain reads next). Work that takes
time is wrapped in a *step*: start/end events every front end shows, and a ``ToolRun`` record in the state.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any, TypeVar

import structlog
from langchain_core.messages import ToolMessage
from langgraph.prebuilt import ToolRuntime
from langgraph.types import Command
from pydantic import BaseModel

from agent.run_config import AgentContext
from agent.state import AgentState, ToolRun
from knowledge.errors import CompassError

log = structlog.get_logger(__name__)

T = TypeVar("T")
Runtime = ToolRuntime[AgentContext, AgentState]


def emit(runtime: Any, event: str, **data: Any) -> None:
    """A custom stream event every front end can show (steps, spec updates, approvals ...)."""
    writer = getattr(runtime, "stream_writer", None)
    if writer is not None:
        writer({"event": event, **data})


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
    if hasattr(result, "bundle"):  # a deployment rendered for approval (tools/deploy_path.Prepared)
        b = result.bundle
        problems = len(getattr(result, "problems", []))
        return (f"{len(b.manifests)} manifest(s) for {b.name} in {b.namespace}"
                + (f", {problems} problem(s)" if problems else ""))
    if isinstance(result, BaseModel) or dataclasses.is_dataclass(result):
        return type(result).__name__  # never a repr: the step line is read by people
    return str(result)[:120]


def step(runtime: Any, state: AgentState, name: str, args: dict[str, Any],
         fn: Callable[[], T]) -> tuple[T | None, ToolRun, str | None]:
    """Run one operation as a visible step (start/end events) with a structured record; errors become text."""
    emit(runtime, "step", name=name, status="start", args=args)
    started = time.perf_counter()
    try:
        result, error = fn(), None
    except CompassError as exc:
        result, error = None, str(exc)
    except Exception as exc:  # noqa: BLE001 - a bug in a tool is reported in the turn, not a crashed session
        log.exception("tool_failed", tool=name)
        result, error = None, f"internal error in {name} ({type(exc).__name__}); the details are in the server log"
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    summary = error or summarize(result)
    emit(runtime, "step", name=name, status="error" if error else "end", summary=summary, elapsed_ms=elapsed)
    user = getattr(runtime.context, "user", "?") if getattr(runtime, "context", None) else "?"
    log.info("tool_run", tool=name, user=user, ok=error is None, elapsed_ms=elapsed, args=args, summary=summary)
    return result, ToolRun(turn=state.turn, name=name, args=args, ok=error is None, summary=summary,
                           elapsed_ms=elapsed), error


def reply(runtime: Runtime, name: str, content: str, *, error: bool = False, artifact: Any = None,
          **update: Any) -> Command:
    """The tool's answer to the brain (``name``: the tool's), with the state it changes. ``artifact``: what the answer
    says as data, for the code that reads it later (never sent to a model)."""
    message = ToolMessage(content=content, name=name, tool_call_id=runtime.tool_call_id,
                          status="error" if error else "success", artifact=artifact)
    return Command(update={**update, "messages": [message]})


def ran(state: AgentState, name: str, args: dict[str, Any], summary: str, ok: bool = True) -> ToolRun:
    """The record of a quick tool (no visible step): evals and transcripts see every tool the brain called."""
    return ToolRun(turn=state.turn, name=name, args=args, ok=ok, summary=summary[:200])
