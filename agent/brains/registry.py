"""Build the brain named by configuration (``COMPASS_LLM``): offline, openai:<model>, ollama:<model>."""

from __future__ import annotations

import threading

from typing import Any

from agent.brains.offline import OfflineBrain
from knowledge.errors import CompassError

_lock = threading.Lock()
_cache: dict[str, Any] = {}


def brain_for(spec: str | None) -> Any:
    key = (spec or "offline").strip()
    with _lock:
        if key not in _cache:
            _cache[key] = _build(key)
        return _cache[key]


def register_brain(key: str, brain: Any) -> None:
    """Install a brain under a name (tests use this for a scripted chat model)."""
    with _lock:
        _cache[key] = brain


def _build(key: str) -> Any:
    if key == "offline":
        return OfflineBrain()
    provider, _, model = key.partition(":")
    if provider in ("openai", "ollama") and model:
        from agent.brains.llm import LlmBrain, chat_model

        return LlmBrain(chat_model(provider, model), name=key)
    raise CompassError(f"Unknown brain '{key}'. Use offline, openai:<model> or ollama:<model>.")
