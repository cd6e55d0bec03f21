"""Planner unit tests run on the shipped catalog files (no database: the planner is pure over a catalog)."""

from __future__ import annotations

import pytest

from knowledge.catalog import Catalog
from knowledge.domain import DeploymentSpec


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.from_files()


def stated(**values) -> DeploymentSpec:
    return DeploymentSpec().with_values("stated", "test", **values)
