"""The message as a whole (the offline parser's part that settles it, once every sentence is read): the spec
updates (relative rates, list conflicts, window counts, the use case), then the ParseResult; and a what-if's facts as
a WhatIfRequest.

``WholeMessage`` is mixed into the parser's per-message reader (parser._Message), whose state it reads; split from
parser.py so that module holds the pipeline only.
"""

from __future__ import annotations

from collections.abc import Sequence
import re
from typing import Any

from agent.offline import commands as C
from agent.offline.audience import org_size_not_users, org_size_said_again
from agent.offline.contract import Intent, ParseResult, WhatIfRequest
from agent.offline.budgets import BILL_AS_CEILING, BILL_SHARE, share_value, PER_HEAD, PER_REQUEST, PER_TOKEN, SAVING, SHARE_OF_BUDGET, SPOKEN_FOR, TODAYS_BILL
from agent.offline.fact_sheet import Facts
from agent.offline.time_units import SECONDS_PER
from agent.offline.gpu_pool import gpus_left
from agent.offline.stats_panel import panel_rates
from agent.offline.windows import busiest_stretch
from agent.offline.head_counts import read_head_counts
from agent.offline.lengths import TOKEN_VOLUME_FIELDS, TOKENS_PER_S
from agent.offline.latency import LATENCY_FIELDS
from agent.offline.lexicon import lexical_use_case
from agent.offline.limits import checked, fields_holding
from agent.offline.per_event import per_event_rate
from agent.offline.prompt_parts import prompt_from_parts
from agent.offline.safety import MAX_FRAGMENTS
from agent.offline.people import USER_NOUNS
from agent.offline.text import trim
from agent.offline.unmodelled import SEASONAL_PEAK
from agent.offline.unperiodic import count_without_period
from agent.offline.windows import ITEMS
from agent.offline import vocabulary as V
from agent.offline.vocabulary import LONG_PROMPT_TOKENS, SHORT_PROMPT_TOKENS, STEADY
from agent.offline.word_facts import long_kind_said, summary_kind as _summary_kind
from agent.offline.work_items import day_count_in_window, day_note, rate_unit_notes
from agent.wording import FIELD_NAMES, value_text
from knowledge.domain.enums import UseCase

DESCRIPTION_CHARS = 300
WEAK_USE_CASE = 1  # the weight of a hint ("assistant", "(chat)"): no description of the work
# the work said to change ("scrap the summaries idea: what she actually wants is an assistant people talk to"): a hint
# then names the new work
_CHANGE_OF_WORK = re.compile(r"\b(?:scrap|scratch|drop|forget|ditch|abandon|kill)\s+(?:the|that|our|this)\s+(?:[\w-]+\s+)?"
                             r"(?:idea|plan|use\s*case|project|thing)\b|\binstead\s+of\b|\brather\s+than\b|\bno\s+longer\b|"
                             r"\bwhat\s+(?:we|she|he|they|i)\s+(?:actually|really)\s+want|\bnot\s+(?:a|an)\s+[\w-]+\s+(?:anymore|any\s+more)\b")
# the fields a count of traffic sets: a message that set one used its counts
TRAFFIC_FIELDS = {"users", "concurrent_users", "rps", "peak_rps", "window_requests", "window_hours"}
# a count said of "them" alone, and what "them" can be: the work items the need was described by, done overnight
_OF_THEM = re.compile(r"^\W*(?:about\s+|around\s+|roughly\s+|~\s*|some\s+)?\d[\d,.]*\s*k?\s+of\s+them\W*$")
_ITEMS_SAID = re.compile(rf"\b(?:{ITEMS}|[a-z][a-z-]+[^s\W]s)\b")  # "emails", "letters": a plural of things
_PEOPLE_SAID = re.compile(rf"\b{USER_NOUNS}\b")
_NIGHTLY = re.compile(r"\b(?:overnight|nightly|each\s+night|every\s+night|at\s+night|per\s+night)\b")
_LIST_FIELDS = (("gpus", "exclude_gpus"), ("models", "exclude_models"))
_OTHER_OF = {"peak_rps": "rps", "rps": "peak_rps", "output_tokens": "prompt_tokens", "prompt_tokens": "output_tokens"}


def _heads_of(phrase: str, own: str) -> float | None:
    """The count the message gives of the heads money is said per ("$1.50 per employee" and "6,000 employees")."""
    noun = re.search(r"\b(?:per|a|each|every|/)\s*([a-z]{3,}?)s?\b", phrase.lower())
    if noun is None or noun.group(1) in ("month", "year", "week", "day", "quarter"):
        return None
    # (a word may name the heads: "2,000 Copilot seats")
    counts = re.findall(rf"(?<![\d.,])(\d{{1,3}}(?:,\d{{3}})+|\d+)\s+(?:(?!(?:per|an?|each|every|at)\b)[a-z-]+\s+)?"
                        rf"{noun.group(1)}s?\b", own.lower())
    return float(counts[0].replace(",", "")) if len(set(counts)) == 1 else None


# a share of the rate said before: "the /summarize route is about 2% of that", "we're roughly 15% of the traffic"
_SHARE_OF_RATE = re.compile(r"\b(?:about\s+|roughly\s+|around\s+|~\s*|only\s+|just\s+)?(\d+(?:\.\d+)?)\s*%\s+of\s+(?:that|it|this|"
                            r"those|the\s+(?:traffic|load|requests|calls|total|volume))\b")
_PEOPLE_NEAR = re.compile(r"\b(?:users?|people|staff|employees|agents|customers|of\s+them|headcount)\b")
# the note of an amount said for another period: "90,000 a year = 7,500 a month"
_MONTHLY_OF = re.compile(r"^([\d,.]+) an? \w+(?: \([^)]*\))? = ([\d,.]+) a month")


def _whole_of_its_parts(counts: list[int]) -> list[int]:
    """Counts of work where one is the sum of the others ("1.2M SKUs (apparel 610k, home 380k, other 210k)"): the
    whole, its breakdown said beside it."""
    if len(set(counts)) > 2 and (top := max(counts)) and abs(sum(c for c in counts if c != top) - top) <= 0.02 * top:
        return [top]
    return counts


class WholeMessage:
    """The settling part of parser._Message (its state: facts, spec, asked, intents, options, whatifs, dont_know,
    use_cases, inferred; its readers: _short_answer and the corrections)."""

    def result(self, own: str) -> ParseResult:
        updates = self._updates(own)
        per_event_rate([own], self.facts.phrases, updates, self.facts.notes)
        self._steady(own, updates)
        for name in self.facts.cleared:
            if name in updates and self._holds(name, updates[name]):
                # "20ms per token is overkill ... drop the per-token target": the value held, said back, is what goes
                updates.pop(name)
        cleared = [c for c in self.facts.cleared if c not in updates]
        self._per_person_count_follows(updates)
        self._short_answer(own, updates, cleared)
        self._planned_count(updates)
        self._one_i_named(own, updates)
        self._moved_value(own, updates, cleared)
        self._todays_bill(own, updates)
        self._share_of_rate(own, updates)
        # (a pasted thread's pool and the share of it others keep are read together: "Vision team keeps 3 of them")
        gpus_left(" ".join([own, *self.pasted_facts]).lower(), updates, self.facts.notes,
                  self.spec.max_gpus if self.spec is not None and self.spec.stated("max_gpus") else None)
        # (a query pasted in a block of its own is read with the message: "# avg over 7d\n avg_over_time(...)\n=> 14.2")
        panel_rates("\n".join([own, *self.pasted_blocks]), updates, self.facts.phrases, self.facts.notes)
        busiest_stretch(own, updates, self.facts.phrases, self.facts.notes)
        prompt_from_parts(own, updates, self.facts.phrases, self.facts.notes)
        self._currency_corrected(own, updates)
        self._period_corrected(own, updates)
        self._rate_unit_corrected(own, updates)
        self._length_unit_corrected(own, updates)
        self._machines_recounted(own, updates)
        self._named_field_corrected(own, updates)
        org_size_not_users(own, updates, self.facts.notes)
        org_size_said_again(own, updates, self.spec is not None and self.spec.stated("users"))
        read_head_counts(own, updates, self.facts.phrases, self.facts.notes)
        self._items_of_them(own, updates)
        self._total_restated(own, updates)
        self._count_without_period(own, updates)
        contradictions = list(dict.fromkeys(self.facts.problems + self.whatif_problems))
        dont_know = [f for f in self.dont_know if f not in updates and f not in cleared]
        intents: list[Intent] = []
        if updates or cleared or self.facts.problems:
            intents.append(Intent.DESCRIBE)
        if dont_know or (self.said_dont_know and not updates and not cleared):
            intents.append(Intent.DONT_KNOW)
        intents += [i for _, i in sorted(self.intents, key=lambda x: x[0])]
        intents = list(dict.fromkeys(intents))
        if not intents and C.GREETING.match(own.lower()):
            intents = [Intent.GREETING]
        unparsed = not (intents or updates or cleared or self.whatifs or dont_know or contradictions or self.facts.remarks)
        spans = {k: v for k, v in self.facts.phrases.items() if k in updates or k in cleared}
        return ParseResult(updates=updates, cleared=cleared, intents=intents, options=self.options,
                           whatifs=self.whatifs, dont_know=dont_know, contradictions=contradictions,
                           suspicious=list(dict.fromkeys(self.suspicious))[:MAX_FRAGMENTS], unparsed=unparsed,
                           spans=spans, additive=sorted(self.facts.additive & set(updates)),
                           narrowed=sorted(self.narrowed & set(updates)),
                           questions=[{"about": q.about, "target": q.target} for q in self.questions],
                           guessed=[f for f in self.guessed if f in updates],
                           inferred={k: v for k, v in self.inferred.items() if k in updates},
                           notes={k: v for k, v in self.facts.notes.items() if k in updates},
                           remarks=list(self.facts.remarks))

    def _share_of_rate(self, own: str, updates: dict[str, Any]) -> None:
        """"Our gateway handles 1,200 rps across all services. The /summarize route is about 2% of that": the share
        of the rate said before is this service's rate (a share said of people is read with the people)."""
        low = own.lower()
        if "rps" not in updates or not (m := _SHARE_OF_RATE.search(low)) \
                or _PEOPLE_NEAR.search(low[max(0, m.start() - 60):m.end()]):
            return
        share = float(m.group(1)) / 100
        if not 0 < share < 1:
            return
        for name in ("rps", "peak_rps"):
            if isinstance(updates.get(name), (int, float)):
                whole = updates[name]
                updates[name] = round(whole * share, 4)
                self.facts.notes[name] = f"{share:.0%} of {whole:,g} req/s = {whole * share:,.4g}"

    def _todays_bill(self, own: str, updates: dict[str, Any]) -> None:
        """What the team pays today ('our current OpenAI bill is ~$4,500/month') is the ceiling when the message says
        so ('only worth it if we stay under that'), or less a saving said with it (_derived_parts); else it is no
        budget, and the reply says it was not taken as one."""
        low = own.lower()
        if "budget_monthly_usd" in updates:
            paid = updates["budget_monthly_usd"]
            if (isinstance(paid, (int, float)) and _PAID_NOW.search(low) and (share := BILL_SHARE.search(low))
                    and "today" not in self.facts.notes.get("budget_monthly_usd", "")
                    and not re.search(r"\b(?:budget\w*|ceiling|cap|allowance|afford)\b", low)):
                # "We pay $60,000 a month for Copilot ... no more than half of that": the amount paid is today's bill
                part = share_value(share)
                updates["budget_monthly_usd"] = round(paid * part, 2)
                self.facts.notes["budget_monthly_usd"] = (f"{part:.0%} of what you pay today, ${paid:,.0f} a month, "
                                                          f"as the ceiling = ${paid * part:,.0f}")
            return
        said, worked = self.facts.derived_parts.get(TODAYS_BILL), None
        if said is None and (worked := self._bill_of_tokens()) is None:
            return
        usd, phrase = said or worked
        how = f" ({phrase})" if worked else ""  # worked out from a price per token: say how
        # (the bill and its share may both stand in a quoted message: 'From my VP: "... has to come in under half of
        # that"')
        said_with = " ".join([own, *self.pasted_blocks]).lower()
        if share := BILL_SHARE.search(said_with):  # "self-host for no more than half of that"
            part = share_value(share)
            updates["budget_monthly_usd"] = round(usd * part, 2)
            self.facts.phrases["budget_monthly_usd"] = share.group(0)
            self.facts.notes["budget_monthly_usd"] = (f"{part:.0%} of what you pay today, ${usd:,.0f} a month{how}, "
                                                      f"as the ceiling = ${usd * part:,.0f}")
        elif BILL_AS_CEILING.search(said_with):
            updates["budget_monthly_usd"] = usd
            self.facts.phrases["budget_monthly_usd"] = phrase
            self.facts.notes["budget_monthly_usd"] = f"what you pay today, ${usd:,.0f} a month{how}, as the ceiling"
        elif "budget_monthly_usd" not in self.dont_know:
            self.facts.remarks.append(f"I took ${usd:,.0f} a month{how} as what you pay today, not as a budget; say "
                                      f"\"budget ${usd:,.0f} a month\" if it should be the ceiling.")

    def _bill_of_tokens(self) -> tuple[float, str] | None:
        """A price per token times the tokens a month the message says it sends ("$0.90 per million tokens ... about 2
        billion tokens a month"): what it pays today, with the arithmetic as its phrase."""
        parts = self.facts.derived_parts
        if PER_TOKEN not in parts or TOKENS_PER_S not in parts:
            return None
        per_token, per_s = parts[PER_TOKEN][0], parts[TOKENS_PER_S][0]
        month_s = SECONDS_PER["month"]  # as the volume was read
        usd = round(per_token * per_s * month_s, 2)
        tokens = per_s * month_s
        volume = f"{tokens / 1e9:,.3g} billion" if tokens >= 1e9 else f"{tokens / 1e6:,.3g} million"
        return usd, f"${per_token * 1e6:,.2f} per million tokens x {volume} tokens a month = ${usd:,.0f}"

    def _count_without_period(self, own: str, updates: dict[str, Any]) -> None:
        """'About 3000 calls, each triggers 10 suggestions': a count of events with no period is no rate; say so
        (unperiodic.py) when the message told something else and no figure of the traffic came from it."""
        if not updates or TRAFFIC_FIELDS & updates.keys():
            return
        remark = count_without_period(own)
        if remark and remark not in self.facts.remarks:
            self.facts.remarks.append(remark)

    def _steady(self, own: str, updates: dict[str, Any]) -> None:
        """'12 requests per second steady', 'traffic is flat': no peak above the average, so the peak is the average
        (said in this message, or known from the spec)."""
        if "peak_rps" in updates or not STEADY.search(own.lower()):
            return
        rate = updates.get("rps") or (self.spec.rps if self.spec is not None and self.spec.stated("rps") else None)
        if rate and not (self.spec is not None and self.spec.stated("peak_rps") and "rps" not in updates):
            updates["peak_rps"] = rate
            self.facts.phrases["peak_rps"] = STEADY.search(own.lower()).group(0)
            self.facts.notes["peak_rps"] = "steady traffic: the peak is the average"

    def _updates(self, own: str = "") -> dict[str, Any]:
        f = self.facts
        if "window_hours" in f.values and "window_hours" not in self.pasted_fields:
            day_count_in_window(f, text=own.lower())  # the day's count and its window said in different sentences
            self._day_count_said_before(f)
        day_note(f)
        rate_unit_notes(f)
        for rel in f.relative:  # "avg 2/s, about 3x that at peak", "the translation is about the same length": the
            # other rate or length of this message or the spec
            other = _OTHER_OF[rel.field]
            base = f.values.get(other, getattr(self.spec, other, None) if self.spec is not None else None)
            if isinstance(base, (int, float)) and rel.field not in f.values:
                f.put(rel.field, round(base * rel.factor, 4), rel.phrase)
                if rel.field == "peak_rps":  # "on Black Friday it triples": that day is the peak planned for
                    f.remarks = [r for r in f.remarks if not r.startswith(SEASONAL_PEAK)]
        self._derived_parts(f, own)
        self._rate_from_volume(f)
        self._lengths_from_volume(f)
        out = checked(f.values, f.phrases, f.problems)
        for keep, drop in _LIST_FIELDS:
            both = set(f.lists.get(keep, [])) & set(f.lists.get(drop, []))
            if both:
                f.problems.append(f"{', '.join(sorted(both))} both allowed and excluded in the same message")
            for name in (keep, drop):
                items = [x for x in f.lists.get(name, []) if x not in both]
                if items:
                    out[name] = items
        if f.namespace:
            if self.injected:
                self.suspicious.append(f"namespace '{f.namespace}' requested next to instruction-like text")
            else:
                out["namespace"] = f.namespace
        if "window_hours" in out and "window_requests" not in out and len(set(f.part_counts)) == 1:
            # "We run three 8-hour shifts. Each shift handles about 4,000 tickets.": one part's count times the parts
            count = f.part_counts[0]
            out["window_requests"] = count * f.window_parts
            part = (f.phrases.get("window_hours", "").split() or ["part"])[-1].rstrip("s") or "part"
            if f.window_parts > 1:
                f.notes["window_requests"] = f"{count:,} per {part} x {f.window_parts} = {out['window_requests']:,}"
        items = _whole_of_its_parts(f.item_counts)
        if "window_hours" in out and "window_requests" not in out and len(set(items)) == 1:
            out["window_requests"] = items[0]  # "2M product reviews ... we have a 10-hour window"
        elif f.span and len(set(f.item_counts)) == 1 and not {"rps", "peak_rps", "window_hours"} & set(out):
            # "about 62,000 theses ... We'd run it continuously for a month": the count spread evenly over the span
            hours, said = f.span
            out["rps"] = round(f.item_counts[0] / (hours * 3600), 4)
            f.notes["rps"] = f"{f.item_counts[0]:,} spread evenly over {said} ({hours:g} h)"
            out.setdefault("experience_class", "batch")
        if "window_requests" in out and f.each_person and (people := self._said(f, "users")):
            # "200 agents, one shift. Each agent takes around 30 calls per shift": every person's count together
            count = out["window_requests"]
            out["window_requests"] = round(count * people)
            f.notes["window_requests"] = f"{people:,.0f} x {count:,.0f} = {out['window_requests']:,}"
        if "window_requests" in out and f.runs > 1:  # "2M descriptions over 3 nights, 10pm-6am each": one night's share
            total = out["window_requests"]
            out["window_requests"] = round(total / f.runs)
            f.notes["window_requests"] = f"{total:,.0f} over {f.runs:g} windows = {out['window_requests']:,} a window"
        use_case, description, words = self._use_case()
        if use_case:
            out = {"use_case": use_case, **({"description": description} if description else {}), **out}
            if not named_use_case(use_case, words):
                self.inferred["use_case"] = ", ".join(dict.fromkeys(words))
        return out

    def _per_person_count_follows(self, updates: dict[str, Any]) -> None:
        """The window's count worked out per person ("150 x 30 = 4,500, ...") follows a new head count: "make it 200
        agents, same calls each" is 200 people's work, not 150's."""
        spec = self.spec
        people = updates.get("users")
        if spec is None or not people or "window_requests" in updates or not spec.stated("window_requests") \
                or not spec.stated("users") or not spec.users or not spec.window_requests:
            return
        note = spec.sources["window_requests"].note or ""
        if not note.startswith(f"{spec.users:,.0f} x "):
            return
        count = round(spec.window_requests * people / spec.users)
        updates["window_requests"] = count
        self.facts.notes["window_requests"] = (f"{people:,.0f} people at the count each said before "
                                               f"({spec.window_requests:,.0f} for {spec.users:,.0f}) = {count:,}")

    def _holds(self, name: str, value: Any) -> bool:
        """The spec was told this value of the field already."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return name in fields_holding(self.spec, value, 1e-6)
        return self.spec is not None and self.spec.stated(name) and getattr(self.spec, name, None) == value

    def _said(self, f: Facts, name: str) -> Any:
        """A figure of this message, else the one the spec was told."""
        value = f.values.get(name)
        if not isinstance(value, (int, float)) and self.spec is not None and self.spec.stated(name):
            value = getattr(self.spec, name)
        return value if isinstance(value, (int, float)) and value > 0 else None

    def _derived_parts(self, f: Facts, own: str = "") -> None:
        """Money said per unit or as a saving becomes the monthly budget with the figure it needs; without that figure
        there is no budget to read. "$25 per seat per month" x "640 seats"; "$0.002 per request" x the month's
        requests; "save $5k a month" off today's "$20k a month" bill."""
        parts = f.derived_parts
        if SHARE_OF_BUDGET in parts:  # "the $150k a year covers the whole programme; the LLM service gets half of it"
            whole = f.values.get("budget_monthly_usd") or (self.spec.budget_monthly_usd if self.spec is not None else None)
            share = parts[SHARE_OF_BUDGET][0]
            if isinstance(whole, (int, float)) and whole > 0:
                f.put("budget_monthly_usd", round(whole * share, 2), parts[SHARE_OF_BUDGET][1])
                f.notes["budget_monthly_usd"] = f"{share:.0%} of ${whole:,.0f} a month = ${whole * share:,.0f}"
            return
        if SPOKEN_FOR in parts:  # "we have 20k a month for the whole stack. 5k of that is committed ..., the rest"
            whole = f.values.get("budget_monthly_usd") or (self.spec.budget_monthly_usd if self.spec is not None else None)
            part = parts[SPOKEN_FOR][0]
            said = _MONTHLY_OF.match(f.notes.get("budget_monthly_usd", ""))
            if isinstance(whole, (int, float)) and part >= whole and said:
                # "There's $90k a year. $30k of that is licences": a part can't outgrow its whole, so it was said in
                # the whole's period
                part *= float(said.group(2).replace(",", "")) / float(said.group(1).replace(",", ""))
            if isinstance(whole, (int, float)) and whole > part:
                f.put("budget_monthly_usd", round(whole - part, 2), parts[SPOKEN_FOR][1])
                f.notes["budget_monthly_usd"] = f"${whole:,.0f} a month less ${part:,.0f} spoken for = ${whole - part:,.0f}"
            return
        if SAVING in parts:
            bill, saving = f.values.get("budget_monthly_usd") or parts.get(TODAYS_BILL, (None,))[0], parts[SAVING][0]
            if isinstance(bill, (int, float)) and bill > saving > 0:
                f.put("budget_monthly_usd", round(bill - saving, 2), f.phrases.get("budget_monthly_usd", ""))
                f.notes["budget_monthly_usd"] = f"${bill:,.0f} a month today less the ${saving:,.0f} to save = ${bill - saving:,.0f}"
            return
        if "budget_monthly_usd" in f.values:
            return
        heads, rps = self._said(f, "users"), self._said(f, "rps")
        if PER_HEAD in parts and (counted := _heads_of(parts[PER_HEAD][1], own)):
            heads = counted  # "$1.50 per employee per month. We're 6,000 employees; about 4,000 use it": every employee
            if _PAID_NOW.search(own.lower()) and (share := BILL_SHARE.search(own.lower())):
                # "We pay for 2,000 Copilot seats at $30 a seat per month ... at most half of the current seat bill":
                # the seats times their price is today's bill, and the share of it the ceiling
                bill, part = parts[PER_HEAD][0] * counted, share_value(share)
                f.put("budget_monthly_usd", round(bill * part, 2), share.group(0))
                f.notes["budget_monthly_usd"] = (f"{part:.0%} of today's bill ({counted:,.0f} x ${parts[PER_HEAD][0]:,.2f} "
                                                 f"a month = ${bill:,.0f}) = ${bill * part:,.0f}")
                return
        if PER_HEAD in parts and heads:
            each, phrase = parts[PER_HEAD]
            f.put("budget_monthly_usd", round(each * heads, 2), phrase)
            f.notes["budget_monthly_usd"] = f"{heads:,.0f} users x ${each:,.2f} a month each = ${each * heads:,.0f}"
        elif PER_REQUEST in parts and rps:
            each, phrase = parts[PER_REQUEST]
            monthly = float(f"{rps * SECONDS_PER['month']:.3g}")  # the month the rate was read with, as said
            f.put("budget_monthly_usd", round(each * monthly, 2), phrase)
            f.notes["budget_monthly_usd"] = (f"{monthly:,.0f} requests a month x ${each:,.4g} each = "
                                             f"${each * monthly:,.0f}")

    def _rate_from_volume(self, f: Facts) -> None:
        """Tokens a period, prompts and outputs together, over the tokens of one request: "about 120k tokens per
        minute; a typical call is ~1,000 prompt tokens and ~200 completion tokens" is 100 calls a minute. Only with
        no rate said and both lengths known (a length alone would count the other side's tokens as requests)."""
        prompt, output = self._said(f, "prompt_tokens"), self._said(f, "output_tokens")
        if self._said(f, "rps"):
            return
        for field, volume in TOKEN_VOLUME_FIELDS.items() if TOKENS_PER_S not in f.derived_parts else ():
            # one side's tokens over its length: "about 2M generated tokens per hour; a response is ~500 tokens" (the
            # length said in this message or stated before: "Load: ~480,000 prompt tokens per minute")
            length = self._said(f, field)
            if volume in f.derived_parts and length:
                per_s, phrase = f.derived_parts[volume]
                rps = round(per_s / length, 4)
                if rps > 0:
                    f.put("rps", rps, phrase)
                    hour = SECONDS_PER["hour"]
                    f.notes["rps"] = (f"{float(f'{per_s * hour:.3g}'):,.0f} {field.split('_')[0]} tokens an hour / "
                                      f"{length:,.0f} tokens a request = {_count(rps * hour)} requests an hour")
                    return
        if TOKENS_PER_S not in f.derived_parts or not (prompt and output):
            return
        per_s, phrase = f.derived_parts[TOKENS_PER_S]
        rps = round(per_s / (prompt + output), 4)
        if rps <= 0:
            return
        f.put("rps", rps, phrase)
        minute = SECONDS_PER["minute"]
        f.notes["rps"] = (f"{float(f'{per_s * minute:.3g}'):,.0f} tokens a minute / ({prompt:,.0f} + {output:,.0f}) "
                          f"tokens a request = {_count(rps * minute)} requests a minute")

    def _lengths_from_volume(self, f: Facts) -> None:
        """Tokens over a period divided by the requests of the same period: "150M input tokens last month" at 6,000
        requests a day is about 833 tokens a prompt. Without a request rate there is no length to read."""
        rps = self._said(f, "rps")
        for field, volume in TOKEN_VOLUME_FIELDS.items():
            if volume not in f.derived_parts or field in f.values or not rps:
                continue
            per_s, phrase = f.derived_parts[volume]
            length = round(per_s / rps)
            if length < 1:
                continue
            f.put(field, length, phrase)
            month = SECONDS_PER["month"]
            f.notes[field] = (f"{float(f'{per_s * month:.3g}'):,.0f} tokens a month over "
                              f"{float(f'{rps * month:.3g}'):,.0f} requests a month = "
                              f"{length:,} a request")

    def _use_case(self) -> tuple[str | None, str | None, list[str]]:
        """(the use case, the description, the words it was read from)."""
        if not self.use_cases:
            weak = self.weak_use_case if "use_case" in self.asked else None
            if weak:
                return weak[0].value, None, [weak[1]]
            return self._described_use_case()
        totals: dict[Any, float] = {}
        first: dict[Any, tuple[int, int]] = {}
        for use_case, weight, pos, _, _ in self.use_cases:
            totals[use_case] = totals.get(use_case, 0.0) + weight
            first.setdefault(use_case, pos)
        best = max(totals, key=lambda u: (totals[u], tuple(-x for x in first[u])))
        words = [w for u, _, _, _, w in self.use_cases if u == best]
        held = self.spec.use_case if self.spec is not None else None
        if (held is not None and best != held and totals[best] <= WEAK_USE_CASE and not named_use_case(best.value, words)
                and not _CHANGE_OF_WORK.search(" ".join(self.own_facts).lower())):
            # a word that only hints at another use case ("the assistant answers ...") does not replace the one
            # the conversation holds: naming it ("it's a chatbot now") or describing its work does
            return None, None, []
        best = summary_by_length(best, self.facts.values.get("prompt_tokens"), " ".join(self.own_facts).lower())
        if best == UseCase.SUMMARIZATION_SHORT and self._summary_said_again():
            return None, None, []
        orig = min(self.use_cases, key=lambda x: x[2])[3]
        return best.value, trim(orig, DESCRIPTION_CHARS) or None, words

    def _total_restated(self, own: str, updates: dict[str, Any]) -> None:
        """'the 400 I gave first already includes Gothenburg's 250. Total is 400.': a count said to include another,
        then its total, is the users' total (the part was added to the users held)."""
        if self.spec is None or not self.spec.stated("users") or "users" in updates:
            return
        low = own.lower().replace(",", "")
        total = _TOTAL_IS.search(low)
        if total is None or not _INCLUDES.search(low):
            return
        value = int(total.group(1) or total.group(2))
        if 0 < value != self.spec.users:
            updates["users"] = value
            self.facts.phrases["users"] = " ".join(total.group(0).split())
            self.facts.notes["users"] = f"the total said: {value:,}"

    def _items_of_them(self, own: str, updates: dict[str, Any]) -> None:
        """'50k of them', after 'we generate personalized marketing emails overnight': "them" are the work items the
        need was described by (no people named there), so the count is the night's work, not users."""
        description = (getattr(self.spec, "description", None) or "").lower() if self.spec is not None else ""
        if ("users" not in updates or "window_requests" in updates or not _OF_THEM.match(own.lower())
                or not _ITEMS_SAID.search(description) or _PEOPLE_SAID.search(description)
                or not _NIGHTLY.search(description)):
            return
        updates["window_requests"] = round(updates.pop("users"))
        self.facts.phrases["window_requests"] = " ".join(own.split())[:80]

    def _summary_said_again(self) -> bool:
        """'they can wait a bit for the summary': the work named again by its plain noun, while the spec already
        holds long-document summarisation, is that work, not a change to short summaries; only a short kind of text
        ("short emails", "call notes") or a short length said in the message changes it."""
        if self.spec is None or self.spec.use_case != UseCase.LONG_DOCUMENT_SUMMARIZATION:
            return False
        low = " ".join(s.lower() for s in self.own_facts)
        return not (V.SHORT_NOUNS.search(low) or V.FEW_PAGES.search(low) or V.INTO_A_NOTE.search(low)
                    or "prompt_tokens" in self.facts.values)

    def _described_use_case(self) -> tuple[str | None, str | None, list[str]]:
        """No phrase named a use case: the one the message's words describe (lexicon.py), while the spec has none and
        the message states something of the need besides (a question or a greeting alone describes no work)."""
        said = [s for s in self.own_facts if not s.rstrip().endswith("?")]
        if (self.spec is not None and self.spec.use_case is not None) or not (said or self.pasted_facts):
            return None, None, []
        low = " ".join(s.lower() for s in said)
        found = lexical_use_case(low) if said else None
        if found is None and self.pasted_facts:  # a pasted charter or e-mail describing the work: its words say it
            said, low = self.pasted_facts, " ".join(s.lower() for s in self.pasted_facts)
            found = lexical_use_case(low)
        if found is None:
            return None, None, []
        use_case, words = found
        if use_case == UseCase.SUMMARIZATION_SHORT:
            use_case = _summary_kind(low)
        use_case = summary_by_length(use_case, self.facts.values.get("prompt_tokens"), low)
        return use_case.value, trim(said[0], DESCRIPTION_CHARS) or None, words


# money said as what is paid today: "we pay for 2,000 seats at $30 a seat", "we're currently paying $30 per seat"
_PAID_NOW = re.compile(r"\b(?:we|i)\s+(?:currently\s+|now\s+|already\s+)?(?:pay|are\s+paying|'re\s+paying)\b|\bwe'?re\s+"
                       r"(?:currently\s+)?paying\b|\b(?:current|today'?s)\s+(?:[\w-]+\s+)?(?:bill|spend|cost)\b")
# a count said to take in another ("already includes", "counted twice") and the total said after it
_INCLUDES = re.compile(r"\b(?:already\s+)?(?:includes?|included|including|counted\s+(?:twice|in)|double[\s-]counted)\b")
_TOTAL_IS = re.compile(r"\btotal\s+(?:is|=|:|was|should\s+be|stays)\s+(?:still\s+|just\s+|only\s+)?(\d+)\b(?!\s*(?:%|[a-z$€£]))|"
                       r"\b(\d+)\s+(?:in\s+total|total|all\s+told)\b")


def _count(x: float) -> str:
    """A count said back: whole above a thousand (14,400, not 1.44e+04), four figures below."""
    return f"{x:,.0f}" if x >= 1000 else f"{x:,.4g}"


def summary_by_length(use_case: Any, prompt_tokens: Any, low: str) -> Any:
    """A summary's kind by the length of what it summarises, when the message says it: long inputs make a long-document
    summary ("summarize 30-page reports"), inputs within a short summary's make a short one ("call transcripts
    average 1,800 words") unless the long kind is said outright."""
    if not isinstance(prompt_tokens, (int, float)):
        return use_case
    if use_case == UseCase.SUMMARIZATION_SHORT and prompt_tokens >= LONG_PROMPT_TOKENS:
        return UseCase.LONG_DOCUMENT_SUMMARIZATION
    if use_case == UseCase.LONG_DOCUMENT_SUMMARIZATION and prompt_tokens < SHORT_PROMPT_TOKENS and not long_kind_said(low):
        return UseCase.SUMMARIZATION_SHORT
    return use_case


def named_use_case(value: str, words: Sequence[str]) -> bool:
    """The user named the use case itself ('a chatbot', 'translation', 'code_completion'), rather than describing
    work Compass read it from ('an AI assistant', 'translate our pages'): then it is stated, else inferred."""
    use_case = UseCase(value)
    names = {use_case.value.replace("_", " "), use_case.label.lower()}
    names |= {w.lower() for w in use_case.label.split() if w.isupper()}  # an acronym names it too ("RAG")
    return any(" ".join(w.lower().replace("_", " ").replace("-", " ").split()).removesuffix("s") in names
               for w in words)



def whatif_request(f: Facts, problems: list[str]) -> WhatIfRequest | None:
    changes: dict[str, Any] = checked(f.values, f.phrases, problems)
    for name, items in f.lists.items():
        changes[name] = items
    if f.namespace:
        changes["namespace"] = f.namespace
    for name in f.cleared:
        changes.setdefault(name, [] if name in ("gpus", "exclude_gpus", "models", "exclude_models") else None)
    if f.use_cases:
        changes["use_case"] = max(f.use_cases, key=lambda x: x[1])[0].value
    for name, factor in f.multipliers:
        for each in (LATENCY_FIELDS if name == "latency" else (name,)):  # the latency targets: each one
            if each not in changes:
                changes[each] = f"{factor:g}x"
    if not changes:
        return None
    return WhatIfRequest(label=_label(changes), changes=changes)


def _label(changes: dict[str, Any]) -> str:
    """The what-if row's name in the user's words: 'p95 ITL 80 ms', 'traffic x2', 'latency targets x2', 'no budget'
    (never a field's identifier)."""
    items = dict(changes)
    parts = []
    scaled = {items.get(f) for f in LATENCY_FIELDS}
    if len(scaled) == 1 and _is_factor(next(iter(scaled))):  # every latency target scaled alike: one phrase
        parts.append(f"latency targets x{next(iter(scaled))[:-1]}")
        for f in LATENCY_FIELDS:
            items.pop(f)
    for name, value in items.items():
        title = _LABEL_NAMES.get(name) or FIELD_NAMES.get(name, name.replace("_", " "))
        if _is_factor(value):
            parts.append(f"{title} x{value[:-1]}")
        elif isinstance(value, list):
            parts.append(f"{title} {'/'.join(str(v).split('/')[-1] for v in value) or 'any'}")
        elif value is None:
            parts.append(f"no {title}")
        elif name in FIELD_NAMES:
            parts.append(f"{title} {value_text(name, value, unit=name != 'max_gpus')}")
        else:
            parts.append(f"{title} {value:g}" if isinstance(value, float) else f"{title} {value}")
    return ", ".join(parts)[:120]


# Shorter than wording.FIELD_NAMES where a table row's name must stay short.
_LABEL_NAMES = {"ttft_p95_ms": "p95 TTFT", "itl_p95_ms": "p95 ITL", "e2e_p95_ms": "p95 E2E", "gpu": "GPU",
                "budget_monthly_usd": "budget"}


def _is_factor(value: Any) -> bool:
    return isinstance(value, str) and value.endswith("x") and value[:-1].replace(".", "", 1).isdigit()
