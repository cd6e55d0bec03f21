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
from agent.tools.names import PLAN_CAPACITY, START_OVER, UNDO_CHANGE, UPDATE_SPEC
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


def _first_plan_turn(state) -> int | None:
    """The turn of the first plan since the last start over, from the record of tool runs."""
    turns = [r.turn for r in state.tool_runs if r.name == PLAN_CAPACITY and r.ok and r.turn > state.reset_turn]
    return min(turns) if turns else None


def _since_first_plan(state) -> tuple[list[SpecVersion], str | None]:
    """The versions to take back to reach the spec the first plan was made for, or why there are none."""
    first = _first_plan_turn(state)
    if first is None:
        return [], "There is no plan yet to go back to; say *start over* to clear every requirement."
    later = [v for v in state.spec_history if v.turn > first]
    if not later:
        return [], "Nothing changed since the first plan: the requirements are still the ones it was made for."
    older = [v for v in state.spec_history if v.turn <= first]
    if not older and len(state.spec_history) >= MAX_HISTORY:  # the oldest changes fell out of the record
        return [], (f"I keep only the last {MAX_HISTORY} changes and the first plan is older than them; tell me "
                    "which values to change back.")
    return later, None


@tool(UNDO_CHANGE)
def undo_change(runtime: Runtime, to_first_plan: bool = False) -> Command:
    """Undo the last change to the spec ('undo that', /undo): the spec goes back to what it was before it. With
    to_first_plan=true, undo every change made since the first plan ('revert everything to the first plan')."""
    state = runtime.state
    if to_first_plan:
        return _undo_since_first_plan(runtime)
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
    return _restore(runtime, [last], {})


def _undo_since_first_plan(runtime: Runtime) -> Command:
    state = runtime.state
    args = {"to_first_plan": True}
    versions, why_not = _since_first_plan(state)
    if why_not:
        return reply(runtime, UNDO_CHANGE, why_not, error=True,
                     tool_runs=[ran(state, UNDO_CHANGE, args, why_not, ok=False)])
    return _restore(runtime, versions, args)


def _restore(runtime: Runtime, versions: list[SpecVersion], args: dict) -> Command:
    """Take back the changes of ``versions`` (the newest ones of the history, oldest first): the spec becomes the
    oldest one's spec, and each field any of them changed is echoed from now to then."""
    state = runtime.state
    restored = versions[0].spec
    fields = list(dict.fromkeys(c.field for v in versions for c in v.changes))
    changes = [Change(field=f, before=getattr(state.spec, f), after=getattr(restored, f)) for f in fields
               if getattr(state.spec, f) != getattr(restored, f)]
    emit(runtime, "spec", changed=[c.field for c in changes], spec=restored.model_dump(mode="json"))
    text = "Undid: " + echo_changes(changes, verb=None) if changes else "Undid the changes; every value is as it was."
    kept = state.spec_history[:len(state.spec_history) - len(versions)]
    return reply(runtime, UNDO_CHANGE, text, tool_runs=[ran(state, UNDO_CHANGE, args, text)], spec=restored,
                 spec_history=kept, changes=changes)


@tool(START_OVER)
def start_over(runtime: Runtime) -> Command:
    """Forget every requirement and the plan, and begin a new deployment from scratch."""
    state = runtime.state
    emit(runtime, "spec", changed=[], spec=DeploymentSpec().model_dump(mode="json"))
    return reply(runtime, START_OVER, "Everything was reset.", tool_runs=[ran(state, START_OVER, {}, "reset")],
                 spec=DeploymentSpec(), plan=None, selected_option=None,
                 comparison=None, similar=[], stage=Stage.CONTEXT, declined=[], reset_turn=state.turn,
                 spec_history=[], to_confirm=[])
