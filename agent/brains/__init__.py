"""Brains: how a turn understands the user and words its answer (offline rules, or an LLM)."""

from agent.brains.base import Brain, Understanding
from agent.brains.registry import brain_for

__all__ = ["Brain", "Understanding", "brain_for"]
