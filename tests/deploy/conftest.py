"""Deploy fixtures: the local target runs real simulator processes, faster than real time, and is always stopped."""

from __future__ import annotations

import pytest

from tools import deploy as deploy_path


@pytest.fixture
def fast_local(monkeypatch):
    """Simulated time runs 5x faster than the wall clock; validation is a 10-second (simulated) load test."""
    monkeypatch.setenv("COMPASS_LOCAL_TIME_SCALE", "5")
    monkeypatch.setenv("COMPASS_VALIDATE_DURATION_S", "10")
    yield
    target = deploy_path.local_target(["compass", "default"])
    for dep in target.list():
        target.stop(dep.id)

