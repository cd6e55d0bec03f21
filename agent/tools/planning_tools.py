"""The planning tools of the graph: plan the spec, compare what-ifs, explain the plan, pick an option.

``plan_capacity`` plans the spec in the state (never one the brain makes up), after asking for the essentials
it lacks (each question once; a question left unanswered takes its default, said so). Tool answers are
compact text for the brain; the typed results (plan, comparison) go into the checkpointed state.
"""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.tools import tool
from langgraph.types import Command
from pydantic import Field

from agent.acts import WhyAbout
from agent.clarify import follow_up, missing_essentials, unanswered
from agent.why_answers import best_option, explain_text
from agent.replies import namespaces_answer, option_pair_text, questions_text
from agent.spec_update import apply_defaults
from agent.state import Question, Stage
from agent.tools.common import Runtime, ran, reply, step
from agent.wording import FIELD_NAMES, value_text
from agent.tools.summaries import comparison_summary, plan_summary
from agent.tools.names import (
    COMPARE_OPTIONS, COMPARE_WHATIF, EXPLAIN, PLAN_CAPACITY, SELECT_OPTION, SIMILAR_DEPLOYMENTS,
)
from knowledge.domain import DEFAULT_NAMESPACE
from tools import operations
from tools.whatif import Variant

SIMILAR_DISTANCE = 1.0  # past deployments farther than this are not shown


def _spec_args(spec) -> dict:
    return {"spec": spec.model_dump(mode="json", exclude_defaults=True, exclude={"sources"})}


def _essentials(state) -> tuple[Any, list[Question], list[str]]:
    """(spec with defaults for questions asked before and still unanswered, questions to ask now, notes)."""
    fresh, repeated = unanswered(missing_essentials(state.spec), state.settled_fields())
    spec, notes = state.spec, []
    for ask in repeated:
        spec = apply_defaults(spec, ask.default, "not given when asked, so I took the default")
        notes.append("Since I still don't know the " + ", ".join(FIELD_NAMES.get(f, f) for f in ask.fields)
                     + ", I'll go with " + ", ".join(value_text(k, v) for k, v in ask.default.items()) + ".")
    questions = [Question(turn=state.turn, fields=a.fields, text=a.text,
                          default={k: str(getattr(v, "value", v)) for k, v in a.default.items()}) for a in fresh]
    return spec, questions, notes


@tool(PLAN_CAPACITY)
def plan_capacity(runtime: Runtime) -> Command:
    """Plan the current spec: rank model x GPU x precision x tensor-parallel x replica configurations by the
    user's priority, with predicted p95 latencies, monthly cost and rationale. If the use case or the scale is
    unknown it returns the question to ask instead. Call it after the spec changed or when asked for options."""
    state = runtime.state
    spec, questions, notes = _essentials(state)
    if questions:
        return reply(runtime, PLAN_CAPACITY, "Not planned yet. Ask the user:\n" + questions_text(questions),
                     spec=spec, questions=questions, stage=Stage.CLARIFICATION, turn_notes=[*state.turn_notes, *notes])
    kb = runtime.context.knowledge_base()
    plan, run, error = step(runtime, state, PLAN_CAPACITY, _spec_args(spec), lambda: operations.run_plan(kb, spec))
    if plan is None:
        return reply(runtime, PLAN_CAPACITY, f"Could not plan: {error}", error=True, spec=spec, plan=None,
                     tool_runs=[run], stage=Stage.RECOMMEND, turn_notes=[*state.turn_notes, *notes])
    similar, sim_run, _ = step(runtime, state, SIMILAR_DEPLOYMENTS, {"k": 3}, lambda: operations.similar(kb, plan.spec, 3))
    close = [s for s in similar or [] if s.distance < SIMILAR_DISTANCE]
    follow = follow_up(plan.spec, state.settled_fields())
    asked = [Question(turn=state.turn, fields=follow.fields, text=follow.text)] if follow else []
    content = plan_summary(plan) + (f"\nThen ask: {follow.text}" if follow else "")
    return reply(runtime, PLAN_CAPACITY, content, plan=plan, spec=plan.spec, similar=close, tool_runs=[run, sim_run],
                 questions=asked, stage=Stage.RECOMMEND, comparison=None, turn_notes=[*state.turn_notes, *notes])


@tool(COMPARE_WHATIF)
def compare_whatif(variants: Annotated[list[Variant], Field(min_length=1, max_length=6)], runtime: Runtime) -> Command:
    """Re-plan the current spec under hypothetical changes and compare the top option side by side with deltas;
    the spec itself does not change. A variant is {label, changes}: changes map spec fields to values, or to
    'Nx' to scale them ({"traffic": "2x"} scales users and request rates, {"precision": "fp8"},
    {"gpus": ["L4"]}, {"ttft_p95_ms": 2000})."""
    state = runtime.state
    kb = runtime.context.knowledge_base()
    args = {"variants": [v.model_dump() for v in variants]}
    comparison, run, error = step(runtime, state, COMPARE_WHATIF, args,
                                  lambda: operations.run_compare(kb, state.spec, list(variants),
                                                                 base_option=state.selected_option))
    if comparison is None:
        return reply(runtime, COMPARE_WHATIF, f"Could not compare: {error}", error=True, tool_runs=[run])
    return reply(runtime, COMPARE_WHATIF, comparison_summary(comparison), comparison=comparison, tool_runs=[run],
                 stage=Stage.EXPLORE)


@tool(EXPLAIN)
def explain(about: Annotated[WhyAbout, Field(description="what the question is about")], runtime: Runtime,
            target: Annotated[str | int | None, Field(description="the GPU, model, precision, TP or option")] = None
            ) -> Command:
    """Answer a 'why' question from the current plan: why option N, why not a GPU / model / precision / tensor
    parallel size, why this many GPUs, why it costs what it costs, whether a hosted per-token API would be
    cheaper than self-hosting (about='api'), which option is the cheapest / fastest / best (about='best', target
    'cost', 'latency' or 'quality'; that option becomes the selected one), whether a monthly budget is enough
    (about='budget', target the amount in USD a month, or none for the spec's budget), option N's model at two
    tensor-parallel sizes (about='tp_pair', target 'A,B'), whether the replicas left carry the peak if one fails
    (about='failure'), how sure the cost is (about='cost_confidence'), the cost in another currency (about='currency',
    target 'EUR:N'), where a spec value came from (about='source', target the field), whether the plan fits the
    user's GPUs (about='fits'), whether option N keeps the p95 targets (about='meets'), which namespaces a deploy may
    use (about='namespaces'). Never changes the spec."""
    state = runtime.state
    if about == "namespaces":  # the allowlist is the deployment's configuration, not the plan's
        text = namespaces_answer(state.spec.namespace or DEFAULT_NAMESPACE, runtime.context.allowed_namespaces)
        return reply(runtime, EXPLAIN, text, stage=Stage.EXPLORE, tool_runs=[ran(state, EXPLAIN, {"about": about}, text)])
    if state.plan is None:
        return reply(runtime, EXPLAIN, "There is no plan to explain yet: plan first.", error=True)
    kb = runtime.context.knowledge_base()
    text, run = explain_text(state, kb, about, target, lambda name, args, fn: step(runtime, state, name, args, fn))
    record = ran(state, EXPLAIN, {"about": about, "target": target}, text)
    focus = {}
    if about == "best":  # the option the answer names is the one "that one" / "deploy it" means next
        focus["selected_option"] = best_option(state.plan, str(target or "cost"))[0].rank
    return reply(runtime, EXPLAIN, text, stage=Stage.EXPLORE, tool_runs=[record, *([run] if run else [])], **focus)


@tool(SELECT_OPTION)
def select_option(option: Annotated[int, Field(ge=1, le=20)], runtime: Runtime) -> Command:
    """Select option N of the current plan (to look at closely or deploy next)."""
    state = runtime.state
    if state.plan is None or option > len(state.plan.recommendations):
        n = len(state.plan.recommendations) if state.plan else 0
        return reply(runtime, SELECT_OPTION, f"There is no option {option}; the plan has options 1 to {n}.", error=True)
    rec = state.plan.recommendations[option - 1]
    text = f"Option {option} selected: {rec.rationale}"
    return reply(runtime, SELECT_OPTION, text, selected_option=option, stage=Stage.EXPLORE,
                 tool_runs=[ran(state, SELECT_OPTION, {"option": option}, text)])


@tool(COMPARE_OPTIONS)
def compare_options(options: Annotated[list[int], Field(max_length=2)], runtime: Runtime) -> Command:
    """Compare two options of the current plan side by side (default: options 1 and 2)."""
    state = runtime.state
    recs = state.plan.recommendations if state.plan else []
    pair = (list(options) + [n for n in (1, 2) if n not in options])[:2]
    missing = next((n for n in pair if not 1 <= n <= len(recs)), None)
    if missing is not None:
        return reply(runtime, COMPARE_OPTIONS, f"There is no option {missing}; the current plan has options 1 to "
                                               f"{len(recs)}.", error=True)
    priority = state.plan.spec.priority.value if state.plan.spec.priority else None
    text = option_pair_text(recs[pair[0] - 1], recs[pair[1] - 1], priority)
    return reply(runtime, COMPARE_OPTIONS, text, stage=Stage.EXPLORE,
                 tool_runs=[ran(state, COMPARE_OPTIONS, {"options": pair}, f"options {pair[0]} and {pair[1]}")])
