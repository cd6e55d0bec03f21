"""Corrections a message makes to what the spec holds (the offline parser's part that reads them, once the message's
facts are known): a value said wrong ("it's 350 now, not 200"), a value quoted back ("the 150 ms I mentioned should've
been 250"), a field said wrong ("the TTFT was off"), the currency or the period of the budget ("that was euros",
"per month, not per day"), the unit of a rate ("make that per minute, not per second"), the owned machines recounted
("only two of the servers are usable"), a value moved to its sibling field ("300 is how many are on it at the same
time, not the total").

``Corrections`` is mixed into the parser's per-message reader (parser._Message), whose state it reads (spec,
leftovers, facts) and whose updates it completes.
"""

from __future__ import annotations

import re
from typing import Any

from agent.offline import questions as Q
from agent.offline.currency import currency_of, to_usd
from agent.offline.limits import LIMITS, checked
from agent.offline.numbers import NUM_RE, number_text
from agent.offline.latency import LATENCY_FIELDS
from agent.offline.lengths import CHARS_PER_TOKEN, PAGE_TOKENS, WORDS_TO_TOKENS
from agent.offline.time_units import MS_PER_UNIT, SECONDS_PER, TIME_UNIT, monthly_factor, period_noun

# a bare number with the one it replaces negated, either way round ("350 now, not 200", "not 200 but 350")
# the currency of the budget said again: "that's pounds not dollars", "it was in euros, not USD", "I meant GBP"
_CUR = r"(?P<cur>pounds?(?:\s+sterling)?|gbp|£|quid|euros?|eur|€|francs?|chf|yen|jpy|rupees?|inr|yuan|cny|rmb|cad|aud|" \
       r"canadian\s+dollars?|australian\s+dollars?)"
# the period of a budget said again: "the budget was per year, not per month", "that's annual", "I meant 20k a year"
_PERIOD_FIX = re.compile(
    r"\b(?:that'?s|it'?s|it\s+was|that\s+was|(?:i|we)\s+meant(?:\s+it)?|the\s+(?:budget|amount|figure|number)\s+(?:is|was|'s))"
    r"\s+(?:an?\s+|per\s+|each\s+|every\s+)?(?P<per>year|annum|quarter|week|yearly|annual|annually|quarterly|weekly)\b"
    r"(?:\s+(?:budget|figure|number|amount))?(?:\s*,?\s*(?:not|rather\s+than|instead\s+of)\s+(?:an?\s+|per\s+)?"
    r"(?:month|monthly))?|\b(?:not|n'?t)\s+(?:an?\s+|per\s+)?(?:month|monthly)\s*,?\s*(?:but\s+|it'?s\s+)?(?:an?\s+|per\s+)?"
    r"(?P<per2>year|annum|quarter|week|yearly|annual|annually|quarterly|weekly)\b|"
    # "per month, not per day", "a year rather than a month": the period said first is the right one
    r"\b(?:per|an?|each)\s+(?P<per3>month|year|quarter|week|day)\s*,?\s*(?:not|rather\s+than|instead\s+of)\s+"
    r"(?:per|an?|each)\s+(?:month|year|quarter|week|day)\b|"
    # the amount quoted back with its period: "that 120k is the annual figure btw", "the $60k was our yearly budget"
    r"\b(?:that|the|this)\s+(?:[$€£]?\s*[\d.,]+\s*k?\s+)?(?:is|was|'s)\s+(?:the\s+|an?\s+|our\s+|my\s+)?"
    r"(?:(?P<per4>annual|yearly|quarterly|weekly)\s+(?:figure|number|amount|budget|total|spend|cap)\b|"
    # "sorry, that $12k is per quarter, not per month"
    r"(?:per|an?|each|every)\s+(?P<per5>year|annum|quarter|week)\b)")
# the unit of the rate said before corrected, the number kept: "oops, make that per minute, not per second", "I meant
# per hour, not per second" -> the rate in the new unit. The old unit must be said: the spec keeps req/s only, so
# "I meant per hour" after "300 a minute" cannot tell which number was meant. A sentence of its own: in a longer one
# the units may belong to something else ("it's 40 per minute, not per second, that the batch job sends")
_PER = r"(?:per|a|an|each|every|/)\s*"
_UNIT = r"(second|sec|s|minute|min|hour|hr|h|day)\b"
_RATE_UNIT_FIX = re.compile(
    rf"(?:^|(?<=[.;!?\n]))\W*(?:(?:oops|sorry|no|correction|actually|wait|my\s+bad|typo)\W+)*(?:(?:make|making)\s+"
    rf"(?:that|it|this)|(?:i|we)\s+meant|it\s+(?:is|was|should\s+be)|it'?s|that'?s|that\s+(?:is|was|should\s+be)|"
    rf"should\s+(?:be|read))?\s*{_PER}{_UNIT}\s*,?\s*(?:and\s+)?not\s+{_PER}{_UNIT}\W*?(?:$|[.;!?\n])")
# the unit of a length said before corrected: "the 4k I gave you was characters, not tokens", "that 800 was words"
_LENGTH_UNIT_FIX = re.compile(
    r"\b(?:the|that|those)\s+(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<k>k)?\s+(?:(?:i|we)\s+(?:gave|said|sent|quoted|mentioned)"
    r"(?:\s+you)?\s+)?(?:was|were|is|are|meant)\s+(?:in\s+)?(?P<unit>characters|chars|words|pages)\b")
_CURRENCY_FIX = re.compile(
    rf"\b(?:that'?s|it'?s|it\s+was|that\s+was|those\s+are|those\s+were|(?:i|we)\s+meant|(?:i|we)\s+mean|the\s+budget\s+"
    rf"(?:is|was))\s+(?:in\s+)?{_CUR}(?:\s*,?\s*(?:not|rather\s+than|instead\s+of)\s+(?:us\s+)?(?:dollars?|usd|\$))?"
    rf"|\b(?:not|n'?t)\s+(?:in\s+)?(?:us\s+)?(?:dollars?|usd)\s*,?\s*(?:but\s+|it'?s\s+|they'?re\s+)?(?:in\s+)?"
    + _CUR.replace("?P<cur>", "?P<cur2>"))
# a value said to be wrong: "the head count I gave was off", "that TTFT figure is wrong", "I got the budget wrong"
_WRONG_CUE = re.compile(r"\b(?:was|is|were|are|'s)\s+(?:(?:a\s+bit|way|totally|completely|slightly)\s+)?(?:off|wrong|"
                        r"incorrect|inaccurate|a\s+typo|a\s+mistake|not\s+right|outdated|out\s+of\s+date|stale)\b|"
                        r"\boff\s+by\s+(?:a\s+)?(?:zero|factor|order)|"
                        r"\bgot\s+(?:it|that|the\s+\w+(?:\s+\w+)?)\s+wrong\b")
_OFF_BY = re.compile(r"\boff\s+by\s+(?:a\s+|an\s+)?$|\bfactor\s+of\s+$")
_NEGATED_NUMBER = re.compile(r"\b(?:not|never|no\s+longer|instead\s+of|rather\s+than)\s+(?:the\s+)?$")
_NOT_OLD = re.compile(
    rf"\x01(?P<new>\d+)\x02(?!\s*(?:(?!not\b|now\b)[a-z]{{3,}}|[%$€£]))[^\x01.;?!]{{0,20}}?"
    rf"\b(?:not|no\s+longer|instead\s+of|rather\s+than)\s+"
    rf"(?:the\s+)?\x01(?P<old>\d+)\x02|"
    rf"\bnot\s+\x01(?P<old2>\d+)\x02\s*(?:,|but|anymore|any\s+more)?\s*(?:but\s+|it'?s\s+|now\s+)?"
    rf"\x01(?P<new2>\d+)\x02(?!\s*(?:(?!not\b|now\b)[a-z]{{3,}}|[%$€£]))")
# a value quoted back to be corrected: "the 150 ms I mentioned", "should've been", "that figure was off", "more like"
_QUOTE_CUE = re.compile(r"\b(?:i|we)\s+(?:mentioned|said|gave(?:\s+you)?|quoted|wrote|typed|put\s+down|told\s+you|"
                        r"specified|stated|entered)\b|\bshould(?:'ve|\s+have)\s+been\b|\bshould\s+(?:be|read|say)\b|"
                        r"\bfrom\s+(?:my|our|the)\s+(?:first|earlier|previous|last|original|opening)\s+(?:message|note|post)\b|\b(?:was|is)\s+(?:wrong|off|a\s+typo|"
                        r"incorrect|a\s+mistake|per\s+\w+)\b|\bmore\s+like\b|\bcloser\s+to\b|\breal(?:ly)?\s+(?:average|"
                        r"number|figure|value)\b")
# a count or a rate and its sibling (a head count and how many at once; the average and the peak)
_SIBLINGS = (("users", "concurrent_users"), ("rps", "peak_rps"))
_MOVE_CUE = re.compile(r"\b(?:not|actually|precise|meant|correction|rather|really|wait|sorry|oops)\b|"
                       r"\b(?:is|was|are)\s+(?:our|the|my)\b")
_MACHINE_SIZE = re.compile(r"\b([\d.]+) machines x ([\d.]+) GPUs$")
_MACHINES_LEFT = re.compile(r"\x01(\d+)\x02\s+of\s+(?:the|our|those|them|these)\s*(?:[\w-]+\s+)?(?:servers?|nodes?|machines?|"
                            r"boxes|hosts|systems)?\s*(?:are|is|will\s+be|remain)\s+(?:\w+\s+)?(?:usable|available|working|"
                            r"free|up|left|ours|online|running|in\s+service)\b")
_AMOUNT_AS_SAID = re.compile(r"([\d,.]+) an? \w+ = ")


class Corrections:
    """The correction-reading half of parser._Message (its state: spec, leftovers, facts, asked)."""

    def _corrected_value(self, updates: dict[str, Any]) -> bool:
        """"it's 350 now, not 200": the value negated is one the spec holds, so the bare number replaces it."""
        if self.spec is None:
            return False
        for nt in self.leftovers:
            for m in _NOT_OLD.finditer(nt.text):
                new = nt.values[int(m.group("new") or m.group("new2"))]
                old = nt.values[int(m.group("old") or m.group("old2"))]
                field = next((f for f in LIMITS if (f not in updates or f in self.pasted_fields)
                              and getattr(self.spec, f, None) == old), None)
                if field and new != old:
                    updates.update(checked({field: new}, {field: f"{new:g}, not {old:g}"}, self.facts.problems))
                    return True
        return False

    def _requoted_value(self, own: str, updates: dict[str, Any], cleared: list[str]) -> bool:
        """'the 150 ms I mentioned should've been 250', 're the 600-token inputs I mentioned: ... more like 2,400':
        a value quoted back as it stands in the spec is a reference to it, not a statement; the bare number the
        message corrects it to replaces it, in the unit the quote was said in."""
        if self.spec is None or not _QUOTE_CUE.search(own.lower()):
            return False
        quoted = [f for f in LIMITS if f in self.facts.values and getattr(self.spec, f, None) == self.facts.values[f]
                  or f in cleared and getattr(self.spec, f, None) is not None]
        # "I said 40 ms ITL, not 400": a number said as not meant is no correction of the quote
        numbers = [(nt.value(m), nt.text[m.end():m.end() + 12]) for nt in self.leftovers for m in NUM_RE.finditer(nt.text)
                   if not _NEGATED_NUMBER.search(nt.text[max(0, m.start() - 16):m.start()])]
        said_as = None
        if not quoted and len(numbers) >= 2:  # "the 0.2 s I gave you should have been 0.3": a unit no field claimed
            value, after = numbers[0]
            value *= 1000.0 if re.match(r"\s*(?:s|secs?|seconds?)\b", after) else 1.0
            quoted = [f for f in LIMITS if getattr(self.spec, f, None) == value]
            said_as, numbers = numbers[0][0], numbers[1:]
        bare = [v for v, _ in numbers]
        if len(quoted) != 1 or not bare:
            return False
        field = quoted[0]
        unit = TIME_UNIT.match(numbers[-1][1]) if field in LATENCY_FIELDS else None
        if unit:  # "the TTFT I gave was wrong; 1.2 seconds": the new number carries its own unit
            value = bare[-1] * MS_PER_UNIT[unit.group(1)]
            updates.update(checked({field: value}, {field: f"{bare[-1]:g} {unit.group(1)}"}, self.facts.problems))
            if field in cleared:
                cleared.remove(field)
            return field in updates
        said = re.search(r"\d+(?:\.\d+)?", self.facts.phrases.get(field, ""))
        said_value = said_as if said_as is not None else float(said.group(0)) if said else None
        old = getattr(self.spec, field)
        scale = old / said_value if said_value and old else 1.0
        if abs(scale - round(scale)) < 1e-9 and round(scale) in (1, 1000):  # the quote's unit: as said, or s -> ms
            value = bare[-1] * round(scale)
            if value != old:
                updates.update(checked({field: value}, {field: f"{bare[-1]:g}"}, self.facts.problems))
                if field in cleared:
                    cleared.remove(field)
                return field in updates
        return False

    def _named_field_corrected(self, own: str, updates: dict[str, Any]) -> None:
        """'the head count I gave at the start was off - it's 2,300': a field named by its noun and said to be wrong,
        with one number left unread, takes that number (in the field's own unit)."""
        low = own.lower()
        if self.spec is None or updates or not _WRONG_CUE.search(low):
            return
        named = [f for f in Q.named_fields(low) if f in LIMITS]
        # a latency in its unit ("the TTFT I gave was wrong; 1.2 seconds"): milliseconds, as the field holds it
        numbers = [nt.value(m) * (MS_PER_UNIT.get((u := TIME_UNIT.match(nt.text, m.end())) and u.group(1), 1.0)
                                  if named and named[0] in LATENCY_FIELDS else 1.0)
                   for nt in self.leftovers for m in NUM_RE.finditer(nt.text)
                   if not _OFF_BY.search(nt.text[max(0, m.start() - 16):m.start()])]  # "off by a zero": no value
        if len(named) == 1 and len(numbers) == 1:
            updates.update(checked({named[0]: numbers[0]}, {named[0]: f"{numbers[0]:g}"}, self.facts.problems))
            if named[0] in updates:
                self.facts.phrases[named[0]] = f"{numbers[0]:g}"

    def _currency_corrected(self, own: str, updates: dict[str, Any]) -> None:
        """'that's pounds, not dollars', 'the budget was in euros': the budget the spec holds in dollars was said in
        another currency, so the amount as said is converted (at the dated rate the note names)."""
        m = _CURRENCY_FIX.search(own.lower())
        if m is None or self.spec is None or not self.spec.stated("budget_monthly_usd"):
            return
        quoted = updates.get("budget_monthly_usd")  # "that $12k is per quarter": the amount held, quoted back
        if quoted is not None and abs(float(quoted) - float(self.spec.budget_monthly_usd)) > 0.5:
            return
        source = self.spec.sources.get("budget_monthly_usd")
        code = currency_of(m.group("cur") or m.group("cur2"))
        if code == "USD" or (source is not None and source.note):  # a note: it was converted from another one already
            return
        usd, note = to_usd(float(self.spec.budget_monthly_usd), code)
        updates["budget_monthly_usd"] = usd
        self.facts.phrases["budget_monthly_usd"] = m.group(0)
        if note:
            self.facts.notes["budget_monthly_usd"] = note

    def _period_corrected(self, own: str, updates: dict[str, Any]) -> None:
        """'the budget was per year, not per month': the monthly budget the spec holds was said for another period,
        so the amount as said is spread over it."""
        m = _PERIOD_FIX.search(own.lower())
        if m is None or self.spec is None or not self.spec.stated("budget_monthly_usd"):
            return
        quoted = updates.get("budget_monthly_usd")  # "that $12k is per quarter": the amount held, quoted back
        if quoted is not None and abs(float(quoted) - float(self.spec.budget_monthly_usd)) > 0.5:
            return
        per = m.group("per") or m.group("per2") or m.group("per3") or m.group("per4") or m.group("per5")
        factor = monthly_factor(per)
        source = self.spec.sources.get("budget_monthly_usd")
        said = _AMOUNT_AS_SAID.match(source.note or "") if source else None
        # the amount as it was said ("9,000 a day = 273,600 a month": 9,000), else the monthly amount held
        amount = float(said.group(1).replace(",", "")) if said else float(self.spec.budget_monthly_usd)
        if abs(amount * factor - float(self.spec.budget_monthly_usd)) < 0.5:
            return  # said in that period already
        updates["budget_monthly_usd"] = round(amount * factor, 2)
        self.facts.phrases["budget_monthly_usd"] = m.group(0)
        self.facts.notes["budget_monthly_usd"] = (f"${amount:,.0f} a month" if factor == 1 else
                                                  f"${amount:,.0f} a {period_noun(per)} = ${amount * factor:,.0f} a month")

    def _rate_unit_corrected(self, own: str, updates: dict[str, Any]) -> None:
        """'make that per minute, not per second': the rates the user gave, the same numbers in the new unit."""
        m = _RATE_UNIT_FIX.search(own.lower())
        if m is None or self.spec is None or SECONDS_PER[m.group(1)] == SECONDS_PER[m.group(2)]:
            return
        factor = SECONDS_PER[m.group(2)] / SECONDS_PER[m.group(1)]
        for name in ("rps", "peak_rps"):
            current = getattr(self.spec, name, None)
            if self.spec.stated(name) and isinstance(current, (int, float)) and name not in updates:
                updates[name] = float(f"{current * factor:.4g}")
                self.facts.phrases[name] = m.group(0).strip(" .;!?\n")
                self.facts.notes[name] = f"{current:g} per {m.group(1)}"

    def _length_unit_corrected(self, own: str, updates: dict[str, Any]) -> None:
        """'the 4k I gave you was characters, not tokens': the length the spec holds at that number, in tokens of the
        unit said (4 characters, 0.75 words, 500 tokens a page)."""
        m = _LENGTH_UNIT_FIX.search(own.lower())
        if m is None or self.spec is None:
            return
        said = float(m.group("num").replace(",", "")) * (1000 if m.group("k") else 1)
        for name in ("prompt_tokens", "output_tokens"):
            held = getattr(self.spec, name, None)
            if self.spec.stated(name) and held and abs(held - said) <= 0.02 * said and name not in updates:
                unit = m.group("unit")
                factor = (1 / CHARS_PER_TOKEN if unit.startswith("char") else WORDS_TO_TOKENS if unit.startswith("word")
                          else PAGE_TOKENS)
                updates[name] = max(1, round(said * factor))
                self.facts.phrases[name] = m.group(0)
                self.facts.notes[name] = f"{said:,.0f} {unit} = {updates[name]:,} tokens"
                return

    def _machines_recounted(self, own: str, updates: dict[str, Any]) -> None:
        """'only two of the servers are usable': the GPUs available are that many machines of the size said before
        ('3 machines x 8 GPUs')."""
        source = self.spec.sources.get("max_gpus") if self.spec is not None and self.spec.stated("max_gpus") else None
        size = _MACHINE_SIZE.search(source.note or "") if source else None
        if size is None or "max_gpus" in updates:
            return
        nt = number_text(own.lower())
        m = _MACHINES_LEFT.search(nt.text)
        if m and 0 < (n := nt.value(m)) < float(size.group(1)):
            each = float(size.group(2))
            updates["max_gpus"] = int(n * each)
            self.facts.phrases["max_gpus"] = m.group(0)
            self.facts.notes["max_gpus"] = f"{n:g} machines x {each:g} GPUs"

    def _moved_value(self, own: str, updates: dict[str, Any], cleared: list[str]) -> None:
        """'300 is how many are on it at the same time, not the total', '20 rps is our peak': the value the spec
        holds in one field, said again as its sibling's with a correcting word, moves there (the first is withdrawn)."""
        if self.spec is None or not _MOVE_CUE.search(own.lower()):
            return
        for a, b in _SIBLINGS:
            for held, said in ((a, b), (b, a)):
                value = updates.get(said)
                if (value is not None and held not in updates and held not in cleared and self.spec.stated(held)
                        and getattr(self.spec, held, None) == value):
                    cleared.append(held)
