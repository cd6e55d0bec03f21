"""The offline brain's reading of a message: the parser's result (contract.py) as dialogue acts (agent/acts.py).

The parser finds facts, commands, questions and what-ifs sentence by sentence; this module says what the turn
*does*: the spec acts (stated facts, retractions, corrections, "don't know"), then the questions and commands in
the order they were said. Messages that are not about a deployment at all (off-topic, another language, an
unknown slash command) are recognised here too, so they are answered without planning.
"""

from __future__ import annotations

import math
import re
from typing import Any

from agent.acts import (
    AskWhy, Compare, Confirm, DeployRequest, DontKnow, Exclude, Help, Include, Reading, Select, SetField,
    ShowManifests, Simple, UnsetField, UnsupportedLanguage, WhatIf,
)
from agent.offline.commands import DEPLOYMENT_ASKED, YES
from agent.offline.consent import rejected_asked_again
from agent.offline.contract import Intent, ParseResult
from agent.offline.glossary import gloss
from agent.offline.language import language_of, looks_english
from agent.offline.limits import LIMITS
from agent.offline.numbers import number_text
from agent.offline.parser import parse
from agent.offline.per_event import per_event_rate
from agent.offline.questions import named_fields
from agent.offline.namespace_answer import namespace_answer
from agent.offline.plan_questions import plan_question
from agent.offline.pointing import pointed_deploy
from agent.offline.provenance import source_question
from agent.offline.anaphora import counted_gpus, gpus_arrived, held_variants, more_machines, referred_gpus, ruled_out_referent
from agent.offline.families import family_note
from agent.offline.takeback import UNDO_ALL, UNDO_NAMED, value_said_again, value_withdrawn
from agent.offline.terms import term_question
from knowledge.catalog import Catalog
from knowledge.errors import CompassError
from knowledge.domain import DeploymentSpec
from tools.whatif import apply_changes

MAX_READ_CHARS = 20_000  # a paste beyond this is cut; the turn says what was left out
_SLASH = re.compile(r"^\s*/([A-Za-z][\w-]*)\b")
KNOWN_COMMANDS = {"help": Help(), "undo": Simple(act="undo"), "spec": Simple(act="show_spec"),
                  "reset": Simple(act="start_over"), "restart": Simple(act="start_over"),
                  "start-over": Simple(act="start_over"), "approve": Simple(act="approve_by_text"),
                  "yaml": ShowManifests(), "plan": Simple(act="recommend")}
_APPROVE_SAID = re.compile(r"^\W*(?:i\s+)?(?:approve[ds]?|approval|go\s+ahead\s+and\s+approve)(?:\s+(?:it|that|this|the\s+deployment))?"
                           r"(?:\s+please)?\W*$", re.I)
_UNDO = re.compile(r"^\W*(?:please\s+)?(?:undo|revert|roll\s*back)(?:\s+(?:that|this|it|the\s+(?:last\s+)?change|"
                   r"my\s+last\s+change))?\W*$|\bundo\s+(?:that|the\s+last\s+change|my\s+last\s+change)\b|"
                   r"\b(?:revert|roll\s*back)\s+(?:that|the\s+last\s+change)\b", re.I)
# the last change taken back, as a whole message: a verb of withdrawing and what it withdraws is the last thing said
# or changed ("scrap that, go back", "ignore my last message", "forget what I just said", "undo the budget change",
# "nvm, keep the budget as it was"); a field named alone ("forget the budget") is a retraction, read by the parser
_TAKE_BACK = re.compile(
    r"^\W*(?:(?:no|nah|nope|nvm|never\s*mind|sorry|oops|wait|hmm+|actually|ok(?:ay)?|scratch\s+that|on\s+second\s+thought)"
    r"\W+)*(?:please\s+)?(?:(?:undo|revert|roll\s*back|take\s+back|scrap|scratch|ignore|forget|disregard|drop)\s+"
    r"(?:that|this|it|what\s+i\s+(?:just\s+)?(?:said|wrote|typed|asked(?:\s+for)?)|my\s+(?:last|previous)\s+(?:message|"
    r"change|edit|request|answer|reply)|(?:the|that|this)\s+(?:last|previous|latest)\s+(?:change|edit|message|one|update)|"
    r"the\s+\w+\s+change)|take\s+"
    r"(?:that|it)\s+back|(?:keep|leave)\s+(?:it|that|the\s+\w+(?:\s+\w+)?)\s+(?:as\s+it\s+was|as\s+(?:it\s+was\s+)?before|"
    r"unchanged|the\s+way\s+it\s+was))(?:\W+(?:(?:let'?s\s+)?go|going)\s+back(?:\s+to\s+(?:before|the\s+\w+(?:\s+\w+)?))?)?"
    r"(?:\W+please)?\W*$", re.I)
# "put it back" undoes the last change only when it names nothing: "MI300X is ok after all - put it back in" is the
# GPU allowed again
_PUT_BACK = re.compile(r"\bput\s+(?:it|that|them)\s+back\b|\b(?:go|change\s+it|set\s+it|switch|revert)\s+back\s+to\s+"
                       r"(?:what|how|where)\s+(?:it|that|we)\s+(?:was|were|had|had\s+it)(?:\s+(?:before|earlier|originally|"
                       r"at\s+first))?\b|\b(?:go|change\s+it|set\s+it|switch)\s+back\s+to\s+(?:the\s+)?(?:previous|original|"
                       r"old|earlier)\s+(?:one|value|setting|number|figure)\b|\bback\s+to\s+(?:how|what)\s+it\s+was\b", re.I)
# a value brought back: "put the 15k budget back", "bring back the old TTFT", "restore the budget", "reinstate the cap"
_RESTORE = re.compile(r"\b(?:put|bring|add|set)\s+(?:the\s+|my\s+|our\s+|that\s+)?(?:[\w$€£.,-]+\s+){0,3}?back\b|"
                      r"\bbring\s+back\b|\brestore\b|\breinstate\b|\bre-?(?:add|instate|apply)\b")
# one field set back to what it was before its last change: "same as before for the ITL", "the old TTFT target again",
# "back to the previous budget", "the ITL as it was"
_AS_BEFORE = re.compile(r"\b(?:same\s+as\s+(?:before|earlier|originally|at\s+first)|as\s+(?:it\s+was\s+)?(?:before|"
                        r"earlier|originally)|as\s+it\s+was|(?:back\s+to|revert\s+(?:\w+\s+){0,3}?to|restore)\s+(?:the\s+|my\s+|our\s+)?"
                        r"(?:previous|old|original|earlier|first)|(?:the\s+)?(?:previous|old|original|earlier)\s+(?:[\w-]+\s+){0,3}?"
                        r"(?:again|back))\b")


def _restore_previous(text: str, parsed: ParseResult, state: Any) -> None:
    """'Too expensive. Same as before for the ITL then.': the one field the message names, with no new value, goes back
    to the value it had before it last changed (from the spec's undo history). 'put the 15k budget back': a value
    brought back is one the field held before; the number said picks which, and one it never held is not invented."""
    low = text.lower()
    if state is None or not getattr(state, "spec_history", None) or not (_AS_BEFORE.search(low) or _RESTORE.search(low)):
        return
    fields = [f for f in named_fields(low) if f in LIMITS and f not in parsed.updates and f not in parsed.cleared]
    if not fields and not parsed.updates and not parsed.cleared and _AS_BEFORE.search(low):
        # "the 10k option isn't much better. same as before then.": the field whose value the message says back,
        # else the one the last change changed
        said_back = number_text(low).values
        fields = [f for f in LIMITS if isinstance(v := getattr(state.spec, f, None), (int, float))
                  and not isinstance(v, bool) and any(math.isclose(v, x, rel_tol=0.01) for x in said_back)]
        fields = fields or list(dict.fromkeys(c.field for c in state.spec_history[-1].changes if c.field in LIMITS))
    if len(fields) != 1:
        return
    field = fields[0]
    current = getattr(state.spec, field, None)
    said = number_text(low).values if _RESTORE.search(low) else []
    for version in reversed(state.spec_history):
        before = getattr(version.spec, field, None)
        if said and not (isinstance(before, (int, float)) and any(math.isclose(before, v, rel_tol=0.05) for v in said)):
            continue  # "the 15k budget": the earlier value that is 15k, not merely the last one
        if before != current:
            if before is None:
                parsed.cleared.append(field)
            else:
                parsed.updates[field] = before
            parsed.spans[field] = " ".join(text.split())[:80]
            parsed.unparsed = False
            if Intent.DESCRIBE not in parsed.intents:
                parsed.intents.insert(0, Intent.DESCRIBE)
            return


# back to the value said first: "go back to what I said at the very beginning", "revert to my original number"
_TO_THE_START = re.compile(r"\b(?:(?:go(?:ing)?|switch|change\s+it|set\s+it|revert|put\s+it|take\s+it)\s+back|revert|return|"
                           r"reset\s+(?:it|that))\s+to\s+"
                           r"(?:what\s+(?:i|we)\s+(?:first\s+|originally\s+)?(?:said|had|asked\s+for|wanted|gave|started\s+with)|"
                           r"(?:the|my|our)\s+(?:original|first|initial|starting)\s+(?:one|value|number|figure|setting|target|"
                           r"ask))\b|\b(?:back|revert)\s+to\s+(?:the\s+)?(?:very\s+)?(?:beginning|start)\b")


def _restore_first(text: str, parsed: ParseResult, state: Any) -> None:
    """'Go back to what I said at the very beginning': the field named, or else the one the last change changed, takes
    the first value it held in the conversation (from the spec's history); nothing is read when that is unclear."""
    low = text.lower()
    history = getattr(state, "spec_history", None) if state is not None else None
    if not history or parsed.updates or parsed.cleared or not _TO_THE_START.search(low):
        return
    fields = [f for f in named_fields(low) if f in LIMITS] or list(dict.fromkeys(
        c.field for c in history[-1].changes if c.field in LIMITS))
    if len(fields) != 1:
        return
    field = fields[0]
    first = next((v for version in history if (v := getattr(version.spec, field, None)) is not None), None)
    if first is not None and first != getattr(state.spec, field, None):
        parsed.updates[field] = first
        parsed.spans[field] = " ".join(text.split())[:80]
        parsed.unparsed = False
        if Intent.DESCRIBE not in parsed.intents:
            parsed.intents.insert(0, Intent.DESCRIBE)


_ORDERED_PRIORITY = ((Intent.CHEAPER, "cost"), (Intent.FASTER, "latency"))


def _order_of_priority(text: str, parsed: ParseResult) -> None:
    """'add 500 more users and make it cheaper': beside other changes, "cheaper" is one more change to make (the cost
    priority), not a what-if to look at on its own."""
    if not (set(parsed.updates) - {"description", "priority"}) or parsed.whatifs or "priority" in parsed.updates:
        return
    for intent, value in _ORDERED_PRIORITY:
        if intent in parsed.intents:
            parsed.intents.remove(intent)
            parsed.updates["priority"] = value
            parsed.spans["priority"] = " ".join(text.split())[:80]
            return


def _owned_pool_dropped(parsed: ParseResult, spec: DeploymentSpec | None) -> None:
    """'we'll rent in the cloud' after 'on our own 4 H100s': the count of GPUs the team owned is no limit on rented
    ones (unless the message gives a count again)."""
    if (spec is not None and spec.cost_model == "owned" and parsed.updates.get("cost_model") not in (None, "owned")
            and spec.stated("max_gpus") and "max_gpus" not in parsed.updates and "max_gpus" not in parsed.cleared):
        parsed.cleared.append("max_gpus")


_LISTS = {"gpus", "models", "exclude_gpus", "exclude_models"}


def _undoes_named(text: str, named: re.Match, catalog: Catalog, asked: list[str] | None,
                  spec: DeploymentSpec | None) -> bool:
    """'Undo the halving, size for the full rollout': the last change taken back, when the rest of the message changes
    nothing and no GPU or model restriction is lifted by name ("undo the MI300X exclusion" lifts that one)."""
    rest = parse(gloss(text[:named.start()] + " " + text[named.end():]), catalog, asked=asked or [], spec=spec)
    if rest.updates or rest.cleared:
        return False
    whole = parse(gloss(text), catalog, asked=asked or [], spec=spec)
    return not (_LISTS & (set(whole.updates) | set(whole.cleared)))


# the words that say a bare number changes a value: "make it 3k", "change it to 6k", "actually 2.5k"
# a bare number said as a correction: "no 350", "nah 6.5k", "sorry, 1200"
_BARE_CORRECTION = re.compile(
    # (a short sentence of words may come first: "Lost that fight. 7k it is.")
    # ("*5000": a leading asterisk is chat's mark of a correction)
    r"^(?P<star>\s*\*\s*)?\W*(?:[a-z']+(?:\s+[a-z']+){0,5}[.!]\s+)?"
    r"(?P<cue>(?:no|nah|nope|nvm|never\s*mind|sorry|oops|wait|actually|make\s+(?:it|that)|i\s+meant|rather)\b\W*)?"
    r"(?P<said>(?:[a-z]+\s+)?(?:said|says|wants|approved|came\s+back\s+with)\s+|it'?s\s+|make\s+it\s+|more\s+like\s+|"
    r"i\s+meant\s+)?(?P<n>\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+)\s*(?P<k>k)?"
    r"(?P<tail>\s+(?:it\s+is|it'?ll\s+be|then|instead|after\s+all)|"
    # a typo owned up to: "5000. extra zero, sorry", "500 - typo"
    r"\W+(?:(?:an?\s+)?(?:extra|missing|one\s+too\s+many)\s+zeros?|typo|my\s+bad|fat[\s-]fingered|mistyped|sorry|oops)"
    r"(?:\W+(?:sorry|typo|my\s+bad|oops|lol))*)?\W*$", re.I)


def _bare_correction(text: str, state: Any) -> tuple[str, float] | None:
    """(field, value) when ``text`` is only a correction cue and a number, and the last turn changed one number."""
    m = _BARE_CORRECTION.match(text)
    if m is not None and not (m.group("star") or m.group("cue") or m.group("said") or m.group("tail")):
        m = None  # a number alone is no correction: it is asked back
    history = getattr(state, "spec_history", None) if m is not None else None
    if not history:
        return None
    changed = [c for c in history[-1].changes if isinstance(c.after, (int, float)) and not isinstance(c.after, bool)]
    if len(changed) != 1:  # (words changed beside it - a use case, a description - are no other number)
        return None
    value = float(m.group("n").replace(",", "")) * (1000 if m.group("k") else 1)
    field = changed[0].field
    return (field, int(value) if field in ("users", "concurrent_users", "max_gpus") else value) if value > 0 else None


_CHANGE_CUE = re.compile(r"\b(?:make\s+(?:it|that)|change\s+(?:it|that)\s+to|actually|rather|more\s+like|i\s+meant)\b")
# an order for some writing of its own ("write me a haiku about GPUs"): not a deployment, however it is worded
_WRITE_ME = re.compile(r"^\W*(?:(?:can|could|would)\s+(?:you|u|ya)\s+|please\s+|pls\s+)?(?:write|compose|draft|make\s+up|tell)\s+(?:me|us)\s+"
                       r"(?:a|an|some|one)\s+(?:\w+\s+){0,2}?(?:haiku|poem|joke|story|song|limerick|essay|riddle|"
                       r"sonnet|rap|verse)s?\b", re.I)
# ... or an errand of another kind ("unrelated, can you book me a flight to Lisbon, budget 900 euros"): its money and
# dates are the errand's, nothing of a deployment
_ERRAND = re.compile(r"^\W*(?:[\w\s]{0,25}[,:;-]\s*)?(?:(?:can|could|would|will)\s+(?:you|u|ya)\s+|please\s+|pls\s+)?"
                     r"(?:book|order|buy|reserve|schedule|get)\s+(?:me|us)\s+(?:a|an|some|the|two|\d+)\s+(?:[\w-]+\s+){0,2}?"
                     r"(?:flights?|hotels?|rooms?|tables?|taxis?|cabs?|tickets?|pizzas?|lunch|dinner|cars?|trains?|seats?|"
                     r"coffees?|flowers|gifts?)\b", re.I)
_SPEC_INTENTS = {Intent.DESCRIBE, Intent.DONT_KNOW}
_ASKS = re.compile(r"^\W*(?:what|who|where|when|which|how|can|could|would|will|is|are|do|does|tell\s+me|write|give\s+me)\b")
# words of the domain: a message with one of these is about a deployment, even if nothing in it was understood
_DOMAIN = re.compile(r"\b(?:llm|llms|model|models|gpu|gpus|deploy\w*|inference|vllm|kubernetes|k8s|latency|tokens?|"
                     r"users?|budget|cost|costs|chatbot|assistant|serving|throughput|requests?|plan|option|cluster|"
                     r"replicas?|ai|rag|compass|slo|slos|ttft|quantiz\w*|nvidia|cuda|"
                     # what a plan is made of and measured by: "which is better quality-wise?", "how many req/s now?",
                     # "what's the context length you'll configure?", "how much does that save?"
                     r"quality\w*|context|req/s|rps|qps|sav(?:e|es|ing|ings)|cheaper|pricier|expensive|price|spot|"
                     r"precision|fp8|fp4|bf16|int[48]|memory|vram|daily|concurrent\w*|manifests?|yaml|namespace|"
                     r"cach(?:e|ing)|kv|batch\w*|window|p9[59]|p50|targets?|headroom|autoscal\w*|scal(?:e|ing)|"
                     r"tensor|parallel\w*|tp|node|nodes|cards?|h100s?|a100s?|l4s?|l40s|h200s?|b200s?|mi300x)\b")


# a question whose referent is the plan, said without a word of the domain: "what did you come up with", "what's on top
# now?", "what do we lose?", "what does that buy us?", "what config would you run?"
_ABOUT_THE_PLAN = re.compile(
    r"\byou\s+(?:come|came)\s+up\s+with\b|\bon\s+top\b|\btop\s+(?:pick|choice|one)\b|"
    r"\bwhat\s+(?:do|did|would|will|can|could)\s+(?:we|i)\s+(?:lose|gain|get|give\s+up|sacrifice|end\s+up\s+with)\b|"
    r"\bwhat\s+(?:does|did|would|will)\s+(?:that|it|this)\s+(?:buy|get|give|change\s+for)\s+(?:us|me)\b|"
    r"\bwhat\s+(?:config|configuration|setup|set-up|hardware|sizing)\b|"
    r"\bwhat\s+would\s+you\s+(?:run|use|pick|recommend|suggest|go\s+with)\b|"
    r"\bwhat'?s\s+the\s+(?:verdict|result|damage|upshot|recommendation|outcome)\b|"
    r"\bwhat\s+(?:changes|changed)\b")


# A message in another language is still read when this many facts in it carry English units or nouns
MIXED_LANGUAGE_FACTS = 2
# ... or when one fact carries its unit as a symbol or code that reads the same in any language ("8.000 €", "500 ms")
_UNIT_SAID = re.compile(r"[$€£¥₹]|\d\s*(?:ms|usd|eur|gbp|chf|rps|qps|gpus?|tokens?)\b", re.I)

def _vendor(names: list[str], catalog: Catalog) -> str | None:
    """The vendor whose GPUs ``names`` are, all of them ("NVIDIA only" is a vendor, not a list of cards). A vendor
    with one card in the catalog is that card: "has to run on the MI300X" allows it, it does not rule out every
    other card."""
    for vendor in {g.vendor for g in catalog.gpus}:
        cards = {g.name for g in catalog.gpus if g.vendor == vendor}
        if len(cards) > 1 and set(names) == cards:
            return vendor
    return None


def _spec_acts(parsed: ParseResult, spans: dict[str, str], catalog: Catalog, text: str = "") -> list[Any]:
    acts: list[Any] = []
    for field, value in parsed.updates.items():
        span = spans.get(field, "") or (text[:80] if field in parsed.guessed else "")
        vendor = _vendor(list(value), catalog) if field in ("gpus", "exclude_gpus") else None
        if vendor and field == "gpus":
            acts.append(Include(kind="vendor", names=[vendor], only=field not in parsed.additive, span=span))
        elif vendor:
            acts.append(Exclude(kind="vendor", names=[vendor], span=span))
        elif field in ("gpus", "models"):
            acts.append(Include(kind="gpu" if field == "gpus" else "model", names=list(value), span=span,
                                only=field not in parsed.additive))
        elif field in ("exclude_gpus", "exclude_models"):
            acts.append(Exclude(kind="gpu" if field == "exclude_gpus" else "model", names=list(value), span=span,
                                only=field in parsed.narrowed))
        else:
            acts.append(SetField(field=field, value=value, span=parsed.inferred.get(field) or span,
                                 note=parsed.notes.get(field), sure=field not in parsed.guessed,
                                 inferred=field in parsed.inferred))
    acts += [UnsetField(field=f, span=spans.get(f, "")) for f in parsed.cleared]
    if parsed.dont_know or Intent.DONT_KNOW in parsed.intents:
        acts.append(DontKnow(fields=list(parsed.dont_know)))
    return acts


def _command_acts(parsed: ParseResult, state: Any) -> list[Any]:
    acts: list[Any] = []
    options = parsed.options
    whatifs = iter(parsed.whatifs)
    for intent in parsed.intents:
        if intent in _SPEC_INTENTS:
            continue
        if intent is Intent.WHATIF:
            acts += [WhatIf(label=w.label, changes=w.changes) for w in whatifs]
        elif intent is Intent.WHY and len(set(options)) >= 2 and all(
                q["about"] in ("option", "cost") for q in parsed.questions):
            # "why is option 1 better than option 2?", "why is option 3 cheaper than option 1?": a question about
            # two options is answered side by side, with what each gives up (not the first one's rationale alone)
            acts.append(Compare(options=list(dict.fromkeys(options))[:2]))
        elif intent is Intent.WHY:
            asked = parsed.questions or [{"about": "option", "target": options[0] if options else None}]
            figures = [q for q in asked if q["about"] in ("gpu_count", "cost")]
            if len({q["about"] for q in figures}) == 2:  # "how many GPUs? and the monthly cost?": the option's whole
                asked = [{"about": "option", "target": figures[0]["target"]}] + [q for q in asked if q not in figures]
            acts += [AskWhy(about=q["about"], target=q["target"]) for q in asked if not any(
                isinstance(a, AskWhy) and a.about == q["about"] and a.target == q["target"] for a in acts)]
        elif intent is Intent.COMPARE:
            acts.append(Compare(options=options))
        elif intent is Intent.SELECT:
            acts.append(Select(option=options[0] if options else None))
        elif intent is Intent.DEPLOY:
            acts.append(DeployRequest(option=options[0] if options else None))
        elif intent is Intent.SHOW_YAML:
            acts.append(ShowManifests(option=options[0] if options else None))
        elif intent is Intent.HELP:
            acts.append(Help())
        elif intent is Intent.GREETING:
            acts.append(Simple(act="greeting"))
        else:
            acts.append(Simple(act={Intent.START_OVER: "start_over", Intent.VALIDATE: "validate",
                                    Intent.SHOW_SPEC: "show_spec", Intent.RECOMMEND: "recommend",
                                    Intent.CHEAPER: "cheaper", Intent.FASTER: "faster"}[intent]))
    return acts


_TRAFFIC = ("users", "concurrent_users", "rps", "peak_rps")


def _restated_whatif(text: str, catalog: Catalog, state: Any) -> ParseResult | None:
    """'fine, go with 2 seconds' right after 'what if TTFT could be 2 s?': a value that restates what the last
    what-if tried, in any unit its field takes, is that field (read as the answer to a question about it)."""
    comparison = getattr(state, "comparison", None)
    if comparison is None or len(comparison.variants) != 1:
        return None
    changes = comparison.variants[0].changes
    fields = [f for name in changes for f in (_TRAFFIC if name == "traffic" else (name,)) if f in LIMITS]
    if not fields:
        return None
    try:
        target = apply_changes(state.plan.spec if state.plan else state.spec, changes, catalog)
    except CompassError:
        return None
    parsed = parse(text, catalog, asked=fields, spec=state.spec)
    values = {f: v for f, v in parsed.updates.items() if f in fields}
    tried = {f: getattr(target, f) for f in values}
    if values and all(tried[f] is not None and math.isclose(float(v), float(tried[f]), rel_tol=0.02)
                      for f, v in values.items()):
        return parsed
    if len(values) == 1 and _CHANGE_CUE.search(text.lower()):
        return parsed  # "fine, make it 800 for real" after "what if it was 1,000 devs?": that field, another value
    return None


def _new_values(parsed: ParseResult, spec: DeploymentSpec | None) -> set[str]:
    """Fields a message gives a value other than the one held ("the cards we have" of an owned plan restates it)."""
    return {k for k, v in parsed.updates.items() if k != "description" and (spec is None or getattr(spec, k, None) != v)}


def _adopted(state: Any, catalog: Catalog, index: int) -> list[Any]:
    from agent.offline.policy import adopted_acts  # the policy imports the tools, which read messages

    return adopted_acts(state, catalog, index)


def _read_words(parsed: ParseResult) -> list[str]:
    """What a message in another language was read for, in words: its phrases, then the fields read without one."""
    said = list(parsed.spans.values())
    for name, value in parsed.updates.items():
        if name not in parsed.spans and name != "description":
            items = value if isinstance(value, list) else [value]
            said.append(f"{name.replace('_', ' ')} {', '.join(str(getattr(v, 'value', v)).split('/')[-1] for v in items)}")
    return said


def read_message(text: str, catalog: Catalog, *, asked: list[str] | None = None,
                 spec: DeploymentSpec | None = None, state: Any = None) -> Reading:
    """Everything ``text`` says, as dialogue acts."""
    notes: list[str] = []
    if len(text) > MAX_READ_CHARS:
        # cut where a word ends, so the part left out starts with a whole word
        end = text.rfind(" ", MAX_READ_CHARS - 200, MAX_READ_CHARS + 1)
        end = end if end > 0 else MAX_READ_CHARS
        cut = text[end:].lstrip()
        notes.append(f"Your message is {len(text):,} characters long; I read the first {end:,} and left "
                     f"out the last {len(cut):,} (from \"{' '.join(cut[:60].split())}...\"). Send anything important "
                     "from that part separately.")
        text = text[:end]
    slash = _SLASH.match(text)
    if slash:
        command = slash.group(1).lower()
        act = KNOWN_COMMANDS.get(command) or Help(command="/" + command)
        return Reading(acts=[act], notes=notes)
    if _APPROVE_SAID.match(text):  # "approve", "approved!" typed with nothing waiting (a pending one is the interrupt's)
        return Reading(acts=[Simple(act="approve_by_text")], notes=notes)
    if DEPLOYMENT_ASKED.search(text.lower()):  # "stop the deployment", "is it still running?"
        return Reading(acts=[Simple(act="deployment_status")], notes=notes)
    if UNDO_ALL.search(text):
        return Reading(acts=[Simple(act="undo_all")], notes=notes)
    if _UNDO.search(text) or _TAKE_BACK.search(text):
        return Reading(acts=[Simple(act="undo")], notes=notes)
    if (named := UNDO_NAMED.search(text)) and state is not None and _undoes_named(text, named, catalog, asked, spec):
        return Reading(acts=[Simple(act="undo")], notes=notes)
    if (namespace := namespace_answer(text, state)) is not None:  # "default then", after a refused namespace
        return Reading(acts=[SetField(field="namespace", value=namespace, span=text.strip()), DeployRequest()],
                       notes=notes)
    if (meanings := term_question(text)) is not None:  # "what mean p95 TTFT?": the words Compass prints, explained
        return Reading(acts=[Simple(act="explain_term")], notes=notes + meanings)
    if state is not None and getattr(state, "plan", None) is not None and (
            source := source_question(text, tuple(LIMITS))) is not None:
        # "why is the TTFT target 500 ms? I'd rather have 300": where the value came from, and a bare number said
        # beside the question is a new value of that field (read as the answer to a question about it)
        field, rest = source
        said = parse(gloss(rest), catalog, asked=[field], spec=spec) if rest.strip() else None
        changes = _spec_acts(said, said.spans, catalog, rest.strip()) if said is not None else []
        return Reading(acts=[*changes, AskWhy(about="source", target=field)], notes=notes)
    if state is not None and getattr(state, "plan", None) is not None and (asked_about := plan_question(
            text, lambda: not _new_values(parse(gloss(text), catalog, asked=asked or [], spec=spec), spec))):
        return Reading(acts=asked_about, notes=notes)  # agent/offline/plan_questions.py: fits, cost, failure, ...
    if _WRITE_ME.search(text) or _ERRAND.search(text):
        return Reading(acts=[Simple(act="off_topic")], notes=notes)
    language = language_of(text)
    # the words of other languages that are a number's unit ("1.200 Mitarbeitende", "0,8 Sekunden") read as English
    glossed = gloss(text, language)
    parsed = parse(glossed, catalog, asked=asked or [], spec=spec) if language else None
    # what was read: its values and lists ("nur Modelle von Mistral"), the work its glossed words name ("1.200
    # Sachbearbeiter ... zusammenfassen"), and an order to deploy ("... default deployen")
    read = len(set(parsed.spans) | set(parsed.updates) - {"description"}) + (Intent.DEPLOY in parsed.intents) \
        if parsed else 0
    if language and read < MIXED_LANGUAGE_FACTS and not any(map(_UNIT_SAID.search, parsed.spans.values())):
        return Reading(acts=[UnsupportedLanguage(language=language)], notes=notes)
    if language:
        # A message ("Chatbot interne pour nos 2 500 agents ... 0,8 s") whose numbers carry units, product words or
        # words of the glossaries is read for those, and the reply says what it took and that nothing else was read
        notes = notes + [f"This message reads as {language}; I only understand English, and read other languages "
                         f"through a short glossary of numbers, units, product words and common work words, so this "
                         f"is all I took from it: {', '.join(_read_words(parsed))}. Please check it, and say anything "
                         "else in English."]
    if state is not None and state.to_confirm and YES.match(text.lower()):
        return Reading(acts=[Confirm(span=text.strip())], notes=notes)
    if rejected_asked_again(text, state):
        return Reading(acts=[DeployRequest(option=state.deployment.option, namespace=state.deployment.namespace)],
                       notes=notes)
    if parsed is None:
        glossed = counted_gpus(glossed, catalog, state)  # "what if we only had 2 of them?" of the GPUs named
        glossed = held_variants(glossed, catalog, state)  # "sorry, SXM, not PCIe" of the H100 held
        glossed = ruled_out_referent(glossed, catalog, state)  # "exclude it" after "why not gpt-oss-120b?"
    parsed = parsed or parse(glossed, catalog, asked=asked or [], spec=spec)
    _restore_first(text, parsed, state)
    if _PUT_BACK.search(text) and not (parsed.updates or parsed.cleared):
        return Reading(acts=[Simple(act="undo")], notes=notes)
    if (fixed := _bare_correction(text, state)) is not None:
        # "ttft 400" then "no 350", "budget 6k" then "nah 6.5k": a bare number said as a correction of the one value
        # changed last is that value again
        parsed.updates, parsed.guessed, parsed.unparsed = {fixed[0]: fixed[1]}, [], False
        parsed.spans = {fixed[0]: " ".join(text.split())[:80]}
        parsed.intents = [Intent.DESCRIBE]
    if parsed.guessed and state is not None and state.comparison is not None:
        # "yes, plan for 10k" right after "what if we grow to 10k users?": the what-if says which field it is
        proposed = {k: v for row in state.comparison.variants for k, v in row.changes.items()}
        parsed.guessed = [f for f in parsed.guessed if proposed.get(f) != parsed.updates.get(f)]
    if parsed.guessed and state is not None and getattr(state, "spec_history", None) and _CHANGE_CUE.search(text.lower()):
        # "make it 3k" a turn or two after "budget 2k a month": a bare number said as a change, near the one value the
        # user changed last, is that value changed again, no guess to confirm (a bare "2500" still is one)
        last = {c.field for c in state.spec_history[-1].changes}
        if len(last) == 1:
            parsed.guessed = [f for f in parsed.guessed if f not in last]
    if parsed.unparsed and (restated := _restated_whatif(text, catalog, state)) is not None:
        parsed = restated
    if state is not None and {"rps", "peak_rps"} & set(parsed.updates):
        # "no, I meant 3000 calls per hour" after "each call triggers roughly 10 suggestions": the requests per call
        # said in an earlier message still hold
        earlier = [str(m.content) for m in reversed(getattr(state, "messages", [])) if getattr(m, "type", "") == "human"]
        per_event_rate(earlier, parsed.spans, parsed.updates, parsed.notes)
    _restore_previous(text, parsed, state)
    if (come := gpus_arrived(text, state)) is not None:  # "the other 4 L4s finally showed up. we have 8 now."
        parsed.updates["max_gpus"], parsed.notes["max_gpus"] = come
        parsed.spans["max_gpus"] = " ".join(text.split())[:80]
        if parsed.updates.get("users") == come[0]:  # "we have 8 now" counted the cards, not people
            parsed.updates.pop("users")
        parsed.unparsed = False
    if "max_gpus" not in parsed.updates and (more := more_machines(text, state)) is not None:
        parsed.updates["max_gpus"], parsed.notes["max_gpus"] = more  # "we just got a second identical box"
        parsed.spans["max_gpus"] = " ".join(text.split())[:80]
        parsed.unparsed = False
        if Intent.DESCRIBE not in parsed.intents:
            parsed.intents.insert(0, Intent.DESCRIBE)
    if not ({"gpus", "exclude_gpus"} & set(parsed.updates)) and (referred := referred_gpus(text, catalog, state)):
        parsed.updates["gpus"], parsed.spans["gpus"] = referred  # "use those" = the GPUs named a turn before
        parsed.unparsed = False
    _order_of_priority(text, parsed)
    _owned_pool_dropped(parsed, spec)
    if (gone := value_withdrawn(text, state)) is not None:  # "drop the 1 second requirement": the target holding 1 s
        parsed.updates.pop(gone, None)
        parsed.spans.pop(gone, None)
        parsed.cleared += [gone] if gone not in parsed.cleared else []
        parsed.unparsed = False
    if not parsed.updates and (again := value_said_again(text, state)) is not None:
        parsed.updates[again[0]] = again[1]
        parsed.spans[again[0]] = " ".join(text.split())[:80]
        parsed.unparsed = False
        parsed.intents.insert(0, Intent.DESCRIBE)
    if parsed.updates.get("gpus") and (said := family_note(text, list(parsed.updates["gpus"]), catalog)):
        notes = notes + [said]  # "H100 only" took the H100-SXM: said, as "no H100" takes every H100
    acts = _spec_acts(parsed, parsed.spans, catalog, text.strip()) + _command_acts(parsed, state)
    acts = pointed_deploy(text, acts, state, lambda st, i: _adopted(st, catalog, i))
    if not acts:
        # English words about something else entirely are off-topic; anything else is not understood
        low = text.lower().strip()
        question = low.endswith("?") or bool(_ASKS.match(low))
        about_plan = question and bool(_ABOUT_THE_PLAN.search(low))  # "what's on top now?": the plan is the answer
        off_topic = question and looks_english(text) and not parsed.suspicious and not _DOMAIN.search(low)
        # a requirement that is not modelled and nothing else: said back with the plan as it stands
        acts.append(Simple(act="recommend" if parsed.remarks or about_plan else "off_topic" if off_topic else
                           "unclear_question" if question and state.plan is not None else "unclear"))
    return Reading(acts=acts, notes=notes + list(parsed.contradictions) + list(parsed.remarks),
                   suspicious=list(parsed.suspicious))
