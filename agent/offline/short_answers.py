"""Short replies (the offline parser's part that answers them from the question just asked or the spec): a bare
number ("5000", "make that 45 seconds", "actually more like 1,400"), a number to plan for, "the first one I
mentioned", yes and no.

``ShortAnswers`` is mixed into the parser's per-message reader (parser._Message), whose state it reads and whose
updates it completes; split from parser.py so that module holds the pipeline only.
"""

from __future__ import annotations

import math
import re
from typing import Any

from agent.offline import commands as C
from agent.offline.contract import Intent
from agent.offline.latency import LATENCY_FIELDS
from agent.offline.limits import LIMITS, checked, fields_holding
from agent.offline.numbers import NUM_RE
from agent.offline.time_units import MS_PER_UNIT, TIME_UNIT
from knowledge.domain.spec import DeploymentSpec

_FILLER = set("""make it that this change set to let's lets let us say maybe about around roughly approximately plan
approx ish or so tops max maximum at most least probably perhaps like i think guess we have expect estimate the
them those
not honestly unsure idk dunno possibly no idea really tbh frankly answer is it's its close near nearly over under more than plus just only ok okay sure yes well hmm um uh somewhere
something up go with use actually now instead please number be will should would could a an of total in all our
there are currently hm yeah yep right give take for or so need want like serve serving handle expect expecting do
support supporting ~ + - — , . ! ? : ; ( ) hmm oh ah oops sorry err erm wait real fine alright argh ugh damn whoops fat-fingered fat-finger fatfingered mistyped typo my bad
then fine alright it is good great cool i'd id rather prefer typo typed mistyped my bad meant try said says told boss manager cfo finance he she they""".split())  # "ok let's go with 400 then", "fine, 400 it is"
_YEAR_BEFORE = re.compile(r"\b(?:in|by|since|until|from|of|year)\s*$")
# an ordinal of the user's own list: "the first one I mentioned", "the second GPU we named", "the latter"
_MINE_BY_ORDINAL = re.compile(r"\b(?:go\s+with|use|pick|take|choose|keep|stick\s+(?:with|to)|want|prefer|let'?s\s+do|only)\s+"
                              r"(?:just\s+)?the\s+(?P<nth>first|second|third|last|latter|former)\b(?:\s+(?:one|gpu|card|model))?"
                              r"(?:\s+(?:(?:that\s+)?(?:i|we)\s+(?:mentioned|named|said|listed|gave|wrote|brought\s+up)|on\s+my\s+list|"
                              r"from\s+my\s+(?:list|message))|(?<=latter)|(?<=former))")
# a bare number to plan or size for ("let's plan for 3k", "size it for about 3,500", "call it 4k"); a unit or noun
# after it says what it counts, and then it is read with that
_PLAN_FOR_NUMBER = re.compile(r"\b(?:plan(?:ning)?\s+(?:directly\s+|right\s+away\s+|straight\s+away\s+|now\s+)?(?:for|on)|size\s+(?:it\s+|this\s+)?for|call\s+it|let'?s\s+say|go\s+with|"
                              r"assume)\s+(?:about\s+|around\s+|roughly\s+|~\s*)?\x01(\d+)\x02(?!\s*(?:%|[a-z$€£]))")
_CORRECTING_CUE = re.compile(r"\b(?:actually|more\s+like|closer\s+to|sorry|correction|oops|i\s+meant|we\s+meant|rather|"
                             r"make\s+(?:that|it)|change\s+(?:that|it)\s+to|wait|scratch\s+that|typo|mistyped|my\s+bad|"
                             r"fat[\s-]?finger\w*)\b")
# a slip of the keyboard: the digits said again with a zero more or less ("500" -> "sorry, typo, I meant 5,000")
_TYPO_CUE = re.compile(r"\b(?:typo|mistyped|typed|i\s+meant|we\s+meant|missed\s+a\s+zero|zero|fat[\s-]?finger\w*)\b")
# where a reason starts after a short answer: "more like 1,400 - I forgot the warehouse shifts", "12, since ..."
_REASON_AFTER = re.compile(r"\s[-–—]+\s|[;:(]|,\s*(?=(?:i|we|they|because|since|as|the|our|that|it'?s|there)\b)|"
                           r"\b(?:because|since|as\s+(?:we|i)|forgot|i\s+forgot|we\s+forgot)\b")


class ShortAnswers:
    """The short-reply part of parser._Message (its state: asked, spec, facts, leftovers, consumed, intents, options,
    guessed; its readers: _corrected_value, _requoted_value)."""

    def _short_answer(self, own: str, updates: dict[str, Any], cleared: list[str]) -> None:
        """Replies that only make sense given the question: "5000", "yes", "no", "make it 10k"."""
        if self._corrected_value(updates) or self._requoted_value(own, updates, cleared):
            return
        low = own.lower().strip()
        numeric_update = any(k in LIMITS for k in updates) or self.facts.problems
        if C.YES.match(low) or C.NO.match(low):
            self._yes_no(bool(C.YES.match(low)), updates, cleared)
            return
        if numeric_update or self.intents or self.whatifs:
            return
        nums = [(nt, m) for nt in self.leftovers for m in NUM_RE.finditer(nt.text)]
        if len({nt.value(m) for nt, m in nums}) == 1:
            nums = nums[:1]  # the number said again in words: "8k. eight thousand."
        if len(nums) != 1:
            return
        nt, m = nums[0]
        # the clause the number stands in; a reason said after a dash or a comma is no part of the answer ("actually
        # it's more like 1,400 - I forgot the warehouse shifts")
        rest = [n.text for n in self.leftovers if n is not nt]
        clause = _REASON_AFTER.split(nt.text[m.end():], maxsplit=1)[0]
        unit = TIME_UNIT.match(clause)
        words = re.findall(r"[^\s\x01\x02\d§¤¦]+", NUM_RE.sub(" ", " ".join(rest + [nt.text[:m.start()],
                                                                                   clause[unit.end() if unit else 0:]])))
        if any(w.strip(".,;:!?") and w.strip(".,;:!?") not in _FILLER and w.strip(".,;:!?") not in self.consumed
               for w in words):
            return
        value = nt.value(m)
        if 1900 <= value <= 2100 and _YEAR_BEFORE.search(nt.text[:m.start()]):
            return  # "in 2026" is a date
        if unit:  # "make that 45 seconds": the one latency target the user gave, in the unit said
            stated = [f for f in LATENCY_FIELDS if self.spec is not None and self.spec.stated(f)]
            if len(stated) == 1:
                ms = value * MS_PER_UNIT[unit.group(1)]
                updates.update(checked({stated[0]: ms}, {stated[0]: f"{value:g} {unit.group(1)}"}, self.facts.problems))
            return
        corrected = self._value_corrected(nt.text[:m.start()], value)
        if not corrected and not self.asked and self._quoted(value):
            return  # "honestly 9k is probably more than we need": the value held, talked about, not a new one
        target = corrected or _context_field(self.asked, self.spec, value)
        if target == "option":
            self.intents.append(((0, 0), Intent.SELECT))
            self.options.append(int(value))
        elif target:
            updates.update(checked({target: _in_units(target, value)}, {target: f"{value:g}"}, self.facts.problems))
            if not self.asked and not corrected and self.spec is not None and target in updates:
                # a bare number nobody asked for: which field is a guess (unless said as a correction of the one
                # value it is near: "no wait 2k" after a $3k budget)
                self.guessed.append(target)

    def _quoted(self, value: float) -> bool:
        """The bare number is the value a field the user stated holds (said back while thinking aloud about it)."""
        return value > 0 and bool(fields_holding(self.spec, value))

    def _value_corrected(self, before: str, value: float) -> str | None:
        """'actually it's more like 1,400': a bare number said as a correction is of the value the user gave that it is
        nearest to (within a factor of 3), whatever was asked last."""
        if self.spec is None or value <= 0 or not _CORRECTING_CUE.search(before):
            return None
        near = [(abs(math.log(value / held)), f) for f in LIMITS if self.spec.stated(f)
                and isinstance(held := getattr(self.spec, f, None), (int, float)) and held > 0]
        close = [x for x in near if x[0] < math.log(3)]
        if close:
            return min(close)[1]
        # the same digits with zeros added or dropped, said as a slip: the one field that holds them
        slips = [f for d, f in near if _TYPO_CUE.search(before) and 0 < d < math.log(1001)
                 and abs(d / math.log(10) - round(d / math.log(10))) < 1e-9]
        return slips[0] if len(slips) == 1 else None

    def _planned_count(self, updates: dict[str, Any]) -> None:
        """'Maybe 2k users at launch... actually let's plan for 3k', 'Checked with HR. Plan for 3,500.': a bare number to
        plan or size for is the head count the message or the spec holds (the count one plans capacity for)."""
        held = next((f for f in ("users", "concurrent_users") if f in self.facts.values
                     or (self.spec is not None and self.spec.stated(f))), None)
        if held is None:
            return
        for nt in self.leftovers:
            for m in _PLAN_FOR_NUMBER.finditer(nt.text):
                value = nt.values[int(m.group(1))]
                if value == int(value) and 1900 <= value <= 2100:
                    continue  # "plan for 2027" is a year
                current = self.facts.values.get(held) or getattr(self.spec, held, None)
                if current and 0.1 <= value / current <= 10:
                    updates.update(checked({held: _in_units(held, value)}, {held: f"plan for {value:g}"},
                                           self.facts.problems))
                    return

    def _one_i_named(self, own: str, updates: dict[str, Any]) -> None:
        """'Let's just go with the first one I mentioned': the user's own list (the GPUs or models they allowed, in the
        order said) is what the ordinal counts, not the options of the plan; choosing one restricts to it."""
        m = _MINE_BY_ORDINAL.search(own.lower())
        if m is None or self.spec is None:
            return
        lists = [f for f in ("gpus", "models") if len(getattr(self.spec, f)) >= 2 and f not in updates]
        if len(lists) != 1:
            return
        items = getattr(self.spec, lists[0])
        index = {"first": 0, "second": 1, "third": 2, "last": -1, "latter": -1, "former": 0}[m.group("nth")]
        if index >= len(items):
            return
        updates[lists[0]] = [items[index]]
        self.facts.phrases[lists[0]] = m.group(0)
        self.intents = [(p, i) for p, i in self.intents if i != Intent.SELECT]
        self.options = []

    def _yes_no(self, yes: bool, updates: dict[str, Any], cleared: list[str]) -> None:
        if "allow_cold_start" in self.asked:
            updates["allow_cold_start"] = yes
        elif not yes and set(self.asked) & {"budget_monthly_usd", "gpus", "exclude_gpus", "models",
                                             "exclude_models", "namespace"}:
            cleared += [f for f in self.asked if f in ("budget_monthly_usd", "gpus", "exclude_gpus", "models",
                                                         "exclude_models", "namespace")]
        elif self.asked:
            # "yes"/"ok" to "shall I assume ...?": take the offered defaults for what was asked.
            self.said_dont_know = True
            self.dont_know += [f for f in self.asked if f not in self.dont_know]


def _context_field(asked: tuple[str, ...], spec: DeploymentSpec | None, value: float) -> str | None:
    numeric = [f for f in asked if f in LIMITS]
    if numeric:
        return numeric[0]
    if asked:
        return None  # the question was about something a number does not answer
    if spec is None or (spec.users is None and spec.concurrent_users is None and spec.rps is None
                        and spec.peak_rps is None):
        return "users"
    if float(value).is_integer() and 1 <= value <= 10:
        return "option"  # after a plan, "2" picks option 2
    return "users" if spec.users is not None or spec.rps is None else "rps"


def _in_units(field: str, value: float) -> float:
    if field in ("ttft_p95_ms", "e2e_p95_ms") and 0 < value < 10:
        return value * 1000.0  # "2" to "how long may a full answer take?" means seconds
    return value

