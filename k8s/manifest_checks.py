"""Check rendered objects before anything reaches a cluster: schemas first, then Compass's own rules.

Built-in kinds are checked against the Kubernetes OpenAPI schemas shipped by ``kubernetes-validate``
(strict: unknown fields are errors) for ``KUBERNETES_VERSION``; the custom kinds Compass renders against
the CRD schemas in ``k8s/schemas/`` (see its README for their provenance). The semantic checks
(``k8s/checks.py``) cover what no schema can: GPU arithmetic, DNS names, the namespace allowlist, secrets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from k8s.bundle import Manifest, ManifestBundle, PlanInfo
from k8s.constants import KUBERNETES_VERSION
from k8s.errors import ManifestValidationError
from knowledge.catalog import Catalog

SCHEMAS = Path(__file__).parent / "schemas"
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class ValidationIssue:
    severity: Severity
    check: str  # schema | names | namespace | gpu | scaling | secrets | security
    ref: str  # e.g. "Deployment llm/llama-3-1-8b-instruct"
    path: str  # e.g. "spec.replicas" ("" = the whole object)
    message: str

    def __str__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        return f"{self.ref}{where}: {self.message}"


@dataclass
class ValidationReport:
    kubernetes_version: str
    checked: int = 0
    issues: list[ValidationIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[ValidationIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[ValidationIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self) -> None:
        if self.errors:
            raise ManifestValidationError(self)

    def describe(self) -> str:
        head = (f"{self.checked} object(s) checked against Kubernetes {self.kubernetes_version}: "
                f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)")
        return "\n".join([head, *(f"  {i.severity}: {i}" for i in self.issues)])


def validate_bundle(bundle: ManifestBundle, catalog: Catalog | None = None,
                    allowed_namespaces: Collection[str] | None = None) -> ValidationReport:
    """Schema + semantic checks of every object; ``allowed_namespaces=None`` skips the allowlist check."""
    from k8s.checks import semantic_issues  # checks.py imports ValidationIssue from here

    report = ValidationReport(KUBERNETES_VERSION, checked=len(bundle.manifests))
    for m in bundle.manifests:
        report.issues += schema_issues(m)
    report.issues += semantic_issues(bundle.manifests, bundle.plan, catalog, allowed_namespaces)
    return report


def validate_manifests(manifests: Iterable[Manifest], plan: PlanInfo | None = None, catalog: Catalog | None = None,
                       allowed_namespaces: Collection[str] | None = None) -> ValidationReport:
    """The same checks for manifests that are not (or no longer) a rendered bundle, e.g. a GitOps directory."""
    from k8s.checks import semantic_issues

    items = list(manifests)
    report = ValidationReport(KUBERNETES_VERSION, checked=len(items))
    for m in items:
        report.issues += schema_issues(m)
    report.issues += semantic_issues(items, plan, catalog, allowed_namespaces)
    return report


def schema_issues(manifest: Manifest) -> list[ValidationIssue]:
    obj, ref = manifest.obj, str(manifest.ref)
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return [ValidationIssue("error", "schema", ref, "", "apiVersion and kind must be strings")]
    validator = _validator(api_version, kind)
    if validator is None:
        return [ValidationIssue("error", "schema", ref, "", f"no schema for {kind} ({api_version}) in Kubernetes "
                                f"{KUBERNETES_VERSION} or k8s/schemas/; Compass cannot check it")]
    out = []
    for err in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))):
        out.append(ValidationIssue("error", "schema", ref, _json_path(err.absolute_path), _short(err.message)))
    return out


def _json_path(parts: Iterable[Any]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _short(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[:limit] + " ..."


# ---------------------------------------------------------------------------------------------- schemas


def _k8s_schema_dir() -> Any:
    return resources.files("kubernetes_validate").joinpath("kubernetes-json-schema",
                                                           f"v{KUBERNETES_VERSION}-local-strict")


@lru_cache(maxsize=1)
def _registry() -> Registry:
    definitions = json.loads(_k8s_schema_dir().joinpath("_definitions.json").read_text())
    return Registry().with_resource(definitions["$id"], Resource.from_contents(definitions))


@lru_cache(maxsize=1)
def _crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text())
        props = schema["properties"]
        out[(props["apiVersion"]["const"], props["kind"]["const"])] = schema
    return out


@lru_cache(maxsize=64)
def _validator(api_version: str, kind: str) -> Draft202012Validator | None:
    schema = _crd_schemas().get((api_version, kind)) or _builtin_schema(api_version, kind)
    if schema is None:
        return None
    return Draft202012Validator(schema, registry=_registry())


def _builtin_schema(api_version: str, kind: str) -> dict[str, Any] | None:
    # kubernetes-validate's file naming: "networking.k8s.io/v1" -> "networking-v1", "v1" -> "v1".
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    path = _k8s_schema_dir().joinpath(f"{kind.lower()}-{group_version}.json")
    if not path.is_file():
        return None
    schema = json.loads(path.read_text())
    gvk = schema.get("x-kubernetes-group-version-kind") or []
    group, _, version = api_version.rpartition("/")
    if gvk and not any(g.get("kind") == kind and g.get("group", "") == group and g.get("version") == version
                       for g in gvk):
        return None  # same file name, different API group (e.g. a CRD named like a built-in kind)
    return schema
