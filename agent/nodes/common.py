"""Shared node helpers: replies streamed as token events."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage

from agent.tools.common import emit

CHUNK = 24  # characters per streamed text event of a templated reply

__all__ = ["emit", "say", "stream_text"]


def stream_text(runtime: Any, text: str) -> None:
    """Stream ``text`` in chunks for front ends that render progressively."""
    for i in range(0, len(text), CHUNK):
        emit(runtime, "token", text=text[i:i + CHUNK])


def say(runtime: Any, text: str) -> AIMessage:
    """The reply as a message, streamed in chunks."""
    stream_text(runtime, text)
    return AIMessage(content=text)
