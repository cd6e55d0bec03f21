"""What a vLLM release number says about the engine's defaults that change the timeline."""

from __future__ import annotations

import re

ASYNC_SCHEDULING_SINCE = (0, 14)  # async scheduling on by default from vLLM 0.14 (January 2026)


def release(version: str | None) -> tuple[int, int] | None:
    """(major, minor) of a vLLM version string ('0.18.0', 'v0.15.1', '0.19.0-cu130'); None when it names no
    release (empty, nightly builds, custom tags)."""
    m = re.match(r"v?(\d+)\.(\d+)", (version or "").strip())
    return (int(m.group(1)), int(m.group(2))) if m else None


def async_scheduling_by_default(version: str | None) -> bool:
    """Whether that release schedules asynchronously unless told otherwise. Nightly builds and unknown versions
    are taken as current releases (on)."""
    r = release(version)
    return r is None or r >= ASYNC_SCHEDULING_SINCE
