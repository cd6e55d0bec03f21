"""What the UI shows, built from real planner output: spec card, ranked table, chart, what-if, reply text."""

from __future__ import annotations

import json

import pytest

from agent.replies import comparison_text, options_table, plan_text
from knowledge.domain import DeploymentSpec, UseCase
from tools import operations
from tools.whatif import Variant
from ui import views
from knowledge.domain import display
from tools.whatif import ComparisonRow
from ui.chart import cost_latency_figure, figure_json, point_labels


@pytest.fixture(scope="module")
def plan(shared_kb):
    spec = DeploymentSpec().with_values("stated", None, use_case=UseCase.CHATBOT_CONVERSATIONAL, users=5000,
                                        budget_monthly_usd=9000)
    return operations.run_plan(shared_kb, spec)


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
                "usd_per_m_tokens", "provenance", "meets_slos", "pareto", "text", "quality_source"):
        assert key in row, key
    assert row["provenance"] in ("measured", "interpolated", "estimated")
    assert row["messages"] == {"select": "I'll go with option 1", "why": "why option 1", "deploy": "deploy option 1"}
    assert props["compare_template"] == "compare option {a} and {b}"
    assert props["targets"]["ttft"] == plan.workload.ttft_p95_ms and props["budget"] == 9000
    assert "0-100" in props["quality_scale"] and "Artificial Analysis" in props["quality_scale"]
    json.dumps(props)


def test_numbers_are_rounded_once_and_read_the_same_everywhere(plan):
    """The table, the chart's hover and the what-if show one text per figure, from the unrounded prediction."""
    top = plan.recommendations[0]
    row = views.rec_row(top)
    e2e = top.prediction.e2e_ms.p95
    assert row["e2e"] == e2e  # unrounded: rounding happens once, into the text
    assert row["text"]["e2e"] == display.ms(e2e) and row["text"]["monthly"] == display.usd(top.monthly_cost_usd)
    hover = cost_latency_figure(plan).data[4].customdata  # the E2E view's markers
    assert [display.ms(e2e), display.usd(top.monthly_cost_usd)] == list(hover[0][1:])
    assert views._comparison_col(ComparisonRow(label="base", changes={}, top=top))["text"]["e2e"] == row["text"]["e2e"]
    assert display.ms(100.46) == display.ms(100.5) == "100" and display.ms(99.96) == "100"
    assert display.rate(78.125) == "78.1" and display.rate(2.0833) == "2.08" and display.rate(13.02) == "13.0"


def test_chart_has_a_view_per_latency_metric_with_slo_lines_and_no_mode_bar(plan):
    fig = cost_latency_figure(plan)
    assert len(fig.data) == 6 and [t.visible for t in fig.data] == [True, True, False, False, False, False]
    slo = fig.layout.shapes[0]
    assert slo.x0 == plan.workload.ttft_p95_ms
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["p95 TTFT", "p95 ITL", "p95 E2E"]
    assert buttons[2].args[1]["shapes"][0]["x0"] == plan.workload.e2e_p95_ms
    sent = json.loads(figure_json(fig))  # what cl.Plotly sends, with Plotly's client options
    assert sent["config"]["displayModeBar"] is False and sent["data"] and sent["layout"]


def test_the_chart_rings_the_options_the_table_stars(plan):
    """One definition of Pareto-optimal: the planner's flag, ringed in every view of the chart."""
    fig = cost_latency_figure(plan)
    starred = sorted(r.monthly_cost_usd for r in plan.recommendations if r.pareto_optimal)
    for rings in (fig.data[1], fig.data[3], fig.data[5]):
        assert sorted(rings.y) == starred
    assert "Pareto-optimal" in fig.layout.title.text and "frontier" not in fig.layout.title.text


def test_the_y_axis_fits_the_options_not_a_far_budget(shared_kb):
    spec = DeploymentSpec().with_values("stated", None, use_case=UseCase.CHATBOT_CONVERSATIONAL, users=5000,
                                        budget_monthly_usd=900_000)
    far = operations.run_plan(shared_kb, spec)
    fig = cost_latency_figure(far)
    dearest = max(r.monthly_cost_usd for r in far.recommendations)
    assert fig.layout.yaxis.range[1] < 2 * dearest  # the options fill the chart
    assert len(fig.layout.shapes) == 1 and "above every option" in fig.layout.title.text


def test_labels_of_points_on_top_of_each_other_are_merged():
    points = [(100, 1146, 3), (104, 1146, 4), (300, 5000, 1), (101, 1150, 5)]
    assert point_labels(points, x_span=400, y_span=6000) == ["#3, #4, #5", "", "#1", ""]
    assert point_labels([(10, 1, 1), (300, 1, 2)], x_span=400, y_span=10) == ["#1", "#2"]


def test_spec_card_shows_how_users_became_requests_and_what_users_means(plan):
    rows = {r["name"]: r for r in views.spec_card_props(plan.spec)["fields"]}
    assert rows["rps"]["origin"] == "assumed" and "5,000 users x 25% active in the busy hour" in rows["rps"]["note"]
    assert rows["rps"]["value"] == display.rate(plan.spec.rps)  # 5.21, not 5.208
    assert "working day" in rows["users"]["means"] and "monthly" in rows["users"]["means"]


def test_reply_loses_only_the_tables_the_elements_replace(plan, shared_kb):
    text = plan_text(plan)
    assert options_table(plan.recommendations).split("\n")[0] in text
    stripped = views.without_tables(text)
    assert "| # | model" not in stripped and "|---" not in stripped
    assert "**Why option 1:**" in stripped and "I assumed" in stripped
    comparison = operations.run_compare(shared_kb, plan.spec, [Variant(label="traffic x2", changes={"traffic": "2x"})])
    assert "| scenario" not in views.without_tables(comparison_text(comparison))
    props = views.comparison_props(comparison)
    assert props["base"]["label"] == "base" and props["variants"][0]["label"] == "traffic x2"
    assert all(set(d) == {"text", "better"} for d in props["variants"][0]["deltas"].values())
    json.dumps(props)


def test_approval_card_names_option_target_and_where_it_runs(plan):
    props = views.approval_props({"option": 2, "target": "local", "namespace": "compass",
                                  "summary": ["Deployment compass-opt2", "Service compass-opt2"]}, plan, "sid")
    rec = plan.recommendations[1]
    assert props["option"] == 2 and props["target"] == "local" and props["namespace"] == "compass"
    assert props["what"] == f"{rec.model_id.split('/')[-1]} ({rec.config.precision.value}) on {rec.total_gpus} x {rec.gpu}"
    assert "this machine" in props["where"] and props["state"] is None and props["payload"] == {"session": "sid"}
    assert "Service compass-opt2" not in json.dumps(props)  # the agent's message lists what is created, once


def test_local_deploy_summary_says_what_runs_here_not_what_a_cluster_needs(plan, shared_kb):
    from tools import deploy_path

    rec = plan.recommendations[0]
    local = deploy_path.render(rec, plan.spec, shared_kb.catalog, target="local")
    text = " ".join(local.summary)
    assert "simulator replica" in text and "this machine" in text and f"{rec.replicas} GPU-free" in text
    assert not any(word in text for word in ("KEDA", "Prometheus", "CRD", "PVC", "Secret", "nodeSelector"))
    kserve = " ".join(deploy_path.render(rec, plan.spec, shared_kb.catalog, target="kserve").summary)
    assert "KServe" in kserve  # a cluster target still says what the cluster needs


def test_no_identifier_reaches_the_user_as_a_word(plan):
    """Use cases and enum values are shown as people say them (issue 16 item 7): 'chatbot', 'on demand'."""
    props = [views.spec_card_props(plan.spec)["fields"], views.recommendations_props(plan)["rows"]]
    # what the edit boxes and buttons send back ("raw", "input", "messages") and keys ("name") may be identifiers
    displayed = list(_strings(props, skip=("raw", "input", "name", "messages")))
    for identifier in ("chatbot_conversational", "on_demand", "artificial_analysis"):
        assert not any(identifier in text for text in displayed), identifier


def _strings(data, skip=()):
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in skip:
                yield from _strings(value, skip)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value, skip)
    elif isinstance(data, str):
        yield data
