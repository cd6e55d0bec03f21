"""Recognise credentials in free text, so they are never stored or logged (one definition for every layer).

Users paste things: a Hugging Face token "so you can pull the gated model", a kubeconfig, a database URL. Compass
never needs a credential in a message (tokens live in Kubernetes Secrets, kubeconfigs in KUBECONFIG), so anything
that looks like one is replaced before the text reaches a checkpoint, a session title or a log line.
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"

# Shapes of credentials with a recognisable form. Deliberately specific: a false positive edits a user's words.
_TOKEN_PATTERNS = [
    re.compile(r"\bhf_[A-Za-z0-9]{20,}\b"),                                  # Hugging Face access token
    re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b"),                 # OpenAI / Anthropic style API key
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"),                           # GitHub token
    re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),  # JWT (k8s SA token)
    re.compile(r"(?i)(?<=bearer )[A-Za-z0-9._~+/-]{16,}=*"),                # Authorization: Bearer <token>
    re.compile(r"(?im)(?<=\btoken: )\S{16,}"),                              # kubeconfig `token: ...`
    re.compile(r"(?im)(?<=client-key-data: )\S{16,}"),                      # kubeconfig client key
]
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@", re.I)  # scheme://user:password@host


def redact(text: str) -> str:
    """``text`` with every credential-shaped substring replaced by ``[redacted]`` (URL passwords by ``***``)."""
    for pattern in _TOKEN_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return _URL_PASSWORD.sub(r"\1***@", text)


def contains_secret(text: str) -> bool:
    return redact(text) != text
