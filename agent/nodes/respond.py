"""respond: answers that need no planning (help, greeting, the spec card, start over, nonsense)."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.context import AgentContext
from agent.nodes.common import latest_human_text, say
from agent.offline.contract import Intent
from agent.replies import GREETING, HELP, UNPARSED, spec_text
from agent.state import AgentState


def respond_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    intent = state.intent
    notes = list(state.turn_notes)
    if intent is Intent.START_OVER:
        text = "Starting over: I have forgotten the previous requirements. What do you need to deploy?"
    elif intent is Intent.HELP:
        text = HELP
    elif intent is Intent.GREETING and state.plan is not None:
        text = ("You're welcome!" if "thank" in latest_human_text(state).lower() else "Hello again!") + (
            " The plan is still here: ask a what-if, *compare option 1 and 2*, or *deploy option 1* when ready.")
    elif intent is Intent.GREETING:
        text = GREETING
    elif intent is Intent.SHOW_SPEC:
        text = "Here is what I know (and what I assumed):\n\n" + spec_text(state.spec)
    else:
        text = UNPARSED if not state.plan else (
            "I did not understand that. You can change any requirement (*make it 10k users*), ask a what-if, "
            "*compare option 1 and 2*, *show the YAML* or *deploy option 1*.")
    if notes:
        text = "\n\n".join(notes) + "\n\n" + text
    return {"messages": [say(runtime, text)], "turn_notes": []}
