"""Compass's own export format: ``{"format": "compass-benchmark-rows/v1", "rows": [BenchmarkRow, ...]}``.

Written by ``compass kb export``; importing it back restores the rows exactly (round trip).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from knowledge.catalog import Catalog, UnknownNameError
from knowledge.domain import BenchmarkRow
from knowledge.importers.common import ImportOptions, ParsedRow, RowContext

FORMAT = "compass-benchmark-rows/v1"


def looks_like(doc: Any) -> bool:
    return isinstance(doc, dict) and doc.get("format") == FORMAT and isinstance(doc.get("rows"), list)


def parse(doc: dict, file: str, catalog: Catalog, options: ImportOptions) -> list[ParsedRow]:
    out = []
    for i, raw in enumerate(doc["rows"]):
        ctx = RowContext(file, i)
        try:
            row = BenchmarkRow.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ctx.fail(".".join(str(p) for p in err["loc"]) or "<row>", err["msg"]) from None
        try:
            resolved = catalog.resolve_model(row.model_id)
            gpu = catalog.gpu(row.gpu).name
        except UnknownNameError as exc:
            out.append(ParsedRow(i, skip_reason=f"unknown {exc.kind}"))
            continue
        out.append(ParsedRow(i, row=row.model_copy(update={"model_id": resolved.card.id, "gpu": gpu})))
    return out
