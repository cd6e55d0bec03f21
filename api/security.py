"""API keys, per-key rate limits (counted in PostgreSQL, so they hold across processes) and body size limits."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body
from api.settings import LOCAL_HOSTS, ApiSettings


def is_loopback(host: str | None) -> bool:
    return host in LOCAL_HOSTS or (host or "").startswith("127.")


def _presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-api-key")


def current_user(request: Request) -> str:
    """Who is calling: the user of a valid API key; 'local' on loopback when no keys are configured."""
    settings: ApiSettings = request.app.state.api_settings
    keys = settings.keys()
    presented = _presented_key(request)
    if keys:
        # Compared as bytes: a header is whatever bytes the client sent (Starlette reads them as latin-1), and
        # compare_digest refuses non-ASCII str; a configured key is matched by its UTF-8 bytes.
        offered = presented.encode("latin-1") if presented else b""
        for key, user in keys.items():
            if offered and hmac.compare_digest(offered, key.encode("utf-8")):
                return user
        raise HTTPException(401, "A valid API key is required (Authorization: Bearer <key> or X-API-Key).",
                            headers={"WWW-Authenticate": "Bearer"})
    if not is_loopback(request.client.host if request.client else None):
        raise HTTPException(401, "API keys are required beyond localhost: set COMPASS_API_KEYS.")
    return "local"


def rate_limited_user(request: Request, user: str = Depends(current_user)) -> str:
    settings: ApiSettings = request.app.state.api_settings
    kb = request.app.state.kb
    subject = hashlib.sha256(user.encode()).hexdigest()[:16]
    with kb.db.connection() as conn:
        count = conn.execute(
            "INSERT INTO api_rate_windows (subject, window_start, requests) VALUES (%s, date_trunc('minute', now()), 1)"
            " ON CONFLICT (subject, window_start) DO UPDATE SET requests = api_rate_windows.requests + 1"
            " RETURNING requests", (subject,)).fetchone()[0]
        if count == 1:  # first request of a window: forget windows older than an hour
            conn.execute("DELETE FROM api_rate_windows WHERE window_start < now() - interval '1 hour'")
    if count > settings.api_rate_per_minute:
        raise HTTPException(429, f"Rate limit of {settings.api_rate_per_minute} requests per minute exceeded; "
                                 "retry in a minute.", headers={"Retry-After": "60"})
    return user


class BodySizeLimit:
    """Refuse bodies over ``max_bytes`` before anything else reads them: the first middleware, ahead of
    authentication, so an anonymous client cannot make the server hold more than the limit.

    A declared Content-Length over the limit is refused at once. A chunked body (no length to trust) is read
    here up to the limit and counted while it streams; one byte more and the answer is 413 with the rest
    never read. Accepted bodies are handed on unchanged.
    """

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is not None:
            if length.isdigit() and int(length) > self.max_bytes:
                return await self._refuse(scope, receive, send)
            return await self.app(scope, receive, send)
        if "chunked" not in headers.get("transfer-encoding", "").lower():
            return await self.app(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                return await self._refuse(scope, receive, send)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as the server would

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(error_body("too_large", f"Request body over {self.max_bytes} bytes."),
                                status_code=413, headers={"Connection": "close"})
        await response(scope, receive, send)
