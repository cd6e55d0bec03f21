"""Validation fails what it did not test, and outcomes say whether a simulator or real hardware measured them."""

from __future__ import annotations

from knowledge.domain import DeploymentOutcome, DeploymentSpec, LatencyFigures, MeasuredPerformance
from tools.validation import build_outcome

from tests import factories

SPEC = DeploymentSpec(use_case="chatbot_conversational", users=100, ttft_p95_ms=500, itl_p95_ms=50, e2e_p95_ms=20000)


def measured(rps: float) -> MeasuredPerformance:
    fig = LatencyFigures(mean=20, p50=18, p90=25, p95=30, p99=40)
    return MeasuredPerformance(ttft_ms=fig, itl_ms=fig, e2e_ms=fig, requests=500, errors=0, requests_per_s=rps,
                               duration_s=20, tool="test")


def test_a_load_test_below_95_percent_of_the_target_rate_fails_and_says_so():
    rec = factories.recommendation()
    short = build_outcome(SPEC, rec, measured(27.7), target="local", target_rps=52)
    assert not short.passed and all(c.met for c in short.slo_checks)
    assert any("reached 27.7 of the 52 req/s planned (53%" in n for n in short.notes)
    enough = build_outcome(SPEC, rec, measured(49.5), target="local", target_rps=52)
    assert enough.passed and not any("reached" in n for n in enough.notes)


def test_outcomes_record_a_simulator_or_real_hardware():
    rec = factories.recommendation()
    assert build_outcome(SPEC, rec, measured(1), target="local").source == "simulator"
    assert build_outcome(SPEC, rec, measured(1), target="simulator").source == "simulator"
    real = build_outcome(SPEC, rec, measured(1), target="kserve")
    assert real.source == "hardware" and "real hardware" in real.evidence
    # outcomes stored before the field existed read back with the source their target implies
    old = real.model_dump(mode="json")
    old.pop("source")
    old["target"] = "local"
    assert DeploymentOutcome.model_validate(old).source == "simulator"


def test_the_source_is_stored_and_comes_back_with_similar_deployments(kb):
    spec = SPEC.model_copy()
    sim = factories.outcome(spec)
    real = factories.outcome(spec).model_copy(update={"target": "kserve", "source": "hardware"})
    kb.record_outcome(sim)
    kb.record_outcome(real)
    found = {s.outcome.id: s.outcome for s in kb.similar_deployments(spec, k=5)}
    assert found[sim.id].source == "simulator" and found[real.id].source == "hardware"
    with kb.db.connection() as conn:
        rows = dict(conn.execute("SELECT id, source FROM deployment_outcomes").fetchall())
    assert rows == {sim.id: "simulator", real.id: "hardware"}


def test_a_plan_validated_on_the_simulator_at_its_planned_load_agrees_with_its_own_prediction(catalog):
    """The local target runs the planner's own engine, so a validation there may not report a prediction error.
    It did on nearly every stored local outcome (ITL p95 -45%, E2E -45%): a 20 s test of ~60 requests from an idle
    server was compared with the steady state of a few hundred. Compared like with like (the p95 a test of this size
    reads on the model, its 95% range over 40 simulated tests, plus the 25% model tolerance beyond it), the server
    agrees. The tolerance is the sample's: the p95 of 60 requests is their 3rd largest, and the simulated tests'
    p95 ITL spans 10-29 ms here. An MoE model with long, spread prompts (4096, p90 8192 tokens) at 3 req/s."""
    from simulator.server import InProcessServer, SimulatorConfig
    from tools.planner import plan_detailed
    from tools.validation import ValidationLoad, validate

    # fp4 named: the test was written on the fp4 option (steady-state p95 ITL 23.6 ms); the complete search now
    # ranks bf16 on the same GPU first (same cost, lower TTFT), whose 19 ms is too near a 60-request test's p95
    result = plan_detailed(DeploymentSpec(use_case="document_analysis_rag", users=1200, gpus=["MI300X"],
                                          models=["openai/gpt-oss-20b"], precision="fp4"), catalog)
    rec, w = result.recommendations[0], result.workload
    assert rec.replicas == 1 and w.peak_rps == 3.0
    cfg = rec.config
    scale = 4.0  # a 20 s test in about 7 s of wall time; the server keeps its schedule at this speed
    load = ValidationLoad(rps=w.peak_rps, prompt_tokens=w.prompt_tokens, output_tokens=w.output_tokens,
                          prompt_tokens_p90=w.prompt_tokens_p90, output_tokens_p90=w.output_tokens_p90,
                          burstiness_cv=w.burstiness_cv, max_model_len=cfg.max_model_len)
    with InProcessServer(SimulatorConfig.from_serving(cfg, time_scale=scale, host="127.0.0.1", port=0)) as server:
        outcome = validate(server.url, cfg.model_id, result.spec, rec, load, target="local", duration_s=20,
                           time_scale=scale, catalog=catalog)
    m = outcome.measured
    assert m.errors == 0 and m.requests == 60  # lengths are cut to the deployment's context, as the plan's are
    assert not [n for n in outcome.notes if "prediction error" in n], outcome.notes
    [said] = [n for n in outcome.notes if n.startswith("each p95 is over the 60 requests")]
    assert "40 simulated tests" in said
    # the steady-state prediction itself is not what such a test reads: its ITL lies above the test's median
    assert rec.prediction.itl_ms.p95 > 1.25 * m.itl_ms.p95


def test_a_p95_is_a_prediction_error_only_outside_what_a_test_of_its_size_reads_on_the_model():
    from simulator.perf.shorttest import ShortTestExpectation, P95Range

    rec = factories.recommendation()
    band = P95Range(median=20.0, low=15.0, high=28.0)
    expected = ShortTestExpectation(rps=2.0, requests=40, draws=40, ttft=band, itl=band, e2e=band)
    inside = build_outcome(SPEC, rec, measured(1), target="local", expected=expected)  # p95 30: 7% past the range
    assert not [n for n in inside.notes if "prediction error" in n]
    [said] = [n for n in inside.notes if n.startswith("each p95 is over the 500 requests")]
    assert "TTFT 20.0 (15.0-28.0)" in said and "95% range of 40 simulated tests" in said
    # outside its range within the tolerance: said, not left bare beside the range
    assert ("p95 TTFT measured 30.0 ms lies 7% above the 15.0-28.0 ms range, within the 25% tolerance "
            "before the model is flagged") in inside.notes
    assert len([n for n in inside.notes if " lies 7% above " in n]) == 3  # TTFT, ITL and E2E each read 30 ms
    wide = ShortTestExpectation(rps=2.0, requests=40, draws=40, ttft=P95Range(median=12.0, low=10.0, high=20.0),
                                itl=band, e2e=band)
    flagged = build_outcome(SPEC, rec, measured(1), target="local", expected=wide)
    assert ("large prediction error on p95 TTFT: measured 30.0 ms, +50% above the 10.0-20.0 ms that 95% of 40 "
            "simulated tests of this size read on the model") in flagged.notes
    assert not [n for n in flagged.notes if "prediction error on p95 ITL" in n]


def test_without_a_model_of_the_test_the_note_says_it_compares_with_the_steady_state():
    rec = factories.recommendation()
    outcome = build_outcome(SPEC, rec, measured(1), target="kserve")
    assert ("large prediction error on p95 TTFT: measured 30.0 ms (p95 of 500 requests) vs 200 ms predicted for "
            "the steady state (-85%)") in outcome.notes
    assert not [n for n in outcome.notes if "ITL" in n]  # 30 ms measured, 30 ms predicted
