"""Facts stated in one scope of text (a sentence's factual part, or its what-if part) -> raw spec values.

Order matters and each step blanks what it used, so later steps do not misread it: the namespace and option
references first ("team-5", "option 2" are not quantities), then model and GPU names ("Llama 3.1 8B" is not
8 billion of anything; "16 A100s" leaves "16 §§§§§" for the GPU count), then word phrases (precision, cost
model, cold starts, priority, retractions, use case), then numbers with units.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agent.offline import vocabulary as V
from agent.offline.importance import said_priority
from agent.offline.commands import OPTION_LIST, ORDINAL
from agent.offline.entities import NOT_JUST, find_gpus, find_models, polarity, someone_elses, with_count
from agent.offline.numbers import NUM, Numbered, number_text, spoken_halves
from agent.offline.people import TOTAL
from agent.offline.passes import Quantity
from agent.offline.quantities import extract
from agent.offline.rates import unit_scale
from agent.offline.relative import Relative, relative_lengths, relative_rates
from agent.offline.scaling import multiplier_text
from agent.offline.text import mask, squeeze
from agent.offline.time_units import SECONDS_PER
from agent.offline.windows import ITEMS, Window, blank, find_window
from knowledge.catalog import Catalog
from knowledge.domain.enums import PriceTier, UseCase

_DNS_LABEL = re.compile(r"^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$")
_NS_CANDIDATE = r"[\"'`]?([A-Za-z0-9][\w.-]{0,80})"
# what is said of a namespace before its name: "namespace will be llm-prod", "the namespace has to be rag-dev"
_NS_IS = (r"(?:(?:for\s+(?:this|it|that|them|the\s+[\w-]+)\s+)?(?:(?:is|will\s+be|'s)\s+)?(?:called|named)|=|:|"
          r"(?:for\s+(?:this|it|that|them|the\s+[\w-]+)\s+)?(?:is|'s|will|would|should|must|shall|has\s+to|needs\s+to|"
          r"is\s+going\s+to|ought\s+to)(?:\s+(?:probably|likely|definitely|just|then|always|actually|now))?(?:\s+be)?|"
          r"set\s+to|becomes?)")
# the platform or kind of a namespace said before the word ("the Kubernetes namespace claims-ai"): not its name
_NS_KIND = r"(?!(?:kubernetes|k8s|kube|openshift|cluster|target|deployment|same|dedicated|separate|own|new)\b)"
_NAMESPACE = re.compile(
    rf"\bnamespaces?\s*(?:{_NS_IS})?\s*{_NS_CANDIDATE}|"
    rf"\b(?:in|into|to|use|using|under|on)\s+(?:the\s+|our\s+|a\s+)?{_NS_KIND}{_NS_CANDIDATE}[\"'`]?\s+(?:namespace|ns)\b|"
    rf"\bns\s*[=:]\s*{_NS_CANDIDATE}|\b(?:to|into|in|under|use|using)\s+(?:the\s+)?ns\s+{_NS_CANDIDATE}|"
    r"\bdeploy(?:\s+(?:it|this|that|them|option\s*#?\d+|the\s+\w+\s+one|#\d+))?\s+(?:to|into|in)\s+"
    r"([a-z0-9]+(?:-[a-z0-9]+)+|default)\b|"
    r"\b(?:put|move|place)\s+(?:it|this|that|them|option\s*#?\d+)\s+(?:in|into|to|on)\s+(?:the\s+)?"
    r"([a-z0-9]+(?:-[a-z0-9]+)+|default)\b", re.I)
_NOT_A_NAME = set("""a an the this that these those it its is isn are aren was were be been will would should shall
can could may might must do does doesn did don per for of in into to on at by from with without and or but not no
please you we our my your their his her they them i me us called named name namespace namespaces ns which what
where who how here there instead now then as any whatever same new one each every all some other another
given used using use set isolation level scope""".split())
_NEG_BEFORE = re.compile(r"\b(?:not|no|without|rather\s+than|instead\s+of|avoid|never|don'?t\s+(?:use|want))"
                         r"\s+(?:\w+\s+)?$")


@dataclass
class Facts:
    values: dict[str, Any] = field(default_factory=dict)       # scalar fields, last mention wins
    phrases: dict[str, str] = field(default_factory=dict)      # field -> the words it came from
    lists: dict[str, list[str]] = field(default_factory=dict)  # gpus / exclude_gpus / models / exclude_models
    cleared: list[str] = field(default_factory=list)
    # (use case, weight, position, the words it was read from)
    use_cases: list[tuple[UseCase, float, int, str]] = field(default_factory=list)
    weak_use_case: tuple[UseCase, str] | None = None  # a one-word answer ("support"), with that word
    namespace: str | None = None
    problems: list[str] = field(default_factory=list)
    multipliers: list[tuple[str, float]] = field(default_factory=list)
    relative: list[Relative] = field(default_factory=list)    # "3x that at peak": a rate relative to the other
    broad: dict[str, tuple[str, ...]] = field(default_factory=dict)  # allowed name -> its family, if excluded
    consumed: set[str] = field(default_factory=set)            # words that were read as something
    additive: set[str] = field(default_factory=set)            # list fields named as additions ("L4 too")
    notes: dict[str, str] = field(default_factory=dict)        # field -> how its value was read (an assumption)
    item_counts: list[int] = field(default_factory=list)       # "2M product reviews": a window's count, if any
    span: tuple[float, str] | None = None                      # "we'd run it for a month": (hours, words), no count
    part_counts: list[int] = field(default_factory=list)       # "each shift handles 4,000 tickets": one part's count
    window_parts: int = 1                                      # "three 8-hour shifts": the parts of the window
    leftover: Numbered | None = None                           # number text after everything was read
    runs: float = 0.0                                          # "over 3 nights": windows the count is spread over

    def put(self, name: str, value: Any, phrase: str) -> None:
        self.values.pop(name, None)  # re-insert so dict order follows the text
        self.values[name] = value
        self.phrases[name] = phrase
        self.consume(phrase)

    def consume(self, phrase: str) -> None:
        self.consumed.update(re.findall(r"[a-z']+", phrase))

    def add(self, name: str, items: Sequence[str]) -> None:
        bucket = self.lists.setdefault(name, [])
        bucket.extend(i for i in items if i not in bucket)


# "snappiness is the #1 thing", "price is the number one factor": a rank said of a measure, not an option number
_RANKED = re.compile(r"(?:#\s?1|\bno\.?\s?1|\bnumber\s+(?:one|1))(?=\s+(?:things?|priorit(?:y|ies)|concerns?|goals?|"
                     r"factors?|requirements?|criteri(?:on|a)|metrics?|asks?|issues?|needs?)\b)")


def read_facts(orig: str, low: str, catalog: Catalog, asked: Sequence[str], lengths_said: bool = False,
               rate_default: str = "rps", rate_known: bool = False, rate_scale: float = 1.0) -> Facts:
    """Everything stated in ``low`` (lower-cased; ``orig`` is the same text in its original case). ``lengths_said``:
    the message measured a prompt or output length in tokens before this sentence. ``rate_default``: the field a
    request rate said without 'peak' or 'average' sets (the peak once the user gave only a peak). ``rate_known``: a
    request rate was given before (in the spec or an earlier sentence), so a bare peak or average is a rate too."""
    f = Facts()
    if not low.strip():
        return f
    # From here on nothing needs positions in ``orig``: runs of blanks left by masking are squeezed after each
    # step, which also keeps every "\s*...\s*" pattern linear.
    text = squeeze(_namespace(orig, low, f))
    text = _RANKED.sub("top", text)  # "the #1 thing": a rank, not option 1
    text = squeeze(mask(text, [m.span() for m in OPTION_LIST.finditer(text)] +
                        [m.span() for m in ORDINAL.finditer(text)]))
    text = squeeze(_models(text, catalog, f))
    text = squeeze(_gpus(text, catalog, f))
    text = squeeze(_precision(text, f))
    text = squeeze(_cost_model(text, f))
    text = squeeze(_price_tier(text, f))
    text = squeeze(_cold_start(text, f))
    text = spoken_halves(text)
    window = find_window(text)
    if window.hours:
        f.put("window_hours", round(window.hours, 3), window.phrase)
        if window.note:
            f.notes["window_hours"] = window.note
    if window.batch:
        f.put("experience_class", "batch", "batch")
    f.window_parts = window.parts
    _priority(text, f)
    if window.batch and f.values.get("priority") == "latency":
        f.values.pop("priority")  # "no real-time requirement" is not a latency priority
    text = squeeze(_clears(text, f))
    _use_case(text, f)
    text = blank(text, window)
    nt = number_text(text)
    f.relative, spans = relative_rates(nt)
    f.relative += relative_lengths(nt.text)
    nt = Numbered(mask(nt.text, spans), nt.values)
    # Scalings ("3x the users") are what-if material; in a plain statement they are only kept out of the numbers.
    mults = multiplier_text(nt)
    f.multipliers = [(fld, factor) for fld, factor, _ in mults]
    nt = Numbered(mask(nt.text, [span for _, _, span in mults]), nt.values)
    runs = _RUNS.search(nt.text)
    if runs:
        f.runs = nt.value(runs)
        nt = Numbered(mask(nt.text, [runs.span()]), nt.values)
    found, rest = extract(nt, asked, f.notes, lengths_said, rate_default, rate_known, rate_scale)
    for q in found:
        _quantity(q, f)
    rest = _work_items(Numbered(rest, nt.values), f, bool(window.hours), window)
    f.leftover = Numbered(rest, nt.values)
    return f


# a count said of one part of a window of several ("two 10-hour shifts, each shift handles about 9,000 calls", "4,000
# tickets per shift"): the window's count is that times the parts
_PART_BEFORE = re.compile(r"\b(?:each|every|per|a|one)\s+(?:shift|window|run|slot)\b[^\x01.;]{0,30}$")
_PART_AFTER = re.compile(r"^[^\x01.;]{0,20}?\b(?:(?:in\s+)?each|every|per|a)\s+(?:shift|window|run|slot)\b|^\s*(?:apiece|each)\b")


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
_ITEMS = re.compile(rf"{NUM}\s*\+?\s*(?:[a-z][a-z-]*\s+){{0,2}}?(?:{ITEMS}|{_NOT_ITEMS}[a-z][a-z-]*[a-z]s|of\s+them)"
                    r"\b(?!\s*(?:each|apiece|per\s+(?:item|document|doc|request|file))\b)"
                    r"(?P<per>\s*(?:per|a|an|each|every)\s+(?:night|day)|"
                    r"\s*(?:nightly|overnight|daily))?")
_KNOWN_ITEMS = re.compile(rf"\b{ITEMS}\b")
# a count of work said as the whole: "so 1 million requests in total", "a total of 40k documents", "1M calls all told"
# is the window's count, whatever count said before it was worked out from ("250k listings a day, each into four
# languages"); a total of a longer period ("2M in total this quarter") is not the window's
_TOTAL_AFTER = re.compile(rf"\s*{TOTAL}\b(?!\s+(?:this|per|a|each|every|over|across|for|in)\s+(?:\w+\s+)?(?:weeks?|months?|"
                          r"quarters?|years?|days))")
_TOTAL_BEFORE = re.compile(rf"\b(?:a\s+)?{TOTAL}(?:\s+of)?\s*(?:about|around|roughly|some|~)?\s*$")
# the count that follows is each person's: "80 agents each handle about 60 calls a shift"
_EACH_PERSON = re.compile(r"\beach\s+(?:[a-z]+\s+){1,2}(?:about\s+|around\s+|roughly\s+|~\s*|up\s+to\s+)?$")
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


def day_count_in_window(f: Facts) -> None:
    """A per-day rate said with a window ("9,000 emails a day ... they all arrive during a 10-hour business day",
    in one sentence or two) is the window's count, not a rate spread over 24 hours."""
    if "rps" in f.values and "window_requests" not in f.values and _PER_DAY_RATE.search(f.phrases.get("rps", "")):
        phrase = f.phrases.pop("rps")
        said = re.match(r"\d+(?:\.\d+)?", phrase)  # the count as said ("30000 questions a day"), not rounded twice
        count = float(said.group(0)) if said else f.values["rps"] * SECONDS_PER["day"]
        f.values.pop("rps")
        f.put("window_requests", round(count), phrase)


# a span of several days the work is spread over: "over the weekend", "within a week", "across 3 days"
# (the days of a past period are a history, not a span to work through: "2.1M requests over the last 30 days")
_LONG_SPAN = re.compile(r"\b(?:over|within|in|across|during|throughout|(?:run|running|process|processing|spread|"
                        r"go|going)\s+(?:it\s+|them\s+|this\s+|that\s+)?(?:continuously\s+|non-?stop\s+)?(?:for|over))\s+"
                        r"(?:(?:the\s+)?(?P<weekend>(?:long\s+)?weekend)|(?:\x01(?P<n>\d+)\x02\s*(?P<unit>days|weeks?|months?))|"
                        r"a\s+(?P<week>week|day|month)|one\s+(?P<one>week|day|month))\b")
MAX_SPAN_HOURS = 744  # a month at most: beyond it a count is a backlog with no pace said


_NOT_TO_SIZE = re.compile(r"\b(?:do\s+not|don'?t|never)\s+size\b|\bnot\s+part\s+of\b|\blast\s+(?:\w+\s+)?$")


def _span_hours(nt: Numbered, m: re.Match) -> tuple[float, str]:
    """(hours, the span in words) of a span of days."""
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
        day_count_in_window(f)
    spans = []
    pace = _PACE.search(nt.text) if windowed else None
    if pace and "window_requests" not in f.values and nt.value(pace) >= 1:
        # "a backlog of 90,000 claims ... about 15,000 per night between 10pm and 4am": the pace is the window's count
        f.put("window_requests", round(nt.value(pace)), re.sub(NUM, f"{nt.value(pace):g}", pace.group(0), count=1))
    for m in _ITEMS.finditer(nt.text):
        value = nt.value(m)
        per = (m.group("per") or "").strip()
        total = windowed and not per and value > f.values.get("window_requests", 0) and bool(
            _TOTAL_AFTER.match(nt.text, m.end()) or _TOTAL_BEFORE.search(nt.text[max(0, m.start() - 30):m.start()]))
        if "window_requests" in f.values and not total or value < 1 or (value < 20 and not _KNOWN_ITEMS.search(m.group(0))):
            continue
        if not windowed and m.group(0).endswith("of them"):
            continue  # "150 of them": which count is the question's (users), not a work item
        people = f.values.get("users")
        each = people and _EACH_PERSON.search(nt.text[max(0, m.start() - 40):m.start()])
        if windowed or "night" in per:
            f.put("window_requests", round(value), re.sub(NUM, f"{value:g}", m.group(0), count=1))
            if each:  # "80 agents each handle about 60 calls a shift": every person's count, all of them together
                f.put("window_requests", round(value * people), f.phrases["window_requests"])
                f.notes["window_requests"] = f"{people:,.0f} x {value:,.0f} = {value * people:,.0f}"
            if window is not None:
                _per_part(nt, m, window, f)
        elif (span := _LONG_SPAN.search(nt.text)) and not per and "rps" not in f.values \
                and _span_hours(nt, span)[0] <= MAX_SPAN_HOURS \
                and not _NOT_TO_SIZE.search(nt.text):
            # "500k documents over the weekend", "1.2M pages within a week": a span longer than a day is no daily
            # window; the work is spread over it evenly, as a batch job
            hours, said = _span_hours(nt, span)
            rps = round(value / (hours * 3600), 4)
            f.put("rps", rps, f"{value:,.0f} over {said}")
            f.notes["rps"] = f"{value:,.0f} spread evenly over {said} ({hours:g} h)"
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
            and _span_hours(nt, span)[0] <= MAX_SPAN_HOURS:
        f.span = _span_hours(nt, span)  # "about 62,000 theses. We'd run it continuously for a month": the count's span
        spans.append(span.span())
    return mask(nt.text, spans)


def _namespace(orig: str, low: str, f: Facts) -> str:
    spans = []
    source = orig if len(orig) == len(low) else low
    for m in _NAMESPACE.finditer(source):
        group = next(g for g in range(1, (m.re.groups or 0) + 1) if m.group(g) is not None)
        name = m.group(group).rstrip(".-_,;:!?\"'`")
        if name.lower() in _NOT_A_NAME:
            continue
        spans.append(m.span(group))
        if _DNS_LABEL.match(name):
            f.namespace = name
            f.phrases["namespace"] = m.group(0)
        else:
            hint = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")[:63]
            f.problems.append(f"'{name[:80]}' is not a valid Kubernetes namespace (lowercase letters, digits and '-', "
                              f"at most 63 characters, starting and ending with a letter or digit)"
                              + (f"; did you mean '{hint}'?" if hint and _DNS_LABEL.match(hint) else ""))
    return mask(low, spans, "¦")


_ADDITIVE_AFTER = re.compile(r"^[\w\s-]{0,25}?\b(?:too|as\s+well|also|allowed|is\s+(?:fine|ok|okay|allowed)|are\s+"
                             r"(?:fine|ok|okay|allowed)|(?:is|are)\s+back(?:\s+on\s+the\s+table|\s+in)?|"
                             r"(?:is|are)\s+(?:fine|ok|okay|allowed)\s+again)\b")
_ADDITIVE_BEFORE = re.compile(r"\b(?:also|include|including|add|allow|plus)\s+(?:the\s+)?(?:\w+\s+)?$")


# allowed back: "..., put it back in", "bring them back", "we can live with the PCIe variant"
_BACK_AFTER = re.compile(r"^[^.;!?]{0,30}?\b(?:put|bring|add|allow|take)\s+(?:it|them|that|those|this)\s+back\b")
_LIVE_WITH_BEFORE = re.compile(r"\b(?:can|could)\s+live\s+with\s+(?:the\s+|an?\s+)?$")


def _additive(text: str, start: int, end: int) -> bool:
    """'H100-PCIe is fine too', 'also allow L4s', 'include the A10G', 'we can live with the PCIe variant, put it back
    in': an addition, not a restriction."""
    return bool(_ADDITIVE_AFTER.match(text[end:end + 40]) or _ADDITIVE_BEFORE.search(text[max(0, start - 30):start])
                or _BACK_AFTER.match(text[end:end + 50]) or _LIVE_WITH_BEFORE.search(text[max(0, start - 30):start]))


def _models(text: str, catalog: Catalog, f: Facts) -> str:
    mentions, policies = find_models(text, catalog)
    for m in polarity(text, [m for m in mentions if not someone_elses(text, m.start)]):
        f.add("models" if m.positive else "exclude_models", m.names)
        if m.positive and _additive(text, m.start, m.end):
            f.additive.add("models")
        if m.precision and m.positive:
            f.put("precision", m.precision, text[m.start:m.end])
    for m in polarity(text, policies):
        # "no Chinese models" / "non-Chinese models": an exclusion whichever way it is phrased
        f.add("exclude_models", m.names)
    return mask(text, [(m.start, m.end) for m in [*mentions, *policies]], "¤")


_LIFTED_BEFORE = re.compile(V.LIFT + r"$")
_NOT_JUST = re.compile(NOT_JUST)
_LIFTED_AFTER = re.compile(r"\s*(?:only\s+)?" + V.RESTRICTION)


def _gpus(text: str, catalog: Catalog, f: Facts) -> str:
    mentions = polarity(text, find_gpus(text, catalog))
    spans = []
    # a card talked about and then ruled out ("bad experiences with A10G availability, so please leave A10G out"):
    # the exclusion after it is what the clause asks for
    excluded_later = [(m.start, set(m.names)) for m in mentions if not m.positive]
    conditional: set[str] = set()  # the cards of families named in a condition
    for m in mentions:
        if m.positive and any(at > m.start and set(m.names) <= names for at, names in excluded_later) \
                and not _additive(text, m.start, m.end) and not re.search(r"\bonly\b", text[max(0, m.start - 12):m.end + 12]):
            spans.append((m.start, m.end))
            continue
        if someone_elses(text, m.start):  # masked with its count: "32 H100s" of another team are no GPUs of ours
            spans.append((with_count(text, m.start), m.end))
            continue
        spans.append((m.start, m.end))
        rule = _named_rule(text, m.start, m.end)
        if rule is not None:
            # "drop the H100 exclusion", "the no-AMD rule was a mistake", "we don't need the L4-only restriction": a
            # rule about the GPU is named; lifted, an exclusion allows the GPU again and a restriction to it goes
            if rule == "exclusion":
                f.add("gpus", m.broad or m.names)
                f.additive.add("gpus")
            elif rule == "restriction":
                f.cleared.append("gpus")
            continue
        if _LIFTED_AFTER.match(text, m.end) and _LIFTED_BEFORE.search(text[max(0, m.start - 40):m.start]):
            continue  # "scratch the L4 restriction": names the restriction lifted (CLEARS), no preference
        if _NOT_JUST.search(text[max(0, m.start - 40):m.start]):
            f.cleared.append("gpus")  # "other GPUs are fine too, not just the A100s": the restriction is lifted
            continue
        if m.positive and _conditional(text, m.start, m.end):
            # "SXM only if H100", "if it's an H100, the SXM one": a condition, not a restriction; what the main clause
            # requires of the family ("if we go with H100s, they have to be SXM") rules out its other variants
            f.add("exclude_gpus", _other_variants(text, m))
            conditional |= set(m.broad or m.names)
            continue
        if m.positive and set(m.names) <= conditional:
            continue  # "if it ends up on H100, only the PCIe ones": the variant the condition requires, read above
        additive = m.positive and _additive(text, m.start, m.end)
        # "H100s are fine after all": the family is allowed again, as "no H100s" excluded all of it
        f.add("gpus" if m.positive else "exclude_gpus", (m.broad or m.names) if additive else m.names)
        if m.positive and m.broad:
            f.broad.update({name: m.broad for name in m.names})
        if additive:
            f.additive.add("gpus")
    return mask(text, spans, "§")


# a rule about a GPU named as such ("the H100 exclusion", "the no-AMD rule", "the L4-only restriction"), and whether
# it is lifted (a verb of lifting before it, or said after it to be a mistake / not needed)
_RULE_AFTER = re.compile(r"\s*(?:-\s*)?(?P<only>only\s+)?(?P<kind>exclusions?|bans?|blocks?|blacklist(?:ing)?|restrictions?|"
                         r"constraints?|limits?|limitations?|requirements?|preferences?|pins?|rules?|things?|policy|"
                         r"thing)\b")
_RULE_LIFTED_BEFORE = re.compile(V.LIFT.replace("(?:drop|", "(?:take\\s+back|reverse|undo|drop|") + r"(?:no[\s-])?$|"
                                 r"\b(?:don'?t|do\s+not|doesn'?t|no\s+longer)\s+(?:actually\s+|really\s+)?need\s+"
                                 r"(?:the\s+|that\s+|this\s+|our\s+|any\s+)?(?:no[\s-])?$")
_RULE_LIFTED_AFTER = re.compile(r"[^.;!?]{0,12}?\b(?:(?:was|is)\s+(?:a\s+mistake|wrong|an\s+error|not\s+(?:needed|necessary|"
                                r"right)|unnecessary|no\s+longer\s+(?:needed|relevant)|gone|off)|can\s+go|isn'?t\s+"
                                r"(?:needed|necessary|right)|wasn'?t\s+(?:mine|right|meant))\b")


def _named_rule(text: str, start: int, end: int) -> str | None:
    """'exclusion' or 'restriction' when the rule named after the GPU is lifted; 'kept' when it is only named."""
    after = _RULE_AFTER.match(text, end)
    if after is None:
        return None
    before = text[max(0, start - 40):start]
    excluding = after.group("kind").startswith(("exclusion", "ban", "block", "blacklist")) or bool(
        re.search(r"\bno[\s-]$", before))
    if not excluding and not after.group("only") and after.group("kind").startswith(("thing", "rule", "policy")):
        return None  # "the H100 thing": no rule said
    lifted = _RULE_LIFTED_BEFORE.search(before) or _RULE_LIFTED_AFTER.match(text, after.end())
    if not lifted:
        return "kept"
    return "exclusion" if excluding else "restriction"


# a GPU named in a condition ("SXM only if H100", "if we go with H100s, SXM ones") restricts nothing; "L4s if
# possible" is a preference
_IF_BEFORE = re.compile(r"(?<!what\s)(?<!even\s)(?<!as\s)\b(?:if|when|whenever|in\s+case|assuming|should\s+(?:you|we)\s+(?:go|pick|use|choose))\s+"
                        r"(?:(?:it'?s|it\s+is|it|we|you|they|they'?re)\s+)?(?:[\w']+\s+){0,3}$")
_IF_AFTER = re.compile(r"\s*(?:only\s+)?(?:if|when|in\s+case)\b(?!\s+(?:possible|available|feasible|(?:we|you)\s+can|"
                       r"it\s+(?:fits|works|helps)))")


# the variant a family named in a condition must be: "..., they have to be SXM", "..., only the PCIe ones", "..., SXM only"
_VARIANT_REQUIRED = re.compile(r"[^.;!?]{0,40}?\b(?:(?:have|has|need|needs|must|should|got)\s+to\s+be|must\s+be|should\s+be|"
                               r"(?:only|just)|we\s+(?:want|need))\s+(?:the\s+)?(?P<v>sxm\d?|pcie|nvl)\b|"
                               r"[^.;!?]{0,40}?\b(?:the\s+)?(?P<v2>sxm\d?|pcie|nvl)(?:\s+(?:ones?|versions?|variants?))?\s+only\b")

# ... or said before the condition: "SXM only if H100", "PCIe if it's an H100"
_VARIANT_BEFORE_IF = re.compile(r"\b(?:the\s+)?(?P<v>sxm\d?|pcie|nvl)(?P<v2>)\s+(?:only\s+|ones?\s+)?(?:if|when)\s+(?:it'?s\s+|it\s+is\s+|"
                                r"we\s+(?:go\s+with|use|pick|get)\s+|you\s+(?:go\s+with|use|pick)\s+)?(?:an?\s+)?$")


def _other_variants(text: str, m) -> list[str]:
    """The variants of the conditional family the main clause after it does not allow."""
    if not m.broad:
        return []
    required = _VARIANT_REQUIRED.match(text, m.end) or _VARIANT_BEFORE_IF.search(text[max(0, m.start - 40):m.start])
    if required is None:
        return []
    variant = (required.group("v") or required.group("v2")).replace(" ", "")
    kept = [c for c in m.broad if variant in c.lower().replace("-", "")]
    return [c for c in m.broad if c not in kept] if kept else []


_MAIN_CLAUSE_AFTER = re.compile(r"[^.;!?]{0,30}?(?:,|\bthen\b)")


def _conditional(text: str, start: int, end: int) -> bool:
    """The GPU is named in a condition that a main clause after it depends on ("if we go with H100s, they have to be
    SXM"); a supposition asked about ("what would it cost if we go with H200s?") is a what-if, read as one."""
    before = text[max(0, start - 40):start]
    cond = _IF_BEFORE.search(before)
    return bool(_IF_AFTER.match(text, end) or cond and (_MAIN_CLAUSE_AFTER.match(text, end)
                                                         or re.search(r"\bonly\s+$", before[:cond.start()])))


def _negated(text: str, start: int) -> bool:
    return bool(_NEG_BEFORE.search(text[max(0, start - 30):start]))


def _precision(text: str, f: Facts) -> str:
    hits, spans = [], []
    for value, pattern in V.PRECISIONS:
        for m in pattern.finditer(mask(text, spans)):
            spans.append(m.span())
            if _LIFTED_AFTER.match(text, m.end()) and _LIFTED_BEFORE.search(text[max(0, m.start() - 40):m.start()]):
                f.cleared.append("precision")  # "drop the fp8 requirement": the precision named is what is lifted
                continue
            if value.value == "bf16" or not _negated(text, m.start()):
                hits.append((m.start(), value.value, m.group(0)))
    if hits:
        _, value, phrase = max(hits)
        f.put("precision", value, phrase)
    return mask(text, spans)


def _cost_model(text: str, f: Facts) -> str:
    hits, spans = [], []
    for value, pattern in V.COST_MODELS:
        for m in pattern.finditer(text):
            spans.append(m.span())
            if not (V.COST_NEGATION.search(text[max(0, m.start() - 30):m.start()])
                    or V.COST_NEGATION_AFTER.match(text, m.end())):
                hits.append((m.start(), value.value, m.group(0)))
    buying = [h for h in hits if h[1] == "purchase"]
    if hits:  # the last said wins, except that buying hardware means owning it after: purchase
        _, value, phrase = max(buying or hits)
        f.put("cost_model", value, phrase)
    return text  # "own 16 A100s" still carries the GPU count


def _price_tier(text: str, f: Facts) -> str:
    hits, spans, refused = [], [], []
    for value, pattern in V.PRICE_TIERS:
        for m in pattern.finditer(text):
            spans.append(m.span())
            negation = V.COST_NEGATION.search(text[max(0, m.start() - 30):m.start()])
            if not negation:
                hits.append((m.start(), value.value, m.group(0)))
            elif value != PriceTier.ON_DEMAND:
                refused.append(text[max(0, m.start() - 30) + negation.start():m.end()])
    if hits:
        _, value, phrase = max(hits)
        f.put("price_tier", value, phrase)
    elif refused:  # "no spot", "not reserved": a discounted tier refused leaves the plain on-demand rental
        f.put("price_tier", PriceTier.ON_DEMAND.value, refused[0])
    return mask(text, spans)


# a need for an always-on service denied: "doesn't need to be always on", "no need to keep it warm"
_NOT_NEEDED = re.compile(r"\b(?:doesn'?t|does\s+not|don'?t|do\s+not|needn'?t|need\s+not|no\s+need\s+(?:for\s+it\s+)?to|"
                         r"not\s+necessary\s+to|won'?t\s+need\s+to)\s+(?:need\s+to\s+|have\s+to\s+)?(?:be\s+)?$")


def _cold_start(text: str, f: Facts) -> str:
    off = V.COLD_START_OFF.search(text)
    if off:
        denied = bool(_NOT_NEEDED.search(text[max(0, off.start() - 30):off.start()]))
        f.put("allow_cold_start", denied, off.group(0))
        return mask(text, [off.span()])
    on = V.COLD_START_ON.search(text)
    if on:
        f.put("allow_cold_start", True, on.group(0))
        return mask(text, [on.span()])
    return text


def _priority(text: str, f: Facts) -> None:
    for m in (V.PRIORITY_RANKING.finditer(text) if V.RANKING_CUE.search(text) else ()):
        # a ranking said outright wins over a word that leans one way
        first = V.ranked_first(m.group(0))
        at = m.start() + first[1] if first else m.start()
        if first and not V.PRIORITY_NEGATION.search(text[max(0, at - 30):at]):
            f.put("priority", first[0], m.group(0))
            return
    said = V.PRIORITY_SET.search(text)
    if said:
        f.put("priority", V.PRIORITY_WORDS[said.group(1)], said.group(0))
        return
    stated = said_priority(text)  # what the clause predicates of a measure, however the measure is named
    if stated:
        f.put("priority", stated[0], stated[1])
        return
    hits = []
    for value, pattern in (*V.PRIORITIES, *V.PRIORITY_SIGNALS):
        for m in pattern.finditer(text):
            before, after = text[max(0, m.start() - 30):m.start()], text[m.end():m.end() + 40]
            if V.PRIORITY_NEGATION.search(before) or V.PRIORITY_NEGATION_AFTER.match(after):
                continue
            hits.append((m.start(), value.value, m.group(0)))
    if hits:
        _, value, phrase = min(hits)
        f.put("priority", value, phrase)


def _clears(text: str, f: Facts) -> str:
    spans = []
    for fields, pattern in V.CLEARS:
        for m in pattern.finditer(text):
            spans.append(m.span())
            f.consume(m.group(0))
            f.cleared.extend(x for x in fields if x not in f.cleared)
    return mask(text, spans)


def _use_case(text: str, f: Facts) -> None:
    for use_case, weight, pattern in V.USE_CASES:
        for m in pattern.finditer(text):
            if V.USE_CASE_NEGATION.search(text[max(0, m.start() - 30):m.start()]):
                continue
            f.consume(m.group(0))
            words = " ".join(m.group(0).split())
            if use_case == UseCase.SUMMARIZATION_SHORT:
                use_case_here = summary_kind(text)
                f.use_cases.append((use_case_here, weight + (1 if use_case_here != use_case else 0), m.start(), words))
            else:
                f.use_cases.append((use_case, weight or 3, m.start(), words))
    if not f.use_cases:
        f.weak_use_case = next(((u, m.group(0)) for u, p in V.WEAK_USE_CASES if (m := p.search(text))), None)


def summary_kind(text: str) -> UseCase:
    """Short or long-document summarisation, by the kind of text summarised."""
    # The head noun of "call transcripts" is the last one: a long kind said last (or said "long") wins.
    if V.FEW_PAGES.search(text):
        return UseCase.SUMMARIZATION_SHORT
    long_hits, short_hit = list(V.LONG_NOUNS.finditer(text)), V.SHORT_NOUNS.search(text)
    long_hit = long_hits[-1] if long_hits else None
    said_long = any("long" in h.group(0) for h in long_hits)  # "(... so long documents)" says which kind outright
    if V.INTO_A_NOTE.search(text) and not said_long:
        return UseCase.SUMMARIZATION_SHORT
    if long_hit and (not short_hit or long_hit.end() >= short_hit.end() or said_long):
        return UseCase.LONG_DOCUMENT_SUMMARIZATION
    return UseCase.SUMMARIZATION_SHORT


def _quantity(q: Quantity, f: Facts) -> None:
    f.put(q.field, q.value, q.phrase)
