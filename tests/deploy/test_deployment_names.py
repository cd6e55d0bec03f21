"""On a cluster too, deployments of different sessions or configurations get their own objects (issue 15 item 6).

Server-side apply under a shared name would have rewritten Alice's InferenceService with Bob's configuration.
The name carries the owning session and the configuration; the same session re-applying the same option keeps
its name (applies stay idempotent, crash recovery reuses what it started).
"""

from __future__ import annotations

import pytest

from k8s.apply import Applier
from knowledge.catalog import Catalog
from knowledge.domain import DeploymentSpec, Precision, UseCase
from tests.k8s.api_double import KubernetesApiDouble
from tests.k8s.plans import plan
from tools import deploy_path

SPEC = DeploymentSpec(use_case=UseCase.CHATBOT_CONVERSATIONAL, namespace="default")
H100 = plan("meta-llama/Llama-3.1-8B-Instruct", "H100-SXM", Precision.FP8, 1, 1, 1, 2, max_model_len=8192)
L4 = plan("meta-llama/Llama-3.1-8B-Instruct", "L4", Precision.INT4, 1, 3, 1, 4, max_model_len=8192)


@pytest.fixture(scope="module")
def k8s_catalog() -> Catalog:
    return Catalog.from_files()


@pytest.fixture
def api():
    with KubernetesApiDouble() as double:
        yield double


def _bundle(rec, catalog, session: str):
    return deploy_path.render(rec, SPEC, catalog, target="kserve", instance=session)


def test_names_differ_by_session_and_configuration_and_are_stable(k8s_catalog):
    alice = _bundle(H100, k8s_catalog, "session-alice")
    assert _bundle(H100, k8s_catalog, "session-alice").name == alice.name  # re-apply: same objects
    assert _bundle(H100, k8s_catalog, "session-bob").name != alice.name
    assert _bundle(L4, k8s_catalog, "session-alice").name != alice.name
    assert alice.name.startswith("llama-3-1-8b-instruct-") and len(alice.name) <= 53


def test_two_sessions_applying_the_same_model_keep_separate_objects(api, k8s_catalog):
    alice = _bundle(H100, k8s_catalog, "session-alice")
    bob = _bundle(L4, k8s_catalog, "session-bob")
    for bundle in (alice, bob):
        applier = Applier(api.api_client(), allowed_namespaces={"default"}, catalog=k8s_catalog,
                          poll_interval_s=0.01, timeout_s=5)
        assert applier.apply(bundle).ready is True
    mine = api.get("InferenceService", alice.name, "default")
    theirs = api.get("InferenceService", bob.name, "default")
    assert mine is not None and theirs is not None
    assert mine["spec"]["predictor"]["minReplicas"] == 1  # Alice's objects are hers, untouched by Bob's apply
    assert str(mine["spec"]) != str(theirs["spec"])
