"""Console, JSON output and error reporting shared by every ``compass`` command."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

from knowledge.catalog import UnknownNameError
from knowledge.errors import CompassError

console = Console()
err_console = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def print_json(data: Any) -> None:
    """Plain JSON on stdout (no colour codes), pydantic models dumped in JSON mode."""
    def convert(obj: Any) -> Any:
        if isinstance(obj, BaseModel):
            return obj.model_dump(mode="json")
        if isinstance(obj, (list, tuple)):
            return [convert(o) for o in obj]
        if isinstance(obj, dict):
            return {k: convert(v) for k, v in obj.items()}
        return obj

    sys.stdout.write(json.dumps(convert(data), indent=2, default=str) + "\n")


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def friendly_errors(func: F) -> F:
    """Turn known errors into one clear line and an exit code; never a traceback unless COMPASS_DEBUG=1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt, typer.TyperException):
            raise  # click reports its own usage errors (exit code 2)
        except UnknownNameError as exc:
            raise fail(str(exc), 2) from None
        except CompassError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "input"
            raise fail(f"invalid {where}: {first['msg']}", 2) from None
        except Exception as exc:  # the last line of defence: say what happened, offer the traceback
            if os.environ.get("COMPASS_DEBUG"):
                raise
            raise fail(f"unexpected {type(exc).__name__}: {exc} (set COMPASS_DEBUG=1 for the traceback)") from None

    return wrapper  # type: ignore[return-value]
