"""Render, check, apply and validate a recommendation on a target: the one deploy path the agent and the CLI share.

Targets: ``local`` (simulator processes on this machine), ``kserve`` / ``plain`` (a cluster through the kubernetes
client's server-side apply) and ``simulator`` (simulator-mode manifests applied to a cluster). The namespace
allowlist is enforced here and again inside each target's apply path.

One hand-off: ``prepare`` renders the manifests once and checks them; the conversation keeps that bundle and its
digest, shows it for approval, and ``apply_approved`` applies exactly that bundle (never a new rendering), after
checking it still has the digest that was approved.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from pydantic import BaseModel, Field

from k8s import Applier, K8sError, ManifestBundle, RenderOptions, render_bundle, validate_bundle
from k8s.local import LocalTarget
from k8s.options import namespace_problem
from knowledge.catalog import Catalog
from knowledge.domain import DEFAULT_NAMESPACE, DeploymentOutcome, DeploymentSpec, Recommendation
from knowledge.errors import CompassError
from knowledge.settings import KnowledgeSettings

if TYPE_CHECKING:
    from tools.planner import WorkloadSummary

log = structlog.get_logger(__name__)

TARGETS = ("local", "kserve", "plain", "simulator")


class DeployError(CompassError):
    pass


class InvalidDeployInputError(DeployError):
    """What the user asked for cannot be deployed as asked (a namespace that is no Kubernetes name): exit 2."""

    exit_code = 2


class OutputRefusedError(DeployError):
    """Writing the --output directory would replace the user's own files (a usage error: exit 2)."""

    exit_code = 2


class DeploymentUnavailableError(DeployError):
    """The configured target cannot be reached from this process (no cluster configured)."""


def available(target: str) -> str | None:
    """None when ``target`` can deploy from here, else why not (the local target always can)."""
    if target == "local":
        return None
    if os.environ.get("KUBECONFIG") or os.environ.get("KUBERNETES_SERVICE_HOST") or \
            os.path.exists(os.path.expanduser("~/.kube/config")):
        return None
    return (f"the '{target}' target needs a cluster: set KUBECONFIG (or run in a pod), or use the local target "
            "(COMPASS_DEPLOY_TARGET=local)")


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A deployment rendered once, with what stands in its way: what a user is asked to approve. ``problems``:
    validation errors and target limits, one line each; ``limits``: those that are the target's limits (valid
    manifests this target will not run), not validation failures."""

    bundle: ManifestBundle
    problems: list[str] = dataclasses.field(default_factory=list)
    limits: list[str] = dataclasses.field(default_factory=list)


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
    chosen_namespace = namespace or spec.namespace or DEFAULT_NAMESPACE
    if problem := namespace_problem(chosen_namespace):
        raise InvalidDeployInputError(problem)
    try:
        options = RenderOptions(target=manifest_target, namespace=chosen_namespace, name=name, instance=instance)
        bundle = render_bundle(rec, spec, catalog, options)
    except K8sError as exc:
        raise DeployError(str(exc)) from None
    # local runs here, not on a cluster: say what the local target does, not what a cluster would need
    return dataclasses.replace(bundle, summary=tuple(local_summary(bundle))) if target == "local" else bundle


def prepare(rec: Recommendation, spec: DeploymentSpec, catalog: Catalog, *, target: str,
            allowed_namespaces: Iterable[str], instance: str | None = None) -> Prepared:
    """Render once and check: the bundle, the validation problems and the target's limits."""
    bundle = render(rec, spec, catalog, target=target, instance=instance)
    limits = target_limits(bundle, target, allowed_namespaces)
    return Prepared(bundle=bundle, problems=problems(bundle, catalog, allowed_namespaces) + limits, limits=limits)


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


def apply_approved(bundle: ManifestBundle | None, digest: str | None, catalog: Catalog, *, target: str,
                   allowed_namespaces: Iterable[str], progress: Callable[[str], None] = lambda _m: None) -> Applied:
    """Apply the bundle a user approved, as it is: it must still have the digest the approval named."""
    if bundle is None or digest is None:
        raise DeployError("No approved manifests are stored for this deployment; ask to deploy again to review them.")
    if bundle.digest != digest:
        raise DeployError(f"The manifests are not the ones approved ({bundle.digest[:19]}... is not "
                          f"{digest[:19]}...); nothing was applied. Ask to deploy again to review them.")
    reason = available(target)
    if reason:
        raise DeploymentUnavailableError(reason)
    return apply(bundle, catalog, target=target, allowed_namespaces=allowed_namespaces, progress=progress)


def validate(endpoint: str | None, model_name: str, spec: DeploymentSpec, rec: Recommendation,
             workload: WorkloadSummary, *, target: str, time_scale: float = 1.0,
             progress: Callable[[str], None] = lambda _m: None, catalog: Catalog | None = None) -> DeploymentOutcome:
    """Load-test a running deployment at the plan's peak with its request lengths, against the spec's SLOs.
    ``catalog``: the one the plan was made with (what a test of this size reads on the model is simulated on it;
    default: the shipped catalog files)."""
    # imported here: `compass deploy list|stop` and the apply path stay light (no load generator, no planner)
    from tools.validation import ValidationLoad
    from tools.validation import validate as validate_endpoint

    if not endpoint:
        raise CompassError("The deployment has no endpoint reachable from here; set COMPASS_VALIDATE_URL (for "
                           "example a port-forward to the service) and ask me to validate it.")
    load = ValidationLoad(rps=workload.peak_rps, prompt_tokens=workload.prompt_tokens,
                          output_tokens=workload.output_tokens, prompt_tokens_p90=workload.prompt_tokens_p90,
                          output_tokens_p90=workload.output_tokens_p90, burstiness_cv=workload.burstiness_cv,
                          max_model_len=rec.config.max_model_len)
    duration = float(os.environ.get("COMPASS_VALIDATE_DURATION_S", "20"))
    return validate_endpoint(endpoint, model_name, spec, rec, load, target=target, duration_s=duration,
                             time_scale=time_scale, progress=progress, catalog=catalog)


def stop_local(deployment_id: str, allowed_namespaces: Iterable[str]) -> bool:
    return local_target(allowed_namespaces).stop(deployment_id)


def write_output(bundle: ManifestBundle, directory: Path, *, force: bool = False) -> list[Path]:
    """A kustomize-ready directory for GitOps instead of applying; never over files Compass did not write there
    unless ``force``."""
    try:
        return bundle.write_kustomize(directory, force=force)
    except K8sError as exc:
        raise OutputRefusedError(str(exc)) from None
