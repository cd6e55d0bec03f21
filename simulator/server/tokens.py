"""Counting prompt tokens: a real tokenizer when one is on this machine, otherwise a documented estimate.

Real tokenizer: the Hugging Face ``tokenizers`` library (optional, not a dependency of Compass) loading a
``tokenizer.json`` from ``--tokenizer`` / ``TOKENIZER`` (a file or a directory) or, for the served model,
from the local Hugging Face cache (``$HF_HOME/hub`` or ``~/.cache/huggingface/hub``). Nothing is downloaded.

Estimate (no tokenizer): byte-pair vocabularies of 100k+ entries (Llama 3, Qwen 2.5, Mistral) hold most
English words whole, so the estimate counts
* a word of up to 9 letters as one token, one more per further 4 letters;
* digits in groups of three (Llama 3 and Qwen split numbers that way);
* each CJK character as one token;
* a run of the same punctuation character as one token, a run of newlines as one;
and ignores spaces (folded into the following word). On English prose it lands within about 15% of those
tokenizers; on code it errs low (identifiers split more).

Chat requests add a template overhead like Llama 3's: 5 tokens per message and 5 for the assistant header.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Sequence

_PIECE = re.compile(r"\d+|[^\W\d_]+|(\n)\n*|([^\w\s])\2*", re.UNICODE)
CHAT_TOKENS_PER_MESSAGE = 5
CHAT_TOKENS_REPLY_HEADER = 5


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\u3040" <= ch <= "\u30ff"


def estimate_tokens(text: str) -> int:
    total = 0
    for m in _PIECE.finditer(text):
        piece = m.group(0)
        first = piece[0]
        if first.isdigit():
            total += (len(piece) + 2) // 3
        elif first.isalpha():
            total += len(piece) if _is_cjk(first) else 1 + max(0, len(piece) - 6) // 4
        else:
            total += 1
    return total


def _find_tokenizer_file(path: str | None, model_ids: Sequence[str]) -> Path | None:
    if path:
        p = Path(path).expanduser()
        p = p / "tokenizer.json" if p.is_dir() else p
        return p if p.is_file() else None
    hub = Path(os.environ.get("HF_HUB_CACHE") or Path(os.environ.get("HF_HOME", "~/.cache/huggingface")) / "hub")
    hub = hub.expanduser()
    for model_id in model_ids:
        snapshots = hub / f"models--{model_id.replace('/', '--')}" / "snapshots"
        if snapshots.is_dir():
            for candidate in sorted(snapshots.glob("*/tokenizer.json")):
                return candidate
    return None


class TokenCounter:
    """Counts prompt tokens; ``source`` says how (``tokenizer:<file>`` or ``estimate``)."""

    def __init__(self, tokenizer: str | None = None, model_ids: Sequence[str] = ()):
        self._tok: Any = None
        self.source = "estimate"
        found = _find_tokenizer_file(tokenizer, model_ids)
        if tokenizer and found is None:
            raise FileNotFoundError(f"no tokenizer.json at {tokenizer}")
        if found is not None:
            try:
                from tokenizers import Tokenizer  # optional: only where someone installed it
            except ImportError:
                if tokenizer:
                    raise RuntimeError(f"--tokenizer {tokenizer} needs the 'tokenizers' package") from None
            else:
                self._tok = Tokenizer.from_file(str(found))
                self.source = f"tokenizer:{found}"

    def count(self, text: str) -> int:
        if self._tok is not None:
            return len(self._tok.encode(text, add_special_tokens=False).ids)
        return estimate_tokens(text)

    def count_chat(self, messages: Sequence[dict]) -> int:
        total = CHAT_TOKENS_REPLY_HEADER
        for message in messages:
            total += CHAT_TOKENS_PER_MESSAGE + self.count(message_text(message))
        return total


def message_text(message: dict) -> str:
    """A chat message's text: a string, or the text parts of a content list (images are not counted)."""
    content = message.get("content")
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    parts = [p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text"]
    return "\n".join(str(p) for p in parts)
