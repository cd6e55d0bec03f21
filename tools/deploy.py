"""Render, check and apply a recommendation to a target: the one deploy path the agent and the CLI share.

Targets: ``local`` (simulator processes on this machine), ``kserve`` / ``plain`` (a cluster through the kubernetes
client's server-side apply) and ``simulator`` (simulator-mode manifests applied to a cluster). The namespace
allowlist is enforced here and again inside each target's apply path.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import structlog
from pydantic import BaseModel, Field

from k8s import Applier, K8sError, ManifestBundle, RenderOptions, render_bundle, validate_bundle
from k8s.local import LocalTarget
from knowledge.catalog import Catalog
from knowledge.domain import DEFAULT_NAMESPACE, DeploymentSpec, Recommendation
from knowledge.errors import CompassError
from knowledge.settings import KnowledgeSettings

log = structlog.get_logger(__name__)

TARGETS = ("local", "kserve", "plain", "simulator")


class DeployError(CompassError):
    pass


class Applied(BaseModel):
    id: str = Field(description="what `compass deploy stop ID` takes (local) or namespace/name (cluster)")
    target: str
    endpoint: str | None = None
    model_name: str
    detail: str
    time_scale: float = 1.0


def render(rec: Recommendation, spec: DeploymentSpec, catalog: Catalog, *, target: str,
           namespace: str | None = None, name: str | None = None, instance: str | None = None) -> ManifestBundle:
    """``instance`` (the session that deploys) goes into the default name with the configuration, so two
    sessions, or two options of one session, never share a deployment."""
    if target not in TARGETS:
        raise DeployError(f"Unknown deploy target '{target}'; use one of {', '.join(TARGETS)}.")
    manifest_target = "simulator" if target == "local" else target
    options = RenderOptions(target=manifest_target, namespace=namespace or spec.namespace or DEFAULT_NAMESPACE,
                            name=name, instance=instance)
    try:
        bundle = render_bundle(rec, spec, catalog, options)
    except K8sError as exc:
        raise DeployError(str(exc)) from None
    # local runs here, not on a cluster: say what the local target does, not what a cluster would need
    return dataclasses.replace(bundle, summary=tuple(local_summary(bundle))) if target == "local" else bundle


def local_summary(bundle: ManifestBundle) -> list[str]:
    """What approving a local deployment starts (``LocalTarget.deploy``): simulator processes on this machine."""
    p = bundle.plan
    per = p.tensor_parallel * p.data_parallel
    lines = [f"{p.model_id} ({p.precision}): {p.replicas} GPU-free simulator replica(s) on this machine, each timed "
             f"like {per} x {p.gpu}, behind one round-robin endpoint on 127.0.0.1.",
             "Nothing goes to a cluster and no GPU, image or operator is needed; `compass deploy stop ID` (or "
             "`compass deploy list`) stops them."]
    if p.min_replicas != p.max_replicas:
        lines.append(f"Autoscaling is not simulated: the plan's {p.min_replicas}-{p.max_replicas} replicas run as a "
                     f"fixed {p.replicas} here.")
    return lines


def problems(bundle: ManifestBundle, catalog: Catalog, allowed_namespaces: Iterable[str]) -> list[str]:
    report = validate_bundle(bundle, catalog, set(allowed_namespaces))
    return [str(issue) for issue in report.errors]


def target_limits(bundle: ManifestBundle, target: str, allowed_namespaces: Iterable[str]) -> list[str]:
    """What the target cannot run of a valid bundle (the local replica cap), one line each: said before anyone
    is asked to approve, and enforced again when applying."""
    return local_target(allowed_namespaces).problems(bundle) if target == "local" else []


def local_target(allowed_namespaces: Iterable[str]) -> LocalTarget:
    time_scale = float(os.environ.get("COMPASS_LOCAL_TIME_SCALE", "1"))
    return LocalTarget(KnowledgeSettings().home, allowed_namespaces=allowed_namespaces, time_scale=time_scale)


def apply(bundle: ManifestBundle, catalog: Catalog, *, target: str, allowed_namespaces: Iterable[str],
          progress: Callable[[str], None] = lambda _m: None, dry_run: bool = False) -> Applied:
    allowed = set(allowed_namespaces)
    log.info("deploy_apply", target=target, namespace=bundle.namespace, name=bundle.name, dry_run=dry_run,
             allowed=bundle.namespace in allowed)
    if bundle.namespace not in allowed:
        raise DeployError(f"Namespace '{bundle.namespace}' is not on the allowlist ({', '.join(sorted(allowed))}); "
                          "set COMPASS_ALLOWED_NAMESPACES to deploy there.")
    try:
        if target == "local":
            if dry_run:
                return Applied(id=f"{bundle.namespace}-{bundle.name}", target=target, model_name=bundle.plan.model_id,
                               detail="dry run: nothing started")
            dep = local_target(allowed).deploy(bundle, progress=progress)
            return Applied(id=dep.id, target=target, endpoint=dep.endpoint, model_name=dep.model_name,
                           time_scale=dep.time_scale,
                           detail=f"{len(dep.replicas)} simulator replica(s) behind {dep.endpoint}")
        applier = Applier(allowed_namespaces=allowed, kubeconfig=os.environ.get("KUBECONFIG"), catalog=catalog)
        try:
            result = applier.apply(bundle, dry_run=dry_run, progress=lambda p: progress(p.message))
        finally:
            applier.close()
    except K8sError as exc:
        raise DeployError(str(exc)) from None
    if result.error:
        raise DeployError(result.describe())
    return Applied(id=f"{bundle.namespace}/{bundle.name}", target=target, model_name=bundle.plan.model_id,
                   endpoint=os.environ.get("COMPASS_VALIDATE_URL"), detail=result.describe())


def stop_local(deployment_id: str, allowed_namespaces: Iterable[str]) -> bool:
    return local_target(allowed_namespaces).stop(deployment_id)


def write_output(bundle: ManifestBundle, directory: Path) -> list[Path]:
    """A kustomize-ready directory for GitOps instead of applying."""
    return bundle.write_kustomize(directory)
