"""Configuration of the knowledge layer, from ``COMPASS_*`` environment variables."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "compass"


class KnowledgeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPASS_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="per-user data directory (embedded database)")
    database_url: str | None = Field(default=None, description="external PostgreSQL; unset = embedded server")
    db_pool_min: int = Field(default=1, ge=0)
    db_pool_max: int = Field(default=10, ge=1, description="connections per process")
    db_connect_timeout_s: float = Field(default=10.0, gt=0)
    price_max_age_days: int = Field(default=365, ge=1, description="older GPU prices are reported as stale")
    session_max_bytes: int = Field(default=25_000_000, ge=10_000, description="a session whose stored "
                                   "conversation is this large takes no more messages (start a new one)")

    @property
    def embedded_data_dir(self) -> Path:
        return self.home / "pgdata"


@lru_cache(maxsize=1)
def get_settings() -> KnowledgeSettings:
    return KnowledgeSettings()
