"""Questions in a message (the offline parser's part that reads them): a why, a belief asked back, a hypothetical, an
open question about a figure of the plan, whether the budget suffices, a comparison of named GPUs or models.

A question never changes the requirements: what it names (a GPU, a model, an option, a figure) is what it asks about.
``Asking`` is mixed into the parser's per-message reader (parser._Message), whose state it reads and adds to.
"""

from __future__ import annotations

import re

from agent.offline import commands as C
from agent.offline import questions as Q
from agent.offline.contract import Intent, WhatIfRequest
from agent.offline.fact_sheet import Facts
from agent.offline.facts import read_facts
from agent.offline.numbers import number_text

# what a plan comes out at, as the user guessed it: "we'd need 8 GPUs", "it would cost about $20k"
_PLAN_RESULT = re.compile(r"\b(?:need|needs|needed|needing|require[sd]?|requiring|take|takes|taking|cost|costs|costing|"
                          r"(?:comes?|coming|came)\s+(?:to|out\s+(?:at|to))|overkill|excessive|too\s+(?:much|many|few|little)|"
                          r"end\s+up\s+(?:with|at|needing)|(?:would|will|'d|'ll|could)\s+(?:do|suffice|be\s+enough|"
                          r"be\s+plenty|handle\s+it|cover\s+it))\b")
# words that point back at what was named before ("why not those?", "why not that one?")
_ANAPHOR = re.compile(r"\b(?:those|these|them|they|that\s+one|this\s+one|those\s+ones|these\s+ones|it)\b")
# a figure said back as a question, and little else: "80 GPUs??", "$155 a month?", "really, 12 replicas?"
_FIGURE_ASKED = re.compile(r"^\W*(?:[\w$€£.,/'-]+\s+){0,4}?[\w$€£.,/'-]*\d[\w$€£.,/'-]*(?:\s+[\w$€£.,/'-]+){0,3}\s*\?+\W*$")
# an open question (what, how much/many, which), after the words people lead with
_OPEN_QUESTION = re.compile(r"^\W*(?:(?:so|ok|okay|and|but|roughly|approximately|hm+|cool|nice|great|wait|also|quick\s+q(?:uestion)?|"
                            r"just\s+curious|out\s+of\s+curiosity|sorry)\W+)*(?:what(?:'s|\s+is|\s+are|\s+was|\s+would\s+be|"
                            r"\s+does|\s+do)|how\s+(?:much|many|long|fast|big)|which)\b")
# a price or a figure asked per unit: "per million tokens", "per user", "per request", "an hour"
_PER_UNIT = re.compile(r"\b(?:per|a|an|each)\s+(?:\w+\s+)?(?:tokens?|users?|requests?|queries|seats?|hours?|months?|gpus?)\b")
# a figure said as a limit ("max 8 GPUs?", "at most $5k?"): a tentative requirement, not the plan's figure asked about
_LIMIT_WORD = re.compile(r"\b(?:max(?:imum)?|at\s+most|up\s+to|limit|cap|budget|no\s+more\s+than|under|below)\b")
# a figure of the plan asked about: its latencies, cost, GPUs, model, memory, throughput, headroom
PLAN_MEASURE = re.compile(r"\b(?:latenc(?:y|ies)|ttft|itl|e2e|first[\s-]token|p9[59]|response\s+time|cost|costs|price|"
                          r"bill|spend|gpus?|cards?|replicas?|nodes?|model|precision|quantization|memory|vram|"
                          r"throughput|headroom|capacity|utili[sz]ation|margin|tokens?\s+per\s+second|how\s+fast)\b")
_COMPARE = next(p for i, p in C.COMMANDS if i is Intent.COMPARE)


class Asking:
    """The question-reading half of parser._Message (its state: catalog, known, questions, intents, options, whatifs,
    asked_before, mentioned_before, has_why; its readers: _commands, _named, _absorb, whatif_of)."""

    def _question(self, index: int, sc) -> bool:
        """A why-question, a belief next to one, or a hypothetical question: its facts are not requirements."""
        low = sc.low
        catalog_measure = Q.asks_catalog(low)
        if catalog_measure:  # "which GPU in your catalog is cheapest per hour?": a lookup, never a preference
            self.questions.append(Q.Question("catalog", catalog_measure))
            self.intents.append(((index, 0), Intent.WHY))
            return True
        if self._budget_question(index, sc):
            return True
        best = Q.asks_which_is_best(low) if self.known else None
        if best:  # "which of the options is cheapest?": which option, not a change of priority
            self.questions.append(Q.Question("best", best))
            self.intents.append(((index, 0), Intent.WHY))
            return True
        why = Q.is_why(low) or Q.asks_about_api(low)
        if self._open_question(index, sc, why):
            return True
        if self.asked and not why and C.HEDGED_ANSWER.match(low):
            return False  # "not sure honestly, maybe 300?" right after a question: the answer, said unsure
        hypothetical = self.known and not why and not sc.whatif.strip() and Q.is_hypothetical(low)
        # a statement asked as a question ("so the H200 was too pricey I guess?"), once a need is known and with no
        # order in it, is a belief about the plan: it asks about what it names
        belief = Q.is_belief(low) or (self.known and not sc.whatif.strip() and low.rstrip().endswith("?")
                                      and not Q.is_directive(low) and not Q.is_hypothetical(low))
        if not (why or hypothetical or (belief and (self.has_why or self.known))):
            return False
        facts = read_facts(sc.orig, low, self.catalog, self.asked)
        self._named(facts)
        options = C.option_numbers(low)
        targets = Q.why_targets(low, facts, options)
        named = [q for q in targets if q.about not in ("option", "cost", "gpu_count")]
        if belief and not (why or hypothetical or self.has_why):
            figures = [q for q in targets if q.about in ("gpu_count", "cost")]
            if not named and figures and (_PLAN_RESULT.search(low) or _FIGURE_ASKED.match(low) and not (
                    Q.named_fields(low) or _LIMIT_WORD.search(low))):
                # "I'd assumed we'd need 8 GPUs", "8 GPUs would be overkill": a guess at the plan's figure asks about
                # it; "80 GPUs??", "$155 a month?": a figure said back as a question asks about the plan's figure
                named = figures
            elif not named:
                return False  # "I thought the budget was 5k": a statement, read as one
            # "funny, I really thought the MI300X would show up in these options", "surprised there's no L40S":
            # an expectation about the plan that names a GPU or model asks why it is not there
            why = True
        if why:
            # "Couldn't a single H200 hold it at FP8? Why aren't you using that?": a why that names nothing asks
            # about what the question before it named
            # ... or about what the statement before it named: "L4s are way cheaper per hour. Why not those?"
            mentioned = self.mentioned_before if _ANAPHOR.search(low) else []
            self.questions += named or (not options and (self.asked_before or mentioned)) or targets
            self.intents.append(((index, 0), Intent.WHY))
            self.options += [n for n in options if n not in self.options]
        self.asked_before = named or self.asked_before
        if hypothetical:
            request = self.whatif_of(facts)
            if request:
                self.whatifs.append(request)
                self.intents.append(((index, 0), Intent.WHATIF))
            else:
                before = len(self.intents)
                self._commands(index, low)
                if len(self.intents) == before and (named or PLAN_MEASURE.search(low)):
                    # "isn't tp=2 overkill?": about what it names; "what's the p95 first-token latency on that one?",
                    # "how many GPUs does it use?": the plan's own figures, from the option asked about (the first)
                    # ("how is the monthly cost computed?": the cost's breakdown, not option 1's rationale again)
                    # (two figures asked at once - "how many GPUs? and the monthly cost?" - are the option's whole)
                    figures = [q for q in targets if q.about in ("cost", "gpu_count")]
                    self.questions += named or (figures if len(figures) == 1 else []) or [
                        Q.Question("option", options[0] if options else None)]
                    self.intents.append(((index, 0), Intent.WHY))
        return True

    def _open_question(self, index: int, sc, why: bool) -> bool:
        """'roughly what's that per million tokens?', 'how much is that per user?', 'what latency does option 2 get?':
        an open question about a figure of the plan, once a need is known, asks about it; its numbers and units are
        the question's ("per million tokens" is no prompt length), never a requirement."""
        low = sc.low
        if (why or not self.known or sc.whatif.strip() or not low.rstrip().endswith("?") or not _OPEN_QUESTION.match(low)
                or Q.is_hypothetical(low) or Q.is_directive(low) or not (PLAN_MEASURE.search(low) or _PER_UNIT.search(low))):
            return False
        before = len(self.intents)
        self._commands(index, low)
        if len(self.intents) == before:
            options = C.option_numbers(low)
            targets = Q.why_targets(low, read_facts(sc.orig, low, self.catalog, ()), options)
            if targets[0].about == "option" and _PER_UNIT.search(low):  # "what's that per million tokens?": a price
                targets = [Q.Question("cost", targets[0].target)]
            self.questions += targets
            self.intents.append(((index, 0), Intent.WHY))
            self.options += [n for n in options if n not in self.options]
        return True

    def _budget_question(self, index: int, sc) -> bool:
        """'is 12k even enough?', 'will our budget cover it?': whether money suffices, asked of the plan; the amount
        is what is asked about, never a new budget."""
        facts = read_facts(sc.orig, sc.low, self.catalog, ())
        asks, amount = Q.budget_asked(sc.low, facts, number_text(sc.low).values)
        if not asks:
            return False
        self.questions.append(Q.Question("budget", None if amount is None else round(amount)))
        self.intents.append(((index, 0), Intent.WHY))
        return True

    def _compare_names(self, index: int, sc, facts: Facts) -> bool:
        """'compare H100 SXM vs L40S': a what-if per GPU (or model) named, not a restriction to both."""
        if not _COMPARE.search(sc.low) or C.option_numbers(sc.low):
            return False
        for key, kind in (("gpus", "gpus"), ("models", "models")):
            names = facts.lists.get(key, [])
            if names and (len(names) >= 2 or self.known):  # "compare with H100 SXM": the plan against that card
                for name in names[:6]:
                    self.whatifs.append(WhatIfRequest(label=f"{kind} {name.split('/')[-1]}", changes={key: [name]}))
                self.intents.append(((index, 0), Intent.WHATIF))
                facts.lists.pop(key)  # what else the sentence says is the need ("... for a chatbot with 500 users")
                self._absorb(facts, index, sc.orig)
                return True
        return False
