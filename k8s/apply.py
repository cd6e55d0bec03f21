"""Apply a ManifestBundle with server-side apply: allowlist, validation, server dry-run, apply, wait, rollback.

Order of a real apply, each step only if the previous one passed:
  1. every object's namespace is on the allowlist (checked here, before any request),
  2. schema + semantic validation (``k8s.manifest_checks``), still without a request,
  3. connect, resolve every kind (a missing API fails before anything is written),
  4. server dry-run (dryRun=All) of every object,
  5. server-side apply in bundle order (field manager "compass"),
  6. wait until the workloads are ready, failing fast on pods that cannot start.
A failure after step 4 deletes what this apply created (objects that existed before are left as they
are now and listed in the report).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Literal

from k8s.bundle import ManifestBundle, ObjectRef
from k8s.cluster import ApiRejectedError, ClusterEvent, ClusterSession
from k8s.constants import FIELD_MANAGER, LABEL_INSTANCE, LABEL_MANAGED_BY
from k8s.errors import ApplyFailedError, K8sError, NamespaceNotAllowedError
from k8s.readiness import WorkloadState, workload_state
from k8s.manifest_checks import validate_bundle
from knowledge.catalog import Catalog

Stage = Literal["preflight", "dry-run", "apply", "wait", "rollback", "delete"]


@dataclass(frozen=True)
class ApplyProgress:
    stage: Stage
    message: str
    ref: ObjectRef | None = None
    done: int = 0
    total: int = 0


ProgressCallback = Callable[[ApplyProgress], None]


@dataclass(frozen=True)
class AppliedObject:
    ref: ObjectRef
    action: Literal["created", "configured", "unchanged", "would create", "would configure", "skipped"]


@dataclass
class ApplyResult:
    dry_run: bool
    applied: list[AppliedObject] = field(default_factory=list)
    ready: bool | None = None  # None: not waited for
    failed: ObjectRef | None = None
    error: str | None = None
    rolled_back: list[ObjectRef] = field(default_factory=list)
    rollback_errors: list[str] = field(default_factory=list)
    events: list[ClusterEvent] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def created(self) -> list[ObjectRef]:
        return [a.ref for a in self.applied if a.action == "created"]

    @property
    def left_in_cluster(self) -> list[AppliedObject]:
        """What this apply wrote that is still there (the partial state after a failure)."""
        gone = set(self.rolled_back)
        return [a for a in self.applied if a.action in ("created", "configured", "unchanged") and a.ref not in gone]

    def describe(self) -> str:
        lines = [f"{'Dry run' if self.dry_run else 'Apply'}: {len(self.applied)} object(s) processed."]
        lines += [f"  {a.action}: {a.ref}" for a in self.applied]
        if self.rolled_back:
            lines.append("Rolled back (deleted): " + ", ".join(map(str, self.rolled_back)))
        if self.rollback_errors:
            lines += ["Rollback problems:"] + [f"  {e}" for e in self.rollback_errors]
        left = self.left_in_cluster if self.error else []
        if left:
            lines.append("Still in the cluster: " + ", ".join(f"{a.ref} ({a.action})" for a in left))
        if self.events:
            lines += ["Recent events:"] + [f"  {e}" for e in self.events]
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass
class DeleteResult:
    deleted: list[ObjectRef] = field(default_factory=list)
    missing: list[ObjectRef] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Applier:
    """Applies bundles to one cluster, only into ``allowed_namespaces``."""

    def __init__(self, api_client=None, *, allowed_namespaces: Collection[str], kubeconfig: str | None = None,
                 context: str | None = None, catalog: Catalog | None = None, field_manager: str = FIELD_MANAGER,
                 timeout_s: float = 1800.0, poll_interval_s: float = 5.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.allowed_namespaces = frozenset(allowed_namespaces)
        self.catalog = catalog
        self.timeout_s, self.poll_interval_s = timeout_s, poll_interval_s
        self._clock, self._sleep = clock, sleep
        self.session = ClusterSession(api_client, kubeconfig=kubeconfig, context=context,
                                      field_manager=field_manager)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "Applier":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ apply

    def apply(self, bundle: ManifestBundle, *, dry_run: bool = False, wait: bool = True,
              progress: ProgressCallback | None = None, force_conflicts: bool = False,
              rollback_on_failure: bool = True) -> ApplyResult:
        emit = progress or (lambda _p: None)
        self._check_allowlist(bundle)
        validate_bundle(bundle, self.catalog, self.allowed_namespaces).raise_for_errors()
        emit(ApplyProgress("preflight", f"connecting to the cluster for {len(bundle.manifests)} object(s)"))
        s = self.session
        s.connect()
        for ref in bundle.refs:  # every kind resolvable before the first write
            s.resource(ref.api_version, ref.kind)
        result = ApplyResult(dry_run=dry_run)
        try:
            self._dry_run_all(bundle, result, emit, force_conflicts)
            if dry_run:
                return result
            self._apply_all(bundle, result, emit, force_conflicts)
            if wait:
                self._wait(bundle, result, emit)
        except K8sError as e:
            if result.error is None:
                result.error = str(e)
            if rollback_on_failure and result.created:
                self._rollback(result, emit)
            if isinstance(e, ApplyFailedError):
                raise
            raise ApplyFailedError(str(e), result) from e
        return result

    def _check_allowlist(self, bundle: ManifestBundle) -> None:
        outside = sorted(ns for ns in bundle.namespaces if ns not in self.allowed_namespaces)
        missing = [str(r) for r in bundle.refs if r.kind != "Namespace" and not r.namespace]
        if missing:
            outside.append("(none) for " + ", ".join(missing))
        if outside:
            raise NamespaceNotAllowedError(outside, sorted(self.allowed_namespaces))

    def _dry_run_all(self, bundle: ManifestBundle, result: ApplyResult, emit: ProgressCallback,
                     force: bool) -> None:
        s, total = self.session, len(bundle.manifests)
        pending_namespaces: set[str] = set()
        for i, m in enumerate(bundle.manifests, 1):
            ref = m.ref
            before = s.get(ref)
            if ref.kind == "Namespace" and before is not None and not _compass_managed(before):
                # Never take over someone else's namespace: labelling it as ours would let a later
                # delete() remove it with everything in it.
                result.applied.append(AppliedObject(ref, "skipped"))
                result.warnings.append(f"{ref} already exists and is not managed by Compass: left unchanged")
                continue
            if ref.kind == "Namespace" and before is None:
                if result.dry_run:
                    pending_namespaces.add(ref.name)
                else:
                    # Objects cannot be dry-run into a namespace that does not exist: create it for real
                    # (recorded, so a failed dry run below deletes it again).
                    s.apply(ref, m.obj, dry_run=False, force=force)
                    result.applied.append(AppliedObject(ref, "created"))
                    emit(ApplyProgress("dry-run", f"created {ref} so the rest can be dry-run", ref, i, total))
                    continue
            if ref.namespace in pending_namespaces:
                result.applied.append(AppliedObject(ref, "skipped"))
                result.warnings.append(f"{ref} not dry-run: namespace {ref.namespace} does not exist yet")
                continue
            try:
                s.apply(ref, m.obj, dry_run=True, force=force)
            except ApiRejectedError:
                result.failed = ref
                raise
            result.applied.append(AppliedObject(ref, "would create" if before is None else "would configure"))
            emit(ApplyProgress("dry-run", f"server dry-run passed: {ref}", ref, i, total))

    def _apply_all(self, bundle: ManifestBundle, result: ApplyResult, emit: ProgressCallback, force: bool) -> None:
        s, total = self.session, len(bundle.manifests)
        planned = {a.ref: a.action for a in result.applied}
        result.applied = [a for a in result.applied if a.action == "created"]  # the pre-created namespace
        done = {a.ref for a in result.applied}
        for i, m in enumerate(bundle.manifests, 1):
            ref = m.ref
            if ref in done:
                continue
            if planned.get(ref) == "skipped":
                result.applied.append(AppliedObject(ref, "skipped"))
                continue
            before_rv = None if planned.get(ref) == "would create" else (s.get(ref) or {}).get(
                "metadata", {}).get("resourceVersion")
            try:
                out = s.apply(ref, m.obj, dry_run=False, force=force)
            except ApiRejectedError:
                result.failed = ref
                raise
            after_rv = (out.get("metadata") or {}).get("resourceVersion")
            action = "created" if before_rv is None else ("unchanged" if after_rv == before_rv else "configured")
            result.applied.append(AppliedObject(ref, action))
            emit(ApplyProgress("apply", f"{action}: {ref}", ref, i, total))

    def _wait(self, bundle: ManifestBundle, result: ApplyResult, emit: ProgressCallback) -> None:
        workloads = [m for m in bundle.manifests if m.obj.get("kind") in ("Deployment", "InferenceService")]
        deadline = self._clock() + self.timeout_s
        selector = f"{LABEL_INSTANCE}={bundle.name}"
        while True:
            states = [workload_state(self.session, m.ref, bundle.namespace, selector) for m in workloads]
            for st in states:
                emit(ApplyProgress("wait", st.message, st.ref))
            failed = next((st for st in states if st.failed), None)
            if failed or (self._clock() >= deadline and not all(st.ready for st in states)):
                self._fail_wait(bundle, result, failed, states)
            if all(st.ready for st in states):
                result.ready = True
                emit(ApplyProgress("wait", f"{bundle.name} is ready"))
                return
            self._sleep(self.poll_interval_s)

    def _fail_wait(self, bundle: ManifestBundle, result: ApplyResult, failed: WorkloadState | None,
                   states: list[WorkloadState]) -> None:
        result.ready = False
        names = {r.name for r in bundle.refs} | {bundle.name}
        result.events = self.session.events(bundle.namespace, names)
        if failed:
            result.failed, result.error = failed.ref, f"{failed.ref} cannot start: {failed.message}"
        else:
            waiting = "; ".join(st.message for st in states if not st.ready)
            result.error = f"not ready after {self.timeout_s:.0f} s: {waiting}"
        raise ApplyFailedError(result.error, result)

    def _rollback(self, result: ApplyResult, emit: ProgressCallback) -> None:
        for ref in reversed(result.created):
            try:
                self.session.delete(ref)
                result.rolled_back.append(ref)
                emit(ApplyProgress("rollback", f"deleted {ref} (created by this apply)", ref))
            except K8sError as e:
                result.rollback_errors.append(f"{ref}: {e}")
        configured = [a.ref for a in result.applied if a.action == "configured"]
        if configured:
            result.warnings.append("changed but not restored (they existed before this apply): "
                                   + ", ".join(map(str, configured)))

    # ------------------------------------------------------------------ delete

    def rollback(self, result: ApplyResult, progress: ProgressCallback | None = None) -> ApplyResult:
        """Delete what ``result``'s apply created (e.g. when the caller decides to undo a finished apply)."""
        self._rollback(result, progress or (lambda _p: None))
        return result

    def delete(self, bundle: ManifestBundle, progress: ProgressCallback | None = None) -> DeleteResult:
        """Delete the bundle's objects in reverse order; a Namespace only if Compass manages it."""
        emit = progress or (lambda _p: None)
        self._check_allowlist(bundle)
        s = self.session
        s.connect()
        out = DeleteResult()
        for ref in reversed(bundle.refs):
            if ref.kind == "Namespace":
                live = s.get(ref)
                if live is not None and not _compass_managed(live):
                    out.kept.append(f"{ref}: not created by Compass ({LABEL_MANAGED_BY} label missing), kept")
                    continue
            try:
                (out.deleted if s.delete(ref) else out.missing).append(ref)
                emit(ApplyProgress("delete", f"deleted {ref}", ref))
            except K8sError as e:
                out.errors.append(f"{ref}: {e}")
        return out


def _compass_managed(obj: dict) -> bool:
    return ((obj.get("metadata") or {}).get("labels") or {}).get(LABEL_MANAGED_BY) == "compass"
