"""A GPU family named in an allow-list: "H100 only", "any H100 will do", "both H100 variants".

A bare family name allows the card the name usually means (H100 = H100-SXM, the reading every blind round's writers
agreed on), while "no H100" rules out every variant (the safe reading of an exclusion). The two differ, so an allow-list
read from a bare family says which card it took and how to get the others; words that quantify over the variants
("both", "either", "any", "all", "SXM or PCIe") allow all of them, as an exclusion does.
"""

from __future__ import annotations

import re

from agent.offline.entities import find_gpus, polarity
from knowledge.catalog import Catalog

_VARIANT = r"(?:sxm\d?|pcie|nvl|oam)"
ALL_BEFORE = re.compile(r"\b(?:both|either|any|all|every|whichever)\s+(?:of\s+the\s+|the\s+|kind\s+of\s+|type\s+of\s+)?$")
ALL_AFTER = re.compile(rf"^\W*(?:s\b)?[\s,]*(?:(?:is|are|will\s+do|works?|only|cards?|gpus?)[\s,]*){{0,3}}"
                       rf"(?:\(?{_VARIANT}\s*(?:or|and|/)\s*{_VARIANT}\b|both\s+(?:kinds|variants|versions|types|form\s+"
                       rf"factors)|(?:any|either)\s+(?:kind|variant|version|type|form\s+factor)|all\s+(?:variants|"
                       rf"versions|kinds)|(?:any|either|every)\s+(?:one|of\s+them))", re.I)


def all_variants(text: str, start: int, end: int) -> bool:
    """The family at text[start:end] is said with a word that takes all its variants."""
    return bool(ALL_BEFORE.search(text[max(0, start - 24):start]) or ALL_AFTER.match(text[end:end + 60]))


def family_note(text: str, allowed: list[str], catalog: Catalog) -> str | None:
    """What an allow-list read from a bare family name took, and how to say the other variants."""
    low = text.lower()
    for m in polarity(low, find_gpus(low, catalog)):
        if m.positive and m.broad and set(m.names) <= set(allowed) and not set(m.broad) <= set(allowed):
            others = [g for g in m.broad if g not in m.names]
            said = text[m.start:m.end].strip()
            family = re.sub(r"(?<=\d)s$", "", said)  # "H100s" -> "H100"
            return (f"I read \"{said}\" as the {', '.join(m.names)}, the card the name usually means; say *any "
                    f"{family}* if the {' and '.join(others)} {'is' if len(others) == 1 else 'are'} fine as well.")
    return None
