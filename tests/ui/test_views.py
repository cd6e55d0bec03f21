"""What the UI shows, built from real planner output: spec card, ranked table, chart, what-if, reply text."""

from __future__ import annotations

import json

import pytest

from agent.replies import comparison_text, options_table, plan_text
from knowledge.domain import DeploymentSpec, UseCase
from tools import service
from tools.whatif import Variant
from ui import views
from ui.chart import cost_latency_figure, pareto_frontier


@pytest.fixture(scope="module")
def plan(shared_kb):
    spec = DeploymentSpec().with_values("stated", None, use_case=UseCase.CHATBOT_CONVERSATIONAL, users=5000,
                                        budget_monthly_usd=9000)
    return service.run_plan(shared_kb, spec)


def test_spec_card_marks_stated_and_assumed_values_and_offers_edits(plan):
    props = views.spec_card_props(plan.spec)
    rows = {r["name"]: r for r in props["fields"]}
    assert rows["users"]["origin"] == "stated" and rows["users"]["value"] == "5,000" and rows["users"]["raw"] == "5000"
    assert rows["rps"]["origin"] == "assumed" and "users" in rows["rps"]["note"]
    assert rows["use_case"]["value"] == "chatbot"
    assert rows["gpus"]["origin"] == "unset"  # offered so a constraint can be added
    assert rows["users"]["input"]["template"] == "users: {value}"
    assert props["stated"] >= 3 and props["assumed"] >= 5
    json.dumps(props)  # props travel as JSON


def test_recommendation_rows_carry_every_column_and_the_button_messages(plan):
    props = views.recommendations_props(plan, selected=2)
    assert len(props["rows"]) == len(plan.recommendations) and props["selected"] == 2
    row = props["rows"][0]
    for key in ("model", "precision", "gpu", "total_gpus", "replicas", "ttft", "itl", "e2e", "monthly_usd",
                "usd_per_m_tokens", "provenance", "meets_slos", "pareto"):
        assert key in row, key
    assert row["provenance"] in ("measured", "interpolated", "estimated")
    assert row["messages"] == {"select": "I'll go with option 1", "why": "why option 1", "deploy": "deploy option 1"}
    assert props["compare_template"] == "compare option {a} and {b}"
    assert props["targets"]["ttft"] == plan.workload.ttft_p95_ms and props["budget"] == 9000
    json.dumps(props)


def test_chart_has_a_view_per_latency_metric_with_frontier_and_slo_lines(plan):
    fig = cost_latency_figure(plan)
    assert len(fig.data) == 6 and [t.visible for t in fig.data] == [True, True, False, False, False, False]
    slo, budget = fig.layout.shapes
    assert slo.x0 == plan.workload.ttft_p95_ms and budget.y0 == 9000
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["p95 TTFT", "p95 ITL", "p95 E2E"]
    assert buttons[2].args[1]["shapes"][0]["x0"] == plan.workload.e2e_p95_ms
    fig.to_json(validate=True)  # what cl.Plotly sends


def test_pareto_frontier_keeps_only_undominated_points():
    points = [(100, 5000), (120, 2500), (170, 2100), (110, 11000), (200, 2200)]
    assert pareto_frontier(points) == [(100, 5000), (120, 2500), (170, 2100)]


def test_reply_loses_only_the_tables_the_elements_replace(plan, shared_kb):
    text = plan_text(plan)
    assert options_table(plan.recommendations).split("\n")[0] in text
    stripped = views.without_tables(text)
    assert "| # | model" not in stripped and "|---" not in stripped
    assert "**Why option 1:**" in stripped and "I assumed" in stripped
    comparison = service.run_compare(shared_kb, plan.spec, [Variant(label="traffic x2", changes={"traffic": "2x"})])
    assert "| scenario" not in views.without_tables(comparison_text(comparison))
    props = views.comparison_props(comparison)
    assert props["base"]["label"] == "base" and props["variants"][0]["label"] == "traffic x2"
    assert props["variants"][0]["deltas"].get("gpus", 0) >= 0
    json.dumps(props)


def test_approval_text_names_option_target_namespace_and_objects():
    text = views.approval_text({"option": 2, "target": "local", "namespace": "compass",
                                "summary": ["Deployment compass-opt2", "Service compass-opt2"]})
    assert text.startswith(views.APPROVAL_MARK)
    assert "option 2" in text and "**local**" in text and "**compass**" in text and "Service compass-opt2" in text
