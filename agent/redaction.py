"""Credentials never enter the conversation state: the ``messages`` reducer redacts every message it receives.

A reducer runs when a write is applied to the channel, before LangGraph saves the checkpoint, so a token pasted
into a run started through any entry point (the service, the REST API, ``langgraph dev`` / Studio) is stored as
``[redacted]``. A redacted message is marked (``additional_kwargs["redacted"]``) so the turn can say so.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AnyMessage, BaseMessage, convert_to_messages
from langgraph.graph.message import add_messages

from knowledge.secrets import redact

REDACTED_FLAG = "redacted"


def _redacted(message: BaseMessage) -> BaseMessage:
    content = message.content
    if isinstance(content, str):
        clean = redact(content.replace("\x00", ""))
        if clean == content:
            return message
        return message.model_copy(update={"content": clean,
                                          "additional_kwargs": {**message.additional_kwargs, REDACTED_FLAG: True}})
    if isinstance(content, list):  # multi-part content: redact the text parts
        parts = [{**p, "text": redact(p["text"])} if isinstance(p, dict) and isinstance(p.get("text"), str) else p
                 for p in content]
        if parts != content:
            return message.model_copy(update={"content": parts, "additional_kwargs": {
                **message.additional_kwargs, REDACTED_FLAG: True}})
    return message


def redacted_messages(left: Any, right: Any) -> list[AnyMessage]:
    """``add_messages`` with every incoming message redacted first."""
    incoming = right if isinstance(right, list) else [right]
    return add_messages(left, [_redacted(m) for m in convert_to_messages(incoming)])


def was_redacted(message: BaseMessage) -> bool:
    return bool(message.additional_kwargs.get(REDACTED_FLAG))
