"""Cost vs p95 latency of the recommended options, with the Pareto frontier and the SLO / budget lines."""

from __future__ import annotations

from plotly import graph_objects as go

from tools.planner import PlanResult

# (label, prediction attribute, workload target attribute)
METRICS = (("p95 TTFT", "ttft_ms", "ttft_p95_ms"), ("p95 ITL", "itl_ms", "itl_p95_ms"),
           ("p95 E2E", "e2e_ms", "e2e_p95_ms"))
OK, MISS, FRONTIER, LIMIT = "#2563eb", "#dc2626", "#16a34a", "#f59e0b"


def pareto_frontier(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Points no other point beats on both latency and cost (lower is better), by rising latency."""
    frontier: list[tuple[float, float]] = []
    for x, y in sorted(points):
        if not frontier or y < frontier[-1][1]:
            frontier.append((x, y))
    return frontier


def _points(plan: PlanResult, attr: str) -> list[tuple[float, float, int, bool, str]]:
    out = []
    for r in plan.recommendations:
        stats = getattr(r.prediction, attr)
        if stats is not None:
            label = f"#{r.rank} {r.model_id.split('/')[-1]} ({r.config.precision.value}) on {r.total_gpus} x {r.gpu}"
            out.append((stats.p95, r.monthly_cost_usd, r.rank, r.meets_slos, label))
    return out


def cost_latency_figure(plan: PlanResult) -> go.Figure:
    """One view per latency metric (buttons switch); each with its SLO line, the budget line and the frontier."""
    fig = go.Figure()
    w = plan.workload
    shapes_per_metric, visible_per_metric, ranges = [], [], []
    for i, (label, attr, target_attr) in enumerate(METRICS):
        pts = _points(plan, attr)
        first = i == 0
        fig.add_trace(go.Scatter(
            x=[p[0] for p in pts], y=[p[1] for p in pts], mode="markers+text", visible=first,
            text=[f"#{p[2]}" for p in pts], textposition="top center", hovertext=[p[4] for p in pts],
            hovertemplate="%{hovertext}<br>" + label + " %{x:,.0f} ms<br>$%{y:,.0f}/month<extra></extra>",
            marker={"size": 12, "color": [OK if p[3] else MISS for p in pts], "line": {"width": 1, "color": "white"}},
            name="options (red: misses an SLO)"))
        front = pareto_frontier([(p[0], p[1]) for p in pts])
        fig.add_trace(go.Scatter(x=[p[0] for p in front], y=[p[1] for p in front], mode="lines+markers",
                                 visible=first, line={"color": FRONTIER, "dash": "dot", "shape": "hv"},
                                 marker={"symbol": "circle-open", "size": 20, "color": FRONTIER, "line": {"width": 2}},
                                 name="Pareto frontier (ringed)", hoverinfo="skip"))
        shapes = []
        target = getattr(w, target_attr)
        if target:
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": target, "x1": target, "y0": 0, "y1": 1,
                           "line": {"color": MISS, "dash": "dash", "width": 1.5}, "label": {
                               "text": f"SLO {target:,.0f} ms", "textangle": 0, "textposition": "end",
                               "xanchor": "right", "yanchor": "top", "font": {"size": 11, "color": MISS}}})
        if plan.spec.budget_monthly_usd:
            b = plan.spec.budget_monthly_usd
            shapes.append({"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": b, "y1": b,
                           "line": {"color": LIMIT, "dash": "dash", "width": 1.5}, "label": {
                               "text": f"budget ${b:,.0f}", "textposition": "start", "yanchor": "bottom",
                               "font": {"size": 11, "color": LIMIT}}})
        shapes_per_metric.append(shapes)
        ranges.append([0, 1.12 * max([p[0] for p in pts] + [target or 0, 1])])
        visible_per_metric.append([j // 2 == i for j in range(2 * len(METRICS))])
    buttons = [{"label": label, "method": "update",
                "args": [{"visible": visible_per_metric[i]},
                         {"shapes": shapes_per_metric[i], "xaxis.title.text": f"{label} latency (ms)",
                          "xaxis.range": ranges[i]}]}
               for i, (label, _a, _t) in enumerate(METRICS)]
    fig.update_layout(
        title={"text": "Cost vs p95 latency<br><sup>ringed: Pareto frontier · red: misses an SLO · dashed: SLO and "
                       "budget</sup>", "font": {"size": 14}}, height=390,
        paper_bgcolor="rgba(0,0,0,0)",
        margin={"l": 60, "r": 20, "t": 70, "b": 50}, shapes=shapes_per_metric[0],
        xaxis={"title": {"text": f"{METRICS[0][0]} latency (ms)"}, "range": ranges[0]},
        yaxis={"title": {"text": "$ per month"}, "rangemode": "tozero", "tickprefix": "$"},
        legend={"orientation": "h", "y": -0.25}, showlegend=False,
        updatemenus=[{"type": "buttons", "direction": "right", "buttons": buttons, "x": 1, "xanchor": "right",
                      "y": 1.16, "yanchor": "top", "showactive": True}])
    return fig
