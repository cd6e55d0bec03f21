"""A price cap per GPU-hour with no count of GPUs ("maximum 1 euro per hour per GPU", "nothing over $2/GPU-hr", "cards
under $1.50 an hour each"): a limit on which GPUs may be rented, not a fleet's monthly budget. It allows the catalog's
GPUs whose median on-demand price is at or under the cap, and the reply lists their prices. With a count of GPUs the
same price times the count is a budget (budgets.py read_gpu_hour_budget)."""

from __future__ import annotations

import re

from agent.offline.currency import currency_of, to_usd
from agent.offline.fact_sheet import Facts
from agent.offline.text import mask
from knowledge.catalog import Catalog

_CUR = r"(?:usd|dollars?|bucks|euros?|eur|pounds?|gbp|chf)"
_MONEY = rf"(?P<sym>[$€£]\s*)?(?P<n>\d+(?:[.,]\d{{1,2}})?)\s*(?P<cur>{_CUR}\b|€)?"
_PER = r"\s*(?:/|per|an?|each|for\s+(?:each|a|one|every))\s*"
_GPU = r"(?:gpus?|cards?|§+|accelerators?)"
_HOUR = r"(?:hours?|hrs?|h)\b"
_CAP = re.compile(
    r"(?:\b(?:max(?:imum)?|at\s+most|up\s+to|under|below|no\s+more\s+than|less\s+than|not\s+more\s+than|cap\s+(?:of|at)|"
    r"over|above|more\s+than)\s+)?"
    rf"{_MONEY}(?:{_PER}{_HOUR}{_PER}{_GPU}|{_PER}{_GPU}{_PER}{_HOUR}|{_PER}{_GPU}[\s-]?{_HOUR})")
# a count of GPUs in the sentence makes the price a budget ("4 GPUs at up to $3 per GPU-hour")
_COUNTED = re.compile(r"\b\d+\s*(?:x\s*)?(?:[a-z]+\s+)?(?:gpus\b|cards\b|§+)")
_ABOVE = re.compile(r"^(?:over|above|more\s+than)\b")


def price_cap(text: str, catalog: Catalog, f: Facts) -> str:
    """Reads a cap per GPU-hour in ``text`` (lower-cased, GPU names masked), allows the GPUs under it, and returns the
    text with the cap masked."""
    if _COUNTED.search(text):
        return text
    m = _CAP.search(text)
    if m is None or not (m.group("sym") or m.group("cur")):
        return text
    said = " ".join(m.group(0).split())
    if _ABOVE.match(said):  # "nothing over $2 per GPU-hour" caps too; "GPUs above $2/h" alone says no limit
        if not re.search(r"(?:\b(?:nothing|no|not|never|none|cannot)\b|n't\b)[^.;!?]{0,20}$", text[:m.start()]):
            return text
    value = float(m.group("n").replace(",", "."))
    usd, conversion = to_usd(value, currency_of(said + (m.group("sym") or "")))
    if usd <= 0:
        return text
    under = sorted((g for g in catalog.gpus if g.on_demand_usd_per_hour <= usd), key=lambda g: g.on_demand_usd_per_hour)
    if conversion:  # "€1 at 1.17 USD per EUR (rates of 2025-06-30) = $1": the cap said, then in dollars
        said_as, rate = conversion.split(" at ", 1)
        cap = f"{said_as} (${usd:,.2f} at {rate.split(' = ')[0].replace(' (', ', ').rstrip(')')}) per GPU-hour"
    else:
        cap = f"${usd:,.2f} per GPU-hour"
    if not under:
        cheapest = min(catalog.gpus, key=lambda g: g.on_demand_usd_per_hour)
        f.remarks.append(f"No GPU I know rents at or under {cap}: the cheapest, {cheapest.name}, is "
                         f"${cheapest.on_demand_usd_per_hour:,.2f} (median on-demand price), so I set no GPU limit.")
    else:
        f.add("gpus", [g.name for g in under])
        f.consume(said)
        f.remarks.append(f"A cap of {cap} is a limit per GPU, not a monthly budget: I allowed the GPUs whose median "
                         "on-demand price is at or under it: "
                         + ", ".join(f"{g.name} ${g.on_demand_usd_per_hour:,.2f}" for g in under) + ".")
    return mask(text, [m.span()])
