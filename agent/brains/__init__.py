"""Brains: what reads the conversation and drives the tools (offline rules as a chat model, or an LLM)."""

from agent.brains.base import Brain
from agent.brains.registry import brain_for

__all__ = ["Brain", "brain_for"]
