"""The scenario format: one YAML file is one suite of conversations with expectations on the final state.

The shape is the public contract of ``evals/suites/*.yaml`` (see docs in the suites). Extensions beyond the
original issue are marked "ext" below. Unknown keys are rejected so a typo cannot silently disable a check.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from knowledge.domain.spec import SPEC_FIELDS
from knowledge.errors import CompassError

STAGES = ("context", "clarification", "recommend", "explore", "deploy", "validate")
DEPLOYMENT_STATUSES = ("awaiting_approval", "rejected", "applying", "applied", "failed", "validated", "stopped")
# Keys a spec expectation may use in its dict form.
MATCHER_KEYS = {"min", "max", "contains", "excludes", "equals", "origin"}
REQUIREMENTS = {"deploy"}  # capabilities a scenario may require (ext); unmet ones skip it with a reason
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


class SuiteError(CompassError):
    exit_code = 2


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Approval(_Strict):
    """A turn that answers the pending deployment approval (sent to AgentService.approve)."""

    approve: bool


Turn = str | Approval


class RecommendationExpect(_Strict):
    """Checks on the top recommendation of the final plan (the ``every_*`` keys check all options)."""

    exists: bool | None = Field(default=None, description="ext: false = there must be no plan at the end")
    meets_slos: bool | None = None
    within_budget: bool | None = None  # ext
    max_monthly_cost_usd: float | None = None
    min_monthly_cost_usd: float | None = None  # ext
    max_total_gpus: int | None = None  # ext
    gpu_in: list[str] | None = None
    gpu_not_in: list[str] | None = None  # ext
    model_in: list[str] | None = None
    model_not_in: list[str] | None = None  # ext
    precision_in: list[str] | None = None  # ext
    every_gpu_in: list[str] | None = None  # ext: every option's GPU
    every_gpu_not_in: list[str] | None = None  # ext
    every_model_not_in: list[str] | None = None  # ext


class DeploymentExpect(_Strict):
    """ext: the deployment at the end. ``exists: false`` = nothing was prepared or applied."""

    exists: bool | None = None
    status: list[str] | None = Field(default=None, description="one of these statuses")
    namespace: str | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("status")
    @classmethod
    def _known(cls, v: list[str] | None) -> list[str] | None:
        bad = [s for s in v or [] if s not in DEPLOYMENT_STATUSES]
        if bad:
            raise ValueError(f"unknown deployment status {bad}; use {list(DEPLOYMENT_STATUSES)}")
        return v


class ComparisonExpect(_Strict):
    """ext: the last what-if comparison. ``changed``: some variant's top option differs from the base."""

    variants: int | None = None
    changed: bool | None = None


class Expect(_Strict):
    spec: dict[str, Any] = Field(default_factory=dict)
    asked: list[str] = Field(default_factory=list)
    not_asked: list[str] = Field(default_factory=list)
    not_asked_last: list[str] = Field(default_factory=list, description="ext: fields the last turn's reply does not "
                                      "ask about (asked earlier and answered is fine)")
    stage: list[str] | None = None
    recommendation: RecommendationExpect | None = None
    tools: list[str] = Field(default_factory=list, description="called at some point (superset match)")
    not_tools: list[str] = Field(default_factory=list, description="ext: never called")
    reply_contains: list[str] = Field(default_factory=list)
    reply_not_contains: list[str] = Field(default_factory=list)  # ext
    deployment: DeploymentExpect | None = None  # ext
    pending_approval: bool | None = None  # ext
    comparison: ComparisonExpect | None = None  # ext
    rubric: str | None = Field(default=None, description="ext: LLM-as-judge criterion for the last reply")

    @field_validator("stage", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("stage")
    @classmethod
    def _known_stage(cls, v: list[str] | None) -> list[str] | None:
        bad = [s for s in v or [] if s not in STAGES]
        if bad:
            raise ValueError(f"unknown stage {bad}; use one of {list(STAGES)}")
        return v

    @field_validator("asked", "not_asked", "not_asked_last")
    @classmethod
    def _known_fields(cls, v: list[str]) -> list[str]:
        bad = [f for f in v if f not in SPEC_FIELDS]
        if bad:
            raise ValueError(f"unknown spec field(s) {bad}")
        return v

    @field_validator("spec")
    @classmethod
    def _known_spec(cls, v: dict[str, Any]) -> dict[str, Any]:
        for name, expected in v.items():
            if name not in SPEC_FIELDS:
                raise ValueError(f"unknown spec field {name!r}; use one of {', '.join(SPEC_FIELDS)}")
            if isinstance(expected, dict):
                bad = set(expected) - MATCHER_KEYS
                if bad or not expected:
                    raise ValueError(f"spec.{name}: matcher keys must be among {sorted(MATCHER_KEYS)}, got {sorted(bad)}")
                if expected.get("origin") not in (None, "stated", "assumed"):
                    raise ValueError(f"spec.{name}: origin must be 'stated' or 'assumed'")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "Expect":
        both = set(self.asked) & set(self.not_asked)
        if both:
            raise ValueError(f"{sorted(both)} both in asked and not_asked")
        return self


class Scenario(_Strict):
    id: str
    description: str | None = None
    turns: list[Turn] = Field(min_length=1)
    expect: Expect
    requires: list[Literal["deploy"]] = Field(default_factory=list)  # ext
    tags: list[str] = Field(default_factory=list)  # ext
    bug: str | None = Field(default=None, description="ext: for regressions, the bug this guards against")

    @field_validator("requires", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("ids are lowercase letters, digits, '.', '_' and '-' (at most 80)")
        return v


class Suite(_Strict):
    name: str
    description: str | None = None
    scenarios: list[Scenario] = Field(min_length=1)
    source: str | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique_ids(self) -> "Suite":
        seen: set[str] = set()
        dupes = {s.id for s in self.scenarios if s.id in seen or seen.add(s.id)}
        if dupes:
            raise ValueError(f"duplicate scenario ids: {sorted(dupes)}")
        return self


def packaged_suites() -> dict[str, Path]:
    """Suites shipped with Compass (``evals/suites/*.yaml``), by name."""
    folder = resources.files("evals") / "suites"
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir() if str(p).endswith((".yaml", ".yml"))}


def resolve_paths(paths: list[str]) -> list[Path]:
    """Files, folders (every *.yaml inside) or names of packaged suites ("core")."""
    out: list[Path] = []
    shipped = packaged_suites()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out += sorted([*p.glob("*.yaml"), *p.glob("*.yml")])
        elif p.is_file():
            out.append(p)
        elif raw in shipped:
            out.append(shipped[raw])
        else:
            raise SuiteError(f"No suite file '{raw}'. Give a YAML file, a folder, or one of: {', '.join(sorted(shipped))}.")
    if not out:
        raise SuiteError("No suite files found in " + ", ".join(paths))
    return out


# libyaml's safe loader where PyYAML was built with it: the shipped suites take ~10 s of CPU to read in pure Python,
# ~1.5 s with it (every eval run and test worker reads them)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_suite(path: str | Path) -> Suite:
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise SuiteError(f"Cannot read suite {path}: {exc}") from None
    try:
        suite = Suite.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _where(data, first["loc"])
        raise SuiteError(f"Invalid suite {path}: {where}: {first['msg']}"
                         + (f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else "")) from None
    return suite.model_copy(update={"source": str(path)})


def _where(data: Any, loc: tuple) -> str:
    """'scenarios[3] (id forget-budget).expect.spec' rather than a bare index path."""
    parts, node = [], data
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            if isinstance(node, list) and key < len(node) and isinstance(node[key], dict) and "id" in node[key]:
                label += f" (id {node[key]['id']})"
            parts.append(label)
            node = node[key] if isinstance(node, list) and key < len(node) else None
        else:
            parts.append(("." if parts else "") + str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts) or "suite"
