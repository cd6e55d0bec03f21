"""The planner's memo tables (``knowledge.memo``): plans of one workload class ask the same questions again and again.

Each table is named and sized here; the engine's sustained rates (``simulator.perf.loadsim.sustained_rps``) are one
of them, so ``warm_start`` keeps them on disk with the rest.
"""

from __future__ import annotations

from knowledge.catalog import Catalog
from knowledge.memo import Encoded, Memo, table
from simulator.perf.loadsim import SUSTAINED, SUSTAINED_KEPT

__all__ = ["DEFAULT_SIZE", "Encoded", "Memo", "SIZES", "memo"]

# entries kept per table; others DEFAULT_SIZE
SIZES = {"prediction": 4_000, "candidates": 20_000, SUSTAINED: SUSTAINED_KEPT}
DEFAULT_SIZE = 50_000


def memo(catalog: Catalog, name: str) -> Memo:
    return table(catalog, name, SIZES.get(name, DEFAULT_SIZE))
