"""Run-scoped configuration of the graph (LangGraph ``context_schema``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from knowledge.base import KnowledgeBase, get_knowledge_base

DEFAULT_ALLOWED_NAMESPACES = ("compass", "default")


@dataclass
class AgentContext:
    """Everything a turn needs besides the state. Plain values so `langgraph dev` can pass it as JSON."""

    llm: str = "offline"  # "offline", "openai:<model>" or "ollama:<model>"
    user: str = "local"  # who is talking (approvals are recorded against this)
    deploy_target: str = "local"  # local (simulator processes), kserve, plain, or simulator (manifests only)
    allowed_namespaces: tuple[str, ...] = DEFAULT_ALLOWED_NAMESPACES
    kb: KnowledgeBase | None = field(default=None, repr=False)  # in-process callers inject theirs
    extras: dict[str, Any] = field(default_factory=dict)

    def knowledge_base(self) -> KnowledgeBase:
        return self.kb or get_knowledge_base()
