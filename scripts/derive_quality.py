#!/usr/bin/env python3
"""Recompute the `quality:` block of every model in knowledge/data/models/*.yaml.

Dev script: the product never runs it. It reads the Artificial Analysis figures compiled in
redhat-et/compass (model_quality_benchmarks.csv, percent strings, N/A = unknown) and rewrites, in
place, only the lines under each model's `    quality:` key; comments and everything else stay.

Every use case is scored on one fixed benchmark (PRIMARY), so all models' scores for a use case share
a scale and rank consistently. When a model's primary figure is unknown, a data error, or an LCR 0
caused only by the model's context being shorter than LCR's ~100K-token documents, it is imputed by
an ordinary least-squares line from the row's best other benchmark (PREDICTOR_ORDER), fitted across
every CSV row that has both figures (less data errors and, for LCR, zeros), and clipped to [0, 100].

Usage: python scripts/derive_quality.py [CSV] [--error-sd N] [--predictors A,B,C] [--dry-run]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CSV = REPO / ".." / "shared" / "data" / "reference" / "model_quality_benchmarks.csv"
MODELS_DIR = REPO / "knowledge" / "data" / "models"
AA = "Artificial Analysis, as compiled in redhat-et/compass model_quality_benchmarks.csv"

# Use case -> the benchmark that scores it (the `benchmark` field is always this one).
PRIMARY: dict[str, str] = {
    "chatbot_conversational": "artificial_analysis_intelligence_index",
    "code_completion": "livecodebench",
    "code_generation_detailed": "artificial_analysis_coding_index",
    "translation": "mmlu_pro",
    "content_generation": "ifbench",
    "summarization_short": "ifbench",
    "document_analysis_rag": "lcr",
    "long_document_summarization": "lcr",
    "research_legal_analysis": "gpqa",
}
# Imputation predictor, best first: broadly measured, and MMLU-Pro/GPQA exist even for old models.
PREDICTOR_ORDER = ("artificial_analysis_intelligence_index", "gpqa", "mmlu_pro")  # best R^2 first
# Error detection predicts a figure from these (nearly every row has them).
DETECT_PREDICTORS = ("mmlu_pro", "gpqa", "hle", "livecodebench", "scicode")
# A figure this many residual SDs above its prediction is a data error. The known errors (indices of
# 100%, a 1B model's coding index of 80%) sit at >= 6.9 SD; real reasoning-model strengths (gpt-oss
# and MiniMax-M2 on IFBench, R1-Distill-Llama-70B on MMLU-Pro) reach 3-4.8 SD, so 3 SD would discard them.
ERROR_SD = 6.0
INDICES = ("artificial_analysis_intelligence_index", "artificial_analysis_coding_index")
LCR_MIN_CONTEXT = 128 * 1024  # LCR documents run to ~100K tokens; a shorter window scores 0 by construction

# Model id -> (CSV row, note when the row is a stand-in for a model without its own row).
ROWS: dict[str, tuple[str, str | None]] = {
    "deepseek-ai/DeepSeek-V3": ("DeepSeek V3 (Dec '24)", None),
    "deepseek-ai/DeepSeek-R1": ("DeepSeek R1 (Jan '25)", None),
    "deepseek-ai/DeepSeek-R1-Distill-Llama-70B": ("DeepSeek R1 Distill Llama 70B", None),
    "google/gemma-3-27b-it": ("Gemma 3 27B Instruct", None),
    "HuggingFaceTB/SmolLM3-3B": ("Llama 3.2 Instruct 3B", "Proxy from a same-size model (no SmolLM3 row; "
                                 "SmolLM3 reports scores above Llama 3.2 3B, so conservative)"),
    "ibm-granite/granite-3.1-8b-instruct": ("Granite 3.3 8B (Non-reasoning)",
                                            "Estimated from successor row (no Granite 3.1 row)"),
    "meta-llama/Llama-3.1-8B-Instruct": ("Llama 3.1 Instruct 8B", None),
    "meta-llama/Llama-3.1-70B-Instruct": ("Llama 3.1 Instruct 70B", None),
    "meta-llama/Llama-3.3-70B-Instruct": ("Llama 3.3 Instruct 70B", None),
    "meta-llama/Llama-3.1-405B-Instruct": ("Llama 3.1 Instruct 405B", None),
    "meta-llama/Llama-3.2-3B-Instruct": ("Llama 3.2 Instruct 3B", None),
    "meta-llama/Llama-4-Scout-17B-16E-Instruct": ("Llama 4 Scout", None),
    "meta-llama/Llama-4-Maverick-17B-128E-Instruct": ("Llama 4 Maverick", None),
    "microsoft/phi-4": ("Phi-4", None),
    "MiniMaxAI/MiniMax-M2.5": ("MiniMax-M2", "Estimated from predecessor row 'MiniMax-M2' "
                               "(no M2.5 row; same architecture)"),
    "mistralai/Mistral-7B-Instruct-v0.3": ("Mistral 7B Instruct", None),
    "mistralai/Mistral-Small-24B-Instruct-2501": ("Mistral Small 3", None),
    "mistralai/Mistral-Small-3.1-24B-Instruct-2503": ("Mistral Small 3.1", None),
    "mistralai/Mixtral-8x7B-Instruct-v0.1": ("Mixtral 8x7B Instruct", None),
    "moonshotai/Kimi-K2.5": ("Kimi K2 Thinking", "Estimated from predecessor row "
                             "(no K2.5 row; K2.5 thinks by default)"),
    "nvidia/Llama-3.1-Nemotron-70B-Instruct-HF": ("Llama 3.1 Nemotron Instruct 70B", None),
    "openai/gpt-oss-20b": ("gpt-oss-20B (high)", None),
    "openai/gpt-oss-120b": ("gpt-oss-120B (high)", None),
    "Qwen/Qwen2.5-7B-Instruct": ("Qwen2.5 Coder Instruct 7B", "Estimated from the same-size coder row "
                                 "(no row for Qwen2.5-7B-Instruct; Qwen2.5-Coder-7B shares its base model)"),
    "Qwen/Qwen2.5-72B-Instruct": ("Qwen2.5 Instruct 72B", None),
    "Qwen/Qwen2.5-Coder-32B-Instruct": ("Qwen2.5 Coder Instruct 32B", None),
    "Qwen/Qwen3-8B": ("Qwen3 8B (Non-reasoning)", None),
    "Qwen/Qwen3-32B": ("Qwen3 32B (Non-reasoning)", None),
    "Qwen/Qwen3-235B-A22B": ("Qwen3 235B A22B (Non-reasoning)", None),
    "zai-org/GLM-4.5-Air": ("GLM-4.5-Air", None),
}

Rows = dict[str, dict[str, float | None]]
Errors = dict[tuple[str, str], str]  # (row, benchmark) -> why it is a data error


def load_rows(path: Path) -> Rows:
    """CSV row name (stripped: some names carry a trailing space) -> benchmark -> percent or None."""
    rows: Rows = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for raw in csv.DictReader(fh):
            name = raw.pop("Model Name").strip()
            if name in rows:
                raise SystemExit(f"duplicate CSV row {name!r}")
            rows[name] = {k: _percent(v) for k, v in raw.items() if k not in ("Provider", "Dataset")}
    return rows


def _percent(text: str) -> float | None:
    text = text.strip()
    return None if text in ("", "N/A") else float(text.rstrip("%"))


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems here are at most 6x6)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def _ols(xs: list[list[float]], ys: list[float]) -> tuple[list[float], float, float]:
    """Least squares with intercept: (coefficients [intercept, ...], residual SD, R^2)."""
    design = [[1.0, *x] for x in xs]
    k = len(design[0])
    xtx = [[sum(d[i] * d[j] for d in design) for j in range(k)] for i in range(k)]
    xty = [sum(d[i] * y for d, y in zip(design, ys)) for i in range(k)]
    beta = _solve(xtx, xty)
    sse = sum((y - sum(b * v for b, v in zip(beta, d))) ** 2 for d, y in zip(design, ys))
    mean = sum(ys) / len(ys)
    sst = sum((y - mean) ** 2 for y in ys)
    return beta, (sse / (len(ys) - k)) ** 0.5, 1 - sse / sst


def _usable(rows: Rows, name: str, bench: str, errors: Errors) -> float | None:
    value = rows[name].get(bench)
    return None if value is None or (name, bench) in errors else value


def _error_reason(rows: Rows, name: str, bench: str, errors: Errors, error_sd: float) -> str | None:
    """Why rows[name][bench] is a data error, or None: its prediction leaves the row out and uses
    the row's other DETECT_PREDICTORS, fitted over every other row that has them all."""
    value = rows[name][bench]
    assert value is not None
    if bench in INDICES and value >= 100:
        return f"{bench} {value:.1f}% is a data error (an index of 100)"
    preds = [p for p in DETECT_PREDICTORS if p != bench and _usable(rows, name, p, errors) is not None]
    train = [n for n in rows if n != name and _usable(rows, n, bench, errors) is not None
             and all(_usable(rows, n, p, errors) is not None for p in preds)]
    if not preds or len(train) < 3 * (len(preds) + 1):
        return None
    beta, sd, _ = _ols([[rows[n][p] for p in preds] for n in train], [rows[n][bench] for n in train])
    expected = beta[0] + sum(b * rows[name][p] for b, p in zip(beta[1:], preds))
    if value - expected <= error_sd * sd:
        return None
    return (f"{bench} {value:.1f}% is a data error ({(value - expected) / sd:.1f} SD above the "
            f"{expected:.1f}% that {', '.join(preds)} predict)")


def find_errors(rows: Rows, error_sd: float) -> Errors:
    """Flag data errors among the benchmarks used here; refit without them until nothing changes."""
    benches = sorted(set(PRIMARY.values()) | set(PREDICTOR_ORDER))
    errors: Errors = {}
    while True:
        found = {(n, b): why for b in benches for n in rows if rows[n].get(b) is not None
                 for why in [_error_reason(rows, n, b, errors, error_sd)] if why}
        if found.keys() <= errors.keys():
            return errors
        errors.update({k: v for k, v in found.items() if k not in errors})


@dataclass(frozen=True)
class Line:
    slope: float
    intercept: float
    r2: float
    n: int


def fit_line(rows: Rows, target: str, predictor: str, errors: Errors) -> Line:
    """OLS of target on predictor over every row with both figures, less data errors; LCR zeros are
    left out too because most are context-length failures rather than measurements (42 of 155 rows)."""
    pts = [(x, y) for n in rows
           for x, y in [(_usable(rows, n, predictor, errors), _usable(rows, n, target, errors))]
           if x is not None and y is not None and not (target == "lcr" and y == 0)]
    beta, _, r2 = _ols([[x] for x, _ in pts], [y for _, y in pts])
    return Line(slope=beta[1], intercept=beta[0], r2=r2, n=len(pts))


def _why_impute(rows: Rows, row: str, bench: str, errors: Errors, max_context: int) -> str | None:
    value = rows[row].get(bench)
    if value is None:
        return f"{bench} N/A in the row"
    if (row, bench) in errors:
        return errors[(row, bench)]
    if bench == "lcr" and value == 0 and max_context < LCR_MIN_CONTEXT:
        return (f"lcr 0.0% only reflects LCR's ~100K-token documents exceeding the model's "
                f"{max_context}-token context")
    return None


def score_benchmark(rows: Rows, model_id: str, bench: str, errors: Errors, max_context: int,
                    order: tuple[str, ...] = PREDICTOR_ORDER) -> tuple[float, str]:
    """(score, source) for one model and primary benchmark; prints each imputation."""
    row, note = ROWS[model_id]
    prefix = f"{note}: " if note else ""
    why = _why_impute(rows, row, bench, errors, max_context)
    if why is None:
        return round(rows[row][bench], 1), f"{prefix}{AA} (row '{row}')"
    predictor = next((p for p in order
                      if p != bench and _usable(rows, row, p, errors) is not None), None)
    if predictor is None:
        raise SystemExit(f"{model_id}: {why}, and row '{row}' has no usable predictor")
    line = fit_line(rows, bench, predictor, errors)
    x = rows[row][predictor]
    score = round(min(100.0, max(0.0, line.slope * x + line.intercept)), 1)
    print(f"imputed {model_id:46} {bench:38} = {score:5.1f} from {predictor} {x:.1f}% "
          f"(y = {line.slope:.3f}x {line.intercept:+.2f}, R^2 {line.r2:.3f}, {line.n} rows); {why}")
    source = (f"{prefix}{why}; imputed from {predictor} ({x:.1f}%) by a linear fit over {line.n} rows of "
              f"Artificial Analysis figures (redhat-et/compass model_quality_benchmarks.csv, row '{row}')")
    return score, source


def quality_lines(rows: Rows, model_id: str, errors: Errors, max_context: int,
                  order: tuple[str, ...] = PREDICTOR_ORDER) -> list[str]:
    scored = {b: score_benchmark(rows, model_id, b, errors, max_context, order)
              for b in dict.fromkeys(PRIMARY.values())}
    out = []
    for use_case, bench in PRIMARY.items():
        score, source = scored[bench]
        out.append(f"      {use_case}: {{score: {score:g}, benchmark: {bench}, source: {json.dumps(source)}}}")
    return out


_ID = re.compile(r"^  - id: (\S+)")
_BLOCK_LINE = re.compile(r"^      [a-z_]+: \{|^        \S")  # an entry, or a wrapped entry's continuation


def rewrite_file(path: Path, rows: Rows, errors: Errors, order: tuple[str, ...] = PREDICTOR_ORDER) -> str:
    """The file's text with every quality block recomputed; nothing else changes."""
    contexts = {m["id"]: m["architecture"]["max_context"]
                for m in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]}
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out: list[str] = []
    model_id = None
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if (m := _ID.match(line)):
            model_id = m.group(1)
        if line.rstrip() != "    quality:":
            continue
        if model_id not in ROWS:
            raise SystemExit(f"{path.name}: model {model_id} has no entry in ROWS")
        while i < len(lines) and lines[i].startswith("      ") and lines[i].strip():
            if not _BLOCK_LINE.match(lines[i]):
                raise SystemExit(f"{path.name}:{i + 1}: unexpected line in {model_id}'s quality block")
            i += 1
        out.extend(q + "\n" for q in quality_lines(rows, model_id, errors, contexts[model_id], order))
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", nargs="?", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--error-sd", type=float, default=ERROR_SD, help="data-error threshold in residual SDs")
    ap.add_argument("--predictors", default=",".join(PREDICTOR_ORDER),
                    help="imputation predictors, best first (comma-separated CSV columns)")
    ap.add_argument("--dry-run", action="store_true", help="print imputations, write nothing")
    args = ap.parse_args(argv)
    rows = load_rows(args.csv)
    missing = {row for row, _ in ROWS.values()} - rows.keys()
    if missing:
        raise SystemExit(f"rows missing from {args.csv}: {sorted(missing)}")
    errors = find_errors(rows, args.error_sd)
    for (row, bench), why in sorted(errors.items()):
        print(f"data error: row '{row}': {why}")
    for path in sorted(MODELS_DIR.glob("*.yaml")):
        text = rewrite_file(path, rows, errors, tuple(args.predictors.split(",")))
        if not args.dry_run and text != path.read_text(encoding="utf-8"):
            path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
