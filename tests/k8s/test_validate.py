"""Validation: every rendered object passes the Kubernetes / CRD schemas; broken objects are caught."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

import pytest

from k8s.bundle import Manifest
from k8s.constants import KUBERNETES_VERSION
from k8s.errors import ManifestValidationError
from k8s.options import RenderOptions
from k8s.render import render_bundle
from k8s.manifest_checks import validate_bundle, validate_manifests
from knowledge.domain import DeploymentSpec, Precision, UseCase
from tests.k8s.plans import llama70b_h100_keda, plan, small_l4

SCHEMAS = Path(__file__).resolve().parents[2] / "k8s" / "schemas"
REC = plan("meta-llama/Llama-3.1-8B-Instruct", "L4", Precision.BF16, 1, 2, 0, 3)
SPEC = DeploymentSpec(use_case=UseCase.CHATBOT_CONVERSATIONAL, namespace="llm", allow_cold_start=True)

MATRIX = [
    dict(target=t, autoscaler=a, exposure=e, monitor=mon, create_namespace=ns, resource_quota=ns)
    for t, a, e, mon, ns in itertools.product(
        ("kserve", "plain", "simulator"), ("keda", "hpa", "none"), ("none", "ingress", "httproute"),
        ("auto", "podmonitor"), (False, True))
] + [dict(target="kserve", kserve_mode="serverless", autoscaler=a) for a in ("keda", "none")]


@pytest.mark.parametrize("opts", MATRIX, ids=lambda o: "-".join(str(v) for v in o.values()))
def test_every_rendered_object_passes_schema_and_semantic_checks(opts, k8s_catalog):
    bundle = render_bundle(REC, SPEC, k8s_catalog, RenderOptions(host="llm.example.com", **opts))
    report = validate_bundle(bundle, k8s_catalog, allowed_namespaces={"llm"})
    assert report.ok, report.describe()
    assert report.checked == len(bundle.manifests)


def test_schema_files_name_their_source():
    files = sorted(SCHEMAS.glob("*.json"))
    kinds = set()
    for path in files:
        schema = json.loads(path.read_text())
        assert schema["x-compass-source"]["repo"] and schema["x-compass-source"]["crd"]
        kinds.add(schema["properties"]["kind"]["const"])
    assert kinds == {"InferenceService", "ServingRuntime", "ScaledObject", "ServiceMonitor", "PodMonitor", "HTTPRoute"}
    readme = (SCHEMAS / "README.md").read_text()
    assert all(path.name in readme for path in files)


def broken(bundle, kind, mutate):
    """The bundle with one object of ``kind`` changed by ``mutate``."""
    out = []
    for m in bundle.manifests:
        if m.obj["kind"] == kind:
            obj = copy.deepcopy(m.obj)
            mutate(obj)
            m = Manifest.from_obj(m.filename, obj)
        out.append(m)
    return bundle.replaced(out)


@pytest.fixture
def plain(k8s_catalog):
    case = small_l4()
    return render_bundle(case.rec, case.spec, k8s_catalog, case.options)


@pytest.fixture
def kserve(k8s_catalog):
    case = llama70b_h100_keda()
    return render_bundle(case.rec, case.spec, k8s_catalog, case.options)


def errors_of(bundle, catalog, allowed=None):
    report = validate_bundle(bundle, catalog, allowed_namespaces=allowed or {bundle.namespace})
    return [str(e) for e in report.errors]


def test_string_where_an_int_is_required(plain, k8s_catalog):
    b = broken(plain, "Deployment", lambda o: o["spec"].update(replicas="1"))
    errs = errors_of(b, k8s_catalog)
    assert errs == ["Deployment team-a/llama-3-1-8b-instruct at spec.replicas: '1' is not of type 'integer', 'null'"]


def test_string_where_an_int_is_required_in_a_crd(kserve, k8s_catalog):
    b = broken(kserve, "ScaledObject", lambda o: o["spec"].update(maxReplicaCount="4"))
    assert any("spec.maxReplicaCount: '4' is not of type 'integer'" in e for e in errors_of(b, k8s_catalog))


def test_unknown_fields_are_caught(kserve, k8s_catalog):
    b = broken(kserve, "InferenceService", lambda o: o["spec"]["predictor"].update(nodeSelectr={}))
    assert any("'nodeSelectr' was unexpected" in e for e in errors_of(b, k8s_catalog))
    b = broken(kserve, "PodDisruptionBudget", lambda o: o["spec"].update(maxUnavailible=1))
    assert any("maxUnavailible" in e for e in errors_of(b, k8s_catalog))


def test_bad_dns_name(plain, k8s_catalog):
    b = broken(plain, "Service", lambda o: o["metadata"].update(name="Llama_3.1"))
    assert any("metadata.name: 'Llama_3.1' is not a DNS-1035 label" in e for e in errors_of(b, k8s_catalog))
    b = broken(plain, "Deployment", lambda o: o["metadata"].update(name="x" * 64))
    assert any("is not a DNS-1123 label" in e for e in errors_of(b, k8s_catalog))


def test_gpu_count_mismatch(kserve, k8s_catalog):
    b = broken(kserve, "InferenceService",
               lambda o: o["spec"]["predictor"]["model"]["resources"]["limits"].update({"nvidia.com/gpu": 2}))
    errs = errors_of(b, k8s_catalog)
    assert any("GPU count mismatch: the pod requests 2 GPU(s) but the plan needs tensor-parallel 4" in e for e in errs)
    assert any("request 4 differs from its limit 2" in e for e in errs)


def test_tensor_parallel_argument_must_match_the_gpus(plain, k8s_catalog):
    def tp2(o):
        args = o["spec"]["template"]["spec"]["containers"][0]["args"]
        args[args.index("--tensor-parallel-size") + 1] = "2"
    errs = errors_of(broken(plain, "Deployment", tp2), k8s_catalog)
    assert any("vLLM is told to use 2 x 1 GPU(s)" in e for e in errs)


def test_fixed_replicas_times_gpus_must_match_the_plan(plain, k8s_catalog):
    errs = errors_of(broken(plain, "Deployment", lambda o: o["spec"].update(replicas=3)), k8s_catalog)
    assert any("3 replica(s) x 1 GPU(s) = 3, the plan is 1 x 1 = 1" in e for e in errs)


def test_gpus_beyond_node_capacity(kserve, k8s_catalog):
    plan_info = kserve.plan.__class__(**{**kserve.plan.__dict__, "tensor_parallel": 16})

    def sixteen(o):
        for part in ("requests", "limits"):
            o["spec"]["predictor"]["model"]["resources"][part]["nvidia.com/gpu"] = 16
    b = broken(kserve, "InferenceService", sixteen)
    b = type(b)(b.name, b.namespace, b.manifests, plan_info, b.summary)
    assert any("16 GPU(s) per pod exceed the largest H100-SXM node (8 GPUs)" in e for e in errors_of(b, k8s_catalog))


def test_wrong_gpu_node_selector(plain, k8s_catalog):
    b = broken(plain, "Deployment", lambda o: o["spec"]["template"]["spec"].update(
        nodeSelector={"nvidia.com/gpu.product": "NVIDIA-A10G"}))
    assert any("expected nvidia.com/gpu.product: NVIDIA-L4" in e for e in errors_of(b, k8s_catalog))


def test_namespace_outside_the_allowlist(plain, k8s_catalog):
    errs = errors_of(plain, k8s_catalog, allowed={"prod"})
    assert errs and all("not on the allowlist" in e for e in errs)


def test_literal_token_is_refused(plain, k8s_catalog):
    def literal(o):
        o["spec"]["template"]["spec"]["containers"][0]["env"][0] = {"name": "HF_TOKEN", "value": "hf_secret"}
    assert any("literal value" in e for e in errors_of(broken(plain, "Deployment", literal), k8s_catalog))


def test_weakened_security_context_is_refused(plain, k8s_catalog):
    def weaken(o):
        o["spec"]["template"]["spec"]["containers"][0]["securityContext"] = {"privileged": True}
    errs = errors_of(broken(plain, "Deployment", weaken), k8s_catalog)
    assert any("allowPrivilegeEscalation must be false" in e for e in errs)
    assert any("privileged container" in e for e in errs)
    assert any("capabilities must drop ALL" in e for e in errs)


def test_scale_to_zero_needs_cold_starts(k8s_catalog):
    b = render_bundle(REC, DeploymentSpec(allow_cold_start=False, namespace="llm"), k8s_catalog, RenderOptions())
    b = broken(b, "ScaledObject", lambda o: o["spec"].update(minReplicaCount=0))
    assert any("does not allow cold starts" in e for e in errors_of(b, k8s_catalog))


def test_unknown_kind_has_no_schema(plain, k8s_catalog):
    extra = Manifest.from_obj("x.yaml", {"apiVersion": "example.com/v1", "kind": "Widget",
                                         "metadata": {"name": "w", "namespace": "team-a"}})
    report = validate_manifests([*plain.manifests, extra], plain.plan, k8s_catalog, {"team-a"})
    assert [str(e) for e in report.errors] == [
        f"Widget team-a/w: no schema for Widget (example.com/v1) in Kubernetes {KUBERNETES_VERSION} or "
        f"k8s/schemas/; Compass cannot check it"]


def test_raise_for_errors_gives_an_actionable_message(plain, k8s_catalog):
    b = broken(plain, "Deployment", lambda o: o["spec"].update(replicas="1"))
    with pytest.raises(ManifestValidationError, match=r"1 manifest problem\(s\); nothing was applied"):
        validate_bundle(b, k8s_catalog, {"team-a"}).raise_for_errors()
