"""The tools that change the spec: ``update_spec`` (by dialogue acts), ``undo_change`` and ``start_over``.

They are the only writers of ``spec``: every change is echoed in the tool's answer ("Changed: budget $5,000 ->
$15,000 a month"), recorded for undo, and announced with a ``spec`` event the front ends use to redraw the card.
"""

from __future__ import annotations

from langchain_core.tools import tool
from langgraph.types import Command

from agent.acts import SpecAct
from agent.wording import FIELD_NAMES, echo_changes, echo_unchanged, value_text
from agent.spec_update import Change, apply_acts
from agent.state import MAX_HISTORY, SpecVersion, Stage
from agent.tools.common import Runtime, emit, ran, reply
from agent.tools.names import START_OVER, UNDO_CHANGE, UPDATE_SPEC
from knowledge.domain import SPEC_FIELDS, DeploymentSpec


def _asked(state) -> list[str]:
    last = state.last_question()
    return last.fields if last and last.turn >= state.turn - 1 else []


@tool(UPDATE_SPEC)
def update_spec(acts: list[SpecAct], runtime: Runtime) -> Command:
    """Change the deployment spec by the user's stated acts: set a field (with the words it came from), unset a
    field, include/exclude GPUs, vendors or models, correct a value, 'don't know' (defaults apply), confirm a
    reading that was asked back. Call it ONLY for what the user states as a requirement; never for a question
    or a hypothetical (use explain or compare_whatif for those). Mark a reading you are unsure of sure=false."""
    state = runtime.state
    catalog = runtime.context.knowledge_base().catalog
    update = apply_acts(state.spec, list(acts), catalog, asked=_asked(state), pending=state.to_confirm)
    lines = [*(f"Could not use {r}" for r in update.rejected), *(f"Note: {w}" for w in update.warnings)]
    assumed = [c for c in update.changes if c.field in update.defaulted]
    stated = [c for c in update.changes if c not in assumed]  # said, or read from what was said (with its note)
    if assumed:
        lines.insert(0, echo_changes(assumed, verb="Assumed (defaults)"))
    if stated:
        lines.insert(0, echo_changes(stated))
    if update.changes:
        emit(runtime, "spec", changed=[c.field for c in update.changes], spec=update.spec.model_dump(mode="json"))
    if update.unchanged:
        lines.append(echo_unchanged(update.unchanged))
    if update.to_confirm:
        lines.append("Not applied until confirmed: " + "; ".join(f"{a.field} = {a.value!r}" for a in update.to_confirm))
    if not lines:
        lines.append("Nothing changed.")
    history = state.spec_history
    if update.changes:
        history = [*history, SpecVersion(turn=state.turn, spec=state.spec, changes=update.changes)][-MAX_HISTORY:]
    declined = list(dict.fromkeys([*state.declined, *update.declined]))
    record = ran(state, UPDATE_SPEC, {"acts": [a.model_dump(mode="json", exclude_defaults=True) for a in acts]},
                 lines[0])
    return reply(runtime, UPDATE_SPEC, "\n".join(lines), tool_runs=[record],
                 spec=update.spec, changes=[*state.changes, *update.changes],
                 unchanged=update.unchanged, declined=declined, spec_history=history, to_confirm=update.to_confirm)


@tool(UNDO_CHANGE)
def undo_change(runtime: Runtime) -> Command:
    """Undo the last change to the spec ('undo that', /undo): the spec goes back to what it was before it."""
    state = runtime.state
    if not state.spec_history:
        return reply(runtime, UNDO_CHANGE, "There is no change to undo.", error=True,
                     tool_runs=[ran(state, UNDO_CHANGE, {}, "nothing to undo", ok=False)])
    last = state.spec_history[-1]
    restored = last.spec
    if not any(restored.stated(f) for f in SPEC_FIELDS if f != "description"):
        # the last change is everything the user has said (their first message, maybe turns ago, with questions
        # since): undoing it would clear every requirement, which "undo the last change" rarely means; say what it
        # was and leave the choice to the user instead of emptying the spec under the plan they are looking at
        said = "; ".join(f"{FIELD_NAMES.get(c.field, c.field)} {value_text(c.field, c.after)}" for c in last.changes
                         if c.field != "description")
        text = (f"The last change was the message that told me everything I know ({said}): undoing it would "
                "clear every requirement. Say *start over* if that is what you want, or tell me which value to "
                "change. Nothing was changed.")
        return reply(runtime, UNDO_CHANGE, text, error=True, tool_runs=[ran(state, UNDO_CHANGE, {}, text, ok=False)])
    changes = [Change(field=c.field, before=getattr(state.spec, c.field), after=getattr(restored, c.field))
               for c in last.changes]
    emit(runtime, "spec", changed=[c.field for c in changes], spec=restored.model_dump(mode="json"))
    text = "Undid: " + echo_changes(changes, verb=None)
    return reply(runtime, UNDO_CHANGE, text, tool_runs=[ran(state, UNDO_CHANGE, {}, text)], spec=restored,
                 spec_history=state.spec_history[:-1], changes=changes)


@tool(START_OVER)
def start_over(runtime: Runtime) -> Command:
    """Forget every requirement and the plan, and begin a new deployment from scratch."""
    state = runtime.state
    emit(runtime, "spec", changed=[], spec=DeploymentSpec().model_dump(mode="json"))
    return reply(runtime, START_OVER, "Everything was reset.", tool_runs=[ran(state, START_OVER, {}, "reset")],
                 spec=DeploymentSpec(), plan=None, selected_option=None,
                 comparison=None, similar=[], stage=Stage.CONTEXT, declined=[], reset_turn=state.turn,
                 spec_history=[], to_confirm=[])
