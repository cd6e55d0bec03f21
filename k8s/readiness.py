"""Is a workload up yet? Reads Deployment / InferenceService status and their pods' container states.

A pod that cannot start (bad image, missing Secret, crash loop) fails the wait at once instead of
running out the clock; an unschedulable pod only waits (a cluster autoscaler may still add a GPU node).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from k8s.bundle import ObjectRef
from k8s.cluster import ClusterSession

# Container waiting reasons that do not heal by waiting.
FATAL_WAITING = frozenset({"ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError",
                           "CreateContainerError", "CrashLoopBackOff"})


@dataclass(frozen=True)
class WorkloadState:
    ref: ObjectRef
    ready: bool
    failed: bool
    message: str


def workload_state(session: ClusterSession, ref: ObjectRef, namespace: str, pod_selector: str) -> WorkloadState:
    live = session.get(ref)
    if live is None:
        return WorkloadState(ref, False, True, f"{ref} disappeared")
    pods = session.list("v1", "Pod", namespace, label_selector=pod_selector)
    fatal = _fatal_pod(pods)
    if fatal:
        return WorkloadState(ref, False, True, fatal)
    if ref.kind == "Deployment":
        ready, message = _deployment_ready(live)
    else:
        ready, message = _condition_ready(live)
    if not ready:
        pending = _unschedulable(pods)
        if pending:
            message += f"; {pending}"
    return WorkloadState(ref, ready, False, f"{ref}: {message}")


def _deployment_ready(obj: dict[str, Any]) -> tuple[bool, str]:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    want = spec.get("replicas", 1)
    generation = (obj.get("metadata") or {}).get("generation", 0)
    for c in status.get("conditions") or []:
        if c.get("type") == "Progressing" and c.get("reason") == "ProgressDeadlineExceeded":
            return False, f"rollout stalled ({c.get('message', '')})"
    available = status.get("availableReplicas") or 0
    updated = status.get("updatedReplicas") or 0
    if status.get("observedGeneration", 0) >= generation and updated >= want and available >= want:
        return True, f"{available}/{want} replica(s) available"
    return False, f"{available}/{want} replica(s) available, {updated} updated"


def _condition_ready(obj: dict[str, Any]) -> tuple[bool, str]:
    for c in (obj.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            if c.get("status") == "True":
                return True, "Ready"
            return False, f"not ready ({c.get('reason') or ''} {c.get('message') or ''})".strip()
    return False, "no status yet"


def _fatal_pod(pods: list[dict[str, Any]]) -> str | None:
    for pod in pods:
        status = pod.get("status") or {}
        for cs in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []):
            waiting = (cs.get("state") or {}).get("waiting") or {}
            if waiting.get("reason") in FATAL_WAITING:
                name = (pod.get("metadata") or {}).get("name", "?")
                return f"pod {name}: {waiting['reason']}: {waiting.get('message', '')}".rstrip(": ")
    return None


def _unschedulable(pods: list[dict[str, Any]]) -> str | None:
    for pod in pods:
        for c in (pod.get("status") or {}).get("conditions") or []:
            if c.get("type") == "PodScheduled" and c.get("status") == "False" and c.get("reason") == "Unschedulable":
                return f"pod {(pod.get('metadata') or {}).get('name', '?')} unschedulable: {c.get('message', '')}"
    return None
