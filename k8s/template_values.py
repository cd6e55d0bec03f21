"""The values the templates render: names, labels, pod pieces and scaling numbers, computed once.

Templates only lay these out (and carry the comments that explain them); every decision is here or in
``vllm_args.py`` so it can be tested without parsing YAML.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from k8s.constants import (
    ANNOTATION_PREFIX, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, LABEL_PART_OF,
    SERVER_PORT, SIMULATOR_UID,
)
from k8s.vllm_args import PROBE_PERIOD_S, EnginePlan, cache_size_gi
from k8s.errors import RenderError
from k8s.options import DNS_LABEL, MAX_NAME_LEN, RenderOptions
from knowledge.domain import DEFAULT_NAMESPACE, DeploymentSpec, Recommendation

TERMINATION_GRACE_S = 120  # lets in-flight generations finish when a pod is stopped
# A new replica loads a model for minutes: add replicas fast, remove them slowly to avoid flapping.
SCALING_BEHAVIOR = {
    "scaleUp": {"stabilizationWindowSeconds": 0,
                "policies": [{"type": "Pods", "value": 2, "periodSeconds": 60}]},
    "scaleDown": {"stabilizationWindowSeconds": 600,
                  "policies": [{"type": "Pods", "value": 1, "periodSeconds": 300}]},
}


FINGERPRINT_LEN = 8


def derive_name(model_id: str, fingerprint: str | None = None) -> str:
    """'meta-llama/Llama-3.1-8B-Instruct' -> 'llama-3-1-8b-instruct' (a DNS-1123 label with room for suffixes),
    with ``-<fingerprint>`` appended when given."""
    room = MAX_NAME_LEN - (len(fingerprint) + 1 if fingerprint else 0)
    tail = model_id.split("/")[-1].lower()
    name = re.sub(r"[^a-z0-9]+", "-", tail).strip("-")[:room].strip("-")
    if not name or not name[0].isalpha():
        name = ("m-" + name)[:room].strip("-")
    return f"{name}-{fingerprint}" if fingerprint else name


def configuration_fingerprint(instance: str, rec: Recommendation, engine: EnginePlan, options: RenderOptions) -> str:
    """A short hash of who owns a deployment and what it runs: the same session re-applying the same option
    gets the same name (idempotent), anything else a name of its own."""
    parts = (instance, engine.model_id, engine.precision.value, engine.gpu.name, engine.tensor_parallel,
             engine.data_parallel, rec.replicas, rec.min_replicas, rec.max_replicas, options.target)
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:FINGERPRINT_LEN]


@dataclass(frozen=True)
class Scaling:
    kind: str  # "KEDA ScaledObject", "HorizontalPodAutoscaler", "Knative", "fixed"
    min: int
    max: int
    fixed: int | None  # replicas written into the workload when nothing scales it
    hpa_min: int
    cold_start_unavailable: bool
    isvc_min: int
    isvc_max: int
    concurrency_target: int
    initial_cooldown_s: int
    query_waiting: str
    query_kv: str
    waiting_target: str
    kv_target: str
    kv_target_quantity: str
    behavior: dict


def scaling_for(rec: Recommendation, spec: DeploymentSpec, options: RenderOptions, engine: EnginePlan,
                name: str, namespace: str) -> Scaling:
    cold = bool(spec.allow_cold_start)
    low = rec.min_replicas if cold else max(1, rec.min_replicas)
    high = max(rec.max_replicas, rec.replicas, low, 1)
    serverless = options.uses_kserve and options.kserve_mode == "serverless"
    autoscaled = options.autoscaler != "none" and not serverless
    kind = ("Knative" if serverless else "fixed" if not autoscaled
            else "KEDA ScaledObject" if options.autoscaler == "keda" else "HorizontalPodAutoscaler")
    if serverless:
        isvc_min, isvc_max = low, high
    elif autoscaled:
        isvc_min, isvc_max = max(1, low), high  # KServe Standard mode cannot hold zero replicas itself
    else:
        isvc_min = isvc_max = rec.replicas
    e2e = rec.prediction.e2e_ms
    in_flight = rec.load_per_replica_rps * (e2e.mean / 1000.0) if e2e else rec.config.max_num_seqs / 2
    selector = f'namespace="{namespace}",{prom_label(LABEL_INSTANCE)}="{name}"'
    kv = options.scale_kv_cache_usage
    return Scaling(
        kind=kind, min=low, max=high, fixed=None if autoscaled else rec.replicas,
        hpa_min=max(1, low), cold_start_unavailable=cold and low == 0 and options.autoscaler == "hpa",
        isvc_min=isvc_min, isvc_max=isvc_max, concurrency_target=max(1, round(in_flight)),
        initial_cooldown_s=engine.startup_failure_threshold * PROBE_PERIOD_S,
        query_waiting=f"sum(vllm:num_requests_waiting{{{selector}}})",
        query_kv=f"avg(vllm:kv_cache_usage_perc{{{selector}}})",
        waiting_target=f"{options.scale_waiting_per_replica:g}", kv_target=f"{kv:g}",
        kv_target_quantity=f"{round(kv * 1000)}m", behavior=SCALING_BEHAVIOR)


def prom_label(label: str) -> str:
    """The Prometheus label name podTargetLabels makes of a Kubernetes label."""
    return re.sub(r"[^a-zA-Z0-9_]", "_", label)


def build_context(rec: Recommendation, spec: DeploymentSpec, options: RenderOptions,
                  engine: EnginePlan) -> dict[str, Any]:
    fingerprint = configuration_fingerprint(options.instance, rec, engine, options) if options.instance else None
    name = options.name or derive_name(engine.model_id, fingerprint)
    namespace = options.namespace or spec.namespace or DEFAULT_NAMESPACE
    if not (DNS_LABEL.match(namespace) and len(namespace) <= 63):
        raise RenderError(f"namespace {namespace!r} is not a valid DNS-1123 label")
    kserve = options.uses_kserve
    serverless = kserve and options.kserve_mode == "serverless"
    simulated = options.simulated
    selector = {LABEL_INSTANCE: name, LABEL_COMPONENT: "inference"}
    labels = {LABEL_NAME: "compass-simulator" if simulated else "vllm", **selector,
              LABEL_PART_OF: "compass", LABEL_MANAGED_BY: "compass", **options.extra_labels}
    scaling = scaling_for(rec, spec, options, engine, name, namespace)
    cache = _cache(name, engine, options, scaling)
    return {
        "name": name, "namespace": namespace, "labels": labels, "selector": selector, "pod_labels": labels,
        "instance_label": LABEL_INSTANCE, "rec": rec, "spec": spec, "options": options, "engine": engine,
        "serverless": serverless, "simulated": simulated, "scaling": scaling, "cache": cache,
        "runtime_name": f"{name}-vllm",
        "workload_name": f"{name}-predictor" if kserve else name,
        "service_name": f"{name}-predictor" if kserve else name,
        # KServe's predictor Service listens on 80 and forwards to the container port.
        "service_port": 80 if kserve else SERVER_PORT,
        "container": _container(engine, options, kserve, serverless, simulated),
        "volumes": _volumes(engine, cache, simulated),
        "pod_security_context": _pod_security(simulated),
        "node_selector": engine.node_selector,
        "tolerations": [] if simulated else [
            {"key": engine.gpu.resource_name, "operator": "Exists", "effect": "NoSchedule"}],
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}},
        "termination_grace_s": TERMINATION_GRACE_S,
        "workload_annotations": _plan_annotations(rec, engine),
        "isvc_annotations": _isvc_annotations(rec, engine, options, serverless),
        "ingress_annotations": {"nginx.ingress.kubernetes.io/proxy-read-timeout": "600",
                                "nginx.ingress.kubernetes.io/proxy-send-timeout": "600",
                                "nginx.ingress.kubernetes.io/proxy-buffering": "off"},
        "namespace_labels": {**labels, "pod-security.kubernetes.io/enforce":
                             "restricted" if simulated else "baseline"},
        "quota": _quota(engine, scaling, cache),
    }


def _container(engine: EnginePlan, options: RenderOptions, kserve: bool, serverless: bool,
               simulated: bool) -> dict[str, Any]:
    r = engine.resources
    requests: dict[str, Any] = {"cpu": r.cpu_request, "memory": f"{r.memory_gi}Gi"}
    limits: dict[str, Any] = {"cpu": r.cpu_limit, "memory": f"{r.memory_gi}Gi"}
    if r.gpus and r.gpu_resource:
        requests[r.gpu_resource] = limits[r.gpu_resource] = r.gpus  # extended resources: request == limit
    env: list[dict[str, Any]] = []
    if not simulated:
        env.append({"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {
            "name": options.hf_token_secret, "key": options.hf_token_secret_key, "optional": True}}})
    env += [{"name": k, "value": v} for k, v in engine.env]
    health = {"httpGet": {"path": "/health", "port": SERVER_PORT}, "timeoutSeconds": 5}
    security: dict[str, Any] = {"allowPrivilegeEscalation": False, "privileged": False,
                                "capabilities": {"drop": ["ALL"]}}
    if simulated:
        security |= {"runAsNonRoot": True, "runAsUser": SIMULATOR_UID, "readOnlyRootFilesystem": True}
    else:
        # vLLM's image runs as root and writes compile/kernel caches under the root filesystem.
        security |= {"readOnlyRootFilesystem": False}
    mounts = ([{"name": "tmp", "mountPath": "/tmp"}] if simulated else
              [{"name": "model-cache", "mountPath": "/models-cache"}, {"name": "dshm", "mountPath": "/dev/shm"}])
    return {
        "image": engine.image, "command": engine.command, "args": engine.args, "env": env,
        # Knative (KServe Serverless) only accepts the port names http1 and h2c.
        "port_name": "http1" if kserve else "http", "port": SERVER_PORT,
        "resources": {"requests": requests, "limits": limits},
        "startup_probe": {**health, "periodSeconds": PROBE_PERIOD_S,
                          "failureThreshold": engine.startup_failure_threshold},
        "readiness_probe": {**health, "periodSeconds": PROBE_PERIOD_S, "failureThreshold": 3},
        "liveness_probe": {**health, "periodSeconds": 20, "failureThreshold": 3},
        "long_start_probes": not serverless,
        "security_context": security, "volume_mounts": mounts,
    }


def _volumes(engine: EnginePlan, cache: dict[str, Any], simulated: bool) -> list[dict[str, Any]]:
    if simulated:
        return [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}]
    return [{"name": "model-cache", "persistentVolumeClaim": {"claimName": cache["claim"]}},
            {"name": "dshm", "emptyDir": {"medium": "Memory", "sizeLimit": f"{engine.resources.shm_gi}Gi"}}]


def _pod_security(simulated: bool) -> dict[str, Any]:
    ctx: dict[str, Any] = {"seccompProfile": {"type": "RuntimeDefault"}}
    if simulated:
        ctx = {"runAsNonRoot": True, "runAsUser": SIMULATOR_UID, "runAsGroup": SIMULATOR_UID,
               "fsGroup": SIMULATOR_UID, **ctx}
    return ctx


def _cache(name: str, engine: EnginePlan, options: RenderOptions, scaling: Scaling) -> dict[str, Any]:
    mode = options.model_cache_access_mode or ("ReadWriteMany" if scaling.max > 1 else "ReadWriteOnce")
    note = ("ReadWriteMany: replicas may run on different nodes and share it (needs an RWX storage class)."
            if mode == "ReadWriteMany" else "ReadWriteOnce: all replicas must run on one node.")
    return {"claim": f"{name}-model-cache", "access_mode": mode,
            "size_gi": cache_size_gi(engine, options.model_cache_size_gi),
            "storage_class": options.model_cache_storage_class, "access_note": note}


def _plan_annotations(rec: Recommendation, engine: EnginePlan) -> dict[str, str]:
    p = ANNOTATION_PREFIX
    return {f"{p}model": engine.model_id, f"{p}checkpoint": engine.checkpoint,
            f"{p}precision": engine.precision.value, f"{p}gpu": engine.gpu.name,
            f"{p}gpus-per-replica": str(engine.gpus_per_replica), f"{p}planned-replicas": str(rec.replicas)}


def _isvc_annotations(rec: Recommendation, engine: EnginePlan, options: RenderOptions,
                      serverless: bool) -> dict[str, str]:
    # The legacy mode names (RawDeployment/Serverless) are understood by every KServe release; newer ones
    # map them to Standard/Knative.
    out = {"serving.kserve.io/deploymentMode": "Serverless" if serverless else "RawDeployment"}
    if not serverless:
        # external: the ScaledObject/HPA rendered beside it owns the replica count; none: fixed count.
        out["serving.kserve.io/autoscalerClass"] = "none" if options.autoscaler == "none" else "external"
    return {**out, **_plan_annotations(rec, engine)}


def _quota(engine: EnginePlan, scaling: Scaling, cache: dict[str, Any]) -> dict[str, Any]:
    r, n = engine.resources, scaling.max
    cpu_m = _millicores(r.cpu_request) * n
    out: dict[str, Any] = {"requests.cpu": f"{cpu_m}m", "limits.cpu": f"{_millicores(r.cpu_limit) * n}m",
                           "requests.memory": f"{r.memory_gi * n}Gi", "limits.memory": f"{r.memory_gi * n}Gi"}
    if r.gpus and r.gpu_resource:
        out[f"requests.{r.gpu_resource}"] = str(r.gpus * n)
    if r.gpus:
        out |= {"persistentvolumeclaims": "1", "requests.storage": f"{cache['size_gi']}Gi"}
    return out


def _millicores(cpu: str) -> int:
    return int(cpu[:-1]) if cpu.endswith("m") else int(float(cpu) * 1000)
