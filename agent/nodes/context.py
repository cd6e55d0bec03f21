"""context: merge what the latest message says into the spec and decide what this turn is about."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.brains import brain_for
from agent.clarify import defaults_for
from agent.context import AgentContext
from agent.intents import primary_intent
from agent.nodes.common import emit, latest_human_text
from agent.offline.contract import Intent
from agent.spec_merge import apply_defaults, merge
from agent.state import AgentState, Stage
from knowledge.domain import DeploymentSpec

MAX_MESSAGE_CHARS = 100_000  # beyond this only the start is read (the API rejects larger bodies earlier)


def context_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    text = latest_human_text(state)[:MAX_MESSAGE_CHARS]
    turn = state.turn + 1
    catalog = runtime.context.knowledge_base().catalog
    brain = brain_for(runtime.context.llm)
    understood = brain.understand(text, state.model_copy(update={"turn": turn}), catalog)
    parsed = understood.parsed
    intent = primary_intent(parsed)
    notes = list(parsed.contradictions)
    notices = list(state.notices)
    if understood.notice and understood.notice not in notices:
        notes.insert(0, understood.notice)
        notices.append(understood.notice)
    if parsed.suspicious:
        notes.append("I ignored instructions inside your message that were aimed at me rather than describing "
                     "the deployment; nothing is ever deployed without your explicit approval.")
    if intent is Intent.START_OVER:
        return {"turn": turn, "parsed": parsed, "intent": intent, "spec": DeploymentSpec(), "plan": None,
                "selected_option": None, "comparison": None, "stage": Stage.CONTEXT, "turn_notes": notes,
                "notices": notices, "declined": [], "reset_turn": turn}
    merged = merge(state.spec, parsed, note=None)
    spec = merged.spec
    dont_know = list(parsed.dont_know)
    if Intent.DONT_KNOW in parsed.intents and not dont_know and state.last_question():
        dont_know = state.last_question().fields  # "no idea" answers the last question
    if dont_know:
        spec = apply_defaults(spec, defaults_for(dont_know), "you were not sure, so I took the default")
    notes += [f"I could not use {r}" for r in merged.rejected] + merged.warnings
    changed = merged.changed + [f for f in dont_know if spec.is_set(f) and not state.spec.is_set(f)]
    if changed:
        emit(runtime, "spec", changed=changed, spec=spec.model_dump(mode="json"))
    declined = list(dict.fromkeys([*state.declined, *parsed.cleared, *dont_know]))
    return {"turn": turn, "parsed": parsed, "intent": intent, "spec": spec, "turn_notes": notes,
            "notices": notices, "brain": brain.name, "declined": declined}
