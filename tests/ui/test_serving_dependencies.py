"""`make run` installs only the project's own dependencies (no test extras): every third-party module the product
imports must come with them. The test extras once hid a missing one: SQLAlchemy 2.1's asyncio engine (the web UI's
data layer) needs greenlet, which only playwright brought, so a fresh `make run` served a UI that could not sign in."""

from __future__ import annotations

import ast
import importlib.metadata as md
from pathlib import Path
import sys

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("agent", "api", "cli", "evals", "k8s", "knowledge", "simulator", "tools", "ui", "app.py")
# imported inside a function that says what to install when it is missing: calibration's parquet kernel tables
# (a developer's task) and the simulator's optional real tokenizer
OPTIONAL = {"pyarrow", "tokenizers"}


def _norm(name: str) -> str:
    return name.lower().replace("_", "-")


def _closure(requirement: Requirement, seen: set[str]) -> None:
    """``requirement``'s distribution and everything it needs, with the extras it names."""
    name = _norm(requirement.name)
    extras = set(requirement.extras)
    for extra in extras or {""}:
        key = f"{name}[{extra}]"
        if key in seen:
            continue
        seen.update({key, name})
        for spec in md.requires(requirement.name) or []:
            needed = Requirement(spec)
            if needed.marker is None or needed.marker.evaluate({"extra": extra}):
                _closure(needed, seen)


def _serving_distributions() -> set[str]:
    seen: set[str] = set()
    for spec in md.requires("compass-llm") or []:
        requirement = Requirement(spec)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            _closure(requirement, seen)
    return {s for s in seen if "[" not in s}


def _imported_modules() -> set[str]:
    modules: set[str] = set()
    for part in PRODUCT:
        path = ROOT / part
        for file in (path.rglob("*.py") if path.is_dir() else [path]):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and not (ROOT / m).exists()
            and not (ROOT / f"{m}.py").exists()}


def test_every_module_the_product_imports_comes_with_its_own_dependencies():
    serving = _serving_distributions()
    providers = md.packages_distributions()
    missing = {m: providers.get(m) for m in _imported_modules() - OPTIONAL
               if not any(_norm(d) in serving for d in providers.get(m, []))}
    assert not missing, f"imported by the product but not installed by `make run`: {missing}"


def test_the_web_uis_asyncio_engine_has_greenlet():
    assert "greenlet" in _serving_distributions()
