"""FastAPI dependencies: the process's knowledge base and agent service (opened in the app lifespan)."""

from __future__ import annotations

from fastapi import Request

from agent.session_service import AgentService
from api.compute import ComputePool
from knowledge.base import KnowledgeBase


def get_kb(request: Request) -> KnowledgeBase:
    return request.app.state.kb


def get_service(request: Request) -> AgentService:
    return request.app.state.agent


def get_compute(request: Request) -> ComputePool:
    return request.app.state.compute
