"""Facts stated in one scope of text (a sentence's factual part, or its what-if part) -> raw spec values.

Order matters and each step blanks what it used, so later steps do not misread it: the namespace and option
references first ("team-5", "option 2" are not quantities), then model and GPU names ("Llama 3.1 8B" is not
8 billion of anything; "16 A100s" leaves "16 §§§§§" for the GPU count), then word phrases (precision, cost
model, cold starts, priority, retractions, use case), then numbers with units.

This module runs the steps in that order; the readers live in names_said.py (namespace, models, GPUs), word_facts.py
(word phrases), quantities.py (numbers with units) and work_items.py (counts of work), and fill in a Facts
(fact_sheet.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.offline.commands import OPTION_LIST, ORDINAL
from agent.offline.budgets import DERIVED_PARTS, SHARE_OF_BUDGET, SPOKEN_FOR, share_of_money, spoken_for_money
from agent.offline.fact_sheet import Facts
from agent.offline.instances import expand_instances
from agent.offline.lengths import TOKEN_VOLUME_FIELDS, TOKENS_PER_S
from agent.offline.model_sizes import family_sizes
from agent.offline.names_said import _gpus, _models, _namespace
from agent.offline.lengths import vague_pages
from agent.offline.numbers import DATE, FISCAL_YEAR, NUM, Numbered, number_text, spoken_halves
from agent.offline.passes import Quantity
from agent.offline.price_cap import price_cap
from agent.offline.quantities import extract
from agent.offline.rates import PEAK, log_lines_as_requests
from agent.offline.relative import relative_lengths, relative_rates
from agent.offline.scaling import multiplier_text
from agent.offline.text import mask, squeeze
from agent.offline.unmodelled import unmodelled
from agent.offline.windows import DEFERRED, blank, find_window, whole_day
from agent.offline.word_facts import _clears, _cold_start, _cost_model, _precision, _price_tier, _priority, _use_case
from agent.offline.work_items import _RUNS, _work_items
from knowledge.catalog import Catalog


# "snappiness is the #1 thing", "price is the number one factor": a rank said of a measure, not an option number
_RANKED = re.compile(r"(?:#\s?1|\bno\.?\s?1|\bnumber\s+(?:one|1))(?=\s+(?:things?|priorit(?:y|ies)|concerns?|goals?|"
                     r"factors?|requirements?|criteri(?:on|a)|metrics?|asks?|issues?|needs?)\b)")


# a product written out with its result: "40k UI strings x 12 target languages = 480,000 translation requests", "2
# nodes x 8 GPUs = 16 GPUs": the result is what is counted, its factors are how it was worked out
_PRODUCT_SAID = re.compile(rf"{NUM}\s*(?:[a-z][\w-]*\s+){{0,4}}?(?:x|×|\*|times)\s*{NUM}\s*(?:[a-z][\w-]*\s*){{0,4}}?"
                           r"(?:\s+each\s+)?=\s*(?=(?:about\s+|roughly\s+|~\s*)?\x01)")


# people counted per part of a day split in parts (shifts): "90 nurses per shift", "on each shift about 40 agents"
_PER_PART_AFTER = re.compile(r"[^.;!?\x01]{0,30}?\b(?:per|each|every|a|on\s+each|in\s+each)\s+shift\b")
_PER_PART_BEFORE = re.compile(r"\b(?:per|each|every|on\s+each|in\s+each)\s+shift\b[^.;!?\x01]*$")


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
    f.remarks = unmodelled(orig, low)
    text = squeeze(_namespace(orig, low, f))
    text = DATE.sub("a date", text)  # "approved 2025-09-30": no amount, no clock range
    text = FISCAL_YEAR.sub("annual", text)  # "the AI line for FY26 is $1.2M": a year's money
    text = expand_instances(text, f)  # "three g5.12xlarge": 12 A10G GPUs, before GPU names and counts are read
    text = _RANKED.sub("top", text)  # "the #1 thing": a rank, not option 1
    text = squeeze(mask(text, [m.span() for m in OPTION_LIST.finditer(text)] +
                        [m.span() for m in ORDINAL.finditer(text)]))
    text = squeeze(_models(family_sizes(text), catalog, f))  # "gpt-oss 20b and 120b": two models
    text = squeeze(_gpus(text, catalog, f))
    text = squeeze(price_cap(text, catalog, f))
    text = squeeze(_precision(text, f))
    text = squeeze(_cost_model(text, f))
    text = squeeze(_price_tier(text, f))
    text = squeeze(_cold_start(text, f))
    text = log_lines_as_requests(whole_day(spoken_halves(text)))
    window = find_window(text)
    if window.hours:
        f.put("window_hours", round(window.hours, 3), window.phrase)
        if window.note:
            f.notes["window_hours"] = window.note
    if DEFERRED.search(text):  # minutes are fine: someone still waits, so loose targets rather than none
        f.put("experience_class", "deferred", DEFERRED.search(text).group(0))
    elif window.batch:
        f.put("experience_class", "batch", "batch")
    f.window_parts = window.parts
    _priority(text, f)
    if window.batch and f.values.get("priority") == "latency":
        f.values.pop("priority")  # "no real-time requirement" is not a latency priority
    text = squeeze(_clears(text, f))
    _use_case(text, f)
    text = blank(text, window)
    text, pages_note = vague_pages(text)
    nt = number_text(text)
    nt = Numbered(mask(nt.text, [m.span() for m in _PRODUCT_SAID.finditer(nt.text)]), nt.values)
    f.relative, spans = relative_rates(nt)
    f.relative += relative_lengths(nt.text)
    nt = Numbered(mask(nt.text, spans), nt.values)
    if (share := share_of_money(nt)) is not None:  # "gets half of it": of the money, not a halving (whole_message.py)
        f.derived_parts[SHARE_OF_BUDGET] = (share[0], share[1])
        nt = Numbered(mask(nt.text, [share[2]]), nt.values)
    if (part := spoken_for_money(nt)) is not None:  # "5k of that is committed ..., the rest": taken off the whole
        f.derived_parts[SPOKEN_FOR] = (part[0], part[1])
        nt = Numbered(mask(nt.text, [part[2]]), nt.values)
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
        if q.field == "users" and window.parts > 1 and (_PER_PART_AFTER.match(nt.text, q.end if q.end >= 0 else q.pos)
                                                        or _PER_PART_BEFORE.search(nt.text[max(0, q.pos - 30):q.pos])):
            # "three 8h shifts and there are roughly 90 on the wards per shift": a working day's people are every
            # shift's
            f.put("users", round(q.value * window.parts), q.phrase)
            f.notes["users"] = f"{q.value:,.0f} per {window.phrase.split()[-1].rstrip('s')} x {window.parts} = {q.value * window.parts:,.0f}"
    _peak_of_sessions(nt.text, f)
    for name in ("prompt_tokens", "output_tokens"):  # the length the vague count of pages was read into says so
        said = re.search(r"taken as (\d+) (pages|sentences|paragraphs)", pages_note or "")
        if said and name in f.values and re.match(rf"{said.group(1)}\s+(?:short\s+)?{said.group(2)[:-1]}s?\b",
                                                  f.phrases.get(name, "")):
            f.notes[name] = pages_note if name not in f.notes else f"{pages_note}: {f.notes[name]}"
    rest = _work_items(Numbered(rest, nt.values), f, bool(window.hours), window)
    f.leftover = Numbered(rest, nt.values)
    return f


def _peak_of_sessions(text: str, f: Facts) -> None:
    """'At peak we have 250 concurrent chat sessions, and each sends a message about every 30 seconds': what each of
    the people at once sends, times them, is the busiest moment's rate when the count is said of the peak."""
    per, at_once = f.values.get("rps_per_user"), f.values.get("concurrent_users")
    if not (isinstance(per, (int, float)) and isinstance(at_once, (int, float))) or not PEAK.search(text):
        return
    f.values.pop("rps_per_user")
    f.put("peak_rps", round(per * at_once, 4), f.phrases.get("rps_per_user", ""))
    f.notes["peak_rps"] = f"{at_once:,.0f} at once x {per * 60:.3g} requests a minute each"


def _quantity(q: Quantity, f: Facts) -> None:
    if q.field in DERIVED_PARTS or q.field in TOKEN_VOLUME_FIELDS.values() or q.field == TOKENS_PER_S:  # a budget once another figure of the message is known (whole_message.py)
        f.derived_parts[q.field] = (q.value, q.phrase)
        f.consume(q.phrase)
        return
    f.put(q.field, q.value, q.phrase)
