"""Read and validate the catalog shipped as YAML under ``knowledge/data/``.

Files are the human-edited source; the database holds the loaded copy the product reads at run time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.domain import GpuSpec, ModelCard, UseCaseTemplate

DATA_DIR = Path(__file__).parent / "data"
_M = TypeVar("_M", bound=BaseModel)


class CatalogFileError(ValueError):
    """A data file is malformed; the message names the file, the entry and the field."""


class CatalogData(BaseModel):
    models: list[ModelCard]
    gpus: list[GpuSpec]
    use_cases: list[UseCaseTemplate]
    content_hash: str


# libyaml's parser when PyYAML was built with it (the same safe subset, ~10x faster than the pure-Python one)
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _entries(path: Path, key: str) -> list[dict]:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        raise CatalogFileError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise CatalogFileError(f"{path.name}: expected a top-level '{key}:' list")
    return doc[key]


def _validated(model: type[_M], path: Path, key: str) -> list[_M]:
    out: list[_M] = []
    for i, raw in enumerate(_entries(path, key)):
        label = (raw.get("id") or raw.get("name")) if isinstance(raw, dict) else None
        label = label or f"#{i + 1}"
        try:
            out.append(model.model_validate(raw))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise CatalogFileError(f"{path.name}: entry {label}: field '{where}': {first['msg']}") from None
    return out


def _model_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "models").glob("*.yaml"))


def catalog_files_hash(data_dir: Path = DATA_DIR) -> str:
    """The content hash of the catalog files (their bytes, not their parse): what the database records as
    loaded, so a start-up can tell in a millisecond whether the files need parsing at all."""
    digest = hashlib.sha256()
    for f in [*_model_files(data_dir), data_dir / "gpus.yaml", data_dir / "usecases.yaml"]:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def load_catalog_files(data_dir: Path = DATA_DIR) -> CatalogData:
    content_hash = catalog_files_hash(data_dir)
    model_files = _model_files(data_dir)
    models = [m for f in model_files for m in _validated(ModelCard, f, "models")]
    gpus = _validated(GpuSpec, data_dir / "gpus.yaml", "gpus")
    use_cases = _validated(UseCaseTemplate, data_dir / "usecases.yaml", "use_cases")
    _check_unique([m.id.lower() for m in models], "model id")
    _check_unique([g.name.lower() for g in gpus], "GPU name")
    _check_unique([u.name.value for u in use_cases], "use case")
    return CatalogData(models=models, gpus=gpus, use_cases=use_cases, content_hash=content_hash)


def _check_unique(keys: list[str], what: str) -> None:
    seen: set[str] = set()
    for k in keys:
        if k in seen:
            raise CatalogFileError(f"duplicate {what}: {k}")
        seen.add(k)
