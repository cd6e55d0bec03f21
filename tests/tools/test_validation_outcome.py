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
