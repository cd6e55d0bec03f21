"""What-if changes exactly what it names (issue 14 item 4)."""

from __future__ import annotations

import pytest

from tools.whatif import Variant, compare

from tests.tools.conftest import stated


@pytest.fixture(scope="module")
def comparison(catalog):
    spec = stated(use_case="chatbot_conversational", users=5000, priority="quality")
    return compare(spec, [Variant(label="fp8", changes={"precision": "fp8"}),
                          Variant(label="L40S", changes={"gpu": "L40S"}),
                          Variant(label="twice the traffic", changes={"traffic": "2x"})], catalog)


def test_fp8_keeps_the_model_or_says_it_has_no_fp8_variant(comparison, catalog):
    base, fp8 = comparison.base.top, comparison.variants[0]
    assert fp8.top is not None and fp8.top.config.precision.value == "fp8"
    model = catalog.model(base.model_id)
    if "fp8" in model.precisions:
        assert fp8.top.model_id == base.model_id
        assert any("kept the model" in n for n in fp8.notes)
    else:
        assert any(f"{base.model_id} has no fp8 variant" in n for n in fp8.notes)
        assert any(fp8.top.model_id in n for n in fp8.notes)


def test_a_gpu_change_keeps_the_model_where_it_fits(comparison):
    base, l40s = comparison.base.top, comparison.variants[1]
    assert l40s.top is not None and l40s.top.gpu == "L40S"
    if l40s.top.model_id != base.model_id:
        assert any("could not keep the model" in n for n in l40s.notes)
    else:
        assert any("kept the model" in n for n in l40s.notes)


def test_more_traffic_keeps_the_configuration_and_adds_gpus(comparison):
    base, more = comparison.base.top, comparison.variants[2]
    assert (more.top.model_id, more.top.gpu, more.top.config.precision) == (base.model_id, base.gpu,
                                                                            base.config.precision)
    assert more.top.total_gpus >= base.total_gpus and more.deltas["gpus"] >= 0


def test_fp8_on_a_model_that_has_it_keeps_exactly_that_model(catalog):
    spec = stated(use_case="chatbot_conversational", users=2000, models=["meta-llama/Llama-3.1-8B-Instruct"],
                  precision="bf16")
    result = compare(spec, [Variant(label="fp8", changes={"precision": "fp8"})], catalog)
    row = result.variants[0]
    assert row.top.model_id == "meta-llama/Llama-3.1-8B-Instruct" and row.top.config.precision.value == "fp8"


def test_a_variant_whose_pinned_plan_breaks_the_budget_names_its_own_best_plan(catalog):
    """The what-if keeps the base's model to isolate the change; when that costs the budget (or an SLO) while the
    change alone has a plan that meets everything, the row says so with that plan's own figures."""
    from tools.planner import plan_detailed

    spec = stated(use_case="chatbot_conversational", users=2000, budget_monthly_usd=8000)
    row = compare(spec, [Variant(label="L4 fp8", changes={"gpu": "L4", "precision": "fp8"})], catalog).variants[0]
    assert row.top is not None
    free_notes = [n for n in row.notes if n.startswith("planned freely")]
    if row.top.meets_slos and row.top.within_budget and row.top.model_id == compare(
            spec, [], catalog).base.top.model_id:
        assert not free_notes
        return
    free = plan_detailed(stated(use_case="chatbot_conversational", users=2000, budget_monthly_usd=8000,
                                gpus=["L4"], precision="fp8"), catalog).recommendations[0]
    assert free.meets_slos and free.within_budget
    assert free_notes == [f"planned freely, the variant's best option is {free.config.model_id} (fp8) on "
                          f"{free.total_gpus} x L4: ${free.monthly_cost_usd:,.0f}/month, every SLO met within the "
                          f"budget"]


def test_a_selected_option_is_the_base_the_variants_change(catalog):
    """After the user picks option 2, a what-if changes option 2's configuration, not option 1's."""
    from tools.planner import plan_detailed

    spec = stated(use_case="chatbot_conversational", users=5000)
    second = plan_detailed(spec, catalog).recommendations[1]
    result = compare(spec, [Variant(label="2x", changes={"traffic": "2x"})], catalog, base_option=2)
    assert result.base.label == "base (option 2, selected)"
    assert (result.base.top.model_id, result.base.top.gpu) == (second.model_id, second.gpu)
    variant = result.variants[0].top
    assert (variant.model_id, variant.gpu, variant.config.precision) == (second.model_id, second.gpu,
                                                                         second.config.precision)


def test_a_change_of_priority_chooses_anew_rather_than_keeping_the_base_configuration(catalog):
    # found by a new user: the "Cheaper" chip kept option 1's model and GPU and answered "+$0/month" beside a plan
    # whose option 4 met every SLO at half the cost
    from tools.planner import plan_detailed

    spec = stated(use_case="chatbot_conversational", users=5000, priority="quality")
    cheapest = min((r for r in plan_detailed(stated(use_case="chatbot_conversational", users=5000, priority="cost"),
                                             catalog).recommendations if r.meets_slos),
                   key=lambda r: r.monthly_cost_usd)
    row = compare(spec, [Variant(label="cheaper", changes={"priority": "cost"})], catalog).variants[0]
    assert row.top is not None and row.top.monthly_cost_usd == pytest.approx(cheapest.monthly_cost_usd)
    assert any("planned freely" in n for n in row.notes) and not any(n.startswith("kept") for n in row.notes)
