"""A rendered set of Kubernetes objects, in apply order, with its YAML text and a summary.

The text of each manifest is what the template produced (comments included: they explain choices to
whoever reads the GitOps directory); ``obj`` is the same text parsed, which is what gets validated and
applied. A bundle is rendered once per deployment: the one a user approves (named by its ``digest``) is the one
applied.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from k8s.errors import OutputConflictError

# Cluster-scoped kinds among those Compass renders.
CLUSTER_SCOPED = frozenset({"Namespace"})


@dataclass(frozen=True)
class ObjectRef:
    api_version: str
    kind: str
    name: str
    namespace: str | None

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"


@dataclass(frozen=True)
class Manifest:
    filename: str
    text: str
    obj: dict[str, Any]

    @classmethod
    def from_text(cls, filename: str, text: str) -> "Manifest":
        obj = yaml.safe_load(text)
        if not isinstance(obj, dict):
            raise ValueError(f"{filename}: expected one YAML mapping")
        return cls(filename, text, obj)

    @classmethod
    def from_obj(cls, filename: str, obj: dict[str, Any]) -> "Manifest":
        """A manifest built in code (tests, callers adding objects): the text is the object dumped."""
        return cls(filename, yaml.safe_dump(obj, sort_keys=False), obj)

    @property
    def ref(self) -> ObjectRef:
        meta = self.obj.get("metadata") or {}
        return ObjectRef(str(self.obj.get("apiVersion", "")), str(self.obj.get("kind", "")),
                         str(meta.get("name", "")), meta.get("namespace"))


@dataclass(frozen=True)
class PlanInfo:
    """The numbers of the plan the bundle was rendered from (used by the semantic checks)."""

    model_id: str
    gpu: str
    precision: str
    tensor_parallel: int
    data_parallel: int
    replicas: int
    min_replicas: int
    max_replicas: int
    allow_cold_start: bool
    target: str
    simulated: bool

    @property
    def gpus_per_replica(self) -> int:
        return self.tensor_parallel * self.data_parallel

    @property
    def total_gpus(self) -> int:
        return self.gpus_per_replica * self.replicas


@dataclass(frozen=True)
class ManifestBundle:
    name: str
    namespace: str
    manifests: tuple[Manifest, ...]
    plan: PlanInfo
    summary: tuple[str, ...] = field(default=())

    @property
    def objects(self) -> list[dict[str, Any]]:
        return [m.obj for m in self.manifests]

    @property
    def refs(self) -> list[ObjectRef]:
        return [m.ref for m in self.manifests]

    @property
    def namespaces(self) -> set[str]:
        """Every namespace the bundle touches, including the ones it creates."""
        out = set()
        for ref in self.refs:
            if ref.kind == "Namespace":
                out.add(ref.name)
            elif ref.namespace:
                out.add(ref.namespace)
        return out

    @property
    def digest(self) -> str:
        """The content address of what applying this bundle does: every object's text in apply order, where it
        goes, and the plan a local target runs (the summary is words about it, not part of it). An approval names
        the digest it saw; the apply path applies only a bundle with that digest."""
        content = {"name": self.name, "namespace": self.namespace, "plan": dataclasses.asdict(self.plan),
                   "manifests": [[m.filename, m.text] for m in self.manifests]}
        return "sha256:" + hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    def yaml(self) -> str:
        """All manifests as one multi-document YAML stream (for `kubectl apply -f -`)."""
        return "".join(f"---\n{m.text.rstrip()}\n" for m in self.manifests)

    def replaced(self, manifests: list[Manifest]) -> "ManifestBundle":
        return ManifestBundle(self.name, self.namespace, tuple(manifests), self.plan, self.summary)

    def write_kustomize(self, directory: str | Path, *, force: bool = False) -> list[Path]:
        """Write one file per object plus a kustomization.yaml listing them in apply order (for GitOps).

        Files of the same names that Compass wrote there before, unchanged since, are replaced; a file Compass did
        not write (or one edited since) is the user's: nothing is written unless ``force`` (``OutputConflictError``
        names them). What Compass wrote is remembered in ``OUTPUT_LEDGER``, by content hash. Other files in the
        directory are left alone.
        """
        out = Path(directory)
        if out.exists() and not out.is_dir():
            raise OutputConflictError(out, [])
        kustomization = {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": [m.filename for m in self.manifests],
        }
        header = "".join(f"# {line}\n" for line in ("Rendered by Compass; apply with `kubectl apply -k .`",
                                                      *self.summary))
        files = {m.filename: m.text if m.text.endswith("\n") else m.text + "\n" for m in self.manifests}
        files["kustomization.yaml"] = header + yaml.safe_dump(kustomization, sort_keys=False)
        ledger = _read_ledger(out)
        foreign = [name for name in files if (out / name).exists() and not _wrote(out / name, ledger)]
        if foreign and not force:
            raise OutputConflictError(out, foreign)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in files.items():
            path = out / name
            path.write_text(text)
            ledger[name] = _sha256(path.read_bytes())
            written.append(path)
        (out / OUTPUT_LEDGER).write_text(json.dumps(ledger, indent=1, sort_keys=True) + "\n")
        return written


# The files Compass wrote into an --output directory, with the hash of what it wrote: what it may replace. JSON, but
# with no .json/.yaml extension: `kubectl apply -f DIR` reads every such file as a manifest.
OUTPUT_LEDGER = ".compass-written"


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _read_ledger(directory: Path) -> dict[str, str]:
    try:
        data = json.loads((directory / OUTPUT_LEDGER).read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _wrote(path: Path, ledger: dict[str, str]) -> bool:
    """Compass wrote this file and nobody changed it since."""
    try:
        return path.is_file() and ledger.get(path.name) == _sha256(path.read_bytes())
    except OSError:
        return False
