"""Questions about the catalog itself ("which GPU in your catalog is cheapest per hour?"): answered from the catalog's
own figures, with no requirements and no plan needed."""

from __future__ import annotations

from typing import Literal

from langchain_core.tools import tool

from agent.tools.common import Runtime
from agent.tools.names import RANK_CATALOG_GPUS
from knowledge.catalog import Catalog

Measure = Literal["price", "memory"]
SHOWN = 3  # the first few, so the answer shows the gap to the next ones


def rank_gpus(catalog: Catalog, measure: Measure) -> str:
    """The catalog's GPUs ranked by one measure, as the sentence the user reads (every figure from the catalog)."""
    if measure == "memory":
        ranked = sorted(catalog.gpus, key=lambda g: -g.memory_gib)
        rows = [f"{g.name}: {g.memory_gib:g} GiB" for g in ranked[:SHOWN]]
        return (f"The GPU with the most memory in my catalog is the {ranked[0].name} ({ranked[0].memory_gib:g} GiB); "
                f"then {'; '.join(rows[1:])}.")
    ranked = sorted(catalog.gpus, key=lambda g: g.on_demand_usd_per_hour)
    first = ranked[0]
    rows = [f"{g.name} ${g.on_demand_usd_per_hour:,.2f}" for g in ranked[1:SHOWN]]
    dates = sorted({p.as_of for p in first.prices})
    return (f"The cheapest GPU per hour in my catalog is the {first.name}: ${first.on_demand_usd_per_hour:,.2f} per "
            f"GPU-hour on demand (median of {len(first.prices)} provider price(s), as of {dates[-1]:%Y-%m-%d}); next "
            f"{', '.join(rows)}. Cheapest per hour is not cheapest per request: tell me the workload and I will "
            "plan which GPU serves it for the least.")


@tool(RANK_CATALOG_GPUS)
def rank_catalog_gpus(measure: Measure, runtime: Runtime) -> str:
    """The catalog's GPUs ranked by on-demand price per GPU-hour ('price') or by memory ('memory')."""
    return rank_gpus(runtime.context.knowledge_base().catalog, measure)
