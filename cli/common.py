"""Console, JSON output and error reporting shared by every ``compass`` command."""

from __future__ import annotations

import functools
import json
import os
import socket
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

from knowledge.catalog import UnknownNameError
from knowledge.domain.enums import UseCase
from knowledge.domain.problems import field_problems
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


def use_case_of(text: str | UseCase | None) -> UseCase | None:
    """A use case by its value (chatbot_conversational) or the name the UI shows (chatbot, RAG over documents), as
    ``UseCase`` resolves it everywhere. Typer's parser for every --use-case option."""
    if text is None or isinstance(text, UseCase):
        return text
    try:
        return UseCase(text)
    except ValueError:
        fits = UseCase.matching(text)
        if len(fits) > 1:
            raise typer.BadParameter(f"'{text}' fits several use cases: {', '.join(u.label for u in fits)}; "
                                     "name one of them") from None
        raise typer.BadParameter(f"'{text}' is not a use case; the use cases are: {UseCase.names()}") from None


USE_CASE_HELP = "use case, by name or value: " + ", ".join(u.label for u in UseCase) + " (see `compass usecases`)"


def say_gpu_readings(catalog: Any, names: list[str]) -> None:
    """Say on stderr how each GPU name given was read when other cards also fit it ('A100' -> A100-80GB, not
    the 40GB part); an ambiguous or unknown name raises here, before any work, as one line."""
    for name in names:
        if note := catalog.resolve_gpu(name).note:
            err_console.print(f"[dim]note:[/] {note}", highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)  # one line: a pipe or log keeps it whole
    return typer.Exit(code)


# The command that lists the names of each kind, said after an unknown one.
_LISTS = {"GPU": "compass gpus", "model": "compass models", "use case": "compass usecases"}


def friendly_errors(func: F) -> F:
    """Turn known errors into one clear line and an exit code; never a traceback unless COMPASS_DEBUG=1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt, typer.TyperException):
            raise  # click reports its own usage errors (exit code 2)
        except UnknownNameError as exc:
            listing = _LISTS.get(exc.kind)
            raise fail(str(exc) + (f" `{listing}` lists them all." if listing else ""), 2) from None
        except CompassError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except ValidationError as exc:  # every invalid field at once, as the API lists them
            raise fail("invalid " + "; ".join(field_problems(exc.errors(), skip=())), 2) from None
        except Exception as exc:  # the last line of defence: say what happened, offer the traceback
            if os.environ.get("COMPASS_DEBUG"):
                raise
            raise fail(f"unexpected {type(exc).__name__}: {exc} (set COMPASS_DEBUG=1 for the traceback)") from None

    return wrapper  # type: ignore[return-value]


def _port_taken(host: str, port: int) -> bool:
    """True when nothing could listen on HOST:PORT now (bound the way uvicorn binds: with SO_REUSEADDR)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return False  # an unknown host is uvicorn's to report
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError:
            return True
    return False


def require_free_port(host: str, port: int, *, make_target: bool = True) -> None:
    """Refuse in one line, before anything starts, when the port is taken, naming a free one to use instead.

    Checked first so that a busy port is not announced as "Compass on http://..." (or "simulator ready") and then
    fails deep in uvicorn's start-up (a port taken between this check and the bind still fails there, as before).
    """
    if not _port_taken(host, port):
        return
    free = next((p for p in range(port + 1, min(port + 100, 65536)) if not _port_taken(host, p)), None)
    if not make_target:  # a command `make run` does not start: name only the option
        instead = f"--port {free}" if free else "--port N"
    else:
        instead = f"--port {free} (make run PORT={free})" if free else "--port N (make run PORT=N)"
    raise fail(f"port {port} on {host} is already in use (another Compass or another server?): "
               f"choose another with {instead}", 2)
