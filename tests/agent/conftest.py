"""Agent fixtures: a real AgentService on a fresh embedded-PostgreSQL database."""

from __future__ import annotations

import pytest

from agent.service import AgentService


@pytest.fixture
def service(kb):
    svc = AgentService(kb, pool_max=4)
    yield svc
    svc.close()


@pytest.fixture
def session(service):
    return service.create_session("alice").id
