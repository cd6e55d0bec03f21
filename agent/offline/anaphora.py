"""GPUs referred to by a pronoun: "ok use those, we own them", "let's go with these cards", "run it on them".

"those" names nothing by itself: it is the GPU the conversation last named (the user's "why not the A100 40GB
cards" a turn before). Read as that GPU, allowed only, so "use those, we own them" plans on the cards the user owns
rather than costing every GPU in the catalog as owned. With no GPU named earlier the pronoun is left alone.
"""

from __future__ import annotations

import re
from typing import Any

from langchain_core.messages import HumanMessage

from agent.offline.entities import find_gpus, find_models, polarity
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


# a variant named without its family: "sorry, SXM, not PCIe", "the 80GB ones, not 40GB"
_BARE_VARIANT = re.compile(r"(?<![\w-])(?<!\w\s)(sxm\d?|pcie|nvl|80\s?gb|40\s?gb)\b", re.I)


def held_variants(text: str, catalog: Catalog, state: Any) -> str:
    """``text`` with a bare variant ("SXM", "PCIe", "80GB") read as that variant of the one GPU family the spec holds
    (allowed or ruled out), so "sorry, SXM, not PCIe" after "we rent H100 PCIe" swaps the card; untouched when the
    message names a GPU itself or the spec holds no family with that variant."""
    spec = getattr(state, "spec", None)
    held = list(getattr(spec, "gpus", []) or []) + list(getattr(spec, "exclude_gpus", []) or [])
    if not held or not _BARE_VARIANT.search(text) or find_gpus(text.lower(), catalog):
        return text
    families = {name.split("-")[0] for name in held}
    if len(families) != 1:
        return text
    family = families.pop()

    def card(m: re.Match) -> str:
        variant = re.sub(r"\s", "", m.group(1)).lower()
        names = [g.name for g in catalog.gpus if g.name.lower() == f"{family.lower()}-{variant}"]
        return names[0] if names else m.group(0)
    return _BARE_VARIANT.sub(card, text)


# a pronoun as the object of ruling something out: "OK then exclude it altogether", "drop that one", "ban those"
_PRONOUN_OBJECT = r"(it|that(?:\s+one|\s+model|\s+gpu|\s+card)?|them|those(?:\s+ones)?)"
_RULE_OUT_PRONOUN = re.compile(rf"\b(?:exclude|drop|remove|ban|rule\s+out|skip|block|blacklist|take\s+out|get\s+rid\s+of)\s+"
                               rf"{_PRONOUN_OBJECT}\b(?!\s+(?:budget|limit|cap|users?|requirement|target|constraint)\b)|"
                               rf"\b(?:rule|cross|strike|take)\s+{_PRONOUN_OBJECT}\s+(?:out|off)\b", re.I)


def ruled_out_referent(text: str, catalog: Catalog, state: Any) -> str:
    """``text`` with the pronoun of "exclude it" read as the model or GPUs the previous user message named (a why-not
    question, a what-if about them), when this message names none; untouched otherwise."""
    found = _RULE_OUT_PRONOUN.search(text)
    if found is None or state is None or find_gpus(text.lower(), catalog) or find_models(text.lower(), catalog)[0]:
        return text
    said = [m.content for m in getattr(state, "messages", []) if isinstance(m, HumanMessage)
            and isinstance(m.content, str)]
    if said and said[-1].strip() == text.strip():
        said = said[:-1]
    if not said:
        return text
    low = said[-1].lower()
    gpus, models = find_gpus(low, catalog), find_models(low, catalog)[0]
    named = models if models and not gpus else gpus if gpus and not models else []
    if not named:
        return text
    words = " and ".join(dict.fromkeys(said[-1][m.start:m.end] for m in named))
    group = 1 if found.group(1) else 2
    return text[:found.start(group)] + words + text[found.end(group):]


# more of the machines the GPUs were counted in: "we just got a second identical box", "two more servers like that"
_MORE_MACHINES = re.compile(r"\b(?:a\s+second|another|one\s+more|an\s+extra|an\s+additional|(?P<n>two|three|four|\d+)\s+"
                            r"(?:more|extra|additional))\s+(?:identical\s+|same\s+|matching\s+|similar\s+)?(?:box|server|node|"
                            r"machine|dgx|hgx|system|chassis)(?:es|s)?\b", re.I)
_MACHINES_NOTE = re.compile(r"(\d+) machines x (\d+) GPUs")
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4}


def more_machines(text: str, state: Any) -> tuple[int, str] | None:
    """(the GPUs available, how they were counted) when ``text`` adds machines like the ones the held GPU count was
    counted in ("1 machines x 8 GPUs" + "a second identical box" = 16); None otherwise."""
    m = _MORE_MACHINES.search(text)
    spec = getattr(state, "spec", None)
    source = spec.sources.get("max_gpus") if m is not None and spec is not None else None
    counted = _MACHINES_NOTE.search(source.note or "") if source is not None else None
    if counted is None:
        return None
    added = 1 if m.group("n") is None else _COUNT_WORDS.get(m.group("n").lower()) or int(m.group("n"))
    machines, each = int(counted.group(1)) + added, int(counted.group(2))
    return machines * each, f"{machines} machines x {each} GPUs"


# cards that were on order and have come: "the other 4 L4s finally showed up", "2 more H100s arrived and are racked"
_ARRIVED = re.compile(r"\b(?:the\s+other|the\s+remaining|(?P<more>\d+|two|three|four)\s+more)\s+(?P<n>\d+|two|three|four)?\s*"
                      r"(?:[\w-]+\s+){0,2}?(?:(?:finally|just|have|has|were|got)\s+){0,2}(?:arrived|showed\s+up|came\s+in|"
                      r"turned\s+up|landed|been\s+delivered|delivered|installed|racked|are\s+(?:here|in|racked|installed))\b",
                      re.I)
# the total said after it: "we have 8 now", "that makes 8", "so 8 in total"
_TOTAL_NOW = re.compile(r"\b(?:we\s+(?:now\s+)?have|we'?ve\s+(?:now\s+)?got|that\s+makes|so)\s+(?P<n>\d+)\s*(?:gpus?\s+|cards\s+)?"
                        r"(?:now|in\s+total|total|altogether|all\s+told)\b", re.I)


def gpus_arrived(text: str, state: Any) -> tuple[int, str] | None:
    """(the GPUs available, how they were counted) when cards on order are said to have come: the total said with
    them, else the count held plus the ones come; None when nothing came or no count is held."""
    m = _ARRIVED.search(text)
    spec = getattr(state, "spec", None)
    held = spec.max_gpus if spec is not None and spec.stated("max_gpus") else None
    if m is None or not held:
        return None
    if (total := _TOTAL_NOW.search(text, m.end())) and int(total.group("n")) > held:
        return int(total.group("n")), f"{total.group('n')} as said ({held} held before, the rest arrived)"
    said = m.group("n") or m.group("more")
    if said is None:
        return None
    come = _COUNT_WORDS.get(said.lower()) or int(said)
    return held + come, f"{held} held + {come} arrived = {held + come}"
