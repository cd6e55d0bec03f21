"""Measured (or simulated) serving performance rows, as the knowledge base stores them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from knowledge.domain.enums import LoadKind, Precision
from knowledge.domain.prediction import concurrency_problem


class LatencyFigures(BaseModel):
    """Milliseconds; any figure the source did not report is None."""

    mean: float | None = Field(default=None, ge=0)
    p50: float | None = Field(default=None, ge=0)
    p90: float | None = Field(default=None, ge=0)
    p95: float | None = Field(default=None, ge=0)
    p99: float | None = Field(default=None, ge=0)

    def any(self) -> bool:
        return any(v is not None for v in (self.mean, self.p50, self.p90, self.p95, self.p99))


class BenchmarkRow(BaseModel):
    model_id: str = Field(description="canonical catalog id")
    precision: Precision
    gpu: str = Field(description="canonical GPU name")
    gpu_count: int = Field(ge=1)
    tensor_parallel: int = Field(ge=1)
    engine: str = "vllm"
    engine_version: str | None = None
    prompt_tokens: int = Field(gt=0)
    output_tokens: int = Field(gt=0)
    load_kind: LoadKind
    load_value: float = Field(gt=0, description="concurrency or requests/s")
    ttft_ms: LatencyFigures
    itl_ms: LatencyFigures
    e2e_ms: LatencyFigures
    requests_per_s: float | None = Field(default=None, ge=0)
    output_tokens_per_s: float | None = Field(default=None, ge=0)
    data_kind: Literal["measured", "simulated"] = Field(
        description="measured on hardware, or produced by a simulator (lower trust)")
    source: str = Field(description="file, tool and date the row came from")
    measured_on: dt.date | None = None

    @model_validator(mode="after")
    def _has_latency(self) -> "BenchmarkRow":
        if not (self.ttft_ms.any() or self.itl_ms.any() or self.e2e_ms.any()):
            raise ValueError("a benchmark row needs at least one latency figure")
        if problem := concurrency_problem(self.load_kind, self.load_value):
            raise ValueError(problem)
        return self


class ImportReport(BaseModel):
    file: str
    format: str
    added: int = 0
    skipped: int = 0
    reasons: dict[str, int] = Field(default_factory=dict, description="why rows were skipped, with counts")
