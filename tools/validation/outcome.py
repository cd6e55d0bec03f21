"""Validate a deployment against its SLOs and its prediction, and turn the result into a stored outcome."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from pydantic import BaseModel

from knowledge.catalog import Catalog
from knowledge.domain import (
    DeploymentOutcome, DeploymentSpec, LatencyFigures, MeasuredPerformance, Recommendation, SloCheck,
)
from knowledge.domain.outcome import MIN_REACHED
from knowledge.errors import CompassError
from simulator.perf.shorttest import ShortTestExpectation
from tools.validation.comparison import prediction_notes, load_test_expectation
from tools.validation.loadtest import LoadTestPlan, prompt_of, run_load_test

_METRICS = (("ttft_p95_ms", "ttft_ms", "TTFT"), ("itl_p95_ms", "itl_ms", "ITL"), ("e2e_p95_ms", "e2e_ms", "E2E"))


class DeploymentValidationError(CompassError):
    pass


class ValidationLoad(BaseModel):
    rps: float
    prompt_tokens: int
    output_tokens: int
    prompt_tokens_p90: int | None = None
    output_tokens_p90: int | None = None
    burstiness_cv: float = 1.0
    max_model_len: int | None = None  # the deployment's context: longer draws are cut to it


def check_health(endpoint: str, model: str, api_key: str | None = None) -> str:
    """Health endpoint, then one small completion: fails with a clear message before any load is sent."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        health = httpx.get(endpoint + "/health", timeout=10.0, headers=headers)
        if health.status_code != 200:
            raise DeploymentValidationError(f"{endpoint}/health answered {health.status_code}")
        smoke = httpx.post(endpoint + "/v1/completions", timeout=120.0, headers=headers,
                           json={"model": model, "prompt": prompt_of(16), "max_tokens": 4})
    except httpx.HTTPError as exc:
        raise DeploymentValidationError(f"cannot reach the deployment at {endpoint}: {exc}") from None
    if smoke.status_code != 200:
        raise DeploymentValidationError(f"the smoke request failed with HTTP {smoke.status_code}: {smoke.text[:200]}")
    usage = smoke.json().get("usage", {})
    return f"healthy; smoke request returned {usage.get('completion_tokens', '?')} tokens"


def measure(endpoint: str, model: str, load: ValidationLoad, *, duration_s: float = 20.0, time_scale: float = 1.0,
            api_key: str | None = None, progress: Callable[[str], None] | None = None) -> MeasuredPerformance:
    return run_load_test(LoadTestPlan(endpoint=endpoint, model=model, rps=load.rps, prompt_tokens=load.prompt_tokens,
                                      output_tokens=load.output_tokens, prompt_tokens_p90=load.prompt_tokens_p90,
                                      output_tokens_p90=load.output_tokens_p90, max_model_len=load.max_model_len,
                                      duration_s=duration_s,
                                      burstiness_cv=load.burstiness_cv, time_scale=time_scale, api_key=api_key,
                                      progress=progress))


def measured_from_guidellm(path: Path, catalog: Catalog, *, gpu: str, rps: float) -> MeasuredPerformance:
    """Use a GuideLLM result file instead of Compass's own load test (the load point nearest the planned rate)."""
    from knowledge.importers import ImportOptions
    from knowledge.importers.common import load_json
    from knowledge.importers.guidellm import looks_like, parse

    doc = load_json(path)
    if not looks_like(doc):
        raise DeploymentValidationError(f"{path.name} is not a GuideLLM result file")
    rows = [p.row for p in parse(doc, path.name, catalog, ImportOptions(gpu=gpu)) if p.row is not None]
    if not rows:
        raise DeploymentValidationError(f"{path.name} has no fixed-load benchmark with successful requests")
    row = min(rows, key=lambda r: abs((r.requests_per_s or r.load_value) - rps))
    return MeasuredPerformance(ttft_ms=row.ttft_ms, itl_ms=row.itl_ms, e2e_ms=row.e2e_ms, requests=0, errors=0,
                               requests_per_s=row.requests_per_s or 0.0, duration_s=0.0, tool=f"guidellm ({path.name})")


def slo_checks(spec: DeploymentSpec, measured: MeasuredPerformance) -> list[SloCheck]:
    checks = []
    for target_field, attr, _label in _METRICS:
        target, figures = getattr(spec, target_field), getattr(measured, attr)
        if target is None or figures.p95 is None:
            continue
        checks.append(SloCheck.of(target_field, target, figures.p95))
    return checks


def build_outcome(spec: DeploymentSpec, rec: Recommendation, measured: MeasuredPerformance, *, target: str,
                  health: str = "", target_rps: float | None = None,
                  expected: ShortTestExpectation | None = None) -> DeploymentOutcome:
    """The outcome of a load test. It passes only when every SLO is met, no request failed and the test reached
    at least MIN_REACHED of ``target_rps``: latencies at a lower rate say nothing about the planned load.
    ``expected``: what a test of this size reads on the model, the measurement's like-for-like comparison (without
    it the measured p95s can only be set beside the steady-state prediction)."""
    checks = slo_checks(spec, measured)
    notes = [health] if health else []
    reached = measured.requests_per_s / target_rps if target_rps else 1.0
    if reached < MIN_REACHED:
        notes.append(f"the load test reached {measured.requests_per_s:.3g} of the {target_rps:.3g} req/s planned "
                     f"({reached:.0%}, below {MIN_REACHED:.0%}): the SLOs were not tested at the planned load")
    notes.extend(prediction_notes(rec, measured, expected))
    if measured.errors:
        notes.append(f"{measured.errors} of {measured.requests} requests failed"
                     + (f" ({'; '.join(measured.failures)})" if measured.failures else ""))
    passed = bool(checks) and all(c.met for c in checks) and measured.errors == 0 and reached >= MIN_REACHED
    return DeploymentOutcome(target=target, spec=spec, recommendation=rec, predicted=rec.prediction,
                             measured=measured, slo_checks=checks, passed=passed, notes=notes,
                             target_rps=target_rps or None)


def validate(endpoint: str, model: str, spec: DeploymentSpec, rec: Recommendation, load: ValidationLoad, *,
             target: str, duration_s: float = 20.0, time_scale: float = 1.0, api_key: str | None = None,
             progress: Callable[[str], None] = lambda _m: None, catalog: Catalog | None = None) -> DeploymentOutcome:
    progress(f"health check and smoke request at {endpoint}")
    health = check_health(endpoint, model, api_key)
    progress(f"load test: {load.rps:g} req/s for {duration_s:g} s ({load.prompt_tokens} -> {load.output_tokens} tokens)")
    measured = measure(endpoint, model, load, duration_s=duration_s, time_scale=time_scale, api_key=api_key,
                       progress=progress)
    progress(f"measured {measured.requests} requests, {measured.errors} errors")
    expected = load_test_expectation(rec, catalog or Catalog.from_files(), rps=load.rps, duration_s=duration_s,
                                prompt_tokens=load.prompt_tokens, output_tokens=load.output_tokens,
                                prompt_tokens_p90=load.prompt_tokens_p90, output_tokens_p90=load.output_tokens_p90,
                                burstiness_cv=load.burstiness_cv)
    return build_outcome(spec, rec, measured, target=target, health=health, target_rps=load.rps, expected=expected)


def _ms(f: LatencyFigures, pct: str = "p95") -> str:
    v = getattr(f, pct)
    return "-" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")


def report_text(outcome: DeploymentOutcome) -> str:
    m, p = outcome.measured, outcome.predicted
    rows = ["| p95 | target ms | predicted ms | measured ms | verdict |", "|---|---|---|---|---|"]
    checks = {c.metric: c for c in outcome.slo_checks}
    for target_field, attr, label in _METRICS:
        c = checks.get(target_field)
        pred = getattr(p, attr)
        rows.append(f"| {label} | {c.target_ms:,.0f} |" if c else f"| {label} | - |")
        rows[-1] += (f" {_ms(pred) if pred else '-'} | {_ms(getattr(m, attr))} | "
                     f"{('met' if c.met else 'MISSED') if c else '-'} |")
    head, _, rest = outcome.verdict.partition(": ")
    text = (f"Validation **{head}**: {rest} ({m.requests} requests at {m.requests_per_s:.2f} req/s over "
            f"{m.duration_s:.0f} s, {m.errors} errors; measured by {m.tool}, {outcome.evidence}).\n\n"
            + "\n".join(rows))
    if outcome.notes:
        text += "\n\n" + "\n".join(f"- {n}" for n in outcome.notes)
    # what reads it back: the conversation's plans (similar past deployments) and `compass plan` (this
    # configuration's past outcomes, cli/planning.py)
    return text + ("\n\nThe outcome is stored: `compass plan` shows it, with its date, when it recommends this "
                   "configuration for a similar workload, and the conversation's plans list it among similar past "
                   "deployments.")
