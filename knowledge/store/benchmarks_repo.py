"""Benchmark rows: insert (deduplicated by a natural key) and look up by configuration."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence

import psycopg
from psycopg.types.json import Jsonb

from knowledge.domain import BenchmarkRow, ImportReport


def natural_key(row: BenchmarkRow) -> str:
    """Same configuration, load and figures = same measurement (re-importing a file adds nothing)."""
    payload = row.model_dump(mode="json", exclude={"source", "measured_on"})
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]


def insert_rows(conn: psycopg.Connection, rows: Sequence[BenchmarkRow], report: ImportReport) -> None:
    """Insert inside the caller's transaction; duplicates are counted as skipped."""
    reasons: Counter[str] = Counter(report.reasons)
    with conn.cursor() as cur:
        for row in rows:
            cur.execute(
                "INSERT INTO benchmarks (natural_key, model_id, precision, gpu, tensor_parallel, prompt_tokens,"
                " output_tokens, load_kind, load_value, data_kind, source, row)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (natural_key) DO NOTHING",
                (natural_key(row), row.model_id, row.precision.value, row.gpu, row.tensor_parallel,
                 row.prompt_tokens, row.output_tokens, row.load_kind.value, row.load_value, row.data_kind,
                 row.source, Jsonb(row.model_dump(mode="json"))),
            )
            if cur.rowcount:
                report.added += 1
            else:
                report.skipped += 1
                reasons["duplicate of a stored row"] += 1
    report.reasons = dict(reasons)


def find_rows(conn: psycopg.Connection, model_id: str, precision: str, gpu: str,
              tensor_parallel: int | None = None) -> list[BenchmarkRow]:
    query = "SELECT row FROM benchmarks WHERE model_id = %s AND precision = %s AND gpu = %s"
    params: list = [model_id, precision, gpu]
    if tensor_parallel is not None:
        query += " AND tensor_parallel = %s"
        params.append(tensor_parallel)
    return [BenchmarkRow.model_validate(r[0]) for r in conn.execute(query + " ORDER BY id", params)]


def rows_for_model(conn: psycopg.Connection, model_id: str) -> list[BenchmarkRow]:
    return [BenchmarkRow.model_validate(r[0])
            for r in conn.execute("SELECT row FROM benchmarks WHERE model_id = %s ORDER BY id", (model_id,))]


def all_rows(conn: psycopg.Connection) -> list[BenchmarkRow]:
    return [BenchmarkRow.model_validate(r[0]) for r in conn.execute("SELECT row FROM benchmarks ORDER BY id")]


def count_rows(conn: psycopg.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT data_kind, count(*) FROM benchmarks GROUP BY data_kind").fetchall())


def data_version(conn: psycopg.Connection) -> str:
    """Changes whenever rows are added or removed (cache keys of predictions that used them)."""
    count, last = conn.execute("SELECT count(*), coalesce(max(id), 0) FROM benchmarks").fetchone()
    return f"{count}:{last}"
