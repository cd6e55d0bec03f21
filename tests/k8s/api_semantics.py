"""The API semantics behind KubernetesApiDouble that need no server: kinds, errors, validation,
selectors and ready-looking status (split out to keep api_double.py short)."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kubernetes_validate
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

K8S_VERSION = "1.35.0"
# Built-in API groups the double validates (custom resources are stored as sent: no CRD schemas here).
BUILTIN_GROUPS = frozenset({"", "apps", "autoscaling", "policy", "networking.k8s.io"})
NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


@dataclass(frozen=True)
class KindInfo:
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


DEFAULT_KINDS = (
    KindInfo("", "v1", "Namespace", "namespaces", namespaced=False),
    KindInfo("", "v1", "Service", "services"), KindInfo("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
    KindInfo("", "v1", "Pod", "pods"), KindInfo("", "v1", "Event", "events"),
    KindInfo("", "v1", "ResourceQuota", "resourcequotas"), KindInfo("", "v1", "Secret", "secrets"),
    KindInfo("apps", "v1", "Deployment", "deployments"),
    KindInfo("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers"),
    KindInfo("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets"),
    KindInfo("networking.k8s.io", "v1", "Ingress", "ingresses"),
    KindInfo("serving.kserve.io", "v1beta1", "InferenceService", "inferenceservices"),
    KindInfo("serving.kserve.io", "v1alpha1", "ServingRuntime", "servingruntimes"),
    KindInfo("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects"),
    KindInfo("monitoring.coreos.com", "v1", "ServiceMonitor", "servicemonitors"),
    KindInfo("monitoring.coreos.com", "v1", "PodMonitor", "podmonitors"),
    KindInfo("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes"),
)


class ApiError(Exception):
    def __init__(self, code: int, reason: str, message: str, causes: list[dict] | None = None):
        self.code, self.reason, self.message, self.causes = code, reason, message, causes or []


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def without_server_fields(obj: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    out.pop("status", None)
    for k in ("resourceVersion", "generation", "managedFields", "uid", "creationTimestamp"):
        (out.get("metadata") or {}).pop(k, None)
    return out


def validate_object(info: KindInfo, name: str, body: dict[str, Any]) -> None:
    if not NAME_RE.match(name) or len(name) > 253:
        raise ApiError(422, "Invalid", f'{info.kind} "{name}" is invalid: metadata.name: Invalid value: "{name}": '
                                       f"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                       f"characters, '-' or '.'")
    validator = _builtin_validator(info.api_version, info.kind) if info.group in BUILTIN_GROUPS else None
    if validator is not None:
        err = next(iter(validator.iter_errors(body)), None)
        if err is not None:
            path = ".".join(str(p) for p in err.absolute_path)
            raise ApiError(422, "Invalid", f'{info.kind} "{name}" is invalid: {path}: {err.message}')


@functools.lru_cache(maxsize=None)
def _builtin_validator(api_version: str, kind: str) -> Draft202012Validator | None:
    """Non-strict OpenAPI schema of a built-in kind (unknown fields pass, as with fieldValidation=Ignore)."""
    base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / f"v{K8S_VERSION}-local"
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    path = base / f"{kind.lower()}-{group_version}.json"
    if not path.is_file():
        return None
    return Draft202012Validator(json.loads(path.read_text()), registry=_definitions())


@functools.lru_cache(maxsize=1)
def _definitions() -> Registry:
    base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / f"v{K8S_VERSION}-local"
    defs = json.loads((base / "_definitions.json").read_text())
    return Registry().with_resource(defs["$id"], Resource.from_contents(defs))


def matches(obj: dict[str, Any], labels: str | None, fields: str | None) -> bool:
    have = (obj.get("metadata") or {}).get("labels") or {}
    for term in filter(None, (labels or "").split(",")):
        k, _, v = term.partition("=")
        if have.get(k) != v.lstrip("="):
            return False
    for term in filter(None, (fields or "").split(",")):
        k, _, v = term.partition("=")
        cur: Any = obj
        for part in k.split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        if str(cur) != v.lstrip("="):
            return False
    return True


def ready_status(obj: dict[str, Any]) -> dict[str, Any]:
    if obj["kind"] == "Deployment":
        n = (obj.get("spec") or {}).get("replicas", 1)
        return {"observedGeneration": obj["metadata"].get("generation", 1), "replicas": n, "updatedReplicas": n,
                "readyReplicas": n, "availableReplicas": n,
                "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"}]}
    return {"conditions": [{"type": "Ready", "status": "True"}],
            "url": f"http://{obj['metadata']['name']}.{obj['metadata'].get('namespace')}.example.com"}


def status_body(code: int, reason: str, message: str, causes: list[dict] | None = None) -> dict[str, Any]:
    out = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
           "reason": reason, "code": code}
    if causes:
        out["details"] = {"causes": causes}
    return out
