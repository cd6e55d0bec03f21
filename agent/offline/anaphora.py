"""GPUs referred to by a pronoun: "ok use those, we own them", "let's go with these cards", "run it on them".

"those" names nothing by itself: it is the GPU the conversation last named (the user's "why not the A100 40GB
cards" a turn before). Read as that GPU, allowed only, so "use those, we own them" plans on the cards the user owns
rather than costing every GPU in the catalog as owned. With no GPU named earlier the pronoun is left alone.
"""

from __future__ import annotations

import re
from typing import Any

from langchain_core.messages import HumanMessage

from agent.offline.entities import find_gpus, polarity
from knowledge.catalog import Catalog

# a pronoun for hardware as what to use or what is owned; "use those" alone, "those cards", "them" after a verb of
# using or owning ("we own them", "we already have those")
_PRONOUN = r"(?:those|these|them|that\s+one|those\s+ones|these\s+ones)(?:\s+(?:cards?|gpus?|boxes|machines))?"
# the verb opens the clause or follows a word of agreeing or deciding ("ok use those", "let's go with these"), so
# "our lawyers use them daily" (them = something else, said of someone else) is not read
_OPENS = r"(?:^|[,.;:!?-]\s*|\b(?:ok(?:ay)?|let'?s|we'?ll|we\s+(?:can|could|should)|i'?ll|so|then|just|please|fine|sure|alright|yes|yeah)\s+)"
GPU_ANAPHOR = re.compile(
    rf"{_OPENS}(?:use|go\s+with|run\s+(?:it|this|that)\s+on|run\s+on|switch\s+to|stick\s+(?:to|with)|"
    rf"plan\s+(?:for|with|on)|take|try)\s+{_PRONOUN}\b|"
    rf"\b(?:we|i)\s+(?:already\s+)?own\s+{_PRONOUN}\b|"
    r"\b(?:we|i)\s+(?:already\s+)?(?:have|bought|got)\s+(?:those|these|them)\s+(?:cards?|gpus?)\b", re.I)
LOOK_BACK = 6  # user messages searched for the named GPU


def _earlier_gpus(state: Any, text: str, catalog: Catalog) -> tuple[list[str], str]:
    """The GPUs of the latest earlier user message that named any (kept or ruled out: "why not the A100s" names
    them), with the words they were named in."""
    said = [m.content for m in getattr(state, "messages", []) if isinstance(m, HumanMessage)
            and isinstance(m.content, str)]
    if said and said[-1].strip() == text.strip():
        said = said[:-1]
    for earlier in reversed(said[-LOOK_BACK:]):
        # the last sentence that names one: "we have MI300Xs? no wait, why not the L4?" points at the L4
        for sentence in reversed(re.split(r"(?<=[.?!])\s+", earlier)):
            mentions = find_gpus(sentence.lower(), catalog)
            names = list(dict.fromkeys(n for m in mentions for n in m.names))
            if names:
                return names, sentence[mentions[0].start:mentions[-1].end]
    return [], ""


def referred_gpus(text: str, catalog: Catalog, state: Any) -> tuple[list[str], str] | None:
    """(GPU names, the words they stand for) when ``text`` refers to earlier-named GPUs by a pronoun and names
    none itself; None otherwise."""
    found = GPU_ANAPHOR.search(text)
    if found is None or state is None or polarity(text.lower(), find_gpus(text.lower(), catalog)):
        return None
    names, words = _earlier_gpus(state, text, catalog)
    if not names:
        return None
    return names, f"{found.group(0)} (the {words} you named earlier)"


# a count of the GPUs talked about: "what if we only had 2 of them?", "we can get 4 of those"
_COUNT_OF_THEM = re.compile(r"\b((?:had|have|has|got|get|own|owned|bought|buy|use|used|using)\s+(?:only\s+|just\s+)?"
                            r"(?:\d+|one|two|three|four|five|six|seven|eight|ten|twelve|sixteen))\s+of\s+"
                            r"(?:them|those|these)\b(?!\s+(?:users|people|requests))", re.I)


def counted_gpus(text: str, catalog: Catalog, state: Any) -> str:
    """``text`` with "N of them" read as "N GPUs" when "them" can only be the GPUs talked about: the spec allows
    only some GPUs, or an earlier message named some (so "what if we only had 2 of them?" is a GPU count)."""
    if state is None or not _COUNT_OF_THEM.search(text):
        return text
    spec = getattr(state, "spec", None)
    if not (spec is not None and spec.gpus) and not _earlier_gpus(state, text, catalog)[0]:
        return text
    return _COUNT_OF_THEM.sub(lambda m: f"{m.group(1)} GPUs", text)
