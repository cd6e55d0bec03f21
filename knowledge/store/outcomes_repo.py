"""Deployment outcomes and nearest-workload search (HNSW index on the workload vector)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import psycopg
from pgvector import Vector
from psycopg.types.json import Jsonb

from knowledge.domain import DeploymentOutcome, DeploymentSpec, SimilarDeployment
from knowledge.domain.outcome import same_test
from knowledge.embedding import workload_vector

if TYPE_CHECKING:  # annotations only: numpy loads when a function here runs, not on every start
    import numpy as np


def insert_outcome(conn: psycopg.Connection, outcome: DeploymentOutcome) -> None:
    import numpy as np
    conn.execute(
        "INSERT INTO deployment_outcomes (id, created_at, target, use_case, model_id, gpu, passed, outcome, workload,"
        " source) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (outcome.id, outcome.created_at, outcome.target,
         outcome.spec.use_case.value if outcome.spec.use_case else None,
         outcome.recommendation.model_id, outcome.recommendation.gpu, outcome.passed,
         Jsonb(outcome.model_dump(mode="json")), np.array(workload_vector(outcome.spec), dtype=np.float32),
         outcome.source),
    )


def insert_many(conn: psycopg.Connection, outcomes: Sequence[DeploymentOutcome]) -> None:
    import numpy as np
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO deployment_outcomes (id, created_at, target, use_case, model_id, gpu, passed, outcome,"
            " workload, source) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(o.id, o.created_at, o.target, o.spec.use_case.value if o.spec.use_case else None,
              o.recommendation.model_id, o.recommendation.gpu, o.passed, Jsonb(o.model_dump(mode="json")),
              np.array(workload_vector(o.spec), dtype=np.float32), o.source) for o in outcomes],
        )


def similar(conn: psycopg.Connection, spec: DeploymentSpec, k: int = 5) -> list[SimilarDeployment]:
    """The ``k`` nearest distinct tests (configuration, workload, what ran it), nearest first: a test repeated
    (the same plan validated again) is one entry that counts its runs, not ``k`` copies of one line."""
    # pgvector's own Vector (float32, the bytes a float32 numpy array sends): a `compass plan` whose engine results
    # are kept never needs numpy, whose import was ~0.1 s of it
    query = Vector(workload_vector(spec))
    k = max(1, min(k, 100))
    rows = conn.execute(
        "SELECT outcome, workload <-> %s AS distance FROM deployment_outcomes ORDER BY workload <-> %s,"
        " created_at DESC LIMIT %s", (query, query, min(8 * k, 400)),
    ).fetchall()
    found: dict[tuple, SimilarDeployment] = {}
    for o, d in rows:
        outcome = DeploymentOutcome.model_validate(o)
        key = same_test(outcome)
        if key in found:
            seen = found[key]
            seen.runs += 1
            seen.runs_passed += outcome.passed
        elif len(found) < k:
            found[key] = SimilarDeployment(outcome=outcome, distance=float(d), runs_passed=int(outcome.passed))
    return list(found.values())


def count(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT count(*) FROM deployment_outcomes").fetchone()[0]
