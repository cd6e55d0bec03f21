"""Head counts a message gives across its sentences (the sentence readers see one sentence at a time): places counted
in one sentence and the people in each in the next ("We've got 18 wards. Each ward has 12 nurses on days and 6 on
nights"), people listed per place ("Patent attorneys: Munich 60, The Hague 50, Alicante 30"), the count of the people
named in an earlier sentence ("Our translators will use it. There are 60 of them."), and a head count sized for the
growth the message asks to plan for ("400 today ... grow 50% next year, so size it for next year's numbers").

``read_head_counts`` numbers the message once and runs them all; each completes ``updates`` with the users and a note of
the arithmetic.
"""

from __future__ import annotations

import re
from typing import Any

from agent.offline.numbers import NUM, Numbered, number_text
from agent.offline.passes import readable
from agent.offline.people import GROUP_NOUN, PEOPLE_NOUN, same_place
from agent.offline.scaling import multiplier_text

_SENTENCES = re.compile(r"[^.;!?\n]+")


def _value(nt: Numbered, m: re.Match, name: str) -> float:
    return nt.values[int(m.group(name).strip("\x01\x02"))]


_ABOUT = r"(?:about\s+|around\s+|roughly\s+|~\s*|some\s+|approx\w*\s+|nearly\s+|over\s+)?"

# the places counted: "18 wards", "we run 25 stores", "12 regional offices"
_PLACES = re.compile(rf"{NUM}\s+(?:[a-z-]+\s+)?(?P<places>{GROUP_NOUN})\b")
# any plural agreeing with the place the people are counted in ("6 depots" ... "in each depot")
_NAMED_PLACES = re.compile(rf"{NUM}\s+(?:[a-z-]+\s+)?(?P<places>[a-z]{{3,}}s)\b")
# the people in each, in a sentence of its own that opens with the place: "Each ward has 12 nurses on the day shift
# and 6 on nights", "Every store has about 30 associates", "In each office there are 40 reps"
_EACH_PLACE = re.compile(
    rf"^\s*(?:and\s+)?(?:in\s+|at\s+|on\s+)?(?:each|every)(?:\s+(?:one\s+of\s+them|"
    rf"(?P<per>(?!with\b|has\b|have\b)[a-z]+)))?\b[^\x01]{{0,40}}?{_ABOUT}(?P<size>{NUM})\s*(?:[a-z-]+\s+){{0,2}}?"
    rf"{PEOPLE_NOUN}\b")
_EACH_CLAUSE = re.compile(r",(?=\s*(?:and\s+)?(?:in\s+|at\s+|on\s+)?(?:each|every)\b)")
# more people of the same place in the same sentence: "and 6 on nights", "plus 4 more at weekends"
_MORE_IN_PLACE = re.compile(rf"[^\x01]{{0,40}}?\b(?:and|plus|with)\s+(?:another\s+)?{_ABOUT}(?P<more>{NUM})\s+(?:more\s+)?"
                            rf"(?:(?:[a-z-]+\s+)?{PEOPLE_NOUN}\b|(?:on|at|in|during|for|over)\s+(?:the\s+)?[a-z]+)")


def read_head_counts(own: str, updates: dict[str, Any], phrases: dict[str, str], notes: dict[str, str]) -> None:
    """Every reader here, over the message numbered once."""
    nt = number_text(own.lower())
    places_counted_before(nt, updates, phrases, notes)
    counts_by_place(own, updates, phrases, notes)
    count_of_them(nt, updates, phrases)
    groups_at_work(nt, updates, phrases, notes)
    sized_for_growth(nt, updates, notes)


def places_counted_before(nt: Numbered, updates: dict[str, Any], phrases: dict[str, str],
                          notes: dict[str, str]) -> None:
    """'We've got 18 wards. Each ward has 12 nurses on days and 6 on nights': 18 x (12 + 6) users, when the sentence
    with the people read them as the users (its own count, or its counts added)."""
    # "we have 4 regions, each region has 35 planners": the clause that opens with "each" stands as a sentence
    sentences = [m for m in _SENTENCES.finditer(_EACH_CLAUSE.sub(";", nt.text))]
    for i, s in enumerate(sentences[1:], 1):
        each = _EACH_PLACE.match(s.group(0))
        if each is None:
            continue
        sizes = [_value(nt, each, "size")]
        more = _MORE_IN_PLACE.match(s.group(0), each.end())
        if more:
            sizes.append(_value(nt, more, "more"))
        if updates.get("users") not in (sizes[0], sum(sizes)):
            return  # the users came from something else the message said
        for before in reversed(sentences[:i]):
            per = each.group("per")
            places = ([m for m in _NAMED_PLACES.finditer(before.group(0)) if same_place(per, m.group("places"))]
                      if per else list(_PLACES.finditer(before.group(0))))
            if places:
                count = nt.value(places[-1])
                updates["users"] = round(count * sum(sizes))
                phrases["users"] = readable(each.group(0), nt)
                added = " + ".join(f"{v:,.0f}" for v in sizes)
                notes["users"] = (f"{count:,.0f} {places[-1].group('places')} x "
                                  f"{'(' + added + ')' if len(sizes) > 1 else added} = {updates['users']:,}")
                return
        return


# people listed per place after a colon: "Patent attorneys and assistants: Munich 60, The Hague 50, Alicante 30",
# "Agents by site: Lisbon 120, Krakow 80 and Manila 200" (places are capitalised names)
_NAME = r"[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|de|la|del|am|an|upon|on))*"
_AMOUNT = r"(?:~\s*)?(\d{1,3}(?:,\d{3})+|\d+)(?!\d|\.\d)(?!\s*%)(?!\s*(?!and\b)[a-z])"
_LISTED = re.compile(rf":\s*(?P<list>{_NAME}\s+{_AMOUNT}(?:\s*(?:,|;|&|and)\s*{_NAME}\s+{_AMOUNT})+)")
_LISTED_ITEM = re.compile(rf"{_NAME}\s+{_AMOUNT}")
_PEOPLE_BEFORE = re.compile(rf"\b{PEOPLE_NOUN}\b")


def counts_by_place(own: str, updates: dict[str, Any], phrases: dict[str, str], notes: dict[str, str]) -> None:
    """'Patent attorneys and technical assistants: Munich 60, The Hague 50, Alicante 30' -> 140 users."""
    if "users" in updates or "concurrent_users" in updates:
        return
    for m in _LISTED.finditer(own):
        lead = own[max(0, m.start() - 80):m.start()].lower()
        lead = re.split(r"[.;!?\n]", lead)[-1]
        if not _PEOPLE_BEFORE.search(lead):
            continue
        counts = [int(item.group(1).replace(",", "")) for item in _LISTED_ITEM.finditer(m.group("list"))]
        updates["users"] = sum(counts)
        phrases["users"] = " ".join(m.group("list").split())[:80]
        notes["users"] = " + ".join(f"{c:,}" for c in counts) + f" = {sum(counts):,}"
        return


# the count of the people an earlier sentence named: "Our translators will use the chat. There are 60 of them."
_COUNT_OF_THEM = re.compile(rf"^\s*(?:and\s+)?(?:there\s+are|there'?re|we\s+have|we'?ve\s+got|they\s+are|they'?re|"
                            rf"that'?s)\s+{_ABOUT}(?P<n>{NUM})\s+of\s+(?:them|us)\b|"
                            # the count said with when they would use it: "About 400 of them on a weekday."
                            rf"^\s*(?:and\s+)?{_ABOUT}(?P<n2>{NUM})\s+of\s+(?:them|us)\s+(?=on\s+(?:a|an|any)\s+|"
                            r"(?:would|will|use|uses|daily|each\s+day|every\s+day|per\s+day|a\s+day)\b)")


def count_of_them(nt: Numbered, updates: dict[str, Any], phrases: dict[str, str]) -> None:
    if "users" in updates or "concurrent_users" in updates:
        return
    sentences = [m.group(0) for m in _SENTENCES.finditer(nt.text)]
    for i, s in enumerate(sentences[1:], 1):
        m = _COUNT_OF_THEM.match(s)
        if m and _PEOPLE_BEFORE.search(sentences[i - 1]):
            updates["users"] = round(_value(nt, m, "n" if m.group("n") else "n2"))
            phrases["users"] = readable(m.group(0), nt)
            return


# growth the message asks to size for: "grow 50% next year, so please size it for next year's numbers", "we'll
# double by next year and want to plan for that"
_SIZE_FOR = re.compile(r"\b(?:size[ds]?|sizing|plan|planning|provision(?:ed)?|build|design(?:ed)?|dimension(?:ed)?)\s+(?:it\s+|this\s+|everything\s+|capacity\s+)?"
                       r"(?:for|around|on)\s+(?:that|this|the\s+growth|growth|next\s+year(?:'s)?|the\s+(?:future|later)|"
                       r"then|where\s+we'?ll\s+be|(?:the\s+)?(?:new|future|grown|larger|bigger)\s+(?:size|numbers?|head\s?count)|"
                       # a launch that brings it: "size it for post-launch", "plan for after the launch"
                       r"post[\s-]?launch|after\s+(?:the\s+)?(?:launch|rollout|go[\s-]live|migration))")
# growth over months or years, not a rush hour ("it doubles at lunch" is a peak): a horizon or the head count said
_HORIZON = re.compile(r"\b(?:next|this|coming)\s+(?:year|quarter|fiscal|months?)|\bby\s+(?:next|the\s+end|year[\s-]end|20\d\d|"
                      r"q[1-4]|spring|summer|autumn|fall|winter|then)|\bwithin\s+(?:a|one|two|three|\x01\d+\x02)\s+(?:years?|"
                      r"months?)|\bover\s+the\s+next\b|\bhead\s?count|\bacquir|\bhiring\b|\bgrowth\b|\bin\s+(?:a|one|two|"
                      r"\x01\d+\x02)\s+years?\b")
_GROWTH = re.compile(r"\b(?:grow|grows|growing|increase|increases|rise|rises|expand|expands|double|doubles|doubling|"
                     r"triple|triples|go\s+up)\b|\bmore\s+(?:traffic|load|requests|users|volume)\b")


def _sentence_around(text: str, span: tuple[int, int]) -> str:
    start = max(text.rfind(c, 0, span[0]) for c in ".;!?\n") + 1
    ends = [i for i in (text.find(c, span[1]) for c in ".;!?\n") if i >= 0]
    return text[start:min(ends) if ends else len(text)]


def sized_for_growth(nt: Numbered, updates: dict[str, Any], notes: dict[str, str]) -> None:
    """The users (or else the rates) said today, scaled by the growth the message asks to size for."""
    field = next((f for f in ("users", "rps") if updates.get(f) is not None), None)
    if field is None or not _SIZE_FOR.search(nt.text) or not _GROWTH.search(nt.text):
        return
    factors = [(factor, span) for field, factor, span in multiplier_text(nt)
               if field == "traffic" and factor > 1 and _GROWTH.search(nt.text[max(0, span[0] - 30):span[1] + 16])
               and _HORIZON.search(_sentence_around(nt.text, span))]
    if len(factors) != 1:
        return  # none, or several growths: which one is meant is not clear
    factor, span = factors[0]
    said = readable(nt.text[span[0]:span[1]], nt)
    for name in ((field,) if field == "users" else ("rps", "peak_rps")):
        if updates.get(name) is None:
            continue
        today = updates[name]
        updates[name] = round(today * factor) if name == "users" else float(f"{today * factor:.4g}")
        unit = "" if name == "users" else " req/s"
        notes[name] = f"{today:,g}{unit} today x {factor:g} (\"{said}\", sized for that) = {updates[name]:,g}{unit}"


# groups of people counted, and how many of the groups work on a day: "Four crews of 22 signallers ... three crews
# work on any given day" -> 3 x 22 users
_GROUPS_OF_PEOPLE = re.compile(rf"{NUM}\s+(?:[a-z-]+\s+)?(?P<groups>[a-z]{{3,}}s)\s+of\s+{_ABOUT}(?P<size>{NUM})\s*"
                               rf"(?:[a-z-]+\s+)?{PEOPLE_NOUN}\b")
_GROUPS_AT_WORK = re.compile(rf"(?P<n>{NUM})\s+(?:of\s+(?:the|them|those|these)\s+)?(?P<groups>[a-z]{{3,}}s)\s+(?:are\s+)?"
                             r"(?:work|working|on\s+(?:duty|shift|site)|in|at\s+work)\b[^.;!?]{0,40}?\b(?:any|a|each|every|"
                             r"one)\s+(?:given\s+|single\s+|typical\s+|normal\s+)?(?:day|shift|time)\b")


def groups_at_work(nt: Numbered, updates: dict[str, Any], phrases: dict[str, str], notes: dict[str, str]) -> None:
    counted = _GROUPS_OF_PEOPLE.search(nt.text)
    if counted is None:
        return
    for m in _GROUPS_AT_WORK.finditer(nt.text, counted.end()):
        if m.group("groups") != counted.group("groups"):  # the same groups ("crews" ... "crews")
            continue
        n, size = _value(nt, m, "n"), _value(nt, counted, "size")
        if updates.get("users") not in (n, nt.value(counted) * size) or not 0 < n < nt.value(counted):
            return
        updates["users"] = round(n * size)
        phrases["users"] = readable(m.group(0), nt)
        notes["users"] = f"{n:g} {m.group('groups')} at work x {size:g} = {updates['users']:,}"
        return
