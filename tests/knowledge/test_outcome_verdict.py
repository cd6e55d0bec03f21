"""A validation outcome's verdict is computed from its figures: a load test that fell short of the planned rate
is not called a failure of the SLOs it met."""

from __future__ import annotations

from knowledge.domain import DeploymentSpec, LatencyFigures, MeasuredPerformance, SloCheck
from tests import factories

SPEC = DeploymentSpec(use_case="chatbot_conversational", users=5000, ttft_p95_ms=500, itl_p95_ms=50,
                      e2e_p95_ms=20000)


def outcome(rps: float, *, target_rps: float | None = 13, ttft_p95: float = 120, errors: int = 0):
    fig = LatencyFigures(mean=20, p50=18, p90=25, p95=30, p99=40)
    measured = MeasuredPerformance(ttft_ms=fig.model_copy(update={"p95": ttft_p95}), itl_ms=fig, e2e_ms=fig,
                                   requests=200, errors=errors, requests_per_s=rps, duration_s=20, tool="test")
    checks = [SloCheck.of("ttft_p95_ms", 500, ttft_p95), SloCheck.of("itl_p95_ms", 50, 30)]
    base = factories.outcome(SPEC)
    passed = all(c.met for c in checks) and not errors and (target_rps is None or rps >= 0.95 * target_rps)
    return base.model_copy(update={"measured": measured, "slo_checks": checks, "target_rps": target_rps,
                                   "passed": passed})  # as tools.validation.build_outcome decides it


def test_the_load_not_reached_is_named_instead_of_a_failure_when_the_slos_were_met():
    assert outcome(11.2).verdict == "load not reached (11.2 of 13 req/s): the SLOs were met at the load reached"
    assert outcome(13).verdict == "passed: every SLO met"
    assert outcome(12.5).verdict == "passed: every SLO met"  # within 95% of the planned rate


def test_a_failure_names_what_failed():
    assert outcome(13, ttft_p95=900).verdict == "failed: missed p95 TTFT (900 ms > 500 ms)"
    both = outcome(8, ttft_p95=900, errors=3).verdict
    assert both.startswith("failed: missed p95 TTFT") and "3 of 200 requests failed" in both
    assert "load not reached (8 of 13 req/s)" in both


def test_an_outcome_stored_before_the_target_rate_was_recorded_reads_back():
    old = outcome(11.2).model_dump(mode="json")
    old.pop("target_rps")
    from knowledge.domain import DeploymentOutcome

    assert DeploymentOutcome.model_validate(old).verdict.startswith("load not reached (11.2 req/s; the planned rate "
                                                                    "was not recorded)")
