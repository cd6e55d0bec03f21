"""The KubernetesApiDouble itself, driven by the real kubernetes DynamicClient (no Compass code)."""

from __future__ import annotations

import pytest
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import ConflictError, NotFoundError, UnauthorizedError, UnprocessibleEntityError

DEPLOYMENT = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "c", "image": "nginx:1"}]}}},
}


@pytest.fixture
def dyn(api, tmp_path):
    return DynamicClient(api.api_client(), cache_file=str(tmp_path / "discovery.json"))


def test_discovery_serves_the_kinds_compass_renders(dyn):
    for api_version, kind in (("apps/v1", "Deployment"), ("serving.kserve.io/v1beta1", "InferenceService"),
                              ("keda.sh/v1alpha1", "ScaledObject"), ("gateway.networking.k8s.io/v1", "HTTPRoute"),
                              ("v1", "Namespace"), ("monitoring.coreos.com/v1", "PodMonitor")):
        assert dyn.resources.get(api_version=api_version, kind=kind).kind == kind


def test_server_side_apply_creates_merges_and_tracks_managers(api, dyn):
    deployments = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    deployments.server_side_apply(body=DEPLOYMENT, field_manager="alice")
    # bob sets a label alice never touched: no conflict, both own fields
    deployments.server_side_apply(body={"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {
        "name": "web", "namespace": "default", "labels": {"team": "b"}}}, field_manager="bob")
    obj = api.get("Deployment", "web", "default")
    assert obj["metadata"]["labels"] == {"team": "b"} and obj["spec"]["replicas"] == 2
    assert sorted(f["manager"] for f in obj["metadata"]["managedFields"]) == ["alice", "bob"]
    # bob changing alice's replicas conflicts unless forced
    change = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
              "spec": {"replicas": 5}}
    with pytest.raises(ConflictError) as info:
        deployments.server_side_apply(body=change, field_manager="bob")
    assert 'conflict with \\"alice\\": .spec.replicas' in info.value.body
    deployments.server_side_apply(body=change, field_manager="bob", force_conflicts="true")
    obj = api.get("Deployment", "web", "default")
    assert obj["spec"]["replicas"] == 5
    # bob's new configuration no longer has his label: a field nobody else owns is removed
    assert "labels" not in obj["metadata"]
    owners = {f["manager"]: f["fieldsV1"] for f in obj["metadata"]["managedFields"]}
    assert owners["bob"] == {"f:spec": {"f:replicas": {}}} and "f:replicas" not in owners["alice"]["f:spec"]
    # alice no longer sending replicas (bob owns it now) leaves it alone
    without = {**DEPLOYMENT, "spec": {k: v for k, v in DEPLOYMENT["spec"].items() if k != "replicas"}}
    deployments.server_side_apply(body=without, field_manager="alice")
    assert api.get("Deployment", "web", "default")["spec"]["replicas"] == 5


def test_dry_run_validates_and_stores_nothing(api, dyn):
    deployments = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    out = deployments.server_side_apply(body=DEPLOYMENT, field_manager="t", dry_run="All")
    assert out.metadata.name == "web" and api.get("Deployment", "web", "default") is None
    bad = {**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"], "replicas": "two"}}
    with pytest.raises(UnprocessibleEntityError):
        deployments.server_side_apply(body=bad, field_manager="t", dry_run="All")


def test_missing_namespace_and_namespace_cascade(api, dyn):
    services = dyn.resources.get(api_version="v1", kind="Service")
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "ns1"},
           "spec": {"ports": [{"port": 80}]}}
    with pytest.raises(NotFoundError):
        services.server_side_apply(body=svc, field_manager="t")
    namespaces = dyn.resources.get(api_version="v1", kind="Namespace")
    namespaces.server_side_apply(body={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns1"}},
                                 field_manager="t")
    services.server_side_apply(body=svc, field_manager="t")
    assert len(services.get(namespace="ns1").items) == 1
    namespaces.delete(name="ns1")
    assert api.get("Service", "s", "ns1") is None


def test_status_events_and_selectors(api, dyn):
    api.add_pod("default", "p1", {"app": "x"}, waiting_reason="CrashLoopBackOff")
    api.add_pod("default", "p2", {"app": "y"})
    pods = dyn.resources.get(api_version="v1", kind="Pod").get(namespace="default", label_selector="app=x")
    assert [p.metadata.name for p in pods.items] == ["p1"]
    assert pods.items[0].status.containerStatuses[0].state.waiting.reason == "CrashLoopBackOff"
    api.emit_event("default", "Pod", "p1", "BackOff", "restarting")
    events = dyn.resources.get(api_version="v1", kind="Event").get(
        namespace="default", field_selector="involvedObject.name=p1")
    assert [e.reason for e in events.items] == ["BackOff"]


def test_bad_token_is_401(api, tmp_path):
    with pytest.raises(UnauthorizedError):
        DynamicClient(api.api_client(token="nope"), cache_file=str(tmp_path / "d.json"))
