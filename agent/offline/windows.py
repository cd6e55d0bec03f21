"""Traffic windows and batch work: "300k tickets between 1am and 6am", "2,000 contracts a day during our 10-hour
business day", "in a 90-minute window", "window 01:00-04:00", "by 7am, we start at 10pm" -> window_hours (and
window_requests from the count of work items said with it); "latency doesn't matter", "offline job", "no user is
waiting" -> experience_class batch.

Runs on the lower-cased sentence before numbers are read, and blanks what it used (clock times are not
quantities). How a window turns into request rates is the planner's (knowledge/domain/spec.py fill_defaults).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.offline.text import mask
from agent.offline.vocabulary import LATENCY_UNIMPORTANT

BUSINESS_HOURS = 8.0  # "during business hours" with no length given: 9 to 5

_CLOCK = (r"(?:(?P<{p}h>\d{{1,2}})(?:[:.h](?P<{p}m>\d{{2}}))?\s*(?P<{p}ap>a\.?m\.?|p\.?m\.?)?|"
          r"(?P<{p}word>midnight|noon|midday))")
_RANGE = re.compile(
    r"\b(?:between|from|window|during|run(?:s|ning)?\s+(?:from|between))?\s*" + _CLOCK.format(p="a") +
    r"\s*(?:-|–|to|till|until|and|through)\s*" + _CLOCK.format(p="b") + r"(?![\d:])")
_AT = re.compile(r"\b(?:at|start(?:s|ing)?(?:\s+at)?|from|after|land\s+at|arrive\s+at|begin(?:s|ning)?(?:\s+at)?|"
                 # the start moved: "ops moved the start to 1am", "start time is now 2am"
                 r"start(?:\s+time)?\s+(?:to|is\s+now|now\s+at)|"
                 r"kick(?:s|ing)?\s+off(?:\s+at)?)\s+"
                 + _CLOCK.format(p="s"))
_BY = re.compile(r"\b(?:by|before|until|ready\s+by|done\s+by|finished\s+by)\s+(?:the\s+|our\s+)?(?:tomorrow\s+)?(?:morning\s+)?"
                 + _CLOCK.format(p="e"))
_DEADLINE = re.compile(r"\b" + _CLOCK.format(p="e") + r"\s+(?:deadline|cut-?off)\b")  # "same 7am deadline"
_DURATION = re.compile(
    r"\b(?:in|within|over|during|inside|per|every|across|takes?|of)?\s*(?:a|an|the|our|one|each)?\s*"
    r"(?P<n>\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty-four|"
    r"twenty[\s-]four|sixteen|fourteen|eighteen|twenty)\s*-?\s*"
    # hours named by what they are: "all within our 12 opening hours"
    r"(?:(?:opening|business|office|working|trading|operating|service|staffed)\s+(?=hours?\b))?"
    r"(?P<unit>hours?|hrs?|h|minutes?|mins?)\b\s*-?\s*"
    r"(?:(?:a|per|each|every)\s+(?=day\b)|/\s*(?=day\b))?"
    r"(?P<what>window|shift|business\s+day|work(?:ing)?\s+day|batch|run|job|slot|day)?")
# the hours the work is given: "we've got 10 hours from when the export finishes", "we have 8 hours to do it" (not
# "we have 2 hours of video")
_HOURS_GIVEN = re.compile(r"\b(?:we(?:'ve|\s+have)?\s+(?:now\s+)?got|we\s+(?:now\s+)?(?:have|get)|there\s+are|it\s+(?:now\s+)?gets|"
                          r"(?:that\s+)?gives?\s+us|"
                          r"(?:that\s+)?leaves?\s+us)\s+(?:about\s+|roughly\s+|around\s+|~\s*|only\s+|just\s+)?$")
# "the window is 6 hours", "shift of 8 hours", "make the window 4 h": a length said of the window itself
_NAMED_WINDOW = re.compile(r"\b(?:window|shift|time\s+slot|slot)(?:\s+(?:is|of|lasts?|becomes?|will\s+be|to|"
                           # the window changed: "the window shrinks to 6 hours", "the slot got cut to 3 h"
                           r"(?:(?:now\s+)?(?:shrinks?|shrank|grows?|grew|changes?|changed|drops?|dropped|goes|went|"
                           r"moves?|moved|is\s+(?:cut|reduced|extended|shortened)|(?:got|gets)\s+(?:cut|reduced|"
                           r"extended|shortened))\s+(?:down\s+|up\s+)?to))|\s*[=:])?"
                           r"(?:\s+(?:now|only|just|about|roughly|around))?\s*~?\s*$")
_BUSINESS = re.compile(r"\b(?:during|in|within|over)\s+(?:normal\s+|regular\s+|our\s+|the\s+)?"
                       r"(?:business|office|working|work)\s+(?:hours|day)\b|"
                       r"\b(?:business|office|working)\s+hours\s+only\b")
_ALWAYS_ON = re.compile(r"\b(?:24\s*[x/×]\s*7|24[\s-]hours?\s+a\s+day|around\s+the\s+clock|round[\s-]the[\s-]clock|"
                        r"no\s+(?:single\s+)?quiet\s+(?:period|time|hours?)|all\s+time\s*zones)\b")
_SHIFTS_BEFORE = re.compile(r"\b(\d|two|three|four)\s*$")
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "sixteen": 16, "eighteen": 18, "twenty": 20,
          "twenty-four": 24, "twenty four": 24}
BATCH = re.compile(
    r"\b(?:" + LATENCY_UNIMPORTANT + r"|batch\s+(?:job|jobs|processing|run|runs|mode|workload|inference|slot|window)|(?:in|as)\s+(?:a\s+)?batch(?:es)?|"
    r"batch[\s-]only|^\W*batch\b|offline\s+(?:job|processing|batch|workload|run)|"
    r"overnight\s+(?:job|run|batch|processing)|backfill\w*|just\s+queue\s+it|queue\s+it\s+up|"
    r"latency\s+(?:doesn'?t|does\s+not|won'?t)\s+matter|latency\s+is\s+(?:irrelevant|not\s+important|no\s+concern)|"
    r"(?:no|not\s+a)\s+(?:real[\s-]?time|interactive)\b|not\s+interactive|no\s+human\s+in\s+the\s+loop|"
    r"no\s+(?:one|user|human|person)\s+"
    r"(?:is\s+)?waiting|nobody\s+(?:is\s+)?(?:waiting|watching)|no\s+one\s+reads|"
    # "nobody waits on the results till morning", "nobody looks at the output before the morning"
    # "nobody watches it run", "no one monitors it", "none of our staff sit and wait for these": no person is waiting
    r"(?:nobody|no\s+one|no\s+user|no\s+human|no\s+person|none\s+of\s+(?:us|them|our\s+\w+))\s+(?:\w+\s+){0,2}?"
    r"(?:waits?|waiting|looks?|reads?|checks?|needs?|watch(?:es|ing)?|monitors?|monitoring|sits?|stares?)\s+"
    r"(?:on\s+|at\s+|for\s+|over\s+|and\s+wait\s+for\s+)?(?:the\s+|it\b|them\b|these\b|this\b|(?:[a-z-]+\s+)?(?:results?|"
    r"outputs?|answers?|responses?|replies|items?|strings?|documents?|translations?|summar(?:y|ies))\b)|(?:nightly|overnight)\s+(?:jobs?|runs?|batch\w*|processing|pass)|throughput\s+is\s+all\s+that\s+"
    r"matters|no\s+realtime|non[\s-]interactive)\b")
# what makes work a batch job besides saying so: it runs at night or in the background, off a queue, over a backlog
# or an archive once, against a deadline hours away ("results needed by 7am", "emailed the next morning",
# "turnaround of a few hours is fine"); nobody watches each request
BATCH_WORK = re.compile(
    r"\bevery\s+night\b|\b(?:per|a|each)\s+night\b|"
    r"\bin\s+the\s+background\b|\basynchronous(?:ly)?\b|\boff\s+(?:a|the|our)\s+(?:job\s+|message\s+|task\s+)?queue\b|"
    r"\b(?:via|through|from|into)\s+(?:a|the|our)\s+(?:job\s+|task\s+)?queue\b|\bbacklog\b|\bbulk\b|\bone[\s-]off\s+(?:job|run|pass|"
    r"migration|backfill)\b|\b(?:whole|entire)\s+(?:archive|back\s+catalog(?:ue)?|corpus)\b|"
    r"\b(?:results?|outputs?|summar(?:y|ies)|reports?|translations?)\s+(?:are\s+|is\s+)?(?:needed|due|ready|required|"
    r"emailed|delivered|sent|published)\s+(?:by|before|the\s+next|next|tomorrow|in\s+the\s+morning)|"
    r"\b(?:must|has\s+to|needs\s+to|should|have\s+to)\s+(?:be\s+)?(?:finish(?:ed)?|done|complete(?:d)?|ready|through)\s+"
    r"(?:by|before)\s+(?:\d|morning|the\s+morning|tomorrow|the\s+next|next|start\s+of)|"
    r"\bturnaround\s+(?:time\s+)?of\s+(?:a\s+few\s+|several\s+|\d+\s+|a\s+couple\s+of\s+)?(?:hours|days)\b|"
    r"\b(?:the\s+)?(?:next|following)\s+morning\b|\bby\s+(?:the\s+)?morning\b|"
    # a deadline counted from when the data arrives: "within 6 hours of the drop", "by Monday 08:00"
    r"\bwithin\s+(?:\d+|a\s+few|two|three|four|five|six|eight|twelve)\s+hours?\s+of\s+(?:the\s+)?(?:data\s+)?(?:drop|upload|"
    r"arrival|delivery|export|dump|landing|file|batch)\b|\b(?:finish(?:ed)?|done|complete(?:d)?|ready)\s+by\s+"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|"
    # a job that runs in a window of the clock: "the job runs 8pm to 6am", "our nightly job has to run between 2 and 6"
    r"\b(?:the|our|a|this)\s+(?:\w+\s+)?job\s+(?:runs|that\s+runs|has\s+to\s+run|must\s+run|should\s+run|will\s+run)\b")
# work items counted in a window ("300k tickets", "12,000 reports per night")
ITEMS = (r"(?:requests?|queries|calls|tickets|documents|docs|reports|contracts|invoices|filings|transcripts|papers|"
         r"reviews|logs|chat\s+logs|listings|emails|e-mails|messages|summaries|conversations|chats|records|articles|"
         r"pages|files|pdfs|jobs|items|orders|claims|forms|notes|product\s+\w+|support\s+tickets|call\s+transcripts|"
         r"legal\s+filings|research\s+papers)")


# someone waits, but minutes are fine ("answer in some minutes is ok", "a few minutes per summary is fine"): a deferred
# experience (loose targets), not a batch job with none
DEFERRED = re.compile(
    r"\b(?:(?:a\s+)?few|some|several|(?:a\s+)?couple(?:\s+of)?|\d+\s*(?:-|to)\s*\d+)\s+minutes?\s+"
    r"(?:\w+\s+){0,3}?(?:is|are|would\s+be|will\s+be|'s)?\s*(?:totally\s+|perfectly\s+|still\s+)?(?:ok|okay|fine|acceptable|"
    r"alright|no\s+problem)\b|\bminutes\s+(?:is|are)\s+(?:ok|okay|fine|acceptable)\b|\b(?:ok|okay|fine)\s+to\s+wait\s+"
    r"(?:a\s+few|some|several)\s+minutes\b")


@dataclass
class Window:
    hours: float | None = None
    batch: bool = False
    phrase: str = ""
    note: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    parts: int = 1  # "two 10-hour shifts": the window is that many shifts (a count "per shift" is one part's)


def _clock(m: re.Match, p: str) -> float | None:
    word = m.group(f"{p}word")
    if word:
        return 0.0 if word == "midnight" else 12.0
    h = int(m.group(f"{p}h"))
    minutes = int(m.group(f"{p}m") or 0)
    ap = (m.group(f"{p}ap") or "").replace(".", "")
    if h > 24 or minutes >= 60:
        return None
    if ap == "pm" and h < 12:
        h += 12
    elif ap == "am" and h == 12:
        h = 0
    return (h % 24) + minutes / 60


def _shared_meridiem(m: re.Match) -> tuple[float | None, float | None]:
    """'6-10pm' is 18:00 to 22:00 and '9-5pm' 9:00 to 17:00: am/pm written once, at one end, is the other end's too
    when that keeps the range inside the half day (the start before the end); otherwise the other end is in the other
    half ('10-2am' is 22:00 to 2:00)."""
    a, b = _clock(m, "a"), _clock(m, "b")
    for bare, said in (("a", "b"), ("b", "a")):
        if a is None or b is None or not m.group(f"{said}ap") or m.group(f"{bare}ap") or m.group(f"{bare}word"):
            continue
        h = int(m.group(f"{bare}h"))
        if not 1 <= h <= 12:
            continue
        other, own = (b, a) if bare == "a" else (a, b)
        twelve = (own % 12, other % 12)  # the bare end and the said end on a 12-hour dial
        same_half = twelve[0] < twelve[1] if bare == "a" else twelve[0] > twelve[1]
        pm = m.group(f"{said}ap").startswith("p")
        shifted = (h % 12) + (12 if pm == same_half else 0) + int(m.group(f"{bare}m") or 0) / 60
        a, b = (shifted, b) if bare == "a" else (a, shifted)
    return a, b


def _span_hours(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    hours = (b - a) % 24
    return hours or 24.0


def _is_clock(m: re.Match, p: str) -> bool:
    """A bare number is only a time with am/pm, a colon, or a word like midnight."""
    return bool(m.group(f"{p}word") or m.group(f"{p}ap") or m.group(f"{p}m"))


# "9 to 5, Monday to Friday", "8-6 on weekdays": bare hours are a working day when days or hours are named next to them
_WORKDAYS_AFTER = re.compile(r"\W{0,3}(?:on\s+|every\s+)?(?:mon(?:day)?s?\s*(?:-|–|to|through|thru)\s*fri(?:day)?s?|"
                             r"weekdays|workdays|week\s*days|business\s+days|working\s+days|o'?clock|office\s+hours|"
                             r"working\s+hours)\b")


# ... or before them: "every weekday between 8 and 6", "Mon-Fri 9-5", "on workdays from 7 to 3"
_WORKDAYS_BEFORE = re.compile(r"\b(?:mon(?:day)?s?\s*(?:-|–|to|through|thru)\s*fri(?:day)?s?|weekdays?|workdays?|week\s*days?|"
                              r"business\s+days?|working\s+days?|office\s+hours|working\s+hours)\b[^.;!?]{0,50}$")


_CLOCK_END = re.compile(r"\s*(?:$|[,.;:!?)\-]|(?:on|every|each|daily|and|with|but|or|local|utc|cet|est|pst|time|"
                        r"shift|hours)\b)")


def _working_day(m: re.Match, low: str) -> float | None:
    """Hours of a bare range said as a working day ('9 to 5' -> 8): the end before the start is in the afternoon."""
    if m.group("aword") or m.group("bword"):
        return None
    start, end = int(m.group("ah")), int(m.group("bh"))
    # a range that runs downwards ("9 to 5", "8-6") is hours of the clock even without a day named next to it: no
    # count or size is said from high to low (unless a unit follows: "8 to 6 seconds")
    downward = end <= start and bool(_CLOCK_END.match(low, m.end()))
    if not (downward or _WORKDAYS_AFTER.match(low, m.end()) or _WORKDAYS_BEFORE.search(low, 0, m.start())):
        return None
    if not (1 <= start <= 12 and 1 <= end <= 12):
        return None
    return float(end + 12 - start if end <= start else end - start)


# the hours of the day said as the busy stretch, not the only hours of traffic: "we average 6 req/s; between 2 and 4
# pm it runs at roughly three times that", "from 9 to 11 we peak at 40 rps"
_BUSY_STRETCH = re.compile(r"[^.;!?]{0,60}?\b(?:(?:runs?|goes|is|are|climbs?|jumps?|rises?|spikes?|triples?|doubles?)\s+"
                           r"(?:at\s+|up\s+to\s+|to\s+)?(?:roughly\s+|about\s+|around\s+|~\s*)?(?:(?:[\w.]+\s*)?(?:x|times)|"
                           r"twice|double|triple|thrice)\s+(?:that|this|the\s+(?:average|normal|usual|rest))|peaks?\b|peaking|spikes?\s+to|busiest|rush)")


# shifts named with their hours: "two shifts (06-14 and 14-22)", "shifts 7:00-15:00, 15:00-23:00": the window is
# their hours together
_SHIFTS = re.compile(r"\bshifts?\b[^.;!?\d]{0,12}")
_HOUR_RANGE = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(?:-|–|to)\s*(\d{1,2})(?::(\d{2}))?\b")
_RANGES_GAP = re.compile(r"^\s*(?:,|and|&|\+|/|;)?\s*$")


def _shift_hours(low: str) -> tuple[float, tuple[int, int]] | None:
    """The hours of the shifts listed after 'shifts', with the span of the list."""
    for m in _SHIFTS.finditer(low):
        total, at, end = 0.0, m.end(), m.end()
        for r in _HOUR_RANGE.finditer(low, m.end(), m.end() + 80):
            if not _RANGES_GAP.match(low[at:r.start()].lstrip("( ")):
                break
            a, b = int(r.group(1)) + int(r.group(2) or 0) / 60, int(r.group(3)) + int(r.group(4) or 0) / 60
            if not (a <= 24 and b <= 24):
                return None
            if b < a <= 12:  # "9-5": to 5 pm
                b += 12
            total += (b - a) % 24 or 24
            at = end = r.end()
        if end > m.end() and 0 < total <= 24:
            return total, (m.start(), end)
    return None


def find_window(low: str) -> Window:
    out = Window(batch=bool(BATCH.search(low) or BATCH_WORK.search(low)))
    if shifts := _shift_hours(low):
        out.hours, out.spans = shifts[0], [shifts[1]]
        out.phrase = low[shifts[1][0]:shifts[1][1]].strip()
        return out
    for m in _RANGE.finditer(low):
        if _BUSY_STRETCH.match(low, m.end()) and not _WORST_STRETCH.search(low):
            continue  # the busy hours of a day's traffic: its peak (relative.py), no window
        if not (_is_clock(m, "a") or _is_clock(m, "b")):
            hours = _working_day(m, low)
            if hours:
                out.hours, out.phrase = hours, m.group(0).strip()
                out.spans.append(m.span())
                return out
            continue
        hours = _span_hours(*_shared_meridiem(m))
        if hours:
            out.hours, out.phrase = hours, m.group(0).strip()
            out.spans.append(m.span())
            return out
    start, end = _AT.search(low), _BY.search(low) or _DEADLINE.search(low)
    if start and end and _is_clock(start, "s") and _is_clock(end, "e"):
        hours = _span_hours(_clock(start, "s"), _clock(end, "e"))
        if hours:
            out.hours, out.phrase = hours, f"{start.group(0).strip()} ... {end.group(0).strip()}"
            out.spans += [start.span(), end.span()]
            return out
    for m in _DURATION.finditer(low):
        what = m.group("what") or ""
        cue = low[max(0, m.start() - 12):m.start()] + m.group(0)
        named = _NAMED_WINDOW.search(low[max(0, m.start() - 40):m.start()])
        given = _HOURS_GIVEN.search(low[max(0, m.start("n") - 30):m.start("n")]) and not re.match(r"\s*of\b", low[m.end():])
        if not what and not named and not ((re.search(r"\b(?:in|within|over|during|per|every|inside)\b", cue) or given)
                                           and m.group("unit").startswith("h")):
            continue  # "within 2 minutes" is a latency; "within 5 hours" / "a 90-minute window" are windows
        if not what and not named and m.group(0).strip().startswith("every") \
                and not re.search(r"\d(?![\d.,]*\s*%)", re.split(r"[;!?]|\.(?!\d)", low[max(0, m.start() - 80):m.start()])[-1]):
            continue  # "documents get re-indexed every 24 hours": a cadence of something else, no count of work in it
        if what == "day" and not m.group("unit").startswith("h"):
            continue
        raw = m.group("n").replace(",", ".")
        n = float(raw) if raw[0].isdigit() else float(_WORDS.get(raw, 0))
        hours = n / 60 if m.group("unit").startswith("m") else n
        shifts = _SHIFTS_BEFORE.search(low[max(0, m.start() - 20):m.start()]) if what in ("shift", "window") else None
        if shifts:  # "three 8-hour shifts": the window is all of them
            out.parts = int(_WORDS.get(shifts.group(1)) or float(shifts.group(1)))
            hours *= out.parts
        if 0 < hours <= 24:
            out.hours, out.phrase = hours, m.group(0).strip()
            start, end = m.span()
            if shifts:  # the count of shifts and the plural go with the window: "two" is no count of work
                start = max(0, m.start() - 20) + shifts.start()
                end += 1 if low[end:end + 1] == "s" else 0
            out.spans.append((start, end))
            return out
    business = _BUSINESS.search(low)
    if business and not _ALWAYS_ON.search(low):  # "busy in each region's working day, so treat it as 24x7": no window
        out.hours, out.phrase = BUSINESS_HOURS, business.group(0).strip()
        out.note = f"business hours taken as {BUSINESS_HOURS:g} hours (9 to 5)"
        out.spans.append(business.span())
    return out


# the whole day said as its hours: "40,000 calls across the 24 hours" is a day's count, no window
_WHOLE_DAY = re.compile(r"\b(?:across|over|in|during|throughout|spread\s+over|around)\s+(?:the\s+|a\s+|all\s+(?:the\s+)?)?"
                        r"(?:24|twenty[\s-]four)\s*(?:hours|hrs|h)(?:\s+of\s+(?:the|a)\s+day)?\b")


# ... and always on said as its hours and days: "24 hours a day, 7 days a week" is 24/7, neither a window nor a rate
_ALL_HOURS = re.compile(r"\b(?:24|twenty[\s-]four)\s*(?:hours|hrs|h)\s+(?:a|per)\s+day(?:\s*,?\s*(?:and\s+)?(?:7|seven)\s+"
                        r"days\s+(?:a|per)\s+week)?\b")


def whole_day(low: str) -> str:
    """``low`` with the whole day said as its 24 hours written "a day", and "24 hours a day" as "24/7"."""
    return _WHOLE_DAY.sub("a day", _ALL_HOURS.sub("24/7", low))


def blank(low: str, window: Window) -> str:
    return mask(low, window.spans) if window.spans else low


# the stretch a count was logged in said to be the busiest one, not the only hours of traffic: "52,200 POSTs between
# 09:00 and 10:00 last Monday - that was the worst hour of the whole week"
_WORST_STRETCH = re.compile(r"\b(?:was|is|were|being|as)\s+(?:by\s+far\s+)?(?:the|our)\s+(?:single\s+)?(?:worst|busiest|"
                            r"heaviest|peak|highest|craziest)\s+(?:hour|stretch|window|period|time|slot|part)\b|"
                            # named a rush or a spike, or set against the rest of the day: "From 9:00 to 9:15 we get about
                            # 2,700 requests (login rush). The rest of the day it sits at ~2 req/s."
                            r"\b(?:login|morning|lunch(?:time)?|evening|opening|shift[\s-]start)\s+(?:rush|spike|surge|peak)\b|"
                            # (with a rate of its own: "nothing the rest of the day" keeps the stretch the window)
                            r"\b(?:the\s+)?rest\s+of\s+the\s+(?:day|time)\b[^.;!?\d]{0,30}\d")


def busiest_stretch(own: str, updates: dict, phrases: dict, notes: dict) -> None:
    """A window read from a count in a span said to be the busiest of the week or day: that count over the span is
    the peak rate, and the window is dropped (the traffic is not confined to it)."""
    hours, count = updates.get("window_hours"), updates.get("window_requests")
    if not (hours and count) or "peak_rps" in updates or not _WORST_STRETCH.search(own.lower()):
        return
    peak = count / (hours * 3600)
    for name in ("window_hours", "window_requests"):
        updates.pop(name)
    updates["peak_rps"] = float(f"{peak:.4g}")
    phrases["peak_rps"] = phrases.get("window_requests", f"{count:,}")
    notes["peak_rps"] = f"{count:,} requests in the busiest {hours:g} h = {peak:.4g} req/s"
