"""KubernetesApiDouble: a small real HTTP server that speaks enough of the Kubernetes API for the real
``kubernetes`` Python client (DynamicClient included) to apply, read and delete Compass's objects.

Implemented: /version; discovery (/api, /apis, /api/v1, /apis/<group>/<version> resource lists for the
kinds Compass renders plus Pods and Events); GET / LIST (labelSelector and involvedObject.* /
metadata.name field selectors) / DELETE (a Namespace takes its objects with it) / POST create; PATCH
with ``application/apply-patch+yaml`` = server-side apply (``tests/k8s/ssa.py``: managedFields per field
manager, conflicts unless ``force=true``); ``dryRun=All`` (validated, nothing stored); bearer-token auth
(401 otherwise); schema validation of built-in kinds (kubernetes-validate, 422 Invalid); namespaces must
exist (404). Test hooks: ``fail_on`` (inject an error for one object), ``make_ready`` / ``auto_ready``
(status), ``add_pod`` (container states, unschedulable), ``emit_event``, ``seed`` (objects owned by
another manager), and ``requests`` (every request received, to assert that nothing was sent).
Not implemented: watch, PUT, JSON/merge patches, subresources other than status, admission webhooks.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml
from kubernetes import client as k8s_client

from tests.k8s import ssa
from tests.k8s.api_semantics import (
    DEFAULT_KINDS, K8S_VERSION, ApiError, KindInfo, matches, now, ready_status, status_body, validate_object,
    without_server_fields,
)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    content_type: str | None

    @property
    def dry_run(self) -> bool:
        return self.query.get("dryRun") == "All"


@dataclass
class _Failure:
    method: str
    kind: str
    name: str
    status: int
    message: str
    dry_run: bool | None
    times: int


@dataclass
class _Stored:
    obj: dict[str, Any]
    owners: dict[str, set] = field(default_factory=dict)


class KubernetesApiDouble:
    """Start with ``with KubernetesApiDouble() as api:``; ``api.api_client()`` is a real client for it."""

    def __init__(self, token: str = "test-token", kinds: tuple[KindInfo, ...] = DEFAULT_KINDS,
                 auto_ready: bool = True):
        self.token = token
        self.kinds = kinds
        self.auto_ready = auto_ready
        self.requests: list[RecordedRequest] = []
        self._store: dict[tuple[str, str | None, str], _Stored] = {}  # (kind, namespace, name)
        self._failures: list[_Failure] = []
        self._lock = threading.RLock()
        self._rv = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}, manager="kube")

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> "KubernetesApiDouble":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> None:
        handler = type("Handler", (_Handler,), {"double": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def api_client(self, token: str | None = None) -> k8s_client.ApiClient:
        cfg = k8s_client.Configuration(host=self.url)
        cfg.api_key = {"authorization": f"Bearer {token or self.token}"}
        cfg.retries = 0  # an unreachable double must fail at once, not after urllib3's retries
        return k8s_client.ApiClient(cfg)

    def kubeconfig(self, path: str, token: str | None = None) -> str:
        doc = {"apiVersion": "v1", "kind": "Config", "current-context": "double",
               "clusters": [{"name": "double", "cluster": {"server": self.url}}],
               "users": [{"name": "tester", "user": {"token": token or self.token}}],
               "contexts": [{"name": "double", "context": {"cluster": "double", "user": "tester"}}]}
        with open(path, "w") as f:
            yaml.safe_dump(doc, f)
        return path

    # ------------------------------------------------------------------ test hooks

    def seed(self, obj: dict[str, Any], manager: str = "kubectl") -> dict[str, Any]:
        """Store an object as if ``manager`` had applied it (e.g. to provoke ownership conflicts)."""
        info = self._kind(obj["apiVersion"], obj["kind"])
        ns = obj["metadata"].get("namespace") if info.namespaced else None
        with self._lock:
            return self._apply(info, ns, obj["metadata"]["name"], obj, manager, force=True, dry_run=False)

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        with self._lock:
            s = self._store.get((kind, namespace, name))
            return copy.deepcopy(s.obj) if s else None

    def objects(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [copy.deepcopy(s.obj) for (k, _, _), s in self._store.items() if kind in (None, k)]

    def writes(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method in ("PATCH", "POST", "PUT", "DELETE")]

    def fail_on(self, kind: str, name: str, *, method: str = "PATCH", status: int = 500,
                message: str = "injected failure", dry_run: bool | None = None, times: int = 1) -> None:
        """The next ``times`` matching requests fail with ``status`` (dry_run None: both kinds)."""
        self._failures.append(_Failure(method, kind, name, status, message, dry_run, times))

    def make_ready(self, kind: str, name: str, namespace: str) -> None:
        with self._lock:
            s = self._store[(kind, namespace, name)]
            s.obj["status"] = ready_status(s.obj)

    def set_status(self, kind: str, name: str, namespace: str, status: dict[str, Any]) -> None:
        with self._lock:
            self._store[(kind, namespace, name)].obj["status"] = copy.deepcopy(status)

    def add_pod(self, namespace: str, name: str, labels: dict[str, str], *, waiting_reason: str | None = None,
                message: str = "", unschedulable: bool = False) -> None:
        status: dict[str, Any] = {"phase": "Pending"}
        if waiting_reason:
            status["containerStatuses"] = [{"name": "server", "ready": False, "restartCount": 3, "image": "x",
                                            "imageID": "", "state": {"waiting": {"reason": waiting_reason,
                                                                                 "message": message}}}]
        if unschedulable:
            status["conditions"] = [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                     "message": message or "0/3 nodes are available: insufficient nvidia.com/gpu"}]
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace, "labels": labels},
               "spec": {"containers": [{"name": "server", "image": "x"}]}}
        self.seed(pod, manager="kubelet")
        self.set_status("Pod", name, namespace, status)

    def emit_event(self, namespace: str, kind: str, name: str, reason: str, message: str,
                   type_: str = "Warning") -> None:
        event = {"apiVersion": "v1", "kind": "Event",
                 "metadata": {"name": f"{name}.{uuid.uuid4().hex[:8]}", "namespace": namespace},
                 "involvedObject": {"kind": kind, "name": name, "namespace": namespace},
                 "reason": reason, "message": message, "type": type_, "count": 1,
                 "firstTimestamp": now(), "lastTimestamp": now()}
        self.seed(event, manager="kubelet")

    # ------------------------------------------------------------------ API semantics

    def _kind(self, api_version: str, kind: str) -> KindInfo:
        for k in self.kinds:
            if k.api_version == api_version and k.kind == kind:
                return k
        raise ApiError(404, "NotFound", f"the server could not find the requested resource ({kind} {api_version})")

    def _next_rv(self) -> str:
        self._rv += 1
        return str(self._rv)

    def _apply(self, info: KindInfo, ns: str | None, name: str, body: dict[str, Any], manager: str,
               force: bool, dry_run: bool) -> dict[str, Any]:
        if body.get("apiVersion") != info.api_version or body.get("kind") != info.kind:
            raise ApiError(400, "BadRequest", f"apiVersion/kind {body.get('apiVersion')}/{body.get('kind')} do not "
                                              f"match the URL ({info.api_version}/{info.kind})")
        meta = body.get("metadata") or {}
        if meta.get("name") != name:
            raise ApiError(400, "BadRequest", f"the name of the object ({meta.get('name')}) does not match the URL ({name})")
        if info.namespaced and meta.get("namespace") not in (None, ns):
            raise ApiError(400, "BadRequest", "the namespace of the object does not match the URL")
        if info.namespaced and ("Namespace", None, ns) not in self._store:
            raise ApiError(404, "NotFound", f'namespaces "{ns}" not found')
        key = (info.kind, ns, name)
        current = self._store.get(key)
        try:
            merged, owners = ssa.apply(current.obj if current else None, current.owners if current else {},
                                       body, manager, force)
        except ssa.Conflict as e:
            causes = [{"reason": "FieldManagerConflict", "message": f'conflict with "{m}"',
                       "field": "." + ssa._dotted(p)} for m, p in e.conflicts]
            raise ApiError(409, "Conflict", str(e), causes) from e
        merged = self._server_fields(info, ns, name, merged, current, owners)
        validate_object(info, name, merged)  # the API server validates the merged object, not the request
        if not dry_run:
            self._store[key] = _Stored(merged, owners)
            if self.auto_ready and info.kind in ("Deployment", "InferenceService"):
                merged["status"] = ready_status(merged)
        return copy.deepcopy(merged)

    def _server_fields(self, info: KindInfo, ns: str | None, name: str, merged: dict[str, Any],
                       current: _Stored | None, owners: dict[str, set]) -> dict[str, Any]:
        meta = merged.setdefault("metadata", {})
        meta["name"] = name
        if ns:
            meta["namespace"] = ns
        old_meta = (current.obj.get("metadata") if current else None) or {}
        meta["uid"] = old_meta.get("uid") or str(uuid.uuid4())
        meta["creationTimestamp"] = old_meta.get("creationTimestamp") or now()
        old_spec = current.obj.get("spec") if current else None
        changed = current is None or without_server_fields(current.obj) != without_server_fields(merged)
        meta["resourceVersion"] = self._next_rv() if changed else old_meta.get("resourceVersion")
        meta["generation"] = 1 if current is None else old_meta.get("generation", 1) + (merged.get("spec") != old_spec)
        meta["managedFields"] = [{"manager": m, "operation": "Apply", "apiVersion": info.api_version, "time": now(),
                                  "fieldsType": "FieldsV1", "fieldsV1": ssa.fields_v1(p)} for m, p in owners.items()]
        if current and "status" in current.obj:
            merged["status"] = current.obj["status"]
        if info.kind == "Deployment":
            merged.setdefault("spec", {}).setdefault("replicas", 1)  # API server defaulting
        return merged

    def _delete(self, info: KindInfo, ns: str | None, name: str) -> dict[str, Any]:
        key = (info.kind, ns, name)
        if key not in self._store:
            raise ApiError(404, "NotFound", f'{info.plural} "{name}" not found')
        obj = self._store.pop(key).obj
        if info.kind == "Namespace":
            for k in [k for k in self._store if k[1] == name]:
                del self._store[k]
        return obj

    def _list(self, info: KindInfo, ns: str | None, query: dict[str, str]) -> dict[str, Any]:
        items = [copy.deepcopy(s.obj) for (kind, n, _), s in sorted(self._store.items(), key=lambda kv: str(kv[0]))
                 if kind == info.kind and (ns is None or n == ns)]
        items = [i for i in items if matches(i, query.get("labelSelector"), query.get("fieldSelector"))]
        return {"apiVersion": info.api_version, "kind": f"{info.kind}List",
                "metadata": {"resourceVersion": str(self._rv)}, "items": items}

    def _fail(self, method: str, kind: str, name: str, dry_run: bool) -> None:
        for f in self._failures:
            if f.times > 0 and f.method == method and f.kind == kind and f.name == name and \
                    f.dry_run in (None, dry_run):
                f.times -= 1
                reason = {409: "Conflict", 422: "Invalid", 403: "Forbidden"}.get(f.status, "InternalError")
                raise ApiError(f.status, reason, f.message)

    # ------------------------------------------------------------------ routing

    def handle(self, method: str, raw_path: str, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
        parts = urlsplit(raw_path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.requests.append(RecordedRequest(method, parts.path, query, headers.get("Content-Type")))
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, status_body(401, "Unauthorized", "Unauthorized")
        try:
            with self._lock:
                return self._route(method, parts.path.rstrip("/"), query, headers, body)
        except ApiError as e:
            return e.code, status_body(e.code, e.reason, e.message, e.causes)

    def _route(self, method: str, path: str, query: dict[str, str], headers: Any,
               body: bytes) -> tuple[int, dict[str, Any]]:
        if path == "/version":
            major, minor, _ = K8S_VERSION.split(".")
            return 200, {"major": major, "minor": minor, "gitVersion": f"v{K8S_VERSION}", "gitCommit": "0" * 40,
                         "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.25",
                         "compiler": "gc", "platform": "linux/amd64"}
        if path == "/api":
            return 200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
        if path == "/apis":
            return 200, self._group_list()
        m = re.fullmatch(r"/(?:api/(?P<cv>v1)|apis/(?P<g>[^/]+)/(?P<v>[^/]+))(?P<rest>/.*)?", path)
        if not m:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        group, version = (m["g"], m["v"]) if m["g"] else ("", m["cv"])
        if not m["rest"]:
            return 200, self._resource_list(group, version)
        segs = m["rest"].strip("/").split("/")
        ns = None
        if segs[0] == "namespaces" and len(segs) >= 3:
            ns, segs = segs[1], segs[2:]
        info = next((k for k in self.kinds if (k.group, k.version, k.plural) == (group, version, segs[0])), None)
        if info is None:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        name = segs[1] if len(segs) > 1 else None
        dry_run = query.get("dryRun") == "All"
        if name and method in ("PATCH", "DELETE"):
            self._fail(method, info.kind, name, dry_run)
        if method == "GET" and not name:
            return 200, self._list(info, ns, query)
        if method == "GET":
            s = self._store.get((info.kind, ns if info.namespaced else None, name))
            if not s:
                raise ApiError(404, "NotFound", f'{info.plural}.{info.group or "core"} "{name}" not found')
            return 200, copy.deepcopy(s.obj)
        if method == "PATCH" and name:
            if "apply-patch" not in (headers.get("Content-Type") or ""):
                raise ApiError(415, "UnsupportedMediaType", "only application/apply-patch+yaml is implemented")
            if not query.get("fieldManager"):
                raise ApiError(400, "BadRequest", "PATCH, application/apply-patch+yaml requires fieldManager")
            doc = yaml.safe_load(body.decode() or "{}")
            existed = (info.kind, ns if info.namespaced else None, name) in self._store
            out = self._apply(info, ns if info.namespaced else None, name, doc, query["fieldManager"],
                              query.get("force") == "true", dry_run)
            return (200 if existed or dry_run else 201), out
        if method == "POST" and not name:
            doc = json.loads(body.decode() or "{}")
            n = (doc.get("metadata") or {}).get("name", "")
            if (info.kind, ns if info.namespaced else None, n) in self._store:
                raise ApiError(409, "AlreadyExists", f'{info.plural} "{n}" already exists')
            return 201, self._apply(info, ns if info.namespaced else None, n, doc, "python-client", True, dry_run)
        if method == "DELETE" and name:
            if dry_run:
                return 200, self.get(info.kind, name, ns if info.namespaced else None) or {}
            return 200, self._delete(info, ns if info.namespaced else None, name)
        raise ApiError(405, "MethodNotAllowed", f"{method} is not implemented by the double")

    def _group_list(self) -> dict[str, Any]:
        groups: dict[str, list[str]] = {}
        for k in self.kinds:
            if k.group and k.version not in groups.setdefault(k.group, []):
                groups[k.group].append(k.version)
        out = []
        for g, versions in groups.items():
            entries = [{"groupVersion": f"{g}/{v}", "version": v} for v in versions]
            out.append({"name": g, "versions": entries, "preferredVersion": entries[0]})
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": out}

    def _resource_list(self, group: str, version: str) -> dict[str, Any]:
        resources = []
        for k in self.kinds:
            if (k.group, k.version) != (group, version):
                continue
            verbs = ["create", "delete", "get", "list", "patch", "update", "watch"]
            resources.append({"name": k.plural, "singularName": k.kind.lower(), "namespaced": k.namespaced,
                              "kind": k.kind, "verbs": verbs})
            resources.append({"name": f"{k.plural}/status", "singularName": "", "namespaced": k.namespaced,
                              "kind": k.kind, "verbs": ["get", "patch", "update"]})
        if not resources:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{group}/{version}".lstrip("/"),
                "resources": resources}


class _Handler(BaseHTTPRequestHandler):
    double: KubernetesApiDouble
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output quiet
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        code, payload = self.double.handle(self.command, self.path, self.headers, body)
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PATCH = do_POST = do_DELETE = do_PUT = _serve
