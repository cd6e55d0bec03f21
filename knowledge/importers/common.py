"""Shared parsing helpers and format detection."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.catalog import Catalog, UnknownNameError
from knowledge.domain import BenchmarkRow, Precision
from knowledge.errors import ImportFormatError


@dataclass(frozen=True)
class ImportOptions:
    """Facts a result file may not carry (GuideLLM knows nothing of the GPU), given on the command line."""

    gpu: str | None = None
    tensor_parallel: int | None = None
    precision: Precision | None = None
    model: str | None = None
    data_kind: str | None = None  # override: measured | simulated


@dataclass
class ParsedRow:
    index: int
    row: BenchmarkRow | None = None
    skip_reason: str | None = None


@dataclass
class RowContext:
    """Location of the row being parsed, for error messages."""

    file: str
    index: int
    where: list[str] = field(default_factory=list)

    def fail(self, field_name: str, problem: str) -> ImportFormatError:
        return ImportFormatError(f"{self.file}: row {self.index + 1}, field '{field_name}': {problem}")


def number(ctx: RowContext, obj: dict[str, Any], key: str, *, required: bool = False,
           positive: bool = False) -> float | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise ctx.fail(key, "missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ctx.fail(key, f"expected a number, got {type(value).__name__} {str(value)[:40]!r}")
    if value != value or value in (float("inf"), float("-inf")):
        raise ctx.fail(key, "not a finite number")
    if value < 0 or (positive and value == 0):
        raise ctx.fail(key, f"must be {'positive' if positive else 'non-negative'}, got {value}")
    return float(value)


def text(ctx: RowContext, obj: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = obj.get(key)
    if value is None or value == "":
        if required:
            raise ctx.fail(key, "missing")
        return None
    if not isinstance(value, str):
        raise ctx.fail(key, f"expected text, got {type(value).__name__}")
    return value


def resolve_model(catalog: Catalog, name: str, precision_hint: Precision | None) -> tuple[str, Precision] | str:
    """(canonical id, precision) or a skip reason."""
    try:
        resolved = catalog.resolve_model(name)
    except UnknownNameError as exc:
        return str(exc)
    precision = precision_hint or resolved.precision or resolved.card.native_precision
    return resolved.card.id, precision


def resolve_gpu(catalog: Catalog, name: str) -> str:
    return catalog.gpu(name).name  # UnknownNameError is turned into a skip by the caller


def load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImportFormatError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFormatError(f"{path}: is a directory; name the JSON files in it") from None
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ImportFormatError(f"{path.name}: not a UTF-8 text file") from None
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise ImportFormatError(f"{path.name}: JSON nested too deeply to be a results file") from None


def detect_and_parse(path: Path, catalog: Catalog, options: ImportOptions) -> tuple[str, list[ParsedRow]]:
    """Recognise the file's format and parse it; returns (format name, rows)."""
    from knowledge.importers import compass_json, guidellm, native

    doc = load_json(path)
    if native.looks_like(doc):
        return native.FORMAT, native.parse(doc, path.name, catalog, options)
    if compass_json.looks_like(doc):
        return "compass-benchmarks", compass_json.parse(doc, path.name, catalog, options)
    if guidellm.looks_like(doc):
        return "guidellm", guidellm.parse(doc, path.name, catalog, options)
    raise ImportFormatError(
        f"{path.name}: unrecognised format. Expected GuideLLM results (a report with 'benchmarks' holding "
        "'metrics') or the Compass/NeuralNav benchmark format ({'benchmarks': [{'model_hf_repo': ...}]})."
    )
