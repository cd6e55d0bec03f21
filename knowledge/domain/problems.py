"""Validation errors said as one line per invalid field, the same way by every front end (CLI, API)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MAX_PROBLEMS = 10  # more than this is one problem repeated (a list of bad items): the first ten say it


def field_problems(errors: Iterable[Mapping[str, Any]], *, skip: tuple[str, ...] = ("body",)) -> list[str]:
    """``'field: what is wrong'`` for each of pydantic's ``errors()`` (at most ``MAX_PROBLEMS``); ``skip`` drops
    location parts that name the container rather than the field (FastAPI's ``body``)."""
    problems = []
    for err in list(errors)[:MAX_PROBLEMS]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in skip) or "input"
        problems.append(f"{where}: {str(err.get('msg', 'invalid')).removeprefix('Value error, ')}")
    return problems
