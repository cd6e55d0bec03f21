"""Refuse JSON bodies whose strings are not Unicode text, with the field named, before any route sees them.

JSON lets a client write a lone UTF-16 surrogate (``"\\ud800"``); Python decodes it into a ``str`` that no UTF-8
encoder accepts, so it fails far from the request (a response, a log line, a database write) as a 500. One check
at the edge covers every route and every field, present and future.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body


def lone_surrogate_at(value: Any, path: str = "body") -> str | None:
    """The dotted path of the first string (or key) in ``value`` holding a lone surrogate; None when all is text."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    if isinstance(value, dict):
        items = ((_printable(key), key, item) for key, item in value.items())
    elif isinstance(value, list):
        items = ((str(i), str(i), item) for i, item in enumerate(value))
    else:
        return None
    for shown, key, item in items:
        where = shown if path == "body" else f"{path}.{shown}"
        if found := lone_surrogate_at(key, where) or lone_surrogate_at(item, where):
            return found
    return None


def _printable(key: str) -> str:
    """A key as it can be shown back: a lone surrogate in it written as its escape."""
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


class RejectInvalidText:
    """An ASGI middleware: JSON request bodies are read (the body-size limit, outside it, bounds them), checked,
    and handed on unchanged; one with a lone surrogate gets 422 naming the field."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        content_type = Headers(scope=scope).get("content-type", "application/json")
        if "json" not in content_type:
            return await self.app(scope, receive, send)
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        where = _invalid_text_in(body)
        if where is not None:
            problem = (f"{where}: not valid Unicode text (a lone UTF-16 surrogate such as \\ud800); send the text "
                       "as UTF-8")
            response = JSONResponse(error_body("invalid_request", problem, problems=[problem]), status_code=422)
            return await response(scope, receive, send)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _invalid_text_in(body: bytes) -> str | None:
    if b"\\u" not in body:  # a lone surrogate can only arrive escaped (raw ones are not valid UTF-8)
        return None
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the route's own parsing says what is wrong
    return lone_surrogate_at(parsed)
