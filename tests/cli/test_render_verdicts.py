"""The tables' verdict and quality cells say what the figures are (a new user saw a what-if row 7x over budget
marked 'met', and proxy quality scores shown as the models' own)."""

from __future__ import annotations

from cli.render import ESTIMATED_MARK, _plan_row, _whatif_row
from knowledge.catalog import Catalog
from knowledge.domain import DeploymentSpec
from tools.planner import plan_detailed
from tools.whatif import Variant, compare


def _spec(**values) -> DeploymentSpec:
    return DeploymentSpec().with_values("stated", "test", **values)


def test_an_option_over_budget_is_never_shown_as_plainly_met():
    catalog = Catalog.from_files()
    plan = plan_detailed(_spec(use_case="chatbot_conversational", users=5000, budget_monthly_usd=500), catalog)
    assert any(not r.within_budget for r in plan.recommendations)
    for r in plan.recommendations:
        verdict = _plan_row(r)[11]
        assert verdict.endswith(", over budget") == (not r.within_budget), verdict
        assert verdict.startswith("met" if r.meets_slos else "MISSED")
    comparison = compare(_spec(use_case="chatbot_conversational", users=5000, budget_monthly_usd=8000),
                         [Variant(label="gpu=L4 precision=fp8", changes={"gpu": "L4", "precision": "fp8"})], catalog)
    assert not comparison.variants[0].top.within_budget  # dozens of L4s for a model that fits one H100
    for row in (comparison.base, *comparison.variants):
        assert _whatif_row(row)[-1].endswith(", over budget") == (not row.top.within_budget)


def test_an_estimated_quality_score_carries_its_mark_in_the_table():
    catalog = Catalog.from_files()
    plan = plan_detailed(_spec(use_case="chatbot_conversational", users=5000), catalog)
    cells = {(r.model_id, _plan_row(r)[10]) for r in plan.recommendations if r.quality}
    assert any(cell.endswith(ESTIMATED_MARK) for _, cell in cells)  # SmolLM3-3B's is a proxy
    for r in plan.recommendations:
        if r.quality:
            assert _plan_row(r)[10].endswith(ESTIMATED_MARK) == r.quality.estimated
