"""Expectations checked against what a conversation left behind (the final structured state and replies).

Each check yields one ``Check`` with a short human explanation when it fails. Besides pass/fail, the checks
produce the counts the report aggregates: spec fields right, clarification hits and misses, recommendation
checks passed, and whether the tool trajectory matched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import Enum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, Field

from agent.state import AgentState
from evals.scenario import ComparisonExpect, DeploymentExpect, Expect, RecommendationExpect
from knowledge.domain import DeploymentSpec

NUMBER_TOLERANCE = 0.05  # plain numbers match within +/-5%


class Check(BaseModel):
    kind: str = Field(description="spec, asked, not_asked, stage, recommendation, tools, not_tools, reply, "
                                  "deployment, pending_approval, comparison, rubric, error")
    name: str
    passed: bool
    detail: str = ""


class Observed(BaseModel):
    """What a scenario's conversation produced."""

    state: AgentState
    last_reply: str = ""
    pending_approval: dict[str, Any] | None = None
    error: str | None = None


# ---------------------------------------------------------------------------------------------- values

def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _close(actual: float, expected: float) -> bool:
    return actual == expected if expected == 0 else abs(actual - expected) <= NUMBER_TOLERANCE * abs(expected)


def _show(v: Any) -> str:
    return json.dumps(_plain(v), default=str) if not isinstance(v, str) else repr(v)


def match_value(actual: Any, expected: Any, same: Callable[[Any, Any], bool] | None = None) -> str | None:
    """None when ``actual`` satisfies ``expected`` (the spec matcher language), else why not. ``same`` decides
    whether an item of a list is the one a ``contains``/``excludes`` names (by default: equal text)."""
    actual = [_plain(a) for a in actual] if isinstance(actual, list) else _plain(actual)
    if isinstance(expected, dict):
        return _match_dict(actual, expected, same or _same)
    if expected is None or expected == [] or expected == "":
        # An empty list is no constraint, the same as unset (``gpus: []`` and ``gpus: null`` mean "any GPU").
        return None if actual in (None, [], "") else f"expected unset, got {_show(actual)}"
    if actual in (None, [], ""):
        return f"expected {_show(expected)}, but it is unset"
    if isinstance(expected, list):
        want, got = {str(x) for x in expected}, {str(x) for x in (actual if isinstance(actual, list) else [actual])}
        return None if want == got else f"expected {sorted(want)}, got {sorted(got)}"
    if isinstance(expected, bool) or isinstance(actual, bool):
        return None if actual is expected else f"expected {_show(expected)}, got {_show(actual)}"
    if _is_number(expected) and _is_number(actual):
        return None if _close(float(actual), float(expected)) else (
            f"expected {expected:g} (+/-{NUMBER_TOLERANCE:.0%}), got {actual:g}")
    return None if str(actual) == str(expected) else f"expected {_show(expected)}, got {_show(actual)}"


def _match_dict(actual: Any, m: dict[str, Any], same: Callable[[Any, Any], bool]) -> str | None:
    if "equals" in m:
        why = match_value(actual, m["equals"])
        if why:
            return why
    for bound, op in (("min", lambda a, b: a >= b), ("max", lambda a, b: a <= b)):
        if bound in m:
            if not _is_number(actual):
                return f"expected a number {'>=' if bound == 'min' else '<='} {m[bound]:g}, got {_show(actual)}"
            if not op(float(actual), float(m[bound])):
                return f"expected {'>=' if bound == 'min' else '<='} {m[bound]:g}, got {actual:g}"
    items = list(actual) if isinstance(actual, list) else ([actual] if actual not in (None, "") else [])
    if "contains" in m:
        missing = [x for x in _listed(m["contains"]) if not any(same(i, x) for i in items)]
        if missing:
            return f"expected to contain {missing}, got {sorted(map(str, items))}"
    if "excludes" in m:
        present = [x for x in _listed(m["excludes"]) if any(same(i, x) for i in items)]
        if present:
            return f"expected not to contain {present}, got {sorted(map(str, items))}"
    return None


def _listed(value: Any) -> list[Any]:
    """``contains: H100-SXM`` means the same as ``contains: [H100-SXM]`` (a string is one item, not characters)."""
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


def _same(a: Any, b: Any) -> bool:
    """Numbers compare by value (25 == 25.0), everything else by its text."""
    if _is_number(a) and _is_number(b):
        return float(a) == float(b)
    return str(a) == str(b)


@lru_cache(maxsize=1)
def _model_names() -> frozenset[str]:
    """Every catalog model's name after its organisation ('Qwen3-32B' of 'Qwen/Qwen3-32B'), lower case."""
    from knowledge.catalog import Catalog

    return frozenset(m.id.rsplit("/", 1)[-1].lower() for m in Catalog.from_files().models)


def same_model(model_id: Any, named: Any) -> bool:
    """Whether a model id in the spec is the model a scenario names: by its full id, by its name without the
    organisation ('Qwen3-32B'), or, for a word that is no model's name, as a family the id contains ('llama',
    'Qwen', 'Coder'). 'DeepSeek-R1' names that model alone, not its Llama distill."""
    mid, want = str(model_id).lower(), str(named).lower()
    if "/" in want:
        return mid == want
    if want in _model_names():
        return mid.rsplit("/", 1)[-1] == want
    return want in mid


_SAME_BY_FIELD: dict[str, Callable[[Any, Any], bool]] = {"models": same_model, "exclude_models": same_model}


def _origin(spec: DeploymentSpec, field: str, want: str) -> str | None:
    src = spec.sources.get(field)
    got = src.origin if src and spec.is_set(field) else None
    return None if got == want else f"expected the value to be {want}, it is {got or 'unset'}"


# ---------------------------------------------------------------------------------------------- checks

def check_spec(spec: DeploymentSpec, expected: dict[str, Any]) -> list[Check]:
    out = []
    for field, want in expected.items():
        why = match_value(getattr(spec, field), want, _SAME_BY_FIELD.get(field))
        if why is None and isinstance(want, dict) and "origin" in want:
            why = _origin(spec, field, want["origin"])
        out.append(Check(kind="spec", name=f"spec.{field}", passed=why is None, detail=why or ""))
    return out


def check_clarification(state: AgentState, asked: list[str], not_asked: list[str],
                        not_asked_last: list[str] = ()) -> list[Check]:
    got = state.asked_fields()
    out = [Check(kind="asked", name=f"asked {f}", passed=f in got,
                 detail="" if f in got else f"the agent never asked about {f} (asked: {sorted(got) or 'nothing'})")
           for f in asked]
    out += [Check(kind="not_asked", name=f"not asked {f}", passed=f not in got,
                  detail="" if f not in got else f"the agent asked about {f}: "
                  + next((q.text[:120] for q in state.questions if f in q.fields), ""))
            for f in not_asked]
    last = [q for q in state.questions if q.turn == state.turn and q.turn > state.reset_turn]
    out += [Check(kind="not_asked", name=f"not asked {f} at the end", passed=not any(f in q.fields for q in last),
                  detail=next((f"the last reply asks about {f}: {q.text[:120]}" for q in last if f in q.fields), ""))
            for f in not_asked_last]
    return out


def check_stage(state: AgentState, stages: list[str]) -> list[Check]:
    got = state.stage.value
    return [Check(kind="stage", name="stage", passed=got in stages,
                  detail="" if got in stages else f"expected stage {' or '.join(stages)}, got {got}")]


def _rec_checks(exp: RecommendationExpect) -> list[tuple[str, Callable[[Any, list[Any]], str | None]]]:
    """(name, test(top, all options) -> why it failed or None) for every key set in ``exp``."""
    tests: list[tuple[str, Callable]] = []

    def add(name: str, fn: Callable) -> None:
        tests.append((name, fn))

    if exp.meets_slos is not None:
        add("meets_slos", lambda r, _: None if r.meets_slos == exp.meets_slos else
            f"top option {'meets' if r.meets_slos else 'misses'} the SLOs: {_slo_summary(r)}")
    if exp.within_budget is not None:
        add("within_budget", lambda r, _: None if r.within_budget == exp.within_budget else
            f"top option costs ${r.monthly_cost_usd:,.0f}/month ({'within' if r.within_budget else 'over'} budget)")
    if exp.max_monthly_cost_usd is not None:
        add("max_monthly_cost_usd", lambda r, _: None if r.monthly_cost_usd <= exp.max_monthly_cost_usd else
            f"top option costs ${r.monthly_cost_usd:,.0f}/month > ${exp.max_monthly_cost_usd:,.0f}")
    if exp.min_monthly_cost_usd is not None:
        add("min_monthly_cost_usd", lambda r, _: None if r.monthly_cost_usd >= exp.min_monthly_cost_usd else
            f"top option costs ${r.monthly_cost_usd:,.0f}/month < ${exp.min_monthly_cost_usd:,.0f}")
    if exp.max_total_gpus is not None:
        add("max_total_gpus", lambda r, _: None if r.total_gpus <= exp.max_total_gpus else
            f"top option uses {r.total_gpus} GPUs > {exp.max_total_gpus}")
    for key, attr, positive in (("gpu_in", "gpu", True), ("gpu_not_in", "gpu", False),
                                ("model_in", "model_id", True), ("model_not_in", "model_id", False)):
        allowed = getattr(exp, key)
        if allowed is not None:
            add(key, _membership(attr, allowed, positive))
    if exp.precision_in is not None:
        add("precision_in", lambda r, _: None if r.config.precision.value in exp.precision_in else
            f"top option runs {r.config.precision.value}, not one of {exp.precision_in}")
    for key, attr, positive in (("every_gpu_in", "gpu", True), ("every_gpu_not_in", "gpu", False),
                                ("every_model_not_in", "model_id", False)):
        allowed = getattr(exp, key)
        if allowed is not None:
            add(key, _every(attr, allowed, positive))
    return tests


def _membership(attr: str, allowed: list[str], positive: bool) -> Callable:
    def test(r, _):
        value = getattr(r, attr)
        ok = (value in allowed) == positive
        return None if ok else f"top option {attr} is {value}, {'not ' if positive else ''}one of {allowed}"
    return test


def _every(attr: str, allowed: list[str], positive: bool) -> Callable:
    def test(_, recs):
        bad = [f"#{r.rank} {getattr(r, attr)}" for r in recs if (getattr(r, attr) in allowed) != positive]
        return None if not bad else f"options {', '.join(bad)} {'are not in' if positive else 'are in'} {allowed}"
    return test


def _slo_summary(r) -> str:
    return "; ".join(f"{c.metric} {c.predicted_ms:,.0f} vs {c.target_ms:,.0f} ms" for c in r.slo_checks) or "no SLO checks"


def check_recommendation(state: AgentState, exp: RecommendationExpect) -> list[Check]:
    recs = state.plan.recommendations if state.plan else []
    out = []
    if exp.exists is not None:
        ok = bool(recs) == exp.exists
        out.append(Check(kind="recommendation", name="recommendation.exists", passed=ok,
                         detail="" if ok else ("there is no plan" if exp.exists else
                                               f"a plan exists (top: {recs[0].model_id} on {recs[0].gpu})")))
    for name, test in _rec_checks(exp):
        why = test(recs[0], recs) if recs else "there is no recommendation"
        out.append(Check(kind="recommendation", name=f"recommendation.{name}", passed=why is None, detail=why or ""))
    return out


@lru_cache(maxsize=1)
def _superset_evaluator():
    """agentevals' trajectory match in superset mode: every expected tool call appears in the actual run."""
    from agentevals.trajectory.match import create_trajectory_match_evaluator

    return create_trajectory_match_evaluator(trajectory_match_mode="superset", tool_args_match_mode="ignore")


def _trajectory(names: list[str]) -> list[dict[str, Any]]:
    """Tool names as an OpenAI-style trajectory (one assistant message per tool call)."""
    msgs: list[dict[str, Any]] = [{"role": "user", "content": "scenario"}]
    for i, name in enumerate(names):
        msgs.append({"role": "assistant", "content": "",
                     "tool_calls": [{"id": f"c{i}", "type": "function", "function": {"name": name, "arguments": "{}"}}]})
        msgs.append({"role": "tool", "tool_call_id": f"c{i}", "content": ""})
    return msgs


def tools_superset(actual: list[str], expected: list[str]) -> bool:
    if not expected:
        return True
    result = _superset_evaluator()(outputs=_trajectory(actual), reference_outputs=_trajectory(expected))
    return bool(result["score"])


def check_tools(state: AgentState, expected: list[str], forbidden: list[str]) -> list[Check]:
    names = [t.name for t in state.tool_runs]
    out = []
    if expected:
        ok = tools_superset(names, expected)
        out.append(Check(kind="tools", name="tools", passed=ok,
                         detail="" if ok else f"expected calls {expected}, the agent called {names or 'nothing'}"))
    for name in forbidden:
        out.append(Check(kind="not_tools", name=f"never {name}", passed=name not in names,
                         detail="" if name not in names else f"{name} was called"))
    return out


def check_reply(reply: str, contains: list[str], not_contains: list[str]) -> list[Check]:
    low = reply.lower()
    out = [Check(kind="reply", name=f"reply contains {s!r}", passed=s.lower() in low,
                 detail="" if s.lower() in low else f"the last reply does not contain {s!r}: {_excerpt(reply)}")
           for s in contains]
    out += [Check(kind="reply", name=f"reply lacks {s!r}", passed=s.lower() not in low,
                  detail="" if s.lower() not in low else f"the last reply contains {s!r}")
            for s in not_contains]
    return out


def _excerpt(text: str, n: int = 160) -> str:
    flat = " ".join(text.split())
    return repr(flat[:n] + ("..." if len(flat) > n else ""))


def check_deployment(state: AgentState, exp: DeploymentExpect) -> list[Check]:
    dep = state.deployment
    out = []
    if exp.exists is not None:
        ok = (dep is not None) == exp.exists
        out.append(Check(kind="deployment", name="deployment.exists", passed=ok,
                         detail="" if ok else ("there is no deployment" if exp.exists else
                                               f"a deployment exists (status {dep.status})")))
    if exp.status is not None:
        got = dep.status if dep else None
        ok = got in exp.status
        out.append(Check(kind="deployment", name="deployment.status", passed=ok,
                         detail="" if ok else f"expected status {' or '.join(exp.status)}, got {got or 'no deployment'}"))
    if exp.namespace is not None:
        got = dep.namespace if dep else None
        out.append(Check(kind="deployment", name="deployment.namespace", passed=got == exp.namespace,
                         detail="" if got == exp.namespace else f"expected namespace {exp.namespace}, got {got}"))
    return out


def check_pending(pending: dict | None, expected: bool) -> list[Check]:
    ok = (pending is not None) == expected
    return [Check(kind="pending_approval", name="pending_approval", passed=ok,
                  detail="" if ok else ("no approval is pending" if expected else "an approval is pending"))]


def check_comparison(state: AgentState, exp: ComparisonExpect) -> list[Check]:
    comp = state.comparison
    out = []
    if comp is None:
        return [Check(kind="comparison", name="comparison", passed=False, detail="there is no what-if comparison")]
    if exp.variants is not None:
        ok = len(comp.variants) == exp.variants
        out.append(Check(kind="comparison", name="comparison.variants", passed=ok,
                         detail="" if ok else f"expected {exp.variants} variant(s), got {len(comp.variants)}"))
    if exp.changed is not None:
        changed = any(_differs(comp.base.top, v.top) for v in comp.variants)
        out.append(Check(kind="comparison", name="comparison.changed", passed=changed == exp.changed,
                         detail="" if changed == exp.changed else
                         ("every variant's top option is identical to the base (model, GPUs, cost, latency)"
                          if exp.changed else "a variant differs from the base")))
    return out


def _differs(a, b) -> bool:
    if a is None or b is None:
        return a is not b

    def key(r):
        p = r.prediction
        return (r.model_id, r.gpu, r.total_gpus, round(r.monthly_cost_usd, 2),
                *(round(s.p95, 3) if s else None for s in (p.ttft_ms, p.itl_ms, p.e2e_ms)))
    return key(a) != key(b)


def run_checks(expect: Expect, seen: Observed) -> list[Check]:
    state = seen.state
    checks: list[Check] = []
    if seen.error:
        checks.append(Check(kind="error", name="conversation", passed=False, detail=seen.error))
    checks += check_spec(state.spec, expect.spec)
    checks += check_clarification(state, expect.asked, expect.not_asked, expect.not_asked_last)
    if expect.stage:
        checks += check_stage(state, expect.stage)
    if expect.recommendation:
        checks += check_recommendation(state, expect.recommendation)
    checks += check_tools(state, expect.tools, expect.not_tools)
    checks += check_reply(seen.last_reply, expect.reply_contains, expect.reply_not_contains)
    if expect.deployment:
        checks += check_deployment(state, expect.deployment)
    if expect.pending_approval is not None:
        checks += check_pending(seen.pending_approval, expect.pending_approval)
    if expect.comparison:
        checks += check_comparison(state, expect.comparison)
    return checks
