"""Typed errors of the Kubernetes layer, each with a message a user can act on.

Callers (CLI, API, agent) catch ``K8sError`` and show ``str(error)``; the subclasses let them react
differently (e.g. offer ``--output DIR`` when the cluster is unreachable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported for annotations only (manifest_checks.py imports this module)
    from pathlib import Path

    from k8s.apply import ApplyResult
    from k8s.manifest_checks import ValidationReport


class K8sError(Exception):
    """Base class: something in rendering, validating or applying manifests went wrong."""


class RenderError(K8sError):
    """The plan cannot be turned into manifests (e.g. no checkpoint for the chosen precision)."""


class ManifestValidationError(K8sError):
    """One or more rendered objects failed schema or semantic checks; nothing was sent to a cluster."""

    def __init__(self, report: "ValidationReport"):
        self.report = report
        lines = [f"{len(report.errors)} manifest problem(s); nothing was applied:"]
        lines += [f"  - {issue}" for issue in report.errors[:20]]
        if len(report.errors) > 20:
            lines.append(f"  ... and {len(report.errors) - 20} more")
        super().__init__("\n".join(lines))


class NamespaceNotAllowedError(K8sError):
    """A manifest targets a namespace outside the allowlist; refused before any request is sent."""

    def __init__(self, namespaces: list[str], allowed: list[str]):
        self.namespaces, self.allowed = namespaces, allowed
        shown = ", ".join(allowed) if allowed else "(none)"
        super().__init__(
            f"Namespace(s) {', '.join(namespaces)} not in the allowed list [{shown}]; nothing was sent to the "
            f"cluster. Render into an allowed namespace, or add the namespace to the allowlist on purpose.")


class ClusterUnreachableError(K8sError):
    """The API server could not be reached (DNS, refused connection, TLS, timeout)."""

    def __init__(self, host: str, reason: str):
        self.host, self.reason = host, reason
        super().__init__(
            f"Cannot reach the Kubernetes API at {host} ({reason}). Check that the cluster is running, that "
            f"the kubeconfig context points at it (`kubectl config current-context`) and any VPN/proxy; or "
            f"write the manifests to a directory with --output DIR and apply them later.")


class KubeconfigError(K8sError):
    """No usable kubeconfig/context (missing file, unknown context, broken exec plugin)."""

    def __init__(self, detail: str):
        super().__init__(
            f"No usable Kubernetes credentials: {detail}. Point KUBECONFIG at a valid file or pass the "
            f"context name; `kubectl config get-contexts` lists them.")


class ClusterAuthError(K8sError):
    """The API server rejected the credentials (401) or the identity lacks permissions (403)."""

    def __init__(self, host: str, status: int, detail: str = ""):
        self.host, self.status = host, status
        if status == 401:
            msg = (f"The Kubernetes API at {host} rejected the credentials (401 Unauthorized): the kubeconfig "
                   f"token or certificate is expired or invalid. Log in again (e.g. refresh your cloud CLI "
                   f"credentials) and retry; `kubectl get ns` tells you when it works.")
        else:
            msg = (f"The Kubernetes API at {host} refused the request (403 Forbidden){': ' + detail if detail else ''}. "
                   f"Ask for RBAC rights to create these objects in the namespace, or apply with an account "
                   f"that has them.")
        super().__init__(msg)


class MissingApiError(K8sError):
    """The cluster does not serve a kind the bundle needs (e.g. KEDA or KServe not installed)."""

    def __init__(self, api_version: str, kind: str, hint: str):
        self.api_version, self.kind = api_version, kind
        super().__init__(f"The cluster does not serve {kind} ({api_version}): {hint}")


class ApplyFailedError(K8sError):
    """Applying (or waiting for readiness) failed; ``result`` reports what was applied and rolled back."""

    def __init__(self, message: str, result: "ApplyResult"):
        self.result = result
        super().__init__(message + "\n" + result.describe())


class OutputConflictError(K8sError):
    """The output directory holds files of the names Compass writes that Compass did not write (or that were edited
    since): writing would lose them, so nothing was written."""

    def __init__(self, directory: "Path", names: list[str]):
        self.directory, self.names = directory, names
        if not names:
            super().__init__(f"{directory} is a file, not a directory; nothing was written")
            return
        super().__init__(f"{directory} already holds {', '.join(names)}, which Compass did not write; nothing was "
                         f"written (choose another directory, or overwrite them with --force)")
