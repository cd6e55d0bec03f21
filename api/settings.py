"""API server configuration (``COMPASS_API_*``)."""

from __future__ import annotations

import hashlib

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPASS_", extra="ignore")

    api_keys: str = Field(default="", description="comma-separated key:user pairs, e.g. 'k3y:alice,0th3r:bob'")
    api_max_body_bytes: int = Field(default=1_000_000, ge=1024, description="larger requests get 413")
    api_rate_per_minute: int = Field(default=120, ge=1, description="requests per minute per key (or client)")
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

    @property
    def cors_origins(self) -> list[str]:
        return [o.strip() for o in self.api_cors_origins.split(",") if o.strip()]
