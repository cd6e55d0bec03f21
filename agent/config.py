"""Agent configuration from the environment (``COMPASS_LLM``, deploy target, namespace allowlist)."""

from __future__ import annotations

import getpass
import os

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from agent.run_config import DEFAULT_ALLOWED_NAMESPACES


class AgentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPASS_", extra="ignore")

    llm: str = Field(default="offline", description="offline, openai:<model> (OPENAI_BASE_URL for vLLM) or ollama:<model>")
    deploy_target: str = Field(default="local", description="local, kserve, plain or simulator")
    allowed_namespaces: str = Field(default=",".join(DEFAULT_ALLOWED_NAMESPACES),
                                    description="comma-separated namespaces Compass may deploy into")
    user: str | None = Field(default=None, description="who the terminal user is (default: the OS user)")

    @property
    def namespaces(self) -> tuple[str, ...]:
        return tuple(n.strip() for n in self.allowed_namespaces.split(",") if n.strip())

    @property
    def local_user(self) -> str:
        if self.user:
            return self.user
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return os.environ.get("USER", "local")
