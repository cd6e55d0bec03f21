"""API keys, per-key rate limits (counted in PostgreSQL, so they hold across processes) and body size limits."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Depends, HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse

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
        for key, user in keys.items():
            if presented and hmac.compare_digest(presented, key):
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


class BodySizeLimit(BaseHTTPMiddleware):
    """Refuse oversized bodies by Content-Length before reading them (chunked bodies are capped when read)."""

    def __init__(self, app, max_bytes: int):
        super().__init__(app)
        self.max_bytes = max_bytes

    async def dispatch(self, request: Request, call_next):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > self.max_bytes:
            return JSONResponse(error_body("too_large", f"Request body over {self.max_bytes} bytes."), status_code=413)
        if request.method in ("POST", "PUT", "PATCH") and not length:
            body = await request.body()
            if len(body) > self.max_bytes:
                return JSONResponse(error_body("too_large", f"Request body over {self.max_bytes} bytes."), status_code=413)
        return await call_next(request)
