"""A deterministic workload vector for pgvector similarity (no model download).

Continuous features are log2-scaled so that "twice the traffic" is the same distance at any scale; categorical
features are one-hot. Weights make a different use case (distance ~1.4) count for more than a 2x change in one
number (0.25). The layout is fixed by ``DIMENSIONS``: changing it needs a migration of the stored vectors.
"""

from __future__ import annotations

import math

from knowledge.domain import DeploymentSpec, Precision, Priority, UseCase

DIMENSIONS = 32
_LOG_WEIGHT = 0.25  # distance contributed by a factor of 2 in one continuous feature
_USE_CASES = list(UseCase)
_PRIORITIES = list(Priority)
_PRECISIONS = list(Precision)

# (spec field, neutral value used when unset) for the continuous features
_CONTINUOUS: tuple[tuple[str, float], ...] = (
    ("rps", 1.0), ("peak_rps", 1.0), ("prompt_tokens", 512.0), ("output_tokens", 256.0),
    ("ttft_p95_ms", 1000.0), ("itl_p95_ms", 50.0), ("e2e_p95_ms", 20000.0),
)


def workload_vector(spec: DeploymentSpec) -> list[float]:
    vec: list[float] = []
    for field, neutral in _CONTINUOUS:
        value = getattr(spec, field) or neutral
        vec.append(_LOG_WEIGHT * math.log2(max(float(value), 1e-6)))
    vec += [1.0 if spec.use_case == uc else 0.0 for uc in _USE_CASES]
    vec += [0.5 if spec.priority == p else 0.0 for p in _PRIORITIES]
    vec += [0.5 if spec.precision == p else 0.0 for p in _PRECISIONS]
    vec += [0.0] * (DIMENSIONS - len(vec))  # reserved for future features
    assert len(vec) == DIMENSIONS
    return vec
