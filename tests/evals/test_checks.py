"""The scenario format and the checks, without running a conversation (no database needed)."""

from __future__ import annotations

import pytest

from agent.state import AgentState, Question, Stage, ToolRun
from evals.checks import Observed, match_value, run_checks, tools_superset
from evals.report import Report, ScenarioResult
from evals.scenario import Expect, Suite, SuiteError, load_suite, packaged_suites, resolve_paths
from knowledge.domain import DeploymentSpec


@pytest.mark.parametrize(("actual", "expected", "ok"), [
    (5000, 5000, True), (5200, 5000, True), (5300, 5000, False),  # +/-5%
    (400.0, {"max": 500}, True), (600.0, {"max": 500}, False), (2.0, {"min": 1.5, "max": 3}, True),
    (None, None, True), ([], None, True), (8000.0, None, False), (None, 5000, False),
    ("latency", "latency", True), ("cost", "latency", False),
    (["L4", "A10G"], ["A10G", "L4"], True), (["L4"], ["L4", "A10G"], False),
    (["H100-SXM", "H100-PCIe"], {"contains": ["H100-PCIe"]}, True), (["H100-SXM"], {"contains": ["H100-PCIe"]}, False),
    (["L4"], {"excludes": ["H100-SXM"]}, True), (["L4", "H100-SXM"], {"excludes": ["H100-SXM"]}, False),
    (True, True, True), (False, True, False), (None, {"max": 5}, False),
    # a bare string is one item, not its characters; numbers compare by value, not by their text
    (["H100-SXM"], {"contains": "H100-SXM"}, True), (["L4"], {"contains": "H100-SXM"}, False),
    (["L4", "H100-SXM"], {"excludes": "H100-SXM"}, False),
    (25.0, {"excludes": [25]}, False), (25.0, {"excludes": [30]}, True), (8, {"contains": [8.0]}, True),
])
def test_value_matching(actual, expected, ok):
    assert (match_value(actual, expected) is None) is ok


QWEN = ["Qwen/Qwen2.5-72B-Instruct", "Qwen/Qwen3-32B"]
R1_DISTILL = ["deepseek-ai/DeepSeek-R1-Distill-Llama-70B"]


@pytest.mark.parametrize(("field", "actual", "expected", "ok"), [
    # a model named by its full id, by its name without the organisation, or by a family word the id contains
    ("models", QWEN, {"contains": "Qwen/Qwen3-32B"}, True), ("models", QWEN, {"contains": "qwen3-32b"}, True),
    ("exclude_models", QWEN, {"contains": "Qwen"}, True), ("exclude_models", QWEN, {"contains": "gemma"}, False),
    ("models", QWEN, {"excludes": "llama"}, True), ("models", [*QWEN, *R1_DISTILL], {"excludes": "llama"}, False),
    # a model's own name is that model alone: DeepSeek-R1 is not its Llama distill, Qwen3-32B not Qwen3-8B
    ("models", R1_DISTILL, {"contains": "DeepSeek-R1"}, False), ("models", QWEN, {"contains": "Qwen3-8B"}, False),
    ("exclude_models", R1_DISTILL, {"excludes": "DeepSeek-R1"}, True),
    # other lists compare whole names: a GPU is never found by a part of its name
    ("gpus", ["H100-SXM"], {"contains": "H100"}, False),
])
def test_models_are_matched_by_name_or_family(field, actual, expected, ok):
    state = AgentState(spec=DeploymentSpec().with_values("stated", None, **{field: actual}))
    (check,) = run_checks(Expect(spec={field: expected}), Observed(state=state))
    assert check.passed is ok, check.detail


def test_enums_compare_by_value_and_origin_is_checked():
    spec = DeploymentSpec().with_values("stated", None, use_case="chatbot_conversational", users=5000)
    spec = spec.with_values("assumed", "default", rps=5.2)
    state = AgentState(spec=spec)
    expect = Expect(spec={"use_case": "chatbot_conversational", "users": {"equals": 5000, "origin": "stated"},
                          "rps": {"origin": "stated"}, "budget_monthly_usd": None})
    checks = {c.name: c for c in run_checks(expect, Observed(state=state))}
    assert checks["spec.use_case"].passed and checks["spec.users"].passed and checks["spec.budget_monthly_usd"].passed
    assert not checks["spec.rps"].passed and "assumed" in checks["spec.rps"].detail


def test_clarification_stage_tools_and_reply_checks():
    state = AgentState(stage=Stage.RECOMMEND,
                       questions=[Question(turn=1, fields=["budget_monthly_usd"], text="Is there a monthly budget?")],
                       tool_runs=[ToolRun(turn=1, name="plan_capacity"), ToolRun(turn=1, name="similar_deployments")])
    expect = Expect(asked=["budget_monthly_usd", "users"], not_asked=["use_case"], stage="recommend",
                    tools=["plan_capacity"], not_tools=["apply_manifests"], reply_contains=["ASSUMED"],
                    reply_not_contains=["error"])
    checks = run_checks(expect, Observed(state=state, last_reply="I assumed 1,000 users."))
    failed = [c.name for c in checks if not c.passed]
    assert failed == ["asked users"]


def test_tool_trajectory_is_a_superset_match_via_agentevals():
    assert tools_superset(["plan_capacity", "similar_deployments", "compare_whatif"], ["plan_capacity", "compare_whatif"])
    assert not tools_superset(["plan_capacity"], ["plan_capacity", "compare_whatif"])
    assert not tools_superset(["plan_capacity"], ["plan_capacity", "plan_capacity"])  # counts matter
    assert tools_superset([], [])


def test_missing_plan_fails_recommendation_checks_with_a_reason():
    expect = Expect.model_validate({"recommendation": {"meets_slos": True, "exists": True}})
    checks = run_checks(expect, Observed(state=AgentState()))
    assert [c.passed for c in checks] == [False, False]
    assert "no plan" in checks[0].detail and "no recommendation" in checks[1].detail


def test_conversation_errors_fail_the_scenario():
    checks = run_checks(Expect(), Observed(state=AgentState(), error="turn 2 {approve: true}: no deployment was waiting"))
    assert [c.kind for c in checks if not c.passed] == ["error"]


@pytest.mark.parametrize(("bad", "message"), [
    ({"expect": {"spec": {"user": 5}}}, "unknown spec field 'user'"),
    ({"expect": {"asked": ["budget"]}}, "unknown spec field"),
    ({"expect": {"stage": "recommending"}}, "unknown stage"),
    ({"expect": {"spec": {"users": {"between": [1, 2]}}}}, "matcher keys"),
    ({"expect": {"recommendations": {}}}, "Extra inputs"),
    ({"expect": {"asked": ["users"], "not_asked": ["users"]}}, "both in asked and not_asked"),
    ({"turns": [True]}, "turns"),  # a bare YAML yes/no is a boolean, not a message
    ({"turns": [{"approve": "maybe"}]}, "turns"),
    ({"requires": "gpu"}, "requires"),
    ({"expect": {"deployment": {"status": "done"}}}, "unknown deployment status"),
])
def test_format_errors_are_reported(bad, message):
    scenario = {"id": "s1", "turns": ["hello"], "expect": {}, **bad}
    with pytest.raises(Exception) as info:
        Suite.model_validate({"name": "x", "scenarios": [scenario]})
    assert message in str(info.value)


def test_load_suite_names_the_scenario_in_errors(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nscenarios:\n  - id: ok\n    turns: [hi]\n    expect: {}\n"
                    "  - id: broken-one\n    turns: [hi]\n    expect: {spec: {colour: red}}\n")
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert "broken-one" in str(info.value) and "colour" in str(info.value)
    with pytest.raises(SuiteError):
        resolve_paths([str(tmp_path / "missing.yaml")])


def test_duplicate_ids_are_rejected():
    s = {"id": "same", "turns": ["hi"], "expect": {}}
    with pytest.raises(Exception, match="duplicate"):
        Suite.model_validate({"name": "x", "scenarios": [s, s]})


def test_shipped_suites_load_and_cover_what_the_issue_asks():
    shipped = packaged_suites()
    assert {"core", "regressions"} <= set(shipped)
    core = load_suite(shipped["core"])
    # a scenario that expects nothing cannot fail: every shipped scenario checks something, under a unique id
    # (the held-out halves are the lead's to run, never read by the tests)
    for name in ("core", "regressions", "blind-dev", "blind2-dev"):
        suite = load_suite(shipped[name])
        assert [sc.id for sc in suite.scenarios if not sc.expect.model_dump(exclude_defaults=True)] == [], name
    said = [sc.expect.spec.get("use_case") for sc in core.scenarios]
    use_cases = {u.get("equals") if isinstance(u, dict) else u for u in said}
    assert {"chatbot_conversational", "code_completion", "code_generation_detailed", "translation",
            "content_generation", "summarization_short", "document_analysis_rag", "long_document_summarization",
            "research_legal_analysis"} <= use_cases
    tags = {t for sc in core.scenarios for t in sc.tags}
    assert {"clarification", "dont-know", "correction", "whatif", "deploy", "impossible", "injection"} <= tags
    approvals = [t for sc in core.scenarios for t in sc.turns if not isinstance(t, str)]
    assert {a.approve for a in approvals} == {True, False}
    regressions = load_suite(shipped["regressions"])
    assert all(sc.bug for sc in regressions.scenarios)
    assert resolve_paths(["core"]) == [shipped["core"]]


def test_scores_aggregate_over_scenarios_that_ran():
    from evals.checks import Check

    def result(id_, checks, skipped=False):
        return ScenarioResult(id=id_, suite="t", passed=all(c.passed for c in checks) and not skipped,
                              skipped=skipped, checks=checks)

    c = Check
    report = Report(suites=["t"], llm="offline", workers=2, scenarios=[
        result("a", [c(kind="spec", name="s", passed=True), c(kind="spec", name="s", passed=False),
                     c(kind="asked", name="q", passed=True), c(kind="not_asked", name="n", passed=False)]),
        result("b", [c(kind="spec", name="s", passed=True), c(kind="asked", name="q", passed=False),
                     c(kind="tools", name="tools", passed=True)]),
        result("c", [], skipped=True),
    ])
    s = report.scores()
    assert s["pass_rate"] == 0.0 and s["scenarios_run"] == 2 and s["scenarios_skipped"] == 1
    assert s["field_accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert s["clarification_precision"] == 0.5  # 1 asked rightly, 1 asked wrongly
    assert s["clarification_recall"] == 0.5  # 1 of 2 expected questions asked
    assert s["tool_trajectory_matches"] == {"matched": 1, "total": 1}
    data = report.as_json()
    assert {"pass_rate", "field_accuracy", "clarification_precision", "clarification_recall", "scenarios"} <= set(data)
    assert {"id", "passed", "failures"} <= set(data["scenarios"][0])
    assert data["scenarios"][0]["failures"] == ["s", "n"]


def test_a_sample_keeps_the_same_scenarios_of_every_suite():
    """`compass eval run --sample F`: about F of each suite, chosen by suite and id alone, so a scenario is in or out
    whatever else its suite holds and whichever suites run with it."""
    from evals.runner import select

    shipped = packaged_suites()
    suites = [load_suite(shipped[name]) for name in ("blind-dev", "blind2-dev")]
    half = select(suites, sample=0.5)
    assert half == select(suites, sample=0.5)
    assert {n for n, _ in half} == {"blind-dev", "blind2-dev"}
    for suite in suites:
        kept = [sc for n, sc in half if n == suite.name]
        assert 0.35 < len(kept) / len(suite.scenarios) < 0.65
        assert [(n, sc.id) for n, sc in select([suite], sample=0.5)] == [(suite.name, sc.id) for sc in kept]
    assert len(select(suites, sample=0.9)) > len(half) and len(select(suites)) == sum(len(s.scenarios) for s in suites)
