"""A thin, typed session on one cluster: connect, translate client errors, apply/get/delete, read status.

Everything that talks HTTP goes through ``ClusterSession`` so the error translation (unreachable,
401/403, missing APIs, conflicts) lives in one place. ``k8s.apply.Applier`` orchestrates it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import urllib3
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config
from kubernetes.client.rest import ApiException
from kubernetes.config.config_exception import ConfigException
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import NotFoundError, ResourceNotFoundError

from k8s.bundle import ObjectRef
from k8s.constants import FIELD_MANAGER
from k8s.errors import ClusterAuthError, ClusterUnreachableError, K8sError, KubeconfigError, MissingApiError

# Connect / read timeouts of every request: an unreachable API server must fail in seconds, not hang.
REQUEST_TIMEOUT_S = (5.0, 30.0)
# What to install (or render differently) when the cluster lacks an API group.
MISSING_API_HINTS = {
    "serving.kserve.io": "install KServe, or render with target='plain'",
    "keda.sh": "install KEDA, or render with autoscaler='hpa' or 'none'",
    "monitoring.coreos.com": "install the Prometheus Operator CRDs, or render with monitor='none'",
    "gateway.networking.k8s.io": "install the Gateway API CRDs, or render with exposure='ingress'",
}


class ApiRejectedError(K8sError):
    """The API server answered but refused one object (validation, conflict, admission webhook)."""

    def __init__(self, ref: ObjectRef, status: int, reason: str, message: str, dry_run: bool):
        self.ref, self.status, self.reason, self.api_message = ref, status, reason, message
        phase = "server dry-run of" if dry_run else "apply of"
        hint = ""
        if status == 409:
            hint = (" Another field manager owns these fields (someone edited the object with kubectl or another "
                    "tool); re-apply with force_conflicts=True to take them over, or remove the other manager's "
                    "change.")
        elif status == 404 and "namespaces" in message:
            hint = " Create the namespace first, or render with create_namespace=True."
        super().__init__(f"The API server rejected the {phase} {ref} ({status} {reason}): {message}.{hint}")


@dataclass(frozen=True)
class ClusterEvent:
    type: str
    reason: str
    object: str
    message: str
    count: int
    last_seen: str

    def __str__(self) -> str:
        times = f" (x{self.count})" if self.count > 1 else ""
        return f"{self.type} {self.reason} {self.object}: {self.message}{times}"


def _status_of(e: ApiException) -> tuple[str, str]:
    try:
        body = json.loads(e.body or "{}")
        return str(body.get("reason") or e.reason or ""), str(body.get("message") or e.reason or "")
    except (TypeError, ValueError):
        return str(e.reason or ""), str(e.body or e.reason or "")


class ClusterSession:
    """One connection to the API server. Constructing it sends nothing; ``connect()`` does."""

    def __init__(self, api_client: k8s_client.ApiClient | None = None, *, kubeconfig: str | None = None,
                 context: str | None = None, field_manager: str = FIELD_MANAGER):
        self._api_client, self._kubeconfig, self._context = api_client, kubeconfig, context
        self.field_manager = field_manager
        self._dyn: DynamicClient | None = None
        self._cache_dir: str | None = None

    # ------------------------------------------------------------------ connection

    @property
    def host(self) -> str:
        return self._api_client.configuration.host if self._api_client else "(not connected)"

    def connect(self) -> None:
        if self._dyn is not None:
            return
        if self._api_client is None:
            try:
                self._api_client = k8s_config.new_client_from_config(
                    config_file=self._kubeconfig, context=self._context, persist_config=False)
            except (ConfigException, OSError, TypeError, ValueError) as e:
                raise KubeconfigError(str(e) or type(e).__name__) from e
        # A cheap authenticated request first, with a timeout: discovery below has none. Raw response:
        # some distributions leave VersionInfo fields empty, which the typed model rejects.
        self.call(lambda: k8s_client.VersionApi(self._api_client).get_code(
            _request_timeout=REQUEST_TIMEOUT_S, _preload_content=False))
        # A private discovery cache: the library's default file in /tmp is shared by every process and
        # can describe another cluster that once had the same URL.
        self._cache_dir = tempfile.mkdtemp(prefix="compass-discovery-")
        weakref.finalize(self, shutil.rmtree, self._cache_dir, True)  # removed even without close()
        self._dyn = self.call(lambda: DynamicClient(self._api_client,
                                                    cache_file=str(Path(self._cache_dir) / "discovery.json")))

    def close(self) -> None:
        if self._cache_dir:
            shutil.rmtree(self._cache_dir, ignore_errors=True)
            self._cache_dir = None

    def call(self, fn):
        """Run one client call, turning transport and auth failures into typed errors."""
        try:
            return fn()
        except ApiException as e:
            if e.status in (401, 403):
                raise ClusterAuthError(self.host, e.status, _status_of(e)[1]) from e
            raise
        except (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as e:
            raise ClusterUnreachableError(self.host, _reason(e)) from e
        except ConfigException as e:  # e.g. an exec credential plugin failing on token refresh
            raise KubeconfigError(str(e)) from e

    # ------------------------------------------------------------------ resources

    def resource(self, api_version: str, kind: str):
        assert self._dyn is not None, "connect() first"
        try:
            return self.call(lambda: self._dyn.resources.get(api_version=api_version, kind=kind))
        except ResourceNotFoundError as e:
            group = api_version.split("/")[0] if "/" in api_version else ""
            raise MissingApiError(api_version, kind, MISSING_API_HINTS.get(group, "install the API or "
                                                                              "leave the object out")) from e

    def get(self, ref: ObjectRef) -> dict[str, Any] | None:
        res = self.resource(ref.api_version, ref.kind)
        try:
            obj = self.call(lambda: res.get(name=ref.name, namespace=ref.namespace,
                                            _request_timeout=REQUEST_TIMEOUT_S))
        except NotFoundError:
            return None
        return obj.to_dict()

    def apply(self, ref: ObjectRef, body: dict[str, Any], *, dry_run: bool, force: bool) -> dict[str, Any]:
        res = self.resource(ref.api_version, ref.kind)
        kwargs: dict[str, Any] = {"field_manager": self.field_manager, "_request_timeout": REQUEST_TIMEOUT_S}
        if dry_run:
            kwargs["dry_run"] = "All"
        if force:
            kwargs["force_conflicts"] = "true"
        try:
            out = self.call(lambda: res.server_side_apply(body=body, name=ref.name, namespace=ref.namespace,
                                                          **kwargs))
        except ApiException as e:
            reason, message = _status_of(e)
            raise ApiRejectedError(ref, e.status, reason, message, dry_run) from e
        return out.to_dict()

    def delete(self, ref: ObjectRef) -> bool:
        """True when deleted, False when it was already gone."""
        res = self.resource(ref.api_version, ref.kind)
        try:
            self.call(lambda: res.delete(name=ref.name, namespace=ref.namespace, propagation_policy="Background",
                                         _request_timeout=REQUEST_TIMEOUT_S))
        except NotFoundError:
            return False
        return True

    def list(self, api_version: str, kind: str, namespace: str, label_selector: str | None = None) -> list[dict]:
        res = self.resource(api_version, kind)
        out = self.call(lambda: res.get(namespace=namespace, label_selector=label_selector,
                                        _request_timeout=REQUEST_TIMEOUT_S))
        return [i for i in (out.to_dict().get("items") or [])]

    def events(self, namespace: str, names: set[str], limit: int = 20) -> list[ClusterEvent]:
        """Recent events about the named objects (and pods/replicasets derived from them)."""
        try:
            items = self.list("v1", "Event", namespace)
        except (ApiException, K8sError):
            return []  # events are diagnostics: never let them hide the original failure
        out = []
        for e in items:
            inv = e.get("involvedObject") or {}
            name = str(inv.get("name", ""))
            if not any(name == n or name.startswith(n + "-") for n in names):
                continue
            out.append(ClusterEvent(str(e.get("type", "")), str(e.get("reason", "")),
                                    f"{inv.get('kind', '')}/{name}", str(e.get("message", "")),
                                    int(e.get("count") or 1),
                                    str(e.get("lastTimestamp") or e.get("eventTime") or "")))
        out.sort(key=lambda ev: ev.last_seen)
        return out[-limit:]


def _reason(e: BaseException) -> str:
    inner = getattr(e, "reason", None)
    text = str(inner or e)
    for marker in ("Connection refused", "Name or service not known", "timed out", "CERTIFICATE_VERIFY_FAILED",
                   "No route to host", "Temporary failure in name resolution"):
        if marker.lower() in text.lower():
            return marker.lower()
    return text[:200]
