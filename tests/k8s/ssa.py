"""Server-side apply field ownership, simplified, for the KubernetesApiDouble.

What it keeps from the real algorithm (https://kubernetes.io/docs/reference/using-api/server-side-apply/):
  * every applier (field manager) owns the leaf fields of the configuration it last applied;
  * applying a value that differs from a field another manager owns is a conflict, unless forced, in
    which case ownership moves to the applier; applying the same value shares ownership;
  * a field the applier stops sending is removed, unless another manager still owns it;
  * lists of objects with a ``name`` key merge item by item (containers, env, ports ...); other lists
    are atomic, owned as a whole;
  * ownership is published as ``metadata.managedFields`` in the FieldsV1 format.
What it leaves out: other list-map keys (containerPort ...), sets, defaulting, status subresource
ownership, Update-operation tracking beyond seeding.
"""

from __future__ import annotations

import copy
import json
from typing import Any

Path = tuple[tuple[str, str], ...]  # (("f", "spec"), ("k", "server"), ("f", "image"))
IDENTITY = {"apiVersion", "kind"}
META_SERVER = {"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp"}


def _keyed(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "name" in i for i in value)


def leaves(obj: Any, prefix: Path = ()) -> dict[Path, Any]:
    """Leaf field paths of an applied configuration and their values."""
    out: dict[Path, Any] = {}
    if isinstance(obj, dict) and obj:
        for k, v in obj.items():
            out |= leaves(v, prefix + (("f", str(k)),))
    elif _keyed(obj):
        for item in obj:
            rest = {k: v for k, v in item.items() if k != "name"}
            sub = prefix + (("k", str(item["name"])),)
            out |= leaves(rest, sub) if rest else {sub: {}}
    else:
        out[prefix] = obj
    return out


def config_paths(config: dict[str, Any]) -> dict[Path, Any]:
    """Owned paths of an apply request: everything but identity, server-set metadata and status."""
    body = {k: v for k, v in config.items() if k not in IDENTITY and k != "status"}
    meta = {k: v for k, v in (body.get("metadata") or {}).items()
            if k not in META_SERVER and k not in ("name", "namespace")}
    body = {**body, "metadata": meta} if meta else {k: v for k, v in body.items() if k != "metadata"}
    return leaves(body) if body else {}


def value_at(obj: Any, path: Path) -> Any:
    cur = obj
    for kind, key in path:
        if kind == "f":
            if not isinstance(cur, dict) or key not in cur:
                return _MISSING
            cur = cur[key]
        else:
            if not isinstance(cur, list):
                return _MISSING
            match = [i for i in cur if isinstance(i, dict) and str(i.get("name")) == key]
            if not match:
                return _MISSING
            cur = {k: v for k, v in match[0].items() if k != "name"} or {}
    return cur


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def remove_path(obj: dict[str, Any], path: Path) -> None:
    """Delete one owned leaf, then the maps, lists and list items it leaves empty."""
    trail: list[tuple[Any, tuple[str, str]]] = []
    cur: Any = obj
    for kind, key in path:
        if kind == "f":
            if not isinstance(cur, dict) or key not in cur:
                return
            trail.append((cur, (kind, key)))
            cur = cur[key]
        else:
            item = next((i for i in cur if isinstance(i, dict) and str(i.get("name")) == key), None) \
                if isinstance(cur, list) else None
            if item is None:
                return
            trail.append((cur, (kind, key)))
            cur = item
    for depth, (container, (kind, key)) in enumerate(reversed(trail)):
        child = container[key] if kind == "f" else next(
            i for i in container if isinstance(i, dict) and str(i.get("name")) == key)
        empty = child in ({}, []) or (kind == "k" and isinstance(child, dict) and set(child) <= {"name"})
        if depth > 0 and not empty:
            return
        if kind == "f":
            del container[key]
        else:
            container.remove(child)


def merge(live: Any, config: Any) -> Any:
    """Apply ``config`` on top of ``live``: maps merge, name-keyed lists merge by name, the rest is replaced."""
    if isinstance(live, dict) and isinstance(config, dict):
        out = dict(live)
        for k, v in config.items():
            out[k] = merge(live.get(k), v) if k in live else copy.deepcopy(v)
        return out
    if _keyed(live) and _keyed(config):
        by_name = {str(i["name"]): i for i in live}
        result = []
        for item in config:  # the applier's order first, then items only others own
            result.append(merge(by_name.pop(str(item["name"]), {}), item))
        return result + list(by_name.values())
    return copy.deepcopy(config)


def fields_v1(paths: set[Path]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path in sorted(paths):
        node = tree
        for kind, key in path:
            label = f"f:{key}" if kind == "f" else "k:" + json.dumps({"name": key}, separators=(",", ":"))
            node = node.setdefault(label, {})
    return tree


class Conflict(Exception):
    def __init__(self, conflicts: list[tuple[str, Path]]):
        self.conflicts = conflicts
        fields = ", ".join(f'conflict with "{m}": .{_dotted(p)}' for m, p in conflicts)
        super().__init__(f"Apply failed with {len(conflicts)} conflict{'s' if len(conflicts) > 1 else ''}: {fields}")


def _dotted(path: Path) -> str:
    return ".".join(key if kind == "f" else f'[name="{key}"]' for kind, key in path)


def apply(live: dict[str, Any] | None, owners: dict[str, set[Path]], config: dict[str, Any], manager: str,
          force: bool) -> tuple[dict[str, Any], dict[str, set[Path]]]:
    """(new object, new ownership) after ``manager`` applies ``config``; raises Conflict."""
    owners = {m: set(p) for m, p in owners.items()}
    new = config_paths(config)
    base = copy.deepcopy(live) if live is not None else {}
    conflicts = []
    for other, owned in owners.items():
        if other == manager:
            continue
        for path in owned & set(new):
            if value_at(base, path) != new[path]:
                conflicts.append((other, path))
    if conflicts and not force:
        raise Conflict(conflicts)
    for other, path in conflicts:
        owners[other].discard(path)
    for path in owners.get(manager, set()) - set(new):
        if not any(path in p for m, p in owners.items() if m != manager):
            remove_path(base, path)
    result = merge(base, {k: v for k, v in config.items() if k != "status"})
    owners[manager] = set(new)
    return result, {m: p for m, p in owners.items() if p}
