"""Planner unit tests run on the shipped catalog files (no database: the planner is pure over a catalog)."""

from __future__ import annotations

import pytest

from knowledge.catalog import Catalog
from knowledge.domain import DeploymentSpec


# One catalog of the shipped files for the planner tests of a process: its memo tables (the engine's results per
# configuration and workload shape) are then shared by every module that plans the same workloads, as one server
# process shares them across its plans. (tests/tools/test_warm_start.py builds its own, to start cold.)
SHIPPED = Catalog.from_files()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return SHIPPED


def stated(**values) -> DeploymentSpec:
    return DeploymentSpec().with_values("stated", "test", **values)
