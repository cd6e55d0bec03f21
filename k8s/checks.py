"""Semantic checks no schema expresses: names, namespaces, GPU arithmetic, secrets, pod hardening.

Each check returns ``ValidationIssue``s; ``semantic_issues`` runs them all. Workloads are read the same
way whether they are a plain Deployment or a KServe InferenceService + ServingRuntime pair.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from k8s.bundle import CLUSTER_SCOPED, Manifest, PlanInfo
from k8s.constants import ANNOTATION_PREFIX, GPU_PRODUCT_LABEL
from k8s.manifest_checks import ValidationIssue
from knowledge.catalog import Catalog, UnknownNameError

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
# Kinds whose names become DNS-1035 labels (Service DNS names; KServe requires a leading letter).
DNS1035_KINDS = frozenset({"Service", "InferenceService"})
GPU_RESOURCES = ("nvidia.com/gpu", "amd.com/gpu")
SECRET_ENV = re.compile(r"(TOKEN|SECRET|PASSWORD|API_KEY|ACCESS_KEY)$", re.IGNORECASE)


@dataclass
class Workload:
    """One pod template: where it lives in the object, its containers (resources merged) and replicas."""

    ref: str
    path: str
    pod: dict[str, Any]
    containers: list[dict[str, Any]]
    replicas: int | None  # None when an autoscaler owns the count
    annotations: dict[str, str]


def semantic_issues(manifests: Sequence[Manifest], plan: PlanInfo | None, catalog: Catalog | None,
                    allowed_namespaces: Collection[str] | None) -> list[ValidationIssue]:
    out = []
    for m in manifests:
        out += _names(m)
        out += _namespace(m, allowed_namespaces)
        if m.obj.get("kind") == "Secret":
            out.append(ValidationIssue("error", "secrets", str(m.ref), "", "Compass never renders Secrets; "
                                       "reference an existing one instead of shipping its content"))
    workloads = find_workloads(manifests)
    for w in workloads:
        out += _security(w)
        out += _secrets(w)
        if plan is not None:
            out += _gpus(w, plan, catalog)
    if plan is not None:
        out += _scalers(manifests, workloads, plan)
    return out


# ------------------------------------------------------------------------------------------ workloads


def find_workloads(manifests: Sequence[Manifest]) -> list[Workload]:
    runtimes = {(m.ref.namespace, m.ref.name): m.obj for m in manifests if m.obj.get("kind") == "ServingRuntime"}
    out = []
    for m in manifests:
        obj, kind = m.obj, m.obj.get("kind")
        spec = obj.get("spec") or {}
        annotations = (obj.get("metadata") or {}).get("annotations") or {}
        if kind == "Deployment":
            pod = (spec.get("template") or {}).get("spec") or {}
            out.append(Workload(str(m.ref), "spec.template.spec", pod, list(pod.get("containers") or []),
                                spec.get("replicas"), annotations))
        elif kind == "InferenceService":
            pred = spec.get("predictor") or {}
            model = pred.get("model") or {}
            runtime = runtimes.get((m.ref.namespace, model.get("runtime")))
            containers = [dict(c) for c in ((runtime or {}).get("spec") or {}).get("containers") or []]
            if containers and model.get("resources"):  # KServe merges the model's resources into it
                containers[0]["resources"] = model["resources"]
            fixed = pred.get("minReplicas") if pred.get("minReplicas") == pred.get("maxReplicas") else None
            out.append(Workload(str(m.ref), "spec.predictor", pred, containers, fixed, annotations))
    return out


def _gpu_limits(container: dict[str, Any]) -> dict[str, Any]:
    limits = (container.get("resources") or {}).get("limits") or {}
    return {k: v for k, v in limits.items() if k in GPU_RESOURCES or k.endswith("/gpu")}


def gpus_per_pod(w: Workload) -> int:
    total = 0
    for c in w.containers:
        for v in _gpu_limits(c).values():
            total += int(v) if isinstance(v, int) or (isinstance(v, str) and v.isdigit()) else 0
    return total


def _arg(args: list[Any], flag: str) -> str | None:
    for i, a in enumerate(args):
        a = str(a)
        if a == flag and i + 1 < len(args):
            return str(args[i + 1])
        if a.startswith(flag + "="):
            return a.split("=", 1)[1]
    return None


# ---------------------------------------------------------------------------------------------- checks


def _names(m: Manifest) -> list[ValidationIssue]:
    ref, out = str(m.ref), []
    name, kind = m.ref.name, m.ref.kind
    pattern, what = ((DNS1035_LABEL, "a DNS-1035 label (lower-case letters, digits, '-', starting with a letter)")
                     if kind in DNS1035_KINDS else
                     (DNS1123_LABEL, "a DNS-1123 label (lower-case letters, digits, '-')"))
    if not (isinstance(name, str) and pattern.match(name) and len(name) <= 63):
        out.append(ValidationIssue("error", "names", ref, "metadata.name",
                                   f"{name!r} is not {what} of at most 63 characters"))
    labels = (m.obj.get("metadata") or {}).get("labels") or {}
    for key, value in labels.items():
        if not (isinstance(value, str) and len(value) <= 63 and LABEL_VALUE.match(value)):
            out.append(ValidationIssue("error", "names", ref, f"metadata.labels.{key}",
                                       f"label value {value!r} is not valid (max 63 chars, alphanumeric ends)"))
    return out


def _namespace(m: Manifest, allowed: Collection[str] | None) -> list[ValidationIssue]:
    ref, kind = str(m.ref), m.ref.kind
    ns = m.ref.name if kind in CLUSTER_SCOPED else m.ref.namespace
    if kind not in CLUSTER_SCOPED and not ns:
        return [ValidationIssue("error", "namespace", ref, "metadata.namespace", "namespaced object without a namespace")]
    if not (isinstance(ns, str) and DNS1123_LABEL.match(ns) and len(ns) <= 63):
        return [ValidationIssue("error", "namespace", ref, "metadata.namespace", f"{ns!r} is not a DNS-1123 label")]
    if allowed is not None and ns not in allowed:
        return [ValidationIssue("error", "namespace", ref, "metadata.namespace",
                                f"namespace {ns!r} is not on the allowlist ({', '.join(sorted(allowed)) or 'empty'})")]
    return []


def _gpus(w: Workload, plan: PlanInfo, catalog: Catalog | None) -> list[ValidationIssue]:
    out, ref = [], w.ref
    for i, c in enumerate(w.containers):
        requests = (c.get("resources") or {}).get("requests") or {}
        for key, value in _gpu_limits(c).items():
            if not (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
                out.append(ValidationIssue("error", "gpu", ref, f"containers[{i}].resources.limits.{key}",
                                           f"GPU count {value!r} must be a whole number"))
            if key in requests and str(requests[key]) != str(value):
                out.append(ValidationIssue("error", "gpu", ref, f"containers[{i}].resources",
                                           f"{key} request {requests[key]} differs from its limit {value}"))
    gpus = gpus_per_pod(w)
    if plan.simulated:
        if gpus:
            out.append(ValidationIssue("error", "gpu", ref, w.path, f"simulator pods must not request GPUs ({gpus})"))
        if GPU_PRODUCT_LABEL["nvidia"] in (w.pod.get("nodeSelector") or {}):
            out.append(ValidationIssue("error", "gpu", ref, f"{w.path}.nodeSelector",
                                       "simulator pods must not be pinned to GPU nodes"))
        return out
    if gpus != plan.gpus_per_replica:
        out.append(ValidationIssue("error", "gpu", ref, w.path,
                                   f"GPU count mismatch: the pod requests {gpus} GPU(s) but the plan needs "
                                   f"tensor-parallel {plan.tensor_parallel} x data-parallel {plan.data_parallel} "
                                   f"= {plan.gpus_per_replica}"))
    for c in w.containers:
        args = list(c.get("args") or [])
        tp = _arg(args, "--tensor-parallel-size")
        if tp is not None:
            dp = _arg(args, "--data-parallel-size") or "1"
            engine = int(tp) * int(dp) if tp.isdigit() and dp.isdigit() else -1
            if engine != gpus:
                out.append(ValidationIssue("error", "gpu", ref, w.path,
                                           f"GPU count mismatch: vLLM is told to use {tp} x {dp} GPU(s) "
                                           f"(--tensor-parallel-size x --data-parallel-size) but the pod gets {gpus}"))
    if w.replicas is not None and isinstance(w.replicas, int) and w.replicas * gpus != plan.total_gpus:
        out.append(ValidationIssue("error", "gpu", ref, w.path,
                                   f"GPU count mismatch: {w.replicas} replica(s) x {gpus} GPU(s) = "
                                   f"{w.replicas * gpus}, the plan is {plan.replicas} x {plan.gpus_per_replica} "
                                   f"= {plan.total_gpus}"))
    out += _gpu_node(w, gpus, plan, catalog)
    return out


def _gpu_node(w: Workload, gpus: int, plan: PlanInfo, catalog: Catalog | None) -> list[ValidationIssue]:
    if catalog is None:
        return []
    name = w.annotations.get(f"{ANNOTATION_PREFIX}gpu", plan.gpu)
    try:
        gpu = catalog.gpu(name)
    except UnknownNameError as e:
        return [ValidationIssue("error", "gpu", w.ref, "", str(e))]
    out = []
    if gpus > gpu.max_gpus_per_node:
        out.append(ValidationIssue("error", "gpu", w.ref, w.path,
                                   f"{gpus} GPU(s) per pod exceed the largest {gpu.name} node "
                                   f"({gpu.max_gpus_per_node} GPUs): the pod can never be scheduled"))
    for c in w.containers:
        for key in _gpu_limits(c):
            if key != gpu.resource_name:
                out.append(ValidationIssue("error", "gpu", w.ref, w.path,
                                           f"{gpu.name} is requested as {gpu.resource_name}, not {key}"))
    label = GPU_PRODUCT_LABEL[gpu.vendor]
    selector = (w.pod.get("nodeSelector") or {}).get(label)
    if selector != gpu.node_label:
        out.append(ValidationIssue("error", "gpu", w.ref, f"{w.path}.nodeSelector",
                                   f"expected {label}: {gpu.node_label} (GPU Feature Discovery label of "
                                   f"{gpu.name}), found {selector!r}"))
    return out


def _scalers(manifests: Sequence[Manifest], workloads: list[Workload], plan: PlanInfo) -> list[ValidationIssue]:
    out = []
    for m in manifests:
        kind, spec = m.obj.get("kind"), m.obj.get("spec") or {}
        if kind == "ScaledObject":
            low, high = spec.get("minReplicaCount"), spec.get("maxReplicaCount")
        elif kind == "HorizontalPodAutoscaler":
            low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
        else:
            continue
        if not (isinstance(low, int) and isinstance(high, int)):
            continue  # the schema check reports the types
        if low > high:
            out.append(ValidationIssue("error", "scaling", str(m.ref), "spec", f"min replicas {low} > max {high}"))
        if low == 0 and not plan.allow_cold_start:
            out.append(ValidationIssue("error", "scaling", str(m.ref), "spec", "scales to zero but the spec does "
                                       "not allow cold starts (DeploymentSpec.allow_cold_start)"))
        if high < plan.replicas:
            out.append(ValidationIssue("warning", "scaling", str(m.ref), "spec", f"max replicas {high} is below the "
                                       f"{plan.replicas} replicas the plan needs at peak"))
    return out


def _secrets(w: Workload) -> list[ValidationIssue]:
    out = []
    for i, c in enumerate(w.containers):
        for j, env in enumerate(c.get("env") or []):
            name, value = str(env.get("name", "")), env.get("value")
            if value and (SECRET_ENV.search(name) or str(value).startswith("hf_")):
                out.append(ValidationIssue("error", "secrets", w.ref, f"containers[{i}].env[{j}]",
                                           f"{name} carries a literal value; use valueFrom.secretKeyRef"))
    return out


def _security(w: Workload) -> list[ValidationIssue]:
    out = []
    pod_seccomp = ((w.pod.get("securityContext") or {}).get("seccompProfile") or {}).get("type")
    for i, c in enumerate(w.containers):
        where = f"containers[{i}]"
        sc = c.get("securityContext") or {}
        if sc.get("allowPrivilegeEscalation") is not False:
            out.append(ValidationIssue("error", "security", w.ref, f"{where}.securityContext",
                                       "allowPrivilegeEscalation must be false"))
        if sc.get("privileged"):
            out.append(ValidationIssue("error", "security", w.ref, f"{where}.securityContext", "privileged container"))
        if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
            out.append(ValidationIssue("error", "security", w.ref, f"{where}.securityContext",
                                       "capabilities must drop ALL"))
        if pod_seccomp != "RuntimeDefault" and (sc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
            out.append(ValidationIssue("warning", "security", w.ref, where, "no RuntimeDefault seccomp profile"))
        res = c.get("resources") or {}
        for part in ("requests", "limits"):
            missing = [r for r in ("cpu", "memory") if r not in (res.get(part) or {})]
            if missing:
                out.append(ValidationIssue("error", "security", w.ref, f"{where}.resources.{part}",
                                           f"missing {', '.join(missing)} (unbounded pods starve their neighbours)"))
        if not c.get("readinessProbe"):
            out.append(ValidationIssue("warning", "security", w.ref, where, "no readiness probe on /health"))
    return out
