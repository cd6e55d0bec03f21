"""Which tools the offline brain calls next, from the turn's acts and what the tools have done so far.

A turn runs in rounds: first the spec changes (``update_spec``, ``undo_change`` or ``start_over``), then the
tools that read the new spec (plan, what-if, explain, deploy ...), then the answer. Tools that read the plan
get a current one first. A question never leads to ``update_spec``: only spec acts do.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import ToolMessage

from agent.acts import Include, Reading, SetField, UnsetField
from agent.state import AgentState
from agent.tools import names as T
from knowledge.catalog import Catalog
from knowledge.errors import CompassError
from tools.whatif import apply_changes

# the act that decides the turn's main tool, highest first
MAIN_ACTS = ("deploy", "show_manifests", "validate", "what_if", "cheaper", "faster", "ask_why", "compare", "select",
             "recommend")
NEEDS_PLAN = {"deploy", "show_manifests", "ask_why", "compare", "select"}
REPLAN_AFTER = {"dont_know", "confirm", "recommend", "unclear"}


def _call(name: str, args: dict[str, Any], state: AgentState, k: int) -> dict[str, Any]:
    return {"name": name, "args": args, "id": f"offline-{state.turn}-{name}-{k}", "type": "tool_call"}


def adopted_acts(state: AgentState, catalog: Catalog, index: int | None = None) -> list[Any]:
    """'Let's do that' after a what-if: the compared variant's changes as spec acts (values made concrete). With
    ``index``, that variant of several ('deploy the llama one' picks the row by its words)."""
    c = state.comparison
    if c is None or (index is None and len(c.variants) != 1):
        return []
    variant = c.variants[index or 0]
    if variant.top is None:
        return []
    base = state.plan.spec if state.plan else state.spec
    try:
        target = apply_changes(base, variant.changes, catalog)
    except CompassError:
        return []
    label = variant.label
    acts: list[Any] = []
    for field in variant.changes:
        fields = ("users", "concurrent_users", "rps", "peak_rps") if field == "traffic" else (field,)
        for f in fields:
            value = getattr(target, f, None)
            if value in (None, []):
                acts.append(UnsetField(field=f, span=label))
            elif f in ("gpus", "models"):
                acts.append(Include(kind="gpu" if f == "gpus" else "model", names=list(value), only=True, span=label))
            elif getattr(state.spec, f, None) != value:
                acts.append(SetField(field=f, value=getattr(value, "value", value), span=label))
    return acts


def _option_with(state: AgentState, row: dict[str, str]) -> int | None:
    for r in state.plan.recommendations if state.plan else []:
        c = r.config
        if (c.model_id, c.gpu, c.precision.value) == (row.get("model_id"), row.get("gpu"), row.get("precision")):
            return r.rank
    return None


def noop_changes(reading: Reading, state: AgentState, catalog: Catalog) -> dict[str, Any]:
    """The what-if's changes when every one is what the plan already holds ({} otherwise): 'given we own the
    hardware' with an owned plan, 'with 150 users' planned for 150."""
    variants = [a for a in reading.acts if a.act == "what_if"]
    if len(variants) != 1 or state.plan is None:
        return {}
    changes = variants[0].changes
    if not changes or any(k == "traffic" or (isinstance(v, str) and v.endswith("x")) for k, v in changes.items()):
        return {}
    base = state.plan.spec
    try:
        target = apply_changes(base, changes, catalog)
    except CompassError:
        return {}
    same = all(getattr(target, k, None) == getattr(base, k, None) for k in changes)
    return dict(changes) if same else {}


def already_planned(reading: Reading, state: AgentState, catalog: Catalog) -> bool:
    return bool(noop_changes(reading, state, catalog))


def deploy_only_changes(state: AgentState) -> bool:
    """This turn changed only where to deploy (the namespace): the options the user saw still stand."""
    return bool(state.changes) and all(c.field in ("namespace", "description") for c in state.changes)


def planned_before(state: AgentState) -> bool:
    """A plan was shown in an earlier turn of this conversation."""
    last_user = max((i for i, m in enumerate(state.messages) if m.type == "human"), default=0)
    return any(isinstance(m, ToolMessage) and m.name == T.PLAN_CAPACITY and m.status != "error"
               for m in state.messages[:last_user])


def deploys_new_top(main: Any, state: AgentState) -> bool:
    """'users are actually 600. now deploy': a change to a plan the user has seen, with a deploy request that names no
    option (after none but the top one was picked), deploys option 1 of the plan re-made this turn. It goes straight
    to the approval, which shows exactly what would be deployed (model, GPUs, cost, predicted p95 latencies). A named
    option ('deploy option 2') or an earlier pick of another option meant a row of the plan the user saw before, and
    a first message that asks to deploy has seen no plan at all: the new plan is shown first."""
    return (main.act == "deploy" and main.option is None and (state.selected_option or 1) == 1
            and planned_before(state))


def main_act(reading: Reading) -> Any | None:
    """The act that decides the turn's main tool (a bare 'let's do that' is an adoption, handled as spec acts)."""
    for kind in MAIN_ACTS:
        act = reading.first(kind)
        if act is not None and not (kind == "select" and act.option is None):
            return act
    return None


def _variants(reading: Reading, main: Any) -> list[dict[str, Any]]:
    if main.act == "cheaper":
        return [{"label": "cheapest that meets the SLOs", "changes": {"priority": "cost"}}]
    if main.act == "faster":
        return [{"label": "fastest within the SLOs", "changes": {"priority": "latency"}}]
    return [{"label": a.label, "changes": a.changes} for a in reading.acts if a.act == "what_if"][:6]


def next_calls(reading: Reading, state: AgentState, done: set[str], catalog: Catalog) -> list[dict[str, Any]]:
    """The tool calls of the next round; empty when it is time to answer."""
    kinds = {a.act for a in reading.acts}
    if "start_over" in kinds and T.START_OVER not in done:
        return [_call(T.START_OVER, {}, state, 0)]
    if "undo" in kinds and T.UNDO_CHANGE not in done:
        return [_call(T.UNDO_CHANGE, {}, state, 0)]
    if "undo_all" in kinds and T.UNDO_CHANGE not in done:
        return [_call(T.UNDO_CHANGE, {"to_first_plan": True}, state, 0)]
    spec_acts = reading.spec_acts()
    select = reading.first("select")
    if select is not None and select.option is None and not spec_acts:
        spec_acts = adopted_acts(state, catalog)
    if spec_acts and T.UPDATE_SPEC not in done:
        return [_call(T.UPDATE_SPEC, {"acts": [a.model_dump(mode="json") for a in spec_acts]}, state, 0)]
    # an undo that was declined (it would have cleared everything) changed nothing: the plan shown still stands
    undone = T.UNDO_CHANGE in done and (state.plan is None or state.plan.spec != state.spec)
    touched = bool(spec_acts) or T.UPDATE_SPEC in done or undone
    return _action_calls(reading, state, done, touched, catalog)


def _action_calls(reading: Reading, state: AgentState, done: set[str], spec_touched: bool,
                  catalog: Catalog) -> list[dict[str, Any]]:
    main = main_act(reading)
    planned = T.PLAN_CAPACITY in done
    stale = state.plan is None or state.plan.spec != state.spec
    kind = main.act if main is not None else None
    if kind == "ask_why" and main.about == "catalog":  # about the catalog itself: no requirements, no plan
        done_now = T.RANK_CATALOG_GPUS in done
        return [] if done_now else [_call(T.RANK_CATALOG_GPUS, {"measure": main.target or "price"}, state, 0)]
    if kind in NEEDS_PLAN:
        if stale and not planned:
            return [_call(T.PLAN_CAPACITY, {}, state, 0)]
        if state.plan is None:
            return []  # planning asked a question or failed: the answer says so
        if kind in ("deploy", "show_manifests") and planned and not (deploy_only_changes(state)
                                                                     or deploys_new_top(main, state)):
            return []  # only an option the user has seen is deployed: a new plan is shown first
        if kind == "compare" and T.COMPARE_OPTIONS not in done:
            return [_call(T.COMPARE_OPTIONS, {"options": main.options[:2]}, state, 0)]
        if kind == "deploy" and T.REQUEST_DEPLOYMENT not in done:
            option = main.option
            if main.row is not None:  # an adopted what-if row: the re-made plan's option with its configuration
                option = _option_with(state, main.row)
                if option is None:
                    return []  # not among the new options: the plan is shown and the answer asks for a number
            return [_call(T.REQUEST_DEPLOYMENT, {"option": option}, state, 0)]
        if kind == "show_manifests" and T.SHOW_MANIFESTS not in done:
            return [_call(T.SHOW_MANIFESTS, {"option": main.option}, state, 0)]
        if kind == "ask_why" and T.EXPLAIN not in done:
            return [_call(T.EXPLAIN, {"about": main.about, "target": main.target}, state, 0)]
        if kind == "select" and T.SELECT_OPTION not in done:
            return [_call(T.SELECT_OPTION, {"option": main.option}, state, 0)]
        return []
    if kind in ("what_if", "cheaper", "faster"):
        if stale and not planned:  # the what-if compares against a current plan (and its defaults)
            return [_call(T.PLAN_CAPACITY, {}, state, 0)]
        if kind == "what_if" and state.plan is not None and already_planned(reading, state, catalog):
            # "what's the monthly cost given we own the hardware?" when the plan already assumes owned hardware: a
            # what-if identical to the plan, so the question is about the plan's own figure, answered directly
            return [] if T.EXPLAIN in done else [_call(T.EXPLAIN, {"about": "cost", "target": state.selected_option},
                                                       state, 0)]
        variants = _variants(reading, main)
        if variants and state.plan is not None and T.COMPARE_WHATIF not in done:
            return [_call(T.COMPARE_WHATIF, {"variants": variants}, state, 1)]
        return []
    if kind == "validate":
        dep = state.deployment
        ready = dep is not None and dep.status in ("applied", "validated")
        return [_call(T.VALIDATE, {}, state, 0)] if ready and T.VALIDATE not in done else []
    kinds = {a.act for a in reading.acts}
    if state.to_confirm and not state.changes:
        return []  # the only reading was unsure: ask first, plan after the answer
    wants_plan = spec_touched or kind == "recommend" or bool(kinds & REPLAN_AFTER and (state.plan is None or stale))
    if kinds & {"unclear", "unclear_question"} and state.plan is not None:
        wants_plan = False
    return [_call(T.PLAN_CAPACITY, {}, state, 0)] if wants_plan and not planned else []
