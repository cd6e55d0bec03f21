"""clarification: ask at most two focused questions, each with a default; never ask the same thing twice."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.clarify import missing_essentials, unanswered
from agent.context import AgentContext
from agent.nodes.common import say
from agent.replies import questions_text
from agent.spec_merge import apply_defaults
from agent.state import AgentState, Question, Stage


def needs_clarification(state: AgentState) -> bool:
    return bool(missing_essentials(state.spec))


def clarification_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    fresh, repeated = unanswered(missing_essentials(state.spec), state.settled_fields())
    spec = state.spec
    notes = list(state.turn_notes)
    for ask in repeated:  # asked before and still unknown: take the default we offered, and say so
        spec = apply_defaults(spec, ask.default, "not given when asked, so I took the default")
        notes.append("Since I still don't know the " + ", ".join(f.replace("_", " ") for f in ask.fields)
                     + ", I'll go with " + ", ".join(f"{v}" for v in ask.default.values()) + ".")
    if not fresh:
        return {"spec": spec, "turn_notes": notes}  # everything defaulted: the graph goes on to recommend
    preface = " ".join(notes) if notes else None
    text = questions_text(fresh, preface)
    questions = [Question(turn=state.turn, fields=a.fields, text=a.text,
                          default={k: str(getattr(v, "value", v)) for k, v in a.default.items()}) for a in fresh]
    return {"spec": spec, "messages": [say(runtime, text)], "questions": questions,
            "stage": Stage.CLARIFICATION, "turn_notes": []}
