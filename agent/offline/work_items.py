"""Counts of work in a scope of text: items per window or per part of one, totals, per-day counts and their notes,
counts spread over several runs or over a span of days.

Split from facts.py: these run after the quantities (quantities.py) on the numbers left over, and the day notes they
leave on a rate are read back by the parser in a later turn.
"""

from __future__ import annotations

import re

from agent.offline.fact_sheet import Facts
from agent.offline.numbers import NUM, Numbered
from agent.offline.people import EACH_PERSON_BEFORE, TOTAL, before_count
from agent.offline.rates import unit_scale
from agent.offline.text import mask
from agent.offline.time_units import SECONDS_PER
from agent.offline.windows import ITEMS, Window

# a count said of one part of a window of several ("two 10-hour shifts, each shift handles about 9,000 calls", "4,000
# tickets per shift"): the window's count is that times the parts
_PART_BEFORE = re.compile(r"\b(?:each|every|per|a|one)\s+(?:shift|window|run|slot)\b[^\x01.;]{0,30}$")
_PART_AFTER = re.compile(r"^[^\x01.;]{0,20}?\b(?:(?:in\s+)?each|every|per|a)\s+(?:shift|window|run|slot)\b|^\s*(?:apiece|each)\b")


# a count said of each of the days counted: "on each of those close days about 40,000 of them" (no spreading)
_EACH_DAY = re.compile(r"\b(?:on\s+)?(?:each|every)\s+(?:one\s+)?of\s+(?:those|these|the(?:se)?|them)\s+(?:[a-z-]+\s+){0,2}?"
                       r"days?\b[^.;!?]*$|\b(?:on\s+)?(?:each|every|per)\s+(?:such\s+|close\s+|working\s+)?day\b[^.;!?]*$")

def _per_part(nt: Numbered, m: re.Match, window: Window, f: Facts) -> None:
    count = f.values.get("window_requests")
    if window.parts > 1 and count and (_PART_BEFORE.search(nt.text[max(0, m.start() - 50):m.start()])
                                       or _PART_AFTER.match(nt.text[m.end():m.end() + 30])):
        total = count * window.parts
        f.put("window_requests", total, f.phrases["window_requests"])
        f.notes["window_requests"] = f"{count:,} per {window.phrase.split()[-1]} x {window.parts} = {total:,}"


# any counted plural is a work item ("2,400 episodes per night", "20,000 of them between 10pm and 6am"), except
# units, sizes of each item ("100+ pages each") and small counts of parts ("3 bullets")
_NOT_ITEMS = (r"(?!(?:hours|minutes|seconds|days|weeks|months|years|nights|tokens|words|gpus|cards|nodes|replicas|"
              r"users|shifts|windows|runs|regions|languages|times|teams|sites|offices|models|options|steps|bullets|points|"
              r"sentences|paragraphs|lines|characters|dollars|euros|pounds|ms|percent)\b)")
# (the words between count and noun qualify the noun, not place it: "90 on the wards" counts no wards)
# (a size in bytes is none: "the archive is 70 TB if that matters"; nor do clause words qualify a noun)
_ITEMS = re.compile(rf"{NUM}(?!\s*(?:[kmgtp]i?b|bytes?)\b)\s*\+?\s*(?:(?!(?:on|in|at|across|from|for|per|to|if|that|which|when|"
                    rf"and|or|but|is|are|was|were)\s)[a-z][a-z-]*\s+){{0,3}}?(?:{ITEMS}|{_NOT_ITEMS}[a-z][a-z-]*[a-z]s|of\s+them)"
                    # ("100+ pages each" sizes each item; "2,000 filings each night" counts them per night)
                    r"\b(?!\s*(?:each(?!\s+(?:night|day|evening))|apiece|per\s+(?:item|document|doc|request|file))\b)"
                    r"(?P<per>\s*,?\s*(?:per|a|an|each|every)\s+(?:night|day)|"
                    r"\s*(?:nightly|overnight|daily))?")
_KNOWN_ITEMS = re.compile(rf"\b{ITEMS}\b")
# a count of work said as the whole: "so 1 million requests in total", "a total of 40k documents", "1M calls all told"
# is the window's count, whatever count said before it was worked out from ("250k listings a day, each into four
# languages"); a total of a longer period ("2M in total this quarter") is not the window's
_TOTAL_AFTER = re.compile(rf"\s*{TOTAL}\b(?!\s+(?:this|per|a|each|every|over|across|for|in)\s+(?:\w+\s+)?(?:weeks?|months?|"
                          r"quarters?|years?|days))")
_TOTAL_BEFORE = re.compile(rf"\b(?:a\s+)?{TOTAL}(?:\s+of)?\s*(?:about|around|roughly|some|~)?\s*$")
# the count that follows is each person's: "80 agents each handle about 60 calls a shift"
_EACH_PERSON = re.compile(r"\beach\s+(?:[a-z]+\s+){1,2}(?:about\s+|around\s+|roughly\s+|~\s*|up\s+to\s+)?$|"
                          + EACH_PERSON_BEFORE.pattern)
# a count said per window with no noun, the work named before it: "run about 15,000 per night until it's done"
_PACE = re.compile(rf"{NUM}\s*(?:per|a|an|each|every)\s+(?:night|window|shift|run|batch)\b")
_PER_DAY_RATE = re.compile(r"\b(?:a|per|each|every)\s+(?:day|night)\b|/\s*(?:day|night|d)\b|\bdaily\b|\bnightly\b")
# the note a day's count spread over 24 hours leaves on the rate: a window said in a later turn reads the count back
_DAY_NOTE = "{count:,} a day, spread over 24 h"
_DAY_NOTE_RE = re.compile(r"^([\d,]+) a day, spread over 24 h$")


def day_note(f: Facts) -> None:
    """A per-day count read as a 24-hour rate says so, with the count as said ("2,000 a day, spread over 24 h")."""
    phrase = f.phrases.get("rps", "")
    said = re.match(r"\d+(?:\.\d+)?", phrase)
    if "rps" in f.values and "window_hours" not in f.values and said and _PER_DAY_RATE.search(phrase) \
            and "night" not in phrase:
        f.notes.setdefault("rps", _DAY_NOTE.format(count=round(float(said.group(0)))))


_SAID_AS = "said as "


def rate_unit_notes(f: Facts) -> None:
    """A rate said in another unit than requests a second keeps the words it was said in ("said as 200 requests a
    minute"): a bare peak or average said in a later turn is read in that unit."""
    for name in ("rps", "peak_rps"):
        phrase = f.phrases.get(name, "")
        if name in f.values and name not in f.notes and unit_scale(phrase, f.values[name]) != 1.0:
            f.notes[name] = _SAID_AS + phrase


def said_scale(note: str | None, value: float | None) -> float | None:
    """req/s per unit of a rate whose note says how it was said, if it does."""
    if not note or not value or not note.startswith(_SAID_AS):
        return None
    return unit_scale(note[len(_SAID_AS):], value)


def day_count_of(note: str | None) -> int | None:
    """The day's count a rate's note says it was spread from, if it was."""
    m = _DAY_NOTE_RE.match(note or "")
    return int(m.group(1).replace(",", "")) if m else None


# a count of work spread over several windows: "2M descriptions, can run over 3 nights, 10pm-6am each"
# ("within 30 days of sign-off" is a deadline, not a split: only a spread over nights, runs or windows is one)
_RUNS = re.compile(r"\b(?:spread\s+)?(?:over|across)\s+(?:the\s+next\s+)?\x01(\d+)\x02\s+"
                   r"(?:nights|evenings|runs|windows|batches|weekends|sessions|overnight\s+runs)\b")


_PER_WEEK_OR_MONTH = re.compile(r"\b(?:a|per|each|every)\s+(?P<unit>week|month)\b|/\s*(?P<unit2>week|wk|month|mo)\b|"
                                r"\b(?P<unit3>weekly|monthly)\b")
# the days of a week or month the traffic comes on: "Monday to Friday only", "22 working days"
_WEEKDAYS = re.compile(r"\b(?:mon(?:day)?\s*(?:to|through|thru|-|–)\s*fri(?:day)?|weekdays?(?:\s+only)?|working\s+days|"
                       r"business\s+days|work\s*days)\b")
_DAYS_COUNTED = re.compile(r"\x01(\d+)\x02\s+(?:working|business|work|operating|trading)\s+days\b")
DAYS_A_MONTH, WEEKDAYS_A_MONTH = 30.4, 21.7
# the whole of a week's or month's count processed on one day: "we process them all on Tuesday", "once a week in one go"
_ONE_DAY = re.compile(r"\b(?:them|it|these|those|everything|the\s+(?:whole|lot|batch))\s+(?:all\s+)?(?:at\s+once\s+)?on\s+(?:a\s+|one\s+|the\s+)?"
                      r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bonce\s+a\s+(?:week|month)\b|\bin\s+one\s+(?:go|batch|run)\b")


def days_in_period(unit: str, text: str, nt: Numbered | None = None) -> tuple[float, str]:
    """(days the traffic comes on in a week or a month, in words): the days counted ("22 working days"), else the
    weekdays when the text says so, else every day."""
    counted = _DAYS_COUNTED.search(nt.text) if nt is not None else None
    if counted:
        n = nt.values[int(counted.group(1))]
        return n, f"{n:g} working days"
    if _ONE_DAY.search(text):  # "400 episodes drop each week and we process them all on Tuesday": one day's window
        return 1.0, "the one day it is processed"
    weekdays = bool(_WEEKDAYS.search(text))
    if unit.startswith("w"):
        return (5.0, "5 weekdays") if weekdays else (7.0, "7 days")
    return (WEEKDAYS_A_MONTH, "21.7 weekdays") if weekdays else (DAYS_A_MONTH, "30.4 days")


def day_count_in_window(f: Facts, nt: Numbered | None = None, text: str = "") -> None:
    """A per-day rate said with a window ("9,000 emails a day ... they all arrive during a 10-hour business day",
    in one sentence or two) is the window's count, not a rate spread over 24 hours; a week's or a month's count is
    shared by the days it comes on ("350k requests a week, Monday to Friday only, 8am-6pm": 70,000 a day)."""
    _each_persons_day_in_window(f)
    if "rps" not in f.values or "window_requests" in f.values:
        return
    phrase = f.phrases.get("rps", "")
    longer = _PER_WEEK_OR_MONTH.search(phrase)
    if not _PER_DAY_RATE.search(phrase) and not longer:
        return
    f.phrases.pop("rps")
    said = re.match(r"\d+(?:\.\d+)?", phrase)  # the count as said ("30000 questions a day"), not rounded twice
    if longer:
        unit = longer.group("unit") or longer.group("unit2") or longer.group("unit3")
        count = float(said.group(0)) if said else f.values["rps"] * SECONDS_PER["week" if unit.startswith("w") else "month"]
        days, words = days_in_period(unit, nt.text if nt is not None else text, nt)
        f.values.pop("rps")
        f.notes.pop("rps", None)
        f.put("window_requests", round(count / days), phrase)
        f.notes["window_requests"] = f"{count:,.0f} over {words} = {count / days:,.0f} a day"
        return
    count = float(said.group(0)) if said else f.values["rps"] * SECONDS_PER["day"]
    f.values.pop("rps")
    f.put("window_requests", round(count), phrase)


def _each_persons_day_in_window(f: Facts) -> None:
    """Each person's count a day, said with a window, is all of theirs in the window: "240 tellers. Each teller would
    ask about 15 questions a day. Branches open 8:30 to 17:00" is 3,600 in those 8.5 hours, not a 24-hour rate."""
    per_user, people = f.values.get("rps_per_user"), f.values.get("users")
    phrase = f.phrases.get("rps_per_user", "")
    if not per_user or not isinstance(people, (int, float)) or {"rps", "window_requests"} & set(f.values) \
            or not _PER_DAY_RATE.search(phrase):
        return
    each = per_user * SECONDS_PER["day"]
    f.values.pop("rps_per_user")
    f.put("window_requests", round(people * each), phrase)
    f.notes["window_requests"] = f"{people:,.0f} x {each:,.4g} a day each = {people * each:,.0f}"


# a span of several days the work is spread over: "over the weekend", "within a week", "across 3 days"
# (the days of a past period are a history, not a span to work through: "2.1M requests over the last 30 days")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_CLOCK = (rf"(?P<d{{k}}>{'|'.join(_DAY_NAMES)})\s+(?:at\s+)?\x01(?P<h{{k}}>\d+)\x02(?::\x01(?P<m{{k}}>\d+)\x02)?\s*"
                  r"(?P<ap{k}>am|pm)?")
_LONG_SPAN = re.compile(r"\b(?:over|within|in|across|during|throughout|(?:run|running|process|processing|spread|"
                        r"go|going)\s+(?:it\s+|them\s+|this\s+|that\s+)?(?:continuously\s+|non-?stop\s+)?(?:for|over))\s+"
                        r"(?:(?:the\s+)?(?P<weekend>(?:long\s+)?weekend)|(?:\x01(?P<n>\d+)\x02\s*(?P<unit>days|weeks?|months?))|"
                        r"a\s+(?P<week>week|day|month)|one\s+(?P<one>week|day|month))\b|"
                        # a deadline days away: "the production deadline, which is 10 days out"
                        r"\x01(?P<n2>\d+)\x02\s*(?P<unit2>days|weeks?)\s+(?:out|away|from\s+now|to\s+go|left)\b|"
                        # from one weekday's hour to another's: "come in by the Friday 23:59 deadline ... back by Monday 8am"
                        r"\b(?:by|from|after|on)\s+(?:the\s+)?" + _WEEKDAY_CLOCK.format(k=1) +
                        r"[^.;!?]{0,120}?\b(?:by|before|until|till)\s+(?:the\s+)?" + _WEEKDAY_CLOCK.format(k=2))
MAX_SPAN_HOURS = 744  # a month at most: beyond it a count is a backlog with no pace said


_NOT_TO_SIZE = re.compile(r"\b(?:do\s+not|don'?t|never)\s+size\b|\bnot\s+part\s+of\b|\blast\s+(?:\w+\s+)?$|"
                          # a go-live date is no span of work: "we have 2,000 documents; we go live in 10 days"
                          r"\b(?:go(?:es|ing)?\s+live|launch\w*|ship\w*|releas\w*|roll\w*\s+out|kick\w*\s+off)\b"
                          r"[^.;!?]{0,20}\b(?:in|within)\s+\x01")


def _clock_hour(nt: Numbered, m: re.Match, k: int) -> float:
    h, minutes, ap = nt.values[int(m.group(f"h{k}"))], m.group(f"m{k}"), m.group(f"ap{k}")
    hour = h % 12 + (12 if ap == "pm" else 0) if ap else h
    return hour + (nt.values[int(minutes)] / 60 if minutes else 0.0)


def _span_hours(nt: Numbered, m: re.Match) -> tuple[float, str]:
    """(hours, the span in words) of a span of days."""
    if m.group("d1"):  # weekday to weekday: the days between and the hours of each
        days = (_DAY_NAMES.index(m.group("d2")) - _DAY_NAMES.index(m.group("d1"))) % 7
        hours = days * 24 + _clock_hour(nt, m, 2) - _clock_hour(nt, m, 1)
        return (hours, f"{m.group('d1').title()} to {m.group('d2').title()}") if hours >= 36 else (0.0, "")
    if m.group("n2"):
        n, unit = nt.values[int(m.group("n2"))], m.group("unit2").rstrip("s")
        return n * {"day": 24.0, "week": 168.0}[unit], f"{n:g} {unit}{'s' if n != 1 else ''} until due"
    if m.group("weekend"):
        return (72.0, "a long weekend") if "long" in m.group("weekend") else (48.0, "the weekend")
    n = nt.values[int(m.group("n"))] if m.group("n") else 1.0
    unit = (m.group("unit") or m.group("week") or m.group("one") or "").rstrip("s")
    words = f"{n:g} {unit}{'s' if n != 1 else ''}" if m.group("n") else f"a {unit}"
    return n * {"day": 24.0, "week": 168.0, "month": 720.0}[unit], words


def _work_items(nt: Numbered, f: Facts, windowed: bool, window: Window | None = None) -> str:
    """Counts of work items: within a window they are the window's requests ("300k tickets between 1am and 6am",
    "12,000 reports per night"); said elsewhere they are kept as a candidate for a window said in another
    sentence. A per-day rate in a sentence with a window is the window's count, not a 24-hour rate."""
    if windowed:
        day_count_in_window(f, nt)
    spans = []
    pace = _PACE.search(nt.text) if windowed else None
    if pace and "window_requests" not in f.values and nt.value(pace) >= 1:
        # "a backlog of 90,000 claims ... about 15,000 per night between 10pm and 4am": the pace is the window's count
        f.put("window_requests", round(nt.value(pace)), re.sub(NUM, f"{nt.value(pace):g}", pace.group(0), count=1))
    days_counted = _DAYS_COUNTED.search(nt.text)  # "22 working days": once, not per item (a long paste has many)
    for m in _ITEMS.finditer(nt.text):
        value = nt.value(m)
        per = (m.group("per") or "").strip()
        total = windowed and not per and value > f.values.get("window_requests", 0) and bool(
            _TOTAL_AFTER.match(nt.text, m.end()) or _TOTAL_BEFORE.search(nt.text[max(0, m.start() - 30):m.start()]))
        # (one item is no volume: "one request per SKU per language" says what each item makes, per_event.py)
        if "window_requests" in f.values and not total or value <= 1 or (value < 20 and not _KNOWN_ITEMS.search(m.group(0))):
            continue
        if not windowed and m.group(0).endswith("of them") and not _KNOWN_ITEMS.search(nt.text[max(0, m.start() - 80):m.start()]):
            continue  # "150 of them": which count is the question's (users), not a work item ("the day's closed
            # tickets: ~200k of them" counts the work named before it)
        people = f.values.get("users")
        each = _EACH_PERSON.search(before_count(nt.text, m.start())) is not None
        if each and not people:
            f.each_person = True  # the people are said in another sentence: whole_message.py multiplies
        each = each and bool(people)
        if windowed or "night" in per:
            f.put("window_requests", round(value), re.sub(NUM, f"{value:.12g}", m.group(0), count=1))
            if not per and (days := days_counted) and (n := nt.value(days)) > 1 \
                    and not _EACH_DAY.search(nt.text[max(0, m.start() - 50):m.start()]):
                # "last month: 1.1M queries, 22 working days, used 08:00-18:00": the month's count over its days
                f.put("window_requests", round(value / n), f.phrases["window_requests"])
                f.notes["window_requests"] = f"{value:,.0f} over {n:g} working days = {value / n:,.0f} a day"
            if each:  # "80 agents each handle about 60 calls a shift": every person's count, all of them together
                f.put("window_requests", round(value * people), f.phrases["window_requests"])
                f.notes["window_requests"] = f"{people:,.0f} x {value:,.0f} = {value * people:,.0f}"
            if window is not None:
                _per_part(nt, m, window, f)
        elif (span := _LONG_SPAN.search(nt.text)) and not per and "rps" not in f.values \
                and 0 < _span_hours(nt, span)[0] <= MAX_SPAN_HOURS \
                and not _NOT_TO_SIZE.search(nt.text):
            # "500k documents over the weekend", "1.2M pages within a week": a span longer than a day is no daily
            # window; the work is spread over it evenly, as a batch job
            hours, said = _span_hours(nt, span)
            rps = round(value / (hours * 3600), 4)
            f.put("rps", rps, f"{value:,.0f} over {said}")
            f.notes["rps"] = f"{value:,.0f} spread evenly over {said} ({hours:.4g} h)"
            f.put("experience_class", "batch", span.group(0))
            spans.append(span.span())
        elif not per and (_PART_BEFORE.search(nt.text[max(0, m.start() - 50):m.start()])
                          or _PART_AFTER.match(nt.text[m.end():m.end() + 30])):
            # "each shift handles about 4,000 tickets", the shifts said elsewhere; "80 agents each handle about 60 calls a
            # shift": one shift's count is every person's together
            f.part_counts.append(round(value * people) if each else round(value))
        elif not per or "da" in per:  # a count per day is the window's too, once a window is said
            f.item_counts.append(round(value))
        spans.append(m.span())
    if not spans and not windowed and (span := _LONG_SPAN.search(nt.text)) and not _NOT_TO_SIZE.search(nt.text) \
            and 0 < _span_hours(nt, span)[0] <= MAX_SPAN_HOURS:
        f.span = _span_hours(nt, span)  # "about 62,000 theses. We'd run it continuously for a month": the count's span
        spans.append(span.span())
    return mask(nt.text, spans)
