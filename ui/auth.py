"""Password login for the web UI: users from ``COMPASS_UI_USERS``, compared as hashes in constant time.

``COMPASS_UI_USERS="alice:secret,bob:sha256=<hex of sha256(password)>"``. Plain passwords are hashed when the
configuration is read and never kept, logged or echoed; a stored ``sha256=`` digest avoids writing the
password into the environment at all.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

_DIGEST_PREFIX = "sha256="


def _digest(password: str) -> bytes:
    return hashlib.sha256(password.encode("utf-8")).digest()


@dataclass(frozen=True)
class UserTable:
    digests: dict[str, bytes]

    @classmethod
    def parse(cls, spec: str | None) -> "UserTable":
        """'alice:secret,bob:sha256=9f86...' -> users; malformed items are ignored (and named by check())."""
        digests: dict[str, bytes] = {}
        for item in (spec or "").split(","):
            name, sep, secret = item.strip().partition(":")
            name = name.strip()
            if not sep or not name or not secret:
                continue
            if secret.startswith(_DIGEST_PREFIX):
                try:
                    digests[name] = bytes.fromhex(secret[len(_DIGEST_PREFIX):])
                except ValueError:
                    continue
            else:
                digests[name] = _digest(secret)
        return cls(digests)

    def __bool__(self) -> bool:
        return bool(self.digests)

    def verify(self, username: str, password: str) -> bool:
        """True when the password matches; the same work is done for unknown users (no timing oracle)."""
        expected = self.digests.get(username)
        offered = _digest(password or "")
        ok = hmac.compare_digest(offered, expected if expected is not None else b"\0" * len(offered))
        return ok and expected is not None


def hash_for_config(password: str) -> str:
    """The value to put in COMPASS_UI_USERS instead of a plain password: 'sha256=<hex>'."""
    return _DIGEST_PREFIX + _digest(password).hex()
