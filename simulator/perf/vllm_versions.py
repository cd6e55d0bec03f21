"""What a vLLM release number says about the engine's defaults that change the timeline.

The engine models vLLM's V1 engine (continuous batching with chunked prefill on every step), the default from
vLLM 0.8; the newest release it knows is the one its kernel tables were collected with. What differs between
those releases and changes a prediction: async scheduling, on by default from 0.14.
"""

from __future__ import annotations

import re

ASYNC_SCHEDULING_SINCE = (0, 14)  # async scheduling on by default from vLLM 0.14 (January 2026)
OLDEST_MODELLED = (0, 8)  # the V1 engine became vLLM's default in 0.8 (March 2025); older ones scheduled otherwise
NEWEST_KNOWN = (0, 24)  # the release the kernel tables (../shared/data/kernels) were collected with
_BUILDS = ("nightly", "latest", "main")  # builds from the main branch: today's defaults


class UnknownVllmVersionError(ValueError):
    """A version the engine cannot say the defaults of (one line, for the user)."""


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


def _name(r: tuple[int, int]) -> str:
    return f"{r[0]}.{r[1]}"


def check_version(version: str) -> str:
    """The version as given, stripped, when the engine knows that release's defaults; otherwise
    ``UnknownVllmVersionError`` saying which versions it knows."""
    v = version.strip()
    known = f"give a vLLM release from {_name(OLDEST_MODELLED)} to {_name(NEWEST_KNOWN)} (e.g. 0.18.0) or 'nightly'"
    if v.lower().startswith(_BUILDS):
        return v
    r = release(v)
    if r is None or not re.fullmatch(r"v?\d+\.\d+(\.\d+)?([.+-][\w.+-]*)?", v):
        raise UnknownVllmVersionError(f"'{version}' is not a vLLM version: {known}")
    if r < OLDEST_MODELLED:
        raise UnknownVllmVersionError(
            f"vLLM {v} predates the V1 engine this simulator models (vLLM's default from {_name(OLDEST_MODELLED)}): "
            f"{known}")
    if r > NEWEST_KNOWN:
        raise UnknownVllmVersionError(f"vLLM {v} is newer than the releases this engine knows: {known}")
    return v


def describe_defaults(version: str) -> str:
    """What the engine takes from that version, in words (a prediction note)."""
    on = async_scheduling_by_default(version)
    since = _name(ASYNC_SCHEDULING_SINCE)
    return (f"vLLM {version}: " + ("async scheduling (the CPU prepares the next step while the GPU runs this one; "
                                   f"default since {since})" if on else
                                   f"synchronous scheduling (async scheduling became the default in {since}): the "
                                   "per-step CPU work adds to each step"))
