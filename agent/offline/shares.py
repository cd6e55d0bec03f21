"""Shares of a head count: "30% of our 5,000 staff will use it", "1,000 users, of which 5% are active at once", "a
third of staff", "3,000 of them use it", "sorry, a third, not a quarter" (a share said alone)."""

from __future__ import annotations

import re

from agent.offline.numbers import FRACTIONS, NUM, Numbered
from agent.offline.passes import Pass, Quantity, readable, whole
from agent.offline.people import CONCURRENT, USER_NOUNS

# a share of a people count: "30% of our 5,000 staff will use it", "1,000 users, of which maybe 5% are active at any
# moment", "around 1,000 employees but only ~10% use it daily", "a quarter of our 8,000 employees", "of our 8,000
# employees, about a third will get access", "one in five of our 3,000 staff" -> the share of the count (concurrent
# when said so). The share is a percent, a fraction word ("half", "two thirds") or "N in M".
_SHARE = (rf"(?:(?P<pct>{NUM})\s*(?:%|percent\b|per\s+cent\b)|(?:(?P<count>a|one|{NUM})(?:\s+|\s*-\s*))?(?P<frac>half|halves|thirds?|quarters?|fifths?|tenths?)|"
          rf"(?P<one>{NUM})\s*(?:\s(?:in|out\s+of)\s|/)\s*(?P<every>{NUM}))")
_SHARE_OF = re.compile(rf"{_SHARE}\s+of\s+(?:our|the|all|its|their|those|these)?\s*(?:\w+\s+)?(?P<base>{NUM})")
_SHARE_AFTER = re.compile(rf"(?:of\s+(?:them|those|which|these|whom)\s*,?\s*)?(?:maybe\s+|about\s+|around\s+|roughly\s+|"
                          rf"only\s+|just\s+|~\s*|approx\w*\s+)?{_SHARE}\s+(?:of\s+(?:them|those|these)\s+)?"
                          r"(?:(?:are|is|will\s+be|would\s+be|will|would|actually|really|regularly|typically|initially|"
                          r"first|get|gets|have|has)\s+)*"
                          r"(?:use|uses|using|active|online|on\s+it|logged\s+in|concurrent\w*|at\s+(?:any|the\s+same|once)|"
                          r"access|onboarded|rolled\s+out|in\s+(?:the\s+)?(?:first|pilot|phase))")
_SHARE_CUE = re.compile(r"%|/|\b(?:half|halves|thirds?|quarters?|fifths?|tenths?|in|out\s+of|percent|cent)\b")
# a share that is the subject of its clause, the people it counts left to the head count said before: "maybe 60% on a
# given day would ask it", "roughly 15% are developers who'd get autocomplete", "about a third are coding in the labs",
# "I'd guess 40% would use it". A share that something else is changed by or compared to ("cut it by 20%", "20% more
# than", "99.5 % availability") is none: the words before it and after it say so.
# the whole the share is of, named as a body of people: "9% of the community", "a third of the workforce"
_COLLECTIVE = (r"(?:the|our|that|this|their)\s+(?:whole\s+|entire\s+)?(?:community|workforce|organi[sz]ation|company|"
               r"population|student\s+body|user\s+base|membership|headcount|firm|campus|university|school|hospital|"
               r"group|department|business)")
_SHARE_SUBJECT = re.compile(rf"{_SHARE}(?:\s+of\s+(?:them|those|these|whom|{_COLLECTIVE}|(?:the\s+|our\s+|all\s+)?(?:[a-z-]+\s+)?{USER_NOUNS}))?\s*,?\s+(?:(?:actually|really|regularly|typically|ever|still)\s+)?"
                            r"(?:(?:would|will|are|is|might|may|could|can|should|use[sd]?|using|ask|asks|get|gets|do|does|"
                            r"need|needs|want|wants|log\s+in|logs\s+in|log\s+on|logs\s+on|sign\s+in|signs\s+in|open|opens)\b|"
                            r"on\s+(?:a|any)\s+(?:given|normal|typical|single)\s+day\b|(?:each|every|per|a)\s+day\b|daily\b)")
_NOT_SUBJECT_BEFORE = re.compile(r"(?:\b(?:by|to|than|from|up|down|with|of|over|under|at|is|was|be|been|cut|reduce|"
                                 r"increase|drop|grow|rise|only\s+by)|[\d$€£+-])\s*(?:about|around|roughly|~)?\s*$")


# a share said alone, correcting or keeping the one said before: "sorry, a third, not a quarter", "Same 40%."
_SHARE_ALONE = re.compile(rf"\W*(?:(?:sorry|no|nope|actually|oops|correction|ok|okay|so|and|but|make\s+it|it'?s|the|same|"
                          rf"still|again|more\s+like|closer\s+to|hmm+|let'?s|(?:size|plan)\s+(?:it\s+)?for|go\s+with|"
                          # where the figure comes from: "HR's pilot data says more like a fifth"
                          rf"(?:[\w'&]+\s+){{1,4}}?(?:says?|shows?|suggests?|indicates?|puts\s+it\s+at))\W+)*"
                          rf"(?:about\s+|around\s+|roughly\s+|~\s*)?{_SHARE}(?:\s+instead)?"
                          r"(?:\s*,?\s*(?:not|rather\s+than|instead\s+of)\s+[^.!?]{0,30})?\W*$")


# a share "of them" needs no verb: "the pilot group, which is about forty percent of them"
_SHARE_OF_THEM = re.compile(rf"{_SHARE}\s+of\s+(?:them|those|these|whom)\b")


def _subject_shares(text: str):
    for m in _SHARE_OF_THEM.finditer(text):
        if not re.search(r"\b(?:by|to|than|up|down)\s*(?:about|around|roughly|~)?\s*$", text[max(0, m.start() - 30):m.start()]):
            yield m
    for m in _SHARE_SUBJECT.finditer(text):
        before = text[max(0, m.start() - 30):m.start()]
        if m.group("frac") and m.group("count") is None and re.search(r"\bthe\s*$", before):
            continue  # "the third is out for repair": an ordinal, no share
        if not _NOT_SUBJECT_BEFORE.search(before):
            yield m


def _share_value(p: Pass, m: re.Match) -> float:
    if m.group("pct"):
        return p.nt.values[int(m.group("pct")[1:-1])] / 100.0
    if m.group("frac"):
        count = m.group("count")
        n = 1.0 if count in (None, "a", "one") else p.nt.values[int(count[1:-1])]
        return n * FRACTIONS[m.group("frac")]
    every = p.nt.values[int(m.group("every")[1:-1])]
    return p.nt.values[int(m.group("one")[1:-1])] / every if every else 0.0


# a part of the head count said before, counted: "5,000 employees; I'd expect 3,000 of them to use it"
_PART_OF_THEM = re.compile(rf"(?P<part>{NUM})\s+of\s+(?:them|those|these|whom)\b|"
                           # "about 25,000 daily actives but only ~3,000 open the help chat on a normal day"
                           rf"\bonly\s+(?:about\s+|around\s+|roughly\s+|some\s+|~\s*)?(?P<only>{NUM})(?!\s*(?:%|percent))")


def percent(share: float) -> str:
    """'35%', or '17.5%' where the whole percent would say another number than the one worked out."""
    return f"{share:.0%}" if abs(share * 100 - round(share * 100)) < 1e-6 else f"{share:.1%}"


def part_of_people(nt: Numbered, after: int = 0, found: Sequence[Quantity] = ()) -> tuple[float, str] | None:
    """(the count, its words) of a part of a head count said before that uses the tool ('3,000 of them use it'); a
    count already read as something else ('450 of them use it simultaneously': concurrent users) is none."""
    for m in _PART_OF_THEM.finditer(nt.text, after):
        if any(q.pos <= m.start() < max(q.end, q.pos + 1) for q in found):
            continue
        if _SHARE_USE.search(nt.text[m.end():m.end() + 60]):
            part = m.group("part") or m.group("only")
            return nt.values[int(part[1:-1])], readable(m.group(0), nt)
    return None


def shares_of_people(p: Pass) -> None:
    people = [q for q in p.found if q.field in ("users", "concurrent_users")]
    if not people:
        return
    base = people[-1]
    part = part_of_people(p.nt, base.end, p.found) if base.end > 0 else None
    if part and 0 < part[0] < base.value:
        p.found.append(Quantity(base.field, whole(part[0]), f"{part[0]:,.0f} of {base.value:,.0f}", base.pos, base.end))
        p.found.remove(base)
        return
    if not _SHARE_CUE.search(p.nt.text):
        return
    subjects = [m for m in _subject_shares(p.nt.text) if m.start() >= base.end > 0]
    for m in list(_SHARE_OF.finditer(p.nt.text)) + list(_SHARE_AFTER.finditer(p.nt.text)) + subjects:
        if "base" in m.groupdict() and m.group("base") is not None and base.value != p.nt.values[int(m.group("base")[1:-1])]:
            continue  # "30% of our 5,000 staff": the share is of the count read there
        share = _share_value(p, m)
        if not 0 < share < 1:
            continue
        first, nested = m, _nested_share(p, m)
        if nested is not None:  # "40% are in operations, and half of ops would use it": a share of that share
            m, share = nested[0], share * nested[1]
        elif (prior := _part_before(p, m, base.end)) is not None:  # the part said before the share that uses it
            first, nested, share = prior[0], prior, share * prior[1]
        clause = p.nt.text[m.start():m.end() + 50]
        field = "concurrent_users" if CONCURRENT.search(clause) or re.search(r"\bactive\s+at\b|\bonline\b", clause) \
            else base.field
        p.found.append(Quantity(field, whole(base.value * share), f"{percent(share)} of {base.value:,.0f}", m.start(), m.end()))
        before = p.notes.get(base.field)  # how the base was read ("2,000,000 visitors a month / 30.4 days = ...")
        said = readable(p.nt.text[first.start():m.end()] if nested else m.group(0), p.nt).strip()
        p.notes[field] = (f"{said} = {percent(share)} of {base.value:,.0f}" + (f", where {before}" if before else ""))
        if field == base.field:
            p.found.remove(base)
        return


# a share of the part a first share named, who use it: "40% are in operations, and roughly half of ops would use
# this", "a quarter of them are engineers and half of those engineers would use it". The first share names a part
# (no use said in its clause); the second is "of" that part (them, those, or a noun) and says the use.
_SHARE_OF_PART = re.compile(rf"{_SHARE}\s+of\s+(?:them|those|these|(?:the|those|these|that|this)?\s*[a-z]+(?:\s+[a-z]+)?)\b")
_CLAUSE_END = re.compile(r"[.;!?]|,\s*(?:and|but)\b|\b(?:and|but)\b")


# a share that names a part by what it does, with no use said: "a third work in the plants", "25% are in finance"
_PART_SHARE = re.compile(rf"{_SHARE}\s+(?:of\s+(?:them|those|these|us)\s+)?(?:are|is|work|works|working|sit|sits|"
                         r"belong|belongs)\s+(?:in|on|at|as|for|to|within)\b")
# ... or by its share of the whole, said as what the part is: "for cabin crew only - that's 35% of staff -"
_PART_SHARE_OF_WHOLE = re.compile(
    rf"(?:\bthat'?s|\bthat\s+is|\bwhich\s+is|\bwho\s+are|\bi\.e\.?,?|\(|\bsome|\bmaking\s+up)\s+"
    rf"(?:about\s+|around\s+|roughly\s+|~\s*)?{_SHARE}\s+of\s+(?:the\s+|our\s+|all\s+)?"
    r"(?:staff|employees|workforce|head\s?count|company|people|personnel)\b")


def _part_before(p: Pass, m: re.Match, lo: int) -> tuple[re.Match, float] | None:
    """(the earlier share's match, its value) when the share ``m`` is "of" a part ("half of plant staff", "60% of
    those") and the sentence named that part by a share before it ("a third work in the plants")."""
    if not _SHARE_OF_PART.match(p.nt.text, m.start()):
        return None
    parts = sorted((x for pattern in (_PART_SHARE, _PART_SHARE_OF_WHOLE) for x in pattern.finditer(p.nt.text, lo, m.start())
                    if x.end() <= m.start()), key=lambda x: x.start())
    if not parts:
        return None
    share = _share_value(p, parts[-1])
    return (parts[-1], share) if 0 < share < 1 else None


def _nested_share(p: Pass, m: re.Match) -> tuple[re.Match, float] | None:
    """(the second share's match, its value) when the share ``m`` names a part and a later one in the sentence is the
    share of that part that uses the tool; else None."""
    end = _CLAUSE_END.search(p.nt.text, m.end())
    if end is None or _SHARE_USE.search(p.nt.text[m.end():end.start()]):
        return None  # the first share says the use itself
    for m2 in _SHARE_OF_PART.finditer(p.nt.text, end.start()):
        if not _SHARE_USE.search(p.nt.text[m2.end():m2.end() + 40]) and not re.match(
                r"\s+(?:would|will|might|may|could|should)\b", p.nt.text[m2.end():]):
            continue
        share = _share_value(p, m2)
        return (m2, share) if 0 < share < 1 else None
    return None


# a share of people named by a noun, with no count of its own ("we expect about a third of staff to use it", "one in
# three staff will use it", "maybe 20% of them will be on it"): a share of the head count said elsewhere
_SHARE_OF_PEOPLE = re.compile(rf"{_SHARE}\s+(?:of\s+)?(?:(?:our|the|all|its|their|those|these|my)\s+)?(?:[a-z-]+\s+)?"
                              rf"(?:{USER_NOUNS}|workforce|company|organi[sz]ation|firm|head\s?count|them|those)\b")
# a share of a count said before, named by its number alone: "it's more like a third of the 2,400, not a quarter"
_SHARE_OF_COUNT = re.compile(rf"{_SHARE}\s+of\s+(?:the|our|all|those|these)\s+(?:~\s*)?(?P<whole>{NUM})(?!\s*(?:%|[a-z]))")
_SHARE_USE = re.compile(r"\b(?:use|uses|using|access|active|on\s+it|adopt\w*|log\s+in|rely|onboard\w*|get\s+it|open|opens|"
                        r"be\s+on|touch\s+it)\b")


def share_of_people(nt: Numbered) -> tuple[float, str, float | None] | None:
    """(the share, its words, the M of an 'N in M' share) of a head count said elsewhere that ``nt`` (a sentence)
    gives as its users ("one in three staff": the 3 is no head count)."""
    if not _SHARE_CUE.search(nt.text):
        return None
    m = ((_SHARE_OF_PEOPLE.search(nt.text) if _SHARE_USE.search(nt.text) else None) or next(_subject_shares(nt.text), None)
         or _SHARE_ALONE.match(nt.text) or _SHARE_OF_COUNT.search(nt.text))
    if m is None:
        return None
    share = _share_value(_ShareValues(nt), m)  # type: ignore[arg-type]
    nested = _nested_share(_ShareValues(nt), m)  # type: ignore[arg-type]
    if nested is not None:  # "a quarter of them are engineers and half of those engineers would use it"
        share *= nested[1]
        return (share, readable(nt.text[m.start():nested[0].end()], nt), None) if 0 < share < 1 else None
    prior = _part_before(_ShareValues(nt), m, 0)  # type: ignore[arg-type]
    if prior is not None:  # "25% are in finance and 60% of those would use it"
        share *= prior[1]
        return (share, readable(nt.text[prior[0].start():m.end()], nt), None) if 0 < share < 1 else None
    every = nt.values[int(m.group("every")[1:-1])] if m.group("every") else None
    if m.re is _SHARE_OF_COUNT:  # "a third of the 2,400": the count named is the whole
        every = nt.values[int(m.group("whole")[1:-1])]
    if m.re is _SHARE_ALONE:  # its words are the share's own, not the apology around it
        spans = [m.span(g) for g in ("pct", "count", "frac", "one", "every") if m.group(g) is not None]
        words = nt.text[min(a for a, _ in spans):max(b for _, b in spans)] + ("%" if m.group("pct") else "")
    else:
        words = m.group(0)
    return (share, readable(words, nt), every) if 0 < share < 1 else None


class _ShareValues:
    """What _share_value reads of a pass: the numbers of the text."""

    def __init__(self, nt: Numbered):
        self.nt = nt
