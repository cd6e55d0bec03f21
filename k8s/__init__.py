"""The Kubernetes layer: plan -> manifests -> validation -> server-side apply.

Entry points (see docs/k8s.md):
  render_bundle(recommendation, spec, catalog, RenderOptions(...)) -> ManifestBundle
  validate_bundle(bundle, catalog, allowed_namespaces) -> ValidationReport
  Applier(api_client | kubeconfig=..., allowed_namespaces=...).apply(bundle, dry_run=False, progress=cb)
  ManifestBundle.write_kustomize(directory, force=False)  # GitOps instead of applying; never over the user's files
Imports only knowledge/ (never tools/, agent/, cli/, api/). The kubernetes client is imported lazily,
so rendering and validating work without touching it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k8s.bundle import Manifest, ManifestBundle, ObjectRef, PlanInfo
from k8s.errors import (
    ApplyFailedError, ClusterAuthError, ClusterUnreachableError, K8sError, KubeconfigError, ManifestValidationError,
    MissingApiError, NamespaceNotAllowedError, OutputConflictError, RenderError,
)
from k8s.options import RenderOptions
from k8s.render import render_bundle
from k8s.manifest_checks import ValidationIssue, ValidationReport, validate_bundle, validate_manifests

if TYPE_CHECKING:
    from k8s.apply import Applier, ApplyProgress, ApplyResult, DeleteResult

_LAZY = {"Applier", "ApplyProgress", "ApplyResult", "DeleteResult"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from k8s import apply

        return getattr(apply, name)
    raise AttributeError(name)


__all__ = [
    "Applier", "ApplyFailedError", "ApplyProgress", "ApplyResult", "ClusterAuthError", "ClusterUnreachableError",
    "DeleteResult", "K8sError", "KubeconfigError", "Manifest", "ManifestBundle", "ManifestValidationError",
    "MissingApiError", "NamespaceNotAllowedError", "ObjectRef", "OutputConflictError", "PlanInfo", "RenderError", "RenderOptions",
    "ValidationIssue", "ValidationReport", "render_bundle", "validate_bundle", "validate_manifests",
]
