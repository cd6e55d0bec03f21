"""recommend: run the capacity planner and present ranked options with assumptions and past outcomes."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.brains import brain_for
from agent.clarify import follow_up
from agent.context import AgentContext
from agent.nodes.common import emit, run_tool, say
from agent.offline.contract import Intent
from agent.replies import assumptions_text, options_table, plan_text
from agent.state import AgentState, Question, Stage, ToolRun
from tools import service
from tools.agent_tools import PLAN_CAPACITY, SIMILAR_DEPLOYMENTS, build_tools
from tools.planner import PlanResult


def _spec_args(state: AgentState) -> dict:
    return {"spec": state.spec.model_dump(mode="json", exclude_defaults=True, exclude={"sources"})}


def make_plan(state: AgentState, runtime: Runtime[AgentContext]) -> tuple[PlanResult | None, list, str | None]:
    kb = runtime.context.knowledge_base()
    plan, run, error = run_tool(runtime, state, PLAN_CAPACITY, _spec_args(state), lambda: service.run_plan(kb, state.spec))
    return plan, [run], error


def _llm_plan(state: AgentState, runtime: Runtime[AgentContext]) -> tuple[PlanResult | None, list[ToolRun], str]:
    """LLM brain: the model calls the typed tools itself; the graph still insists on a plan."""
    from agent.brains.llm import LlmBrain, act

    brain = brain_for(runtime.context.llm)
    if not isinstance(brain, LlmBrain):
        return None, [], ""
    kb = runtime.context.knowledge_base()
    try:
        acted = act(brain, "Recommend deployments for this spec: call plan_capacity with it, then explain the top "
                           "options and the trade-offs briefly.", build_tools(kb), state)
    except Exception:  # noqa: BLE001 - an unusable model leaves the deterministic path to do the work
        return None, [], ""
    runs, plan = [], None
    for call in acted.calls:
        emit(runtime, "step", name=call.name, status="end" if call.ok else "error", summary=call.content[:200])
        runs.append(ToolRun(turn=state.turn, name=call.name, args=call.args, ok=call.ok, summary=call.content[:200]))
        if call.name == PLAN_CAPACITY and isinstance(call.artifact, PlanResult):
            plan = call.artifact
    if plan is not None and not _respects_stated(plan, state):
        plan = None  # the model planned something the user did not ask for: the graph plans the real spec
    return plan, runs, acted.text


def _respects_stated(plan: PlanResult, state: AgentState) -> bool:
    """Every value the user stated is what the model's plan used (the model may not rewrite the need)."""
    spec = state.spec
    return all(getattr(plan.spec, f) == getattr(spec, f) for f, src in spec.sources.items()
               if src.origin == "stated" and spec.is_set(f)) and all(
        not plan.spec.is_set(f) for f in spec.model_fields if f in state.declined and not spec.is_set(f))


def recommend_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    if state.plan is not None and state.plan.spec == state.spec:
        plan, runs, llm_text = state.plan, [], ""  # nothing changed: the plan stands (no tool call needed)
    else:
        plan, runs, llm_text = _llm_plan(state, runtime)
    error = None
    if plan is None:
        plan, more, error = make_plan(state, runtime)
        runs += more
    notes = list(state.turn_notes)
    if plan is None:
        text = ("I could not plan this: " + (error or "unknown error") + "\n\nChange the constraints (for example "
                "allow more GPU types, relax a latency target or drop a model preference) and I will try again.")
        if notes:
            text = "\n\n".join(notes) + "\n\n" + text
        return {"messages": [say(runtime, text)], "tool_runs": runs, "stage": Stage.RECOMMEND, "turn_notes": []}
    kb = runtime.context.knowledge_base()
    similar, sim_run, _ = run_tool(runtime, state, SIMILAR_DEPLOYMENTS, {"k": 3},
                                   lambda: service.similar(kb, plan.spec, 3))
    runs.append(sim_run)
    follow = follow_up(plan.spec, state.settled_fields())
    parsed = state.parsed
    changed = [*parsed.updates, *parsed.cleared] if parsed and state.plan is not None else []
    close = [s for s in (similar or []) if s.distance < 1.0]
    if llm_text.strip():
        # The model's words, grounded by the deterministic table, warnings and assumptions beneath them.
        text = "\n\n".join(x for x in (*notes, *plan.notes[:3], llm_text.strip(), options_table(plan.recommendations),
                                       assumptions_text(plan.spec), follow.text if follow else "") if x)
    else:
        draft = plan_text(plan, changed=changed, similar=close, follow=follow, warnings=notes)
        if parsed and Intent.DONT_KNOW in parsed.intents and not parsed.updates:
            draft = "No problem, I'll go with the defaults.\n\n" + draft
        text = brain_for(runtime.context.llm).phrase(draft, state=state, purpose="recommend")
    questions = [Question(turn=state.turn, fields=follow.fields, text=follow.text)] if follow else []
    return {"plan": plan, "spec": plan.spec, "messages": [say(runtime, text)], "tool_runs": runs,
            "questions": questions, "stage": Stage.RECOMMEND, "comparison": None, "turn_notes": []}
