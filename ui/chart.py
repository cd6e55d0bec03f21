"""Cost vs p95 latency of the recommended options, with the SLO / budget lines and the Pareto-optimal options ringed.

"Pareto-optimal" is the planner's flag (cost x latency x quality, ``Recommendation.pareto_optimal``), the same
that stars an option in the table: the chart draws no frontier of its own. Hover texts are rounded by
knowledge/domain/display.py like every other figure, and Plotly's mode bar is off (it covered the metric switch).
"""

from __future__ import annotations

import json

from plotly import graph_objects as go

from knowledge.domain import Recommendation, display
from tools.planner import PlanResult

# (label, prediction attribute, workload target attribute)
METRICS = (("p95 TTFT", "ttft_ms", "ttft_p95_ms"), ("p95 ITL", "itl_ms", "itl_p95_ms"),
           ("p95 E2E", "e2e_ms", "e2e_p95_ms"))
OK, MISS, FRONTIER, LIMIT = "#2563eb", "#dc2626", "#16a34a", "#b45309"
# Plotly's client-side options: no mode bar (its buttons sat on top of the metric switch), no logo.
CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}
LABEL_GAP = (0.06, 0.08)  # labels of points closer than this share of the axes (x, y) are merged into one
BUDGET_IN_VIEW = 2.0  # the budget line is drawn when it is at most this many times the dearest option


def figure_json(fig: go.Figure) -> str:
    """The figure as Chainlit's Plotly element sends it, with the client options Plotly reads from "config"."""
    data = json.loads(fig.to_json(validate=True))
    data["config"] = CONFIG
    return json.dumps(data)


def _label(r: Recommendation) -> str:
    return f"#{r.rank} {r.model_id.split('/')[-1]} ({r.config.precision.value}) on {r.total_gpus} x {r.gpu}"


def point_labels(points: list[tuple[float, float, int]], x_span: float, y_span: float) -> list[str]:
    """'#n' beside each point; points that would print on top of each other share one label ('#3, #4') on the
    first of them, the others get none (the hover still names each)."""
    labels = [""] * len(points)
    taken: list[tuple[float, float, int]] = []  # (x, y, index of the point carrying the label)
    for i, (x, y, rank) in sorted(enumerate(points), key=lambda p: p[1][2]):
        near = next((t for t in taken if abs(t[0] - x) <= LABEL_GAP[0] * x_span
                     and abs(t[1] - y) <= LABEL_GAP[1] * y_span), None)
        if near is None:
            taken.append((x, y, i))
            labels[i] = f"#{rank}"
        else:
            labels[near[2]] += f", #{rank}"
    return labels


def _view(plan: PlanResult, label: str, attr: str, target: float | None, y_top: float, budget_shown: bool):
    """One metric's markers, its Pareto rings, its SLO / budget lines and its x range."""
    recs = [r for r in plan.recommendations if getattr(r.prediction, attr) is not None]
    xs = [getattr(r.prediction, attr).p95 for r in recs]
    x_top = 1.12 * max(xs + [target or 0, 1])
    texts = point_labels([(x, r.monthly_cost_usd, r.rank) for x, r in zip(xs, recs)], x_top, y_top)
    markers = go.Scatter(
        x=xs, y=[r.monthly_cost_usd for r in recs], mode="markers+text", text=texts, textposition="top center",
        customdata=[[_label(r), display.ms(x), display.usd(r.monthly_cost_usd)] for x, r in zip(xs, recs)],
        hovertemplate="%{customdata[0]}<br>" + label + " %{customdata[1]} ms<br>%{customdata[2]}/month<extra></extra>",
        marker={"size": 12, "color": [OK if r.meets_slos else MISS for r in recs],
                "line": {"width": 1, "color": "white"}}, name="options (red: misses an SLO)")
    pareto = [(x, r) for x, r in zip(xs, recs) if r.pareto_optimal]
    rings = go.Scatter(x=[x for x, _ in pareto], y=[r.monthly_cost_usd for _, r in pareto], mode="markers",
                       marker={"symbol": "circle-open", "size": 22, "color": FRONTIER, "line": {"width": 2}},
                       name="Pareto-optimal (ringed)", hoverinfo="skip")
    shapes = []
    if target:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": target, "x1": target, "y0": 0, "y1": 1,
                       "line": {"color": MISS, "dash": "dash", "width": 1.5}, "label": {
                           "text": f"SLO {display.ms(target)} ms", "textangle": 0, "textposition": "end",
                           "xanchor": "right", "yanchor": "top", "font": {"size": 11, "color": MISS}}})
    if budget_shown:
        b = plan.spec.budget_monthly_usd
        shapes.append({"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": b, "y1": b,
                       "line": {"color": LIMIT, "dash": "dash", "width": 1.5}, "label": {
                           "text": f"budget {display.usd(b)}", "textposition": "start", "yanchor": "bottom",
                           "font": {"size": 11, "color": LIMIT}}})
    return (markers, rings), shapes, [0, x_top]


def cost_latency_figure(plan: PlanResult) -> go.Figure:
    """One view per latency metric (buttons switch); each with its SLO line and the budget line."""
    fig = go.Figure()
    w, budget = plan.workload, plan.spec.budget_monthly_usd
    dearest = max((r.monthly_cost_usd for r in plan.recommendations), default=1.0)
    # the y axis fits the options; a budget far above them would squeeze them into the bottom of the chart
    budget_shown = bool(budget) and budget <= BUDGET_IN_VIEW * dearest
    y_top = 1.15 * max(dearest, budget if budget_shown else 0, 1)
    shapes_per_metric, ranges = [], []
    for i, (label, attr, target_attr) in enumerate(METRICS):
        traces, shapes, x_range = _view(plan, label, attr, getattr(w, target_attr), y_top, budget_shown)
        for trace in traces:
            trace.visible = i == 0
            fig.add_trace(trace)
        shapes_per_metric.append(shapes)
        ranges.append(x_range)
    per_view = len(fig.data) // len(METRICS)
    buttons = [{"label": label, "method": "update",
                "args": [{"visible": [j // per_view == i for j in range(len(fig.data))]},
                         {"shapes": shapes_per_metric[i], "xaxis.title.text": f"{label} latency (ms)",
                          "xaxis.range": ranges[i]}]}
               for i, (label, _a, _t) in enumerate(METRICS)]
    legend = "ringed: Pareto-optimal (★ in the table) · red: misses an SLO · dashed: SLO"
    legend += " and budget" if budget_shown else (f" (budget {display.usd(budget)}: above every option)" if budget else "")
    fig.update_layout(
        title={"text": f"Cost vs p95 latency<br><sup>{legend}</sup>", "font": {"size": 14}}, height=390,
        paper_bgcolor="rgba(0,0,0,0)",
        margin={"l": 60, "r": 20, "t": 70, "b": 50}, shapes=shapes_per_metric[0],
        xaxis={"title": {"text": f"{METRICS[0][0]} latency (ms)"}, "range": ranges[0]},
        yaxis={"title": {"text": "$ per month"}, "range": [0, y_top], "tickprefix": "$"},
        showlegend=False,
        updatemenus=[{"type": "buttons", "direction": "right", "buttons": buttons, "x": 1, "xanchor": "right",
                      "y": 1.16, "yanchor": "top", "showactive": True}])
    return fig
