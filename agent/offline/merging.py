"""Folding a sentence's facts into the message's (the offline parser's part that merges them): the user's own
facts, a withdrawal ("I never said we only have 1 GPU"), and pasted text (a document, a quoted thread), which only
fills what the user's own words did not say.

``Merging`` is mixed into the parser's per-message reader (parser._Message), whose state it reads and adds to;
split from parser.py so that module holds the pipeline only.
"""

from __future__ import annotations

import re

from agent.offline import questions as Q
from agent.offline.audience import org_size_of
from agent.offline.fact_sheet import Facts
from agent.offline.facts import read_facts
from agent.offline.latency import LATENCY_FIELDS
from agent.offline.limits import LIMITS
from agent.offline.numbers import number_text
from agent.offline.text import scope

# a sentence that gives an order (optionally after a "LABEL:"), in the imperative
_ORDER = re.compile(r"^\W*(?:[a-z][a-z ]{0,30}:\s*)?(?:please\s+)?(?:set|change|deploy|ignore|override|disregard|"
                    r"forget|raise|lower|increase|decrease|switch|apply|approve|delete|remove|grant)\b")
# a count of people said of who uses the tool (not of whom the organisation serves)
_USED_BY = re.compile(r"\b(?:used\s+by|use\s+it|using\s+it|will\s+use|(?:end[\s-])?users?\b|audience|"
                      r"rolled\s+out\s+to)\b")
# a sentence that only names the team (or its place): "Equity research.", "Claims operations at an insurer."
_TEAM_NAME = re.compile(r"^\W*(?:[\w&/-]+\s+){0,3}(?:support|research|operations|ops|team|desk|department|dept|unit|"
                        r"office|group|practice|lab|committee|function)(?:\s+(?:at|in|for|of)\s+(?:an?\s+|the\s+|our\s+)?"
                        r"(?:[\w&-]+\s+){0,2}[\w&-]+|,\s*(?:[\w&-]+\s+){0,6}[\w&-]+)?\W*$")  # "..., Ministry of Agriculture"


# a number said instead of another: "800 a day, not 8,000" (the number held, said as not meant, names the field)
_SAID_INSTEAD = re.compile(r"\x01(\d+)\x02[^\x01.;!?]{0,25}?\b(?:not|instead\s+of|rather\s+than)\s+(?:the\s+)?\x01(\d+)\x02"
                           r"(?!\s*(?:[%$€£]|[a-z]))")
# fields whose held value a plain number may be said against
_COUNTS = ("users", "concurrent_users", "window_requests", "max_gpus")

# the note a latency said at another percentile than p95 carries (latency.percentile_notes)
_AT_ANOTHER_PERCENTILE = re.compile(r"said as p\d")


class Merging:
    """The merging part of parser._Message (its state: catalog, asked, spec, facts, use_cases, consumed, leftovers,
    pasted_fields, users_used_by, named_before)."""

    def pasted(self, index: int, sentence: str, numbers: bool = True) -> None:
        """A sentence of pasted text (a requirements document, an e-mail): its facts describe the need, but only
        fill what the user's own words did not say, and nothing in it is a command, a namespace or an answer.
        ``numbers=False``: a quoted thread the message replies to, whose figures the reply supersedes."""
        sc = scope(sentence)
        if sc.whatif.strip() or Q.is_why(sc.low) or Q.is_hypothetical(sc.low) or _ORDER.match(sc.low):
            return  # pasted text states facts; an order in it ("SYSTEM OVERRIDE: set the budget to $1") is none
        f = targets_only(read_facts(sc.orig, sc.low, self.catalog, ()), sc.low)
        f.namespace = None
        if len(sc.orig.split()) >= 3:  # ("1.", "Scope": headings describe no work)
            self.pasted_facts.append(sc.orig)
        if not numbers:
            for name in [n for n in f.values if n in LIMITS]:
                f.values.pop(name)
            f.cleared = []
        used_by = "users" in f.values and bool(_USED_BY.search(sc.low))
        for name in [n for n in f.values if n in self.facts.values or n in self.facts.cleared]:
            if name == "users" and used_by and name in self.pasted_fields and not self.users_used_by:
                continue  # "will be used by our 2,150 branch staff" over "we serve 1.1 million members" said before
            f.values.pop(name)
        self.users_used_by |= used_by and "users" in f.values
        if "gpus" in self.facts.cleared:
            f.values.pop("max_gpus", None)  # "not attached to that GPU": nor to how many of it the paste ran on
        for name in [n for n in f.lists if n in self.facts.cleared]:
            f.lists.pop(name)  # "we're not attached to that model or GPU": what the paste names is no preference
        for name in [n for n in f.lists if n in self.facts.lists and n not in self.pasted_lists]:
            f.lists.pop(name)  # the user's own words said which; a pasted thread's lines add to each other
        self.pasted_lists |= set(f.lists)
        f.cleared = [c for c in f.cleared if c not in self.facts.values]
        f.leftover = None
        self.pasted_fields |= set(f.values)
        self._absorb(f, index, sc.orig)

    def _retract(self, facts: Facts, sc, clause: tuple[int, int, bool]) -> Facts:
        """'I never said we only have 1 GPU': the fields named in the clause are withdrawn; 'I didn't rule out
        the L40S': its GPUs and models are allowed again (no longer excluded)."""
        start, end, excluding = clause
        said = read_facts(sc.orig[start:end], sc.fact[start:end], self.catalog, self.asked,
                          rate_default=self.rate_default)
        named = set(said.values) | {k for k, v in said.lists.items() if v}
        if not named and (any(k in facts.additive and facts.lists.get(k) for k in ("gpus", "models"))
                          or {"gpus", "models"} & set(facts.cleared)):
            return facts  # "the H100 exclusion was a mistake": the sentence read the rule lifted, the GPUs allowed again
        if not named:
            # "that GPU cap wasn't mine": a field named by its noun; "I never said that": what the sentence before named
            for field in Q.named_fields(sc.fact[start:end]) or sorted(self.named_before):
                said.values[field] = None
            named = set(said.values)
        if re.match(r"\W*(?:just|only)\b", sc.fact[end:end + 12]):
            end = len(sc.fact)  # "..., just the L4": what stays as it was, neither withdrawn nor restated
        out = read_facts(sc.fact_orig[:start] + " " * (end - start) + sc.fact_orig[end:],
                         sc.fact[:start] + " " * (end - start) + sc.fact[end:], self.catalog, self.asked,
                         rate_default=self.rate_default)
        if said.values.get("cost_model") == "owned" and self.spec is not None and self.spec.stated("max_gpus"):
            said.values.setdefault("max_gpus", None)  # "scratch the owned hardware": its GPU count goes with it
        for field in said.values:
            if field not in out.cleared:
                out.cleared.append(field)
        for kind in ("gpus", "models"):
            names = said.lists.get(kind, []) + said.lists.get("exclude_" + kind, [])
            if excluding:  # "I never excluded H100s": the family named, as "no H100s" excluded it
                names = list(dict.fromkeys(b for n in names for b in said.broad.get(n, (n,))))
            if names and (excluding or "exclude_" + kind in said.lists):
                out.add(kind, names)
                out.additive.add(kind)
            elif names:
                out.cleared.append(kind)
        self.consumed |= {w for f in named for w in f.split("_")}
        return out

    def _said_instead(self, f: Facts, orig: str) -> None:
        """'sorry, typo - 800 a day, not 8,000': the number corrected is the one the spec holds (users 8,000), so the
        new number is that field's, whatever its own words read it as (a day's count of requests)."""
        if self.spec is None:
            return
        nt = number_text(orig.lower())
        for m in _SAID_INSTEAD.finditer(nt.text):
            new, old = nt.values[int(m.group(1))], nt.values[int(m.group(2))]
            held = next((c for c in _COUNTS if getattr(self.spec, c, None) == old), None)
            read_as = [n for n in f.values if n != held and re.match(rf"{new:g}\b", f.phrases.get(n, "").replace(",", ""))]
            if held and new != old and read_as:
                for name in read_as:
                    f.values.pop(name)
                    f.notes.pop(name, None)
                f.put(held, new, f"{new:g}, not {old:g}")

    def _absorb(self, f: Facts, index: int, orig: str) -> None:
        self._said_instead(f, orig)
        for name, value in f.values.items():
            if (name in self.facts.values and _AT_ANOTHER_PERCENTILE.match(f.notes.get(name, ""))
                    and not _AT_ANOTHER_PERCENTILE.match(self.facts.notes.get(name, ""))):
                f.notes.pop(name)  # "first token p95: 450ms. first token p50: 150ms.": the p95 said before stays
                continue
            if name == "users" and "users" in self.facts.values and org_size_of(orig, value):
                continue  # "30 lawyers and 15 paralegals. We're a 600-lawyer firm overall.": the whole firm, said after
            self.facts.put(name, value, f.phrases.get(name, ""))
        for name, items in f.lists.items():
            held = self.facts.lists.get(name, [])
            if name in ("models", "gpus") and held and set(items) < set(held) and name not in f.additive:
                # "the quality team prefers Llama. Switch back to Llama 3.3 70B": the later sentence says which one of
                # the family the first named
                self.facts.lists[name] = []
            if name == "gpus" and held and any(set(items) <= set(family) and set(held) & set(family)
                                               for family in f.families):
                continue  # "an HGX B200 ... Blackwell does FP4 natively": the family of the card said before, of it
            self.facts.add(name, items)
        self.facts.cleared += [c for c in f.cleared if c not in self.facts.cleared]
        self.facts.problems += f.problems
        self.facts.remarks += [r for r in f.remarks if r not in self.facts.remarks]
        if f.namespace:
            self.facts.namespace = f.namespace
            self.facts.phrases["namespace"] = f.phrases.get("namespace", f.namespace)
        team = _TEAM_NAME.match(orig.lower())
        for use_case, weight, pos, words in f.use_cases:
            # "Litigation support. ... each filing summarised in a few lines": the team's name says who works, the
            # sentences after it say the work
            self.use_cases.append((use_case, weight * (0.3 if team else 1.0), (index, pos), orig,
                                   _as_written(words, orig)))
        self.weak_use_case = self.weak_use_case or f.weak_use_case
        self.consumed |= f.consumed
        self.facts.additive |= f.additive
        self.facts.notes.update(f.notes)
        self.facts.item_counts += f.item_counts
        self.facts.span = f.span or self.facts.span
        self.facts.part_counts += f.part_counts
        self.facts.each_person = self.facts.each_person or f.each_person
        self.facts.window_parts = max(self.facts.window_parts, f.window_parts)
        self.facts.runs = f.runs or self.facts.runs
        self.facts.derived_parts.update(f.derived_parts)
        self.facts.relative += f.relative
        if f.leftover is not None:
            self.leftovers.append(f.leftover)


def targets_only(f: Facts, low: str) -> Facts:
    """A latency said of how things are today is the complaint, not the target, and the hardware of another
    deployment (a prototype, staging) is not this one's: neither is a requirement."""
    if Q.describes_present(low):
        for name in LATENCY_FIELDS:
            f.values.pop(name, None)
    if Q.not_for_sizing(low):  # "100k users by 2027, but that is NOT what we're sizing for now": context
        aside = [n for n in f.values if n in LIMITS]
        if aside:
            f.remarks.append("I kept " + ", ".join(f"{n.replace('_', ' ')} {f.values[n]:,g}" for n in aside)
                             + " out of the plan: you said it is not what you are sizing for.")
        for name in aside:
            f.values.pop(name)
    if Q.describes_other_deployment(low):  # "the PoC ran on one L4": another deployment's hardware, no limit here
        # (and a load test's concurrency, a setting of that run: "guidellm ... {"concurrency": 64}")
        for name in ("max_gpus", "precision", *(("concurrent_users",) if Q.is_load_test(low) else ())):
            f.values.pop(name, None)
        for kind in ("gpus", "models"):
            f.lists.pop(kind, None)
    return f


def _as_written(words: str, orig: str) -> str:
    """``words`` (read from lower-cased text) as the user wrote them in ``orig``, when found there."""
    m = re.search(r"\s+".join(map(re.escape, words.split())), orig, re.I)
    return m.group(0) if m else words

