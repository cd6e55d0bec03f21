"""The environment a simulator (or local front) child process starts with: what it needs, never credentials.

Kept apart from ``process.py`` (which imports the server stack) so the local deploy target can use it cheaply.
"""

from __future__ import annotations

import os

# What a child takes from its parent's environment: how to run Python and find the tokenizer cache, the
# locale, and how to log. Never the parent's credentials (API keys, OpenAI/Hugging Face tokens, database URLs):
# a simulator needs none, and a process's environment is readable by whoever can inspect the process.
INHERITED = ("PATH", "HOME", "TMPDIR", "TZ", "LANG", "LANGUAGE", "PYTHONPATH", "PYTHONHASHSEED", "VIRTUAL_ENV",
             "SYSTEMROOT", "HF_HOME", "HF_HUB_CACHE", "COMPASS_LOG_LEVEL", "COMPASS_LOG_FORMAT")


def child_environment(*layers: dict[str, str]) -> dict[str, str]:
    """``INHERITED`` and ``LC_*`` from this process, then each layer (the child's configuration) on top."""
    env = {k: v for k, v in os.environ.items() if k in INHERITED or k.startswith("LC_")}
    for layer in layers:
        env.update(layer)
    return env
