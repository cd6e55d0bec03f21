"""Fixtures of the Kubernetes-layer tests: the file catalog (no database), the three plans, the API double."""

from __future__ import annotations

import pytest

from knowledge.catalog import Catalog
from tests.k8s.api_double import KubernetesApiDouble


@pytest.fixture(scope="session")
def k8s_catalog() -> Catalog:
    return Catalog.from_files()


@pytest.fixture
def api():
    """A running KubernetesApiDouble (a real HTTP server on 127.0.0.1)."""
    with KubernetesApiDouble() as double:
        yield double
