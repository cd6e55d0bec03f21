"""API server configuration (``COMPASS_API_*``)."""

from __future__ import annotations

import hashlib

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
MIN_KEY_CHARS = 16  # beyond localhost; a guessable key is no key


def is_loopback(host: str | None) -> bool:
    """Here, not in api.security: the command line asks it before the server stack is imported (seconds)."""
    return host in LOCAL_HOSTS or (host or "").startswith("127.")


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPASS_", extra="ignore")

    api_keys: str = Field(default="", description="comma-separated key:user pairs, e.g. 'k3y:alice,0th3r:bob'")
    api_max_body_bytes: int = Field(default=1_000_000, ge=1024, description="larger requests get 413")
    api_rate_per_minute: int = Field(default=120, ge=1, description="requests per minute per key (or client)")
    api_auth_failures_per_minute: int = Field(default=10, ge=1, description="failed authentications per minute "
                                              "per client address; beyond them the client gets 429 (even with a "
                                              "valid key) until the minute ends")
    api_compute_workers: int = Field(default=2, ge=1, le=64, description="worker processes that run planning and "
                                     "prediction for the stateless endpoints (off the server's own process)")
    api_compute_timeout_s: float = Field(default=20.0, gt=0, le=600, description="most seconds of computation one "
                                         "request may take; beyond it the work is stopped and the request refused")
    api_cors_origins: str = Field(default="", description="comma-separated allowed origins; empty = CORS closed")

    def keys(self) -> dict[str, str]:
        """API key -> user name. A key without ':user' is its own user (named by a hash, never the key)."""
        out = {}
        for item in self.api_keys.split(","):
            item = item.strip()
            if not item:
                continue
            key, _, user = item.partition(":")
            out[key] = user or "key-" + hashlib.sha256(key.encode()).hexdigest()[:8]
        return out

    def short_keys(self) -> list[str]:
        """Users whose key is shorter than MIN_KEY_CHARS (an empty key included)."""
        return [user for key, user in self.keys().items() if len(key) < MIN_KEY_CHARS]

    @property
    def cors_origins(self) -> list[str]:
        return [o.strip() for o in self.api_cors_origins.split(",") if o.strip()]
