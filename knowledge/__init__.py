"""The knowledge base: catalog, benchmarks and deployment outcomes in PostgreSQL + pgvector.

Lowest layer of Compass: it imports nothing from the other packages.

The names below are loaded on first use (PEP 562): importing ``knowledge.domain`` or ``knowledge.catalog`` -- as
every command line start does -- must not pay for psycopg, numpy and structlog, which only opening the database
needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase, get_knowledge_base, open_knowledge_base
    from knowledge.domain import DeploymentSpec, SimilarDeployment

_LAZY = {"KnowledgeBase": "knowledge.base", "get_knowledge_base": "knowledge.base",
         "open_knowledge_base": "knowledge.base"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def similar_deployments(spec: DeploymentSpec, k: int = 5, kb: KnowledgeBase | None = None) -> list[SimilarDeployment]:
    """Past deployments whose workload is nearest to ``spec`` (pgvector HNSW search)."""
    from knowledge.base import get_knowledge_base

    return (kb or get_knowledge_base()).similar_deployments(spec, k)


__all__ = ["KnowledgeBase", "get_knowledge_base", "open_knowledge_base", "similar_deployments"]
