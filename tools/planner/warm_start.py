"""The planner's engine results kept on disk, so a new process (a ``compass plan``, a restarted server) starts warm.

A process's first plan of a workload shape evaluates every configuration of the catalog with the performance
engine (light-load latencies, throughput ceilings: ~0.5 s of CPU for ~2,300 configurations), and each verification
simulates (and, open loop, finds once per configuration and load shape what a replica sustains: a saturation
simulation of ~0.1 s); later plans read the per-catalog memo tables (``memo.py``). Those results are deterministic
in the catalog, the engine's code and coefficients, and the inputs in each key, so they are written to the user's
cache directory (``$XDG_CACHE_HOME/compass``, else ``~/.cache/compass``) under a fingerprint of all three and read
back by the next process: a changed catalog, coefficient fit or engine code gets a new file (built on first use),
never an old result. Being a pure function of that fingerprint, one file serves every data directory (``COMPASS_HOME``).
``prepare`` builds it for the shapes of the shipped use cases, before a server takes requests.

The file is a cache: deleting it only costs the next process its cold start. It is a pickle written by this user
for this user (mode 0600, in their own cache directory), read only from there.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import structlog

from knowledge.catalog import Catalog
from simulator.perf import LightLoadLatency
from simulator.perf.loadsim import SUSTAINED
from tools.planner.memo import memo

log = structlog.get_logger(__name__)

# memo table -> entries written at most (the most recently used): a workload shape is ~2,300 screen entries.
# Few predictions: their pydantic keys and values make most of the reading time. The sustained rates (plain keys
# and floats, one saturation simulation each, ~0.1 s) outlive the predictions of one rate: every verification of
# a configuration at any rate of that load shape needs its figure.
PERSISTED = {"screen": 25_000, "capacity": 10_000, "prediction": 200, SUSTAINED: 5_000}


def _screen_to_file(value: tuple[LightLoadLatency, float]) -> tuple[float, float, float, float]:
    light, ceiling = value
    # float(): the engine's ceiling can be a numpy scalar, and one in the file makes every reading process
    # import numpy (~0.1 s of a `compass plan` start)
    return light.ttft_p95_ms, light.itl_p95_ms, light.e2e_p95_ms, float(ceiling)


def _screen_from_file(raw: tuple[float, float, float, float]) -> tuple[LightLoadLatency, float]:
    ttft, itl, e2e, ceiling = raw
    return LightLoadLatency.model_construct(ttft_p95_ms=ttft, itl_p95_ms=itl, e2e_p95_ms=e2e), ceiling


# tables whose values are written as plain data (pickle reads 25,000 pydantic objects ten times slower) and
# decoded when first used
_CODECS = {"screen": (_screen_to_file, _screen_from_file)}
_REPO = Path(__file__).resolve().parents[2]
# what the persisted results are computed by: the engine with its coefficients, the planner, the domain types
_CODE = (_REPO / "simulator", _REPO / "tools" / "planner", _REPO / "knowledge" / "domain")
_STATE_KEY = "planner.warm_start"
_PREPARED = "prepared use cases"  # the use cases ``prepare`` planned into the file
_lock = threading.Lock()


def _fingerprint(catalog: Catalog) -> str:
    digest = hashlib.sha256(catalog.version.encode())
    for root in _CODE:
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".json", ".yaml") and p.is_file()):
            digest.update(str(path.relative_to(_REPO)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


KEEP_FILES = 4  # files of other fingerprints (older code or catalogs) kept beside the current one


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "compass"


def cache_file(catalog: Catalog) -> Path:
    return cache_dir() / f"planner-{_fingerprint(catalog)}.pickle"


def _state(catalog: Catalog) -> dict:
    return catalog._cache.setdefault(_STATE_KEY, {"restored": False, "saved_screen": 0, "saved_predictions": 0,
                                                  "file": None, "prepared": frozenset()})


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while the file is read or written: the ~100,000 tuples of a full
    file, every one kept, set off collections of the whole heap that free nothing (measured on a full file: a
    write ~100-190 ms with them, ~50 ms without; a read ~80 ms, ~63 ms)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def restore(catalog: Catalog) -> int:
    """Load the kept results into the catalog's memo tables (once per catalog snapshot); entries loaded."""
    state = _state(catalog)
    with _lock:
        if state["restored"]:
            return 0
        state["restored"] = True
        state["file"] = path = cache_file(catalog)
        with _collector_paused():
            try:
                tables = pickle.loads(path.read_bytes())  # noqa: S301 - this user's own cache file, see the docstring
            except FileNotFoundError:
                return 0
            except Exception as exc:  # noqa: BLE001 - a damaged or foreign cache file is ignored and rewritten
                log.warning("planner_cache_unreadable", file=str(path), error=f"{type(exc).__name__}: {exc}"[:200])
                return 0
            loaded = 0
            for name, items in tables.items() if isinstance(tables, dict) else ():
                if name in PERSISTED:
                    loaded += memo(catalog, name).preload(items, _CODECS[name][1] if name in _CODECS else None)
        state["prepared"] = frozenset(tables.get(_PREPARED, ())) if isinstance(tables, dict) else frozenset()
        state["saved_screen"] = len(memo(catalog, "screen"))
        state["saved_predictions"] = len(memo(catalog, "prediction"))
        return loaded


def save(catalog: Catalog, *, force: bool = False, new_verifications: bool = False) -> bool:
    """Write the memo tables when a new workload shape was screened since the last write (the costly part;
    verification results ride along). True when written.

    ``new_verifications``: also write when only verifications are new -- a command line process, whose next run
    of the same question then simulates nothing (a shape screened by another process left its own verifications
    only). Servers leave it off: a write per distinct plan would cost them more than it saves.
    """
    state = _state(catalog)
    with _lock:
        screened, predicted = len(memo(catalog, "screen")), len(memo(catalog, "prediction"))
        new = screened > state["saved_screen"] or (new_verifications and predicted > state["saved_predictions"])
        if not new and not force:
            return False
        path = state["file"] or cache_file(catalog)
        with _collector_paused():
            tables: dict = {name: memo(catalog, name).recent(limit, *(_CODECS[name][:1] if name in _CODECS else ()))
                            for name, limit in PERSISTED.items()}
            tables[_PREPARED] = sorted(state["prepared"])
            data = pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".planner-", suffix=".tmp")  # mode 0600
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)  # atomic: a process reading meanwhile sees the old file or the new one
            _forget_old_files(path)
        except OSError as exc:  # a read-only or full disk costs the next process its warm start, nothing else
            log.warning("planner_cache_not_written", file=str(path), error=str(exc)[:200])
            return False
        state["saved_screen"], state["saved_predictions"] = screened, predicted
        return True


def _forget_old_files(current: Path) -> None:
    others = sorted((p for p in current.parent.glob("planner-*.pickle") if p != current),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[KEEP_FILES:]:
        old.unlink(missing_ok=True)


def prepare(catalog: Catalog) -> int:
    """Make sure the file holds the engine results for every shipped use case's workload shape (their default
    prompt and output lengths, which conversations and plans use unless told otherwise): plans one spec per use
    case when the file is missing or lacks them (~0.5 s of CPU each, once per catalog and engine version).
    Returns the number of use cases planned now (0: the file had them)."""
    from knowledge.domain import DeploymentSpec
    from knowledge.errors import CompassError
    from tools.planner.plan import plan_detailed

    restore(catalog)
    state = _state(catalog)
    wanted = {t.name.value for t in catalog.use_cases}
    if wanted <= state["prepared"]:
        return 0
    screened = memo(catalog, "screen")
    before = len(screened)
    planned = 0
    for template in catalog.use_cases:
        try:
            plan_detailed(DeploymentSpec().with_values("assumed", "planner warm-up", use_case=template.name,
                                                       users=100), catalog)
        except CompassError:  # a use case nothing fits is planned (and refused) on demand, as before
            continue
        planned += len(screened) > before
        before = len(screened)
    state["prepared"] = frozenset(wanted)
    save(catalog, force=True)
    return planned
