"""The apply path against the KubernetesApiDouble (a real HTTP server; the real `kubernetes` client)."""

from __future__ import annotations

import copy
import socket

import pytest
from kubernetes.client import ApiClient, Configuration

from k8s.apply import Applier
from k8s.bundle import Manifest
from k8s.errors import (
    ApplyFailedError, ClusterAuthError, ClusterUnreachableError, KubeconfigError, ManifestValidationError,
    MissingApiError, NamespaceNotAllowedError,
)
from k8s.render import render_bundle
from tests.k8s.api_double import DEFAULT_KINDS, KubernetesApiDouble
from tests.k8s.plans import llama70b_h100_keda, small_l4


@pytest.fixture
def kserve_bundle(k8s_catalog):
    case = llama70b_h100_keda()  # creates its namespace llm-prod
    return render_bundle(case.rec, case.spec, k8s_catalog, case.options)


@pytest.fixture
def plain_bundle(k8s_catalog):
    case = small_l4()  # namespace team-a, which must exist
    return render_bundle(case.rec, case.spec, k8s_catalog, case.options)


def applier(api, catalog, namespaces, **kw):
    kw.setdefault("poll_interval_s", 0.01)
    kw.setdefault("timeout_s", 5)
    return Applier(api.api_client(), allowed_namespaces=namespaces, catalog=catalog, **kw)


def in_namespace(api, ns):
    return sorted((o["kind"], o["metadata"]["name"]) for o in api.objects() if o["metadata"].get("namespace") == ns)


def test_apply_dry_runs_everything_then_applies_with_server_side_apply(api, k8s_catalog, kserve_bundle):
    events = []
    result = applier(api, k8s_catalog, {"llm-prod"}).apply(kserve_bundle, progress=events.append)
    assert result.ready is True
    assert [a.action for a in result.applied] == ["created"] * len(kserve_bundle.manifests)
    patches = [r for r in api.requests if r.method == "PATCH"]
    assert all(r.content_type == "application/apply-patch+yaml" for r in patches)
    assert all(r.query["fieldManager"] == "compass" for r in patches)
    # the namespace is created first (nothing can be dry-run into a missing namespace), then every other
    # object is dry-run before the first real write of any of them
    real = [i for i, r in enumerate(patches) if not r.dry_run]
    dry = [i for i, r in enumerate(patches) if r.dry_run]
    assert len(dry) == len(kserve_bundle.manifests) - 1 and max(dry) < real[1]
    isvc = api.get("InferenceService", "llama-3-3-70b-instruct", "llm-prod")
    assert [f["manager"] for f in isvc["metadata"]["managedFields"]] == ["compass"]
    assert "f:predictor" in isvc["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]
    assert {e.stage for e in events} >= {"preflight", "dry-run", "apply", "wait"}


def test_second_apply_is_unchanged(api, k8s_catalog, plain_bundle):
    api.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
    a = applier(api, k8s_catalog, {"team-a"})
    a.apply(plain_bundle)
    again = a.apply(plain_bundle)
    assert {x.action for x in again.applied} == {"unchanged"}


def test_dry_run_changes_nothing(api, k8s_catalog, plain_bundle):
    api.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
    result = applier(api, k8s_catalog, {"team-a"}).apply(plain_bundle, dry_run=True)
    assert {a.action for a in result.applied} == {"would create"}
    assert in_namespace(api, "team-a") == []
    assert all(r.dry_run for r in api.writes())


def test_dry_run_into_a_namespace_still_to_be_created(api, k8s_catalog, kserve_bundle):
    result = applier(api, k8s_catalog, {"llm-prod"}).apply(kserve_bundle, dry_run=True)
    assert result.applied[0].action == "would create"  # the Namespace itself
    assert {a.action for a in result.applied[1:]} == {"skipped"}
    assert any("does not exist yet" in w for w in result.warnings)
    assert api.get("Namespace", "llm-prod") is None


def test_namespace_outside_the_allowlist_sends_nothing(api, k8s_catalog, kserve_bundle):
    with pytest.raises(NamespaceNotAllowedError, match="llm-prod not in the allowed list"):
        applier(api, k8s_catalog, {"team-a"}).apply(kserve_bundle)
    assert api.requests == []


def test_invalid_manifest_sends_nothing(api, k8s_catalog, plain_bundle):
    bad = []
    for m in plain_bundle.manifests:
        if m.obj["kind"] == "Deployment":
            obj = copy.deepcopy(m.obj)
            obj["spec"]["replicas"] = "1"
            m = Manifest.from_obj(m.filename, obj)
        bad.append(m)
    with pytest.raises(ManifestValidationError, match="spec.replicas"):
        applier(api, k8s_catalog, {"team-a"}).apply(plain_bundle.replaced(bad))
    assert api.requests == []


def test_failure_midway_rolls_back_what_was_created(api, k8s_catalog, kserve_bundle):
    api.fail_on("ScaledObject", "llama-3-3-70b-instruct", status=500, message="etcd timeout", dry_run=False)
    with pytest.raises(ApplyFailedError) as info:
        applier(api, k8s_catalog, {"llm-prod"}).apply(kserve_bundle)
    result = info.value.result
    assert result.failed.kind == "ScaledObject"
    created = [r.kind for r in result.created]
    assert created == ["Namespace", "ResourceQuota", "PersistentVolumeClaim", "ServingRuntime",
                       "InferenceService", "PodDisruptionBudget"]
    assert [r.kind for r in result.rolled_back] == list(reversed(created))
    assert api.get("Namespace", "llm-prod") is None and in_namespace(api, "llm-prod") == []
    message = str(info.value)
    assert "etcd timeout" in message and "Rolled back (deleted)" in message


def test_failed_dry_run_applies_nothing(api, k8s_catalog, plain_bundle):
    api.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
    api.fail_on("Service", "llama-3-1-8b-instruct", status=422, message="spec.ports[0].port: Invalid value",
                dry_run=True)
    with pytest.raises(ApplyFailedError, match="server dry-run of Service team-a/llama-3-1-8b-instruct"):
        applier(api, k8s_catalog, {"team-a"}).apply(plain_bundle)
    assert not [r for r in api.writes() if not r.dry_run]
    assert in_namespace(api, "team-a") == []


def test_conflict_with_another_field_manager(api, k8s_catalog, plain_bundle):
    api.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
    a = applier(api, k8s_catalog, {"team-a"})
    a.apply(plain_bundle)
    api.seed({"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"name": "llama-3-1-8b-instruct", "namespace": "team-a"}, "spec": {"replicas": 3}},
             manager="kubectl-edit")
    with pytest.raises(ApplyFailedError, match=r"409 Conflict.*kubectl-edit.*force_conflicts=True"):
        a.apply(plain_bundle)
    assert api.get("Deployment", "llama-3-1-8b-instruct", "team-a")["spec"]["replicas"] == 3
    result = a.apply(plain_bundle, force_conflicts=True)
    assert api.get("Deployment", "llama-3-1-8b-instruct", "team-a")["spec"]["replicas"] == 1
    assert any(x.action == "configured" for x in result.applied)


def test_wait_reports_progress_until_ready(k8s_catalog, plain_bundle):
    with KubernetesApiDouble(auto_ready=False) as api:
        api.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
        seen = []

        def progress(p):
            seen.append(p)
            waits = [x for x in seen if x.stage == "wait"]
            if len(waits) == 2:  # becomes ready after the first poll
                api.make_ready("Deployment", "llama-3-1-8b-instruct", "team-a")
        result = applier(api, k8s_catalog, {"team-a"}).apply(plain_bundle, progress=progress)
        assert result.ready is True
        assert any("0/1 replica(s) available" in p.message for p in seen if p.stage == "wait")


def test_pod_that_cannot_start_fails_fast_with_events_and_rolls_back(k8s_catalog, plain_bundle):
    with KubernetesApiDouble(auto_ready=False) as api:
        api.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
        api.add_pod("team-a", "llama-3-1-8b-instruct-7d9f-abcde",
                    {"app.kubernetes.io/instance": "llama-3-1-8b-instruct"}, waiting_reason="ImagePullBackOff",
                    message="Back-off pulling image")
        api.emit_event("team-a", "Pod", "llama-3-1-8b-instruct-7d9f-abcde", "Failed",
                       "Failed to pull image: not found")
        with pytest.raises(ApplyFailedError) as info:
            applier(api, k8s_catalog, {"team-a"}).apply(plain_bundle)
        result = info.value.result
        assert result.ready is False and "ImagePullBackOff" in result.error
        assert any("Failed to pull image" in str(e) for e in result.events)
        assert "Recent events:" in str(info.value)
        assert {r.kind for r in result.rolled_back} == {"PersistentVolumeClaim", "Deployment", "Service",
                                                        "ServiceMonitor"}
        assert api.get("Deployment", "llama-3-1-8b-instruct", "team-a") is None


def test_timeout_without_rollback_reports_the_partial_state(k8s_catalog, plain_bundle):
    with KubernetesApiDouble(auto_ready=False) as api:
        api.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
        api.add_pod("team-a", "llama-3-1-8b-instruct-x", {"app.kubernetes.io/instance": "llama-3-1-8b-instruct"},
                    unschedulable=True)
        ticks = iter(range(1000))
        a = applier(api, k8s_catalog, {"team-a"}, timeout_s=3, clock=lambda: next(ticks), sleep=lambda s: None)
        with pytest.raises(ApplyFailedError, match="not ready after 3 s") as info:
            a.apply(plain_bundle, rollback_on_failure=False)
        assert "unschedulable" in info.value.result.error
        assert "Still in the cluster:" in str(info.value)
        assert api.get("Deployment", "llama-3-1-8b-instruct", "team-a") is not None


def test_missing_api_fails_before_any_write(k8s_catalog, kserve_bundle):
    kinds = tuple(k for k in DEFAULT_KINDS if k.group != "keda.sh")
    with KubernetesApiDouble(kinds=kinds) as api:
        with pytest.raises(MissingApiError, match="install KEDA, or render with autoscaler='hpa'"):
            applier(api, k8s_catalog, {"llm-prod"}).apply(kserve_bundle)
        assert api.writes() == []


def test_unreachable_cluster_is_a_clear_error(k8s_catalog, plain_bundle):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = Configuration(host=f"http://127.0.0.1:{port}")
    cfg.api_key = {"authorization": "Bearer test-token"}
    a = Applier(ApiClient(cfg), allowed_namespaces={"team-a"}, catalog=k8s_catalog)
    with pytest.raises(ClusterUnreachableError, match=rf"Cannot reach the Kubernetes API at http://127.0.0.1:{port} "
                                                      r"\(connection refused\).*--output DIR"):
        a.apply(plain_bundle)


def test_bad_token_is_a_401_with_advice(api, k8s_catalog, plain_bundle):
    a = Applier(api.api_client(token="expired"), allowed_namespaces={"team-a"}, catalog=k8s_catalog)
    with pytest.raises(ClusterAuthError, match="401 Unauthorized.*expired or invalid") as info:
        a.apply(plain_bundle)
    assert info.value.status == 401
    assert api.writes() == []


def test_kubeconfig_file_and_missing_kubeconfig(api, tmp_path, k8s_catalog, plain_bundle):
    api.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
    path = api.kubeconfig(str(tmp_path / "config"))
    result = Applier(kubeconfig=path, allowed_namespaces={"team-a"}, catalog=k8s_catalog,
                     poll_interval_s=0.01).apply(plain_bundle)
    assert result.ready
    with pytest.raises(KubeconfigError, match="No usable Kubernetes credentials"):
        Applier(kubeconfig=str(tmp_path / "missing"), allowed_namespaces={"team-a"}).apply(plain_bundle)


def test_delete_removes_objects_and_keeps_foreign_namespaces(api, k8s_catalog, kserve_bundle, plain_bundle):
    a = applier(api, k8s_catalog, {"llm-prod", "team-a"})
    a.apply(kserve_bundle)
    out = a.delete(kserve_bundle)
    assert out.deleted[0].kind == "Ingress" and out.deleted[-1].kind == "Namespace"
    assert api.get("Namespace", "llm-prod") is None
    # a namespace Compass did not create is never deleted with the bundle
    api.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "llm-prod"}})
    api.seed({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "keep-me", "namespace": "llm-prod"},
              "spec": {"ports": [{"port": 80}]}})
    out = a.delete(kserve_bundle)
    assert out.kept and api.get("Service", "keep-me", "llm-prod") is not None
    assert len(out.missing) == len(kserve_bundle.manifests) - 1


def test_explicit_rollback_of_a_finished_apply(api, k8s_catalog, plain_bundle):
    api.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
    a = applier(api, k8s_catalog, {"team-a"})
    result = a.apply(plain_bundle)
    a.rollback(result)
    assert in_namespace(api, "team-a") == []


def test_an_existing_foreign_namespace_is_never_taken_over(api, k8s_catalog, kserve_bundle):
    api.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "llm-prod", "labels": {"team": "x"}}})
    a = applier(api, k8s_catalog, {"llm-prod"})
    result = a.apply(kserve_bundle)
    assert result.applied[0].action == "skipped" and any("not managed by Compass" in w for w in result.warnings)
    assert api.get("Namespace", "llm-prod")["metadata"]["labels"] == {"team": "x"}
    a.delete(kserve_bundle)
    assert api.get("Namespace", "llm-prod") is not None and in_namespace(api, "llm-prod") == []
