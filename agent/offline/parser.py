"""The offline brain's parser: one user message -> ParseResult (the contract in contract.py).

Pipeline: normalise -> find injection phrasing anywhere -> keep only the user's own words (safety.py) -> per
sentence, split the factual part from a what-if part (text.py) -> read facts (facts.py), commands and "don't
know" answers (commands.py) -> validate values against DeploymentSpec limits and against each other -> answer
short replies ("5000", "yes", "no idea") from the question the agent just asked (``asked``) or the spec.

Deterministic, no I/O, linear in the input. ``parse`` never raises; ``parse_strict`` is the same without the
final safety net (tests call it so a bug cannot hide behind the net).

This module holds the pipeline and the per-message reader, _Message; its parts are mixed in from statements.py
(the user's statements), merging.py (folding facts in, pasted text, withdrawals), whole_message.py (the updates and
the ParseResult), short_answers.py (bare numbers, yes/no), asking.py (questions) and corrections.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from agent.offline import commands as C
from agent.offline import questions as Q
from agent.offline.asking import Asking
from agent.offline.corrections import Corrections
from agent.offline.contract import Intent, ParseResult, WhatIfRequest
from agent.offline.fact_sheet import Facts
from agent.offline.facts import read_facts
from agent.offline.merging import Merging
from agent.offline.records import structured_rows
from agent.offline.safety import MAX_FRAGMENTS, contains_any, embedded_orders, flagged_phrases, scan, segment
from agent.offline.short_answers import ShortAnswers
from agent.offline.spoken_names import spoken_gpu_names
from agent.offline.statements import Statements
from agent.offline.text import lower_aligned, normalize, Scoped, scope, self_corrections, sentences, snippet
from agent.offline.typos import correct
from agent.offline.whole_message import WholeMessage, whatif_request
from knowledge.catalog import Catalog
from knowledge.domain.spec import SPEC_FIELDS, DeploymentSpec

MAX_SENTENCES = 60
MAX_PASTED_SENTENCES = 300  # a 20,000-character requirements paste is a few hundred sentences
# a pasted sentence is only read when it can state a fact: a number or a word the fact tables know
_FACTY = re.compile(r"\d|\b(?:gpus?|nvidia|amd|latency|budget|cost|cheap|quality|accuracy|priority|rent|own|buy|"
                    r"purchase|spot|reserved|chat\w*|rag|retriev\w*|summar\w*|translat\w*|code|coding|legal|contracts?|"
                    r"content|marketing|llama|qwen|mistral|mixtral|gemma|phi|gpt|deepseek|fp8|fp16|bf16|int[48]|"
                    r"quantiz\w*|batch|offline|window|concurrent\w*|peak|cold|scale|hopper|blackwell|ampere|"
                    r"thousand|hundred|million|dozen|responsiv\w*|speed|fast\w*|quick\w*|snapp\w*|sluggish|slow\w*|"
                    r"accura\w*|correct\w*|expensive|price\w*|money|afford\w*|simultaneous\w*|same\s+time|at\s+once|"
                    # the work described by what it does ("purpose: IDE inline completions", "Q&A over the handbook")
                    # (only words that name a use outright: a long paste's background about other tools - "today our
                    # wiki answers cite outdated documents" - is no part of the need)
                    r"complet\w*|autocomplet\w*|copilot|ide|editor|assistant|bot|q&a|users?|people|staff|employees)\b",
                    re.I)
_WORDY = re.compile(r"[^\W_]")  # a sentence with at least one letter or digit
# where a sentence with several withdrawals is cut into its clauses
_WHY_CLAUSE = re.compile(r"(?:[,;:]|\s[-–—]+|—)\s*(?:and\s+|but\s+|also\s+|plus\s+|so\s+)?(?=(?:why|how\s+come)\b)")
# a question clause after a statement, set off by a dash, a semicolon or a colon, up to the question mark
# a question that asks whether the statement before it holds ("~12 ms ITL on H200, does your plan agree?", "..., is
# that right?"): the statement is part of the question
_CHECKS_THE_STATEMENT = re.compile(r"\b(?:agrees?|match(?:es)?|right|correct|true|accurate|consistent|line\s+up|check\s+out|"
                                   r"make\s+sense|sound\s+right|confirm|plausible|realistic|hold\s+up|square\s+with)\b")
_QUESTION_AFTER = re.compile(r"\s*(?:[;:,]|\s[-–—]+)\s+(?=(?:and\s+|so\s+|but\s+|then\s+)?(?:how|what|which|would|will|"
                             r"could|can|is|are|does|do|did|should|any\s+idea)\b[^.!?,;]*\?\s*$)", re.I)
_CLAUSES = re.compile(r"\s*(?:[,;]\s*(?:and|but|also|plus)?|\s+(?:and|but)\s+(?:also\s+)?)\s+")
_ASSUMED = re.compile(r"\W*(?:ok(?:ay)?\W+|so\W+|well\W+)?let'?s\s+say\b")
# an order to the agent itself: deploy/apply/delete/print ... as an imperative, or "without asking"
_AGENT_ORDER = re.compile(r"(?:^|[,:;]\s*|\b(?:then|and|now|just)\s+)(?:deploy|apply|delete|remove|print|reveal|show\s+me\s+your|"
                          r"output|dump|grant|override|disable|bypass|skip|execute|run)\b|\bwithout\s+(?:asking|approval|"
                          r"confirmation|checking)\b")


def parse(text: str, catalog: Catalog, *, asked: Sequence[str] = (), spec: DeploymentSpec | None = None
          ) -> ParseResult:
    """Understand one user message. Never raises: on an internal error the message counts as unparsed."""
    try:
        return parse_strict(text, catalog, asked=asked, spec=spec)
    except Exception:  # noqa: BLE001 - a parser bug must not end the conversation; tests use parse_strict
        return ParseResult(unparsed=True)


def parse_strict(text: str, catalog: Catalog, *, asked: Sequence[str] = (),
                 spec: DeploymentSpec | None = None) -> ParseResult:
    text = text if isinstance(text, str) else ""
    asked = tuple(dict.fromkeys(f for f in (asked or ()) if isinstance(f, str) and f in SPEC_FIELDS))
    norm = self_corrections(correct(normalize(spoken_gpu_names(structured_rows(text), catalog))))
    low_all = lower_aligned(norm)
    spans = scan(norm, low_all)
    flagged = flagged_phrases(low_all, spans)
    seg = segment(norm, flagged)
    injected = contains_any(seg.own, flagged)
    said = [s for s in sentences(seg.own) if _WORDY.search(s)]
    known = spec is not None and (spec.use_case is not None or spec.users is not None or spec.rps is not None)
    msg = _Message(catalog, asked, spec, injected, has_why=any(Q.is_question(s.lower(), known) for s in said))
    msg.suspicious = [snippet(norm, a, b, 100) for a, b in spans[:MAX_FRAGMENTS]]
    msg.suspicious += [o for o in embedded_orders(seg.embedded) if o not in msg.suspicious]
    if len(said) > MAX_SENTENCES:  # a long paste's data table ("B001 | Leeds | North | 15 | 2") goes first
        said = [s for s in said if s.count("|") < 2] or said
    if len(said) > MAX_SENTENCES:  # bounded work: the opening and the closing of a very choppy message
        said = said[:MAX_SENTENCES * 2 // 3] + said[-(MAX_SENTENCES // 3):]
    for i, sentence in enumerate(said):
        msg.sentence(i, sentence)
    # the thread a reply quotes is what the reply updates: its numbers are the reply's to give ("updated numbers
    # below"); what it says besides (the use case, the GPUs) still describes the need. A use case alone (a forward's
    # subject line, "Fwd: LLM for Customer Care") updates no figure: the thread's figures stand, the newest first
    replied = bool(msg.facts.values or msg.facts.lists)
    blocks = seg.embedded + (seg.history if not replied else [])
    msg.pasted_blocks = [block for block in blocks if not contains_any(block, flagged)]
    unique = dict.fromkeys(s for block in msg.pasted_blocks for s in sentences(block))
    pasted = [s for s in unique if _FACTY.search(s)][:MAX_PASTED_SENTENCES]
    for i, sentence in enumerate(pasted, start=len(said)):
        msg.pasted(i, sentence)
    quoted = [s for block in (seg.history if replied else []) for s in sentences(block) if _FACTY.search(s)]
    for i, sentence in enumerate(quoted[:MAX_PASTED_SENTENCES], start=len(said) + len(pasted)):
        msg.pasted(i, sentence, numbers=False)
    return msg.result(seg.own)


class _Message(Statements, Merging, WholeMessage, ShortAnswers, Asking, Corrections):
    """Accumulates what the sentences of one message say, then checks it as a whole."""

    def __init__(self, catalog: Catalog, asked: tuple[str, ...], spec: DeploymentSpec | None, injected: bool,
                 has_why: bool = False):
        self.catalog, self.asked, self.spec, self.injected = catalog, asked, spec, injected
        # "make it 400 requests per minute" after "200 a minute at peak": the rate the user gave so far
        self.rate_default = ("peak_rps" if spec is not None and spec.stated("peak_rps") and not spec.stated("rps")
                             else "rps")
        self.has_why = has_why  # a why-question in the message: beliefs next to it are part of it
        self.known = spec is not None and (spec.use_case is not None or spec.users is not None or spec.rps is not None)
        self.questions: list[Q.Question] = []
        self.guessed: list[str] = []
        self.said_back: set[str] = set()  # fields whose held value a sentence said back (statements._said_back)
        self.facts = Facts()
        self.use_cases: list[tuple[Any, float, tuple[int, int], str, str]] = []
        self.weak_use_case = None
        self.intents: list[tuple[tuple[int, int], Intent]] = []
        self.options: list[int] = []
        self.whatifs: list[WhatIfRequest] = []
        self.dont_know: list[str] = []
        self.said_dont_know = False
        self.suspicious: list[str] = []
        self.leftovers: list[Any] = []
        self.whatif_problems: list[str] = []  # invalid hypothetical values: reported, but not a description
        self.consumed: set[str] = set()
        self.inferred: dict[str, str] = {}  # field -> the words its value was inferred from (not named)
        self.users_used_by = False  # the pasted user count was said of who uses the tool
        self.pasted_fields: set[str] = set()  # fields only pasted text (a quote, a document) gave
        self.pasted_lists: set[str] = set()  # GPU/model lists only pasted text gave
        self.retracted_exclusion = False  # the last retraction withdrew an exclusion ("I never wanted to exclude")
        self.narrowed: set[str] = set()  # exclusions said to be all that was meant ("I only meant no Llama 405B")
        self.asked_before: list[Q.Question] = []  # what the message's earlier questions named (GPU, model, number)
        self.mentioned_before: list[Q.Question] = []  # the GPUs or models its earlier statements named
        self.named_before: set[str] = set()  # the fields the sentence before named (what "that" withdraws)
        self.named_now: set[str] = set()
        self.ordered = False  # the sentence orders the agent, next to instruction-like text
        self.own_facts: list[str] = []  # the user's own sentences read as statements (not questions, not pasted)
        self.pasted_facts: list[str] = []  # the sentences of pasted text read as facts
        self.pasted_blocks: list[str] = []  # the pasted text itself, its lines kept (a query and what it printed)

    def sentence(self, index: int, sentence: str) -> None:
        parts = _WHY_CLAUSE.split(sentence)
        if len(parts) > 1 and all(p.strip() for p in parts):
            # "users 1.5k (not 1k), no L4, and why H100-SXM on opt 1?": the why asks about its own clause only
            for part in parts:
                self.sentence(index, part)
            return
        parts = _QUESTION_AFTER.split(sentence, maxsplit=1)
        if (len(parts) == 2 and all(p.strip() for p in parts) and not parts[0].rstrip().endswith("?")
                and not _CHECKS_THE_STATEMENT.search(parts[1].lower())):
            # "make that 300 ms for first token - how much more would that cost?": the order stands, the question
            # after it asks about its own clause only
            for part in parts:
                self.sentence(index, part)
            return
        if Q.retraction_count(sentence.lower()) > 1:  # "that GPU cap wasn't mine, and fp8 isn't a requirement"
            parts = [p for p in _CLAUSES.split(sentence) if p.strip()]
            if len(parts) > 1:
                for part in parts:
                    self.sentence(index, part)
                return
        sc = scope(sentence)
        if sc.whatif and self.asked and C.HEDGED_ANSWER.match(sc.low):  # "maybe 300?" answers, it proposes nothing
            sc = Scoped(sc.orig, sc.low, sc.low, "")
        if sc.whatif and _ASSUMED.match(sc.whatif) and not sc.low.rstrip().endswith("?") and self._unknown_said(sc):
            sc = Scoped(sc.orig, sc.low, sc.low, "")  # "let's say it peaks at 10 rps", of a figure not known: assumed
        self.named_now = set(Q.named_fields(sc.low))
        self.ordered = self.injected and bool(_AGENT_ORDER.search(sc.low))
        if self.ordered:
            self.suspicious.append("order next to instruction-like text: " + " ".join(sc.orig.split())[:100])
        self._sentence(index, sc)
        self.named_before = self.named_now

    def _unknown_said(self, sc: Scoped) -> bool:
        """The supposition sets only figures the user has not given: with nothing to compare it against, it is the
        figure to plan with."""
        hypo = read_facts(sc.orig[sc.split:], sc.whatif, self.catalog, self.asked)
        return bool(hypo.values) and all(self.spec is None or not self.spec.stated(f) for f in hypo.values)

    def _named(self, facts: Facts) -> None:
        self.named_now |= set(facts.values) | {k for k, v in facts.lists.items() if v}

    def whatif_of(self, facts: Facts) -> WhatIfRequest | None:
        return whatif_request(facts, self.whatif_problems)
