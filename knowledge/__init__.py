"""The knowledge base: catalog, benchmarks and deployment outcomes in PostgreSQL + pgvector.

Lowest layer of Compass: it imports nothing from the other packages.
"""

from __future__ import annotations

from knowledge.base import KnowledgeBase, get_knowledge_base, open_knowledge_base
from knowledge.domain import DeploymentSpec, SimilarDeployment


def similar_deployments(spec: DeploymentSpec, k: int = 5, kb: KnowledgeBase | None = None) -> list[SimilarDeployment]:
    """Past deployments whose workload is nearest to ``spec`` (pgvector HNSW search)."""
    return (kb or get_knowledge_base()).similar_deployments(spec, k)


__all__ = ["KnowledgeBase", "get_knowledge_base", "open_knowledge_base", "similar_deployments"]
