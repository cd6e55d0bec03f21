"""The offline brain: a deterministic, rule-based parser of user messages (no LLM needed)."""

from agent.offline.contract import Intent, ParseResult, WhatIfRequest
from agent.offline.parser import parse

__all__ = ["Intent", "ParseResult", "WhatIfRequest", "parse"]
