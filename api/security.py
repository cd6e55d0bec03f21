"""API keys, per-key rate limits (counted in PostgreSQL, so they hold across processes) and body size limits."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body
from api.settings import ApiSettings, is_loopback


def _presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-api-key")


def current_user(request: Request) -> str:
    """Who is calling: the user of a valid API key; on loopback when no keys are configured, the local user, the
    same one the terminal (``compass chat``, ``compass sessions``) and the web UI without logins act as
    (``AgentSettings.local_user``: COMPASS_USER, else the OS user), so a single-user install has one set of sessions.

    A client address that failed to authenticate more than ``api_auth_failures_per_minute`` times this minute
    gets 429 until the minute ends, before any key is compared: guessing keys costs a minute per few guesses.
    """
    settings: ApiSettings = request.app.state.api_settings
    keys = settings.keys()
    client = request.client.host if request.client else None
    if not keys and is_loopback(client):
        return request.app.state.local_user
    failures = f"auth-failures:{client}"
    _refuse_when_over(request, failures, settings.api_auth_failures_per_minute, count=False,
                      why="Too many failed authentications from this address")
    presented = _presented_key(request)
    if keys:
        # Compared as bytes: a header is whatever bytes the client sent (Starlette reads them as latin-1), and
        # compare_digest refuses non-ASCII str; a configured key is matched by its UTF-8 bytes.
        offered = presented.encode("latin-1") if presented else b""
        for key, user in keys.items():
            if offered and hmac.compare_digest(offered, key.encode("utf-8")):
                return user
        _count(request, failures)
        raise HTTPException(401, "A valid API key is required (Authorization: Bearer <key> or X-API-Key).",
                            headers={"WWW-Authenticate": "Bearer"})
    _count(request, failures)
    raise HTTPException(401, "API keys are required beyond localhost: set COMPASS_API_KEYS.")


def rate_limited_user(request: Request, user: str = Depends(current_user)) -> str:
    settings: ApiSettings = request.app.state.api_settings
    _refuse_when_over(request, f"user:{user}", settings.api_rate_per_minute, count=True,
                      why=f"Rate limit of {settings.api_rate_per_minute} requests per minute exceeded")
    return user


def _count(request: Request, subject: str) -> tuple[int, int]:
    """Add one to the subject's count for this minute (shared by every process on the database); returns the
    count and the seconds left in the minute."""
    key = hashlib.sha256(subject.encode()).hexdigest()[:16]
    with request.app.state.kb.db.connection() as conn:
        count, left = conn.execute(
            "INSERT INTO api_rate_windows (subject, window_start, requests) VALUES (%s, date_trunc('minute', now()), 1)"
            " ON CONFLICT (subject, window_start) DO UPDATE SET requests = api_rate_windows.requests + 1"
            " RETURNING requests, ceil(extract(epoch from date_trunc('minute', now()) + interval '1 minute' - now()))",
            (key,)).fetchone()
        if count == 1:  # first request of a window: forget windows older than an hour
            conn.execute("DELETE FROM api_rate_windows WHERE window_start < now() - interval '1 hour'")
    return count, int(left)


def _refuse_when_over(request: Request, subject: str, limit: int, *, count: bool, why: str) -> None:
    """429 (with the seconds until the minute ends) when ``subject`` is over ``limit`` this minute; ``count``
    adds this request to the tally first, else it is only read."""
    if count:
        used, left = _count(request, subject)
    else:
        key = hashlib.sha256(subject.encode()).hexdigest()[:16]
        with request.app.state.kb.db.connection() as conn:
            row = conn.execute(
                "SELECT requests, ceil(extract(epoch from window_start + interval '1 minute' - now()))"
                " FROM api_rate_windows WHERE subject = %s AND window_start = date_trunc('minute', now())",
                (key,)).fetchone()
        used, left = (int(row[0]), int(row[1])) if row else (0, 60)
    if used > limit or (not count and used >= limit):
        seconds = max(1, left)
        raise HTTPException(429, f"{why}; retry in {seconds} s.", headers={"Retry-After": str(seconds)})


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
