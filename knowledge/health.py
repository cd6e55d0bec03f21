"""Data health: cross-references and staleness of what the database holds (``compass kb check``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import psycopg
from pydantic import BaseModel, Field, ValidationError

from knowledge.catalog import Catalog
from knowledge.domain import GpuSpec, ModelCard, UseCase, UseCaseTemplate


class Finding(BaseModel):
    severity: Literal["error", "warning"]
    check: str = Field(description="which rule found it")
    subject: str = Field(description="the entry at fault")
    message: str


class HealthReport(BaseModel):
    checked_at: dt.datetime
    findings: list[Finding]
    counts: dict[str, int]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


def check_health(conn: psycopg.Connection, *, price_max_age_days: int = 365,
                 today: dt.date | None = None) -> HealthReport:
    today = today or dt.date.today()
    findings: list[Finding] = []
    models = _check_models(conn, findings)
    gpus = _check_gpus(conn, findings, price_max_age_days, today)
    use_cases = _check_use_cases(conn, findings)
    catalog = Catalog(tuple(models), tuple(gpus), tuple(use_cases), "check")
    for conflict in catalog.name_conflicts():
        findings.append(Finding(severity="error", check="name-conflict", subject=conflict.split("'")[1],
                                message=conflict))
    _check_benchmarks(conn, findings, catalog)
    counts = {
        "models": len(models), "gpus": len(gpus), "use_cases": len(use_cases),
        "benchmarks": conn.execute("SELECT count(*) FROM benchmarks").fetchone()[0],
        "deployment_outcomes": conn.execute("SELECT count(*) FROM deployment_outcomes").fetchone()[0],
    }
    return HealthReport(checked_at=dt.datetime.now(dt.timezone.utc), findings=findings, counts=counts)


def _check_models(conn: psycopg.Connection, findings: list[Finding]) -> list[ModelCard]:
    models = []
    for model_id, card in conn.execute("SELECT id, card FROM models ORDER BY id"):
        if not isinstance(card, dict) or "architecture" not in card:
            findings.append(Finding(severity="error", check="model-architecture", subject=model_id,
                                    message=f"model {model_id} has no architecture facts"))
            continue
        try:
            m = ModelCard.model_validate(card)
        except ValidationError as exc:
            findings.append(Finding(severity="error", check="model-invalid", subject=model_id,
                                    message=f"model {model_id}: {_first_error(exc)}"))
            continue
        missing = [uc.value for uc in UseCase if uc not in m.quality]
        if missing:
            findings.append(Finding(severity="warning", check="model-quality", subject=m.id,
                                    message=f"model {m.id} has no quality figure for {', '.join(missing)}"))
        models.append(m)
    return models


def _check_gpus(conn: psycopg.Connection, findings: list[Finding], max_age_days: int,
                today: dt.date) -> list[GpuSpec]:
    prices: dict[str, list[tuple[str, dt.date]]] = {}
    for gpu_name, provider, as_of in conn.execute("SELECT gpu_name, provider, as_of FROM gpu_prices"):
        prices.setdefault(gpu_name, []).append((provider, as_of))
    gpus = []
    for name, spec in conn.execute("SELECT name, spec FROM gpus ORDER BY name"):
        try:
            g = GpuSpec.model_validate(spec)
        except ValidationError as exc:
            problem = _first_error(exc)
            check = "gpu-prices" if problem.startswith("prices") else "gpu-invalid"
            findings.append(Finding(severity="error", check=check, subject=name, message=f"GPU {name}: {problem}"))
            continue
        gpus.append(g)
        stored = prices.get(name, [])
        if not stored:
            findings.append(Finding(severity="error", check="gpu-prices", subject=name,
                                    message=f"GPU {name} has no prices"))
        for provider, as_of in stored:
            age = (today - as_of).days
            if age > max_age_days:
                findings.append(Finding(
                    severity="warning", check="stale-price", subject=name,
                    message=f"GPU {name}: {provider} price is {age} days old (as of {as_of}; limit {max_age_days})"))
    return gpus


def _check_use_cases(conn: psycopg.Connection, findings: list[Finding]) -> list[UseCaseTemplate]:
    found = []
    for name, template in conn.execute("SELECT name, template FROM use_cases ORDER BY name"):
        try:
            found.append(UseCaseTemplate.model_validate(template))
        except ValidationError as exc:
            findings.append(Finding(severity="error", check="use-case-invalid", subject=name,
                                    message=f"use case {name}: {_first_error(exc)}"))
    present = {u.name for u in found}
    for uc in UseCase:
        if uc not in present:
            findings.append(Finding(severity="error", check="use-case-missing", subject=uc.value,
                                    message=f"use case template {uc.value} is missing"))
    return found


def _check_benchmarks(conn: psycopg.Connection, findings: list[Finding], catalog: Catalog) -> None:
    model_ids = {m.id for m in catalog.models}
    gpu_names = {g.name for g in catalog.gpus}
    rows = conn.execute(
        "SELECT model_id, gpu, count(*) FROM benchmarks GROUP BY model_id, gpu ORDER BY model_id, gpu").fetchall()
    for model_id, gpu, n in rows:
        if model_id not in model_ids:
            findings.append(Finding(severity="error", check="benchmark-model", subject=model_id,
                                    message=f"{n} benchmark row(s) for unknown model {model_id}"))
        if gpu not in gpu_names:
            findings.append(Finding(severity="error", check="benchmark-gpu", subject=gpu,
                                    message=f"{n} benchmark row(s) for unknown GPU {gpu}"))
