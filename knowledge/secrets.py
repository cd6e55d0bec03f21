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
    re.compile(r"\bsk-(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{6,}\b"),             # a short sk- key (has a digit)
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"),                           # GitHub token
    re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b"),  # AWS access key id
    re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),  # JWT (k8s SA token)
    re.compile(r"(?i)(?<=bearer )[A-Za-z0-9._~+/-]{16,}=*"),                # Authorization: Bearer <token>
    re.compile(r"(?im)(?<=\btoken: )\S{16,}"),                              # kubeconfig `token: ...`
    re.compile(r"(?im)(?<=client-key-data: )\S{16,}"),                      # kubeconfig client key
]
# `password: x`, `PASSWORD=x`, `"aws_secret_access_key": "x"`: the value of a key that names a secret. The
# value is one token that either has a digit or symbol in it or ends its line / quoted string / list item, so
# prose ("my password: can you help?") stays as written.
_SECRET_KEY = r"(?:password|passwd|pwd|secret[_-]?key|secret[_-]?access[_-]?key|aws[_-]?secret[_-]?access[_-]?key|" \
              r"api[_-]?key|access[_-]?token|client[_-]?secret)"
_KEY_VALUE = re.compile(rf"""(?i)(\b{_SECRET_KEY}\b["']?[ \t]*[:=][ \t]*["']?)"""
                        r"""((?=[^\s"',;]*[^A-Za-z\s"',;])[^\s"',;]{4,}|[^\s"',;]{4,}(?=["',;]|[ \t]*(?:\n|$)))""")
# An AWS secret key is 40 base64 characters; alone it looks like many other strings, so it is redacted only in
# a text that also holds an AWS access key id (they are pasted together).
_AWS_KEY_ID = _TOKEN_PATTERNS[4]
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*\d)"
                         r"[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@", re.I)  # scheme://user:password@host


def redact(text: str) -> str:
    """``text`` with every credential-shaped substring replaced by ``[redacted]`` (URL passwords by ``***``)."""
    if _AWS_KEY_ID.search(text):
        text = _AWS_SECRET.sub(REDACTED, text)
    for pattern in _TOKEN_PATTERNS:
        text = pattern.sub(REDACTED, text)
    text = _KEY_VALUE.sub(lambda m: m.group(1) + REDACTED, text)
    return _URL_PASSWORD.sub(r"\1***@", text)


def contains_secret(text: str) -> bool:
    return redact(text) != text
