"""Names said in a scope of text: the Kubernetes namespace, and the models and GPUs allowed or ruled out (with
the rules about a GPU lifted or kept, additions, and GPUs named only in a condition).

Split from facts.py: these readers run first (a name is not a quantity: "Llama 3.1 8B" is not 8 billion of anything)
and blank what they read.
"""

from __future__ import annotations

import re

from agent.offline import vocabulary as V
from agent.offline.entities import NOT_JUST, find_gpus, find_models, polarity, someone_elses, with_count
from agent.offline.fact_sheet import Facts
from agent.offline.families import all_variants
from agent.offline.text import mask
from knowledge.catalog import Catalog

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
    rf"\bns\s*[=:]\s*{_NS_CANDIDATE}|\bns\s+(default|compass|[a-z0-9]+-[a-z0-9-]+)\b|\b(?:to|into|in|under|use|using)\s+(?:the\s+)?ns\s+{_NS_CANDIDATE}|"
    r"\bdeploy(?:\s+(?:it|this|that|them|option\s*#?\d+|the\s+\w+\s+one|#\d+))?\s+(?:to|into|in)\s+"
    r"([a-z0-9]+(?:-[a-z0-9]+)+|default)\b|"
    r"\b(?:put|move|place)\s+(?:it|this|that|them|option\s*#?\d+)\s+(?:in|into|to|on)\s+(?:the\s+)?"
    r"([a-z0-9]+(?:-[a-z0-9]+)+|default)\b", re.I)
_NOT_A_NAME = set("""a an the this that these those it its is isn are aren was were be been will would should shall
can could may might must do does doesn did don per for of in into to on at by from with without and or but not no
please you we our my your their his her they them i me us called named name namespace namespaces ns which what
where who how here there instead now then as any whatever same new one each every all some other another
given used using use set isolation level scope""".split())


def _namespace(orig: str, low: str, f: Facts) -> str:
    spans = []
    source = orig if len(orig) == len(low) else low
    pos = 0
    while (m := _NAMESPACE.search(source, pos)) is not None:
        group = next(g for g in range(1, (m.re.groups or 0) + 1) if m.group(g) is not None)
        name = m.group(group).rstrip(".-_,;:!?\"'`")
        if name.lower() in _NOT_A_NAME:
            pos = m.start() + 1  # "into our namespace radiology-prod": "our" is no name, the name follows the word
            continue
        pos = m.end()
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


_ADDITIVE_AFTER = re.compile(r"^[\w\s-]{0,25}?\b(?:too|as\s+well|also|allowed|back\s+(?:in|on|into)|is\s+(?:fine|ok|okay|allowed)|are\s+"
                             r"(?:fine|ok|okay|allowed)|(?:is|are)\s+back(?:\s+on\s+the\s+table|\s+in)?|"
                             r"(?:is|are)\s+(?:fine|ok|okay|allowed)\s+again|after\s+all)\b")
_ADDITIVE_BEFORE = re.compile(r"\b(?:also|include|including|add|allow|plus|bring\s+back|re-?add|re-?include|"
                              r"reinstate|restore)\s+(?:the\s+)?(?:\w+\s+)?$")


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


LIFTED_BEFORE = re.compile(V.LIFT + r"$")
_NOT_JUST = re.compile(NOT_JUST)
LIFTED_AFTER = re.compile(r"\s*(?:only\s+)?" + V.RESTRICTION)


# the cards named before refused by a pronoun later in the sentence: "don't suggest them again", "avoid those"
_REFUSED_AFTER = re.compile(r"\b(?:(?:don'?t|do\s+not|never|please\s+don'?t)\s+(?:ever\s+)?(?:suggest|recommend|propose|offer|"
                            r"put\s+us\s+on|give\s+us|want)\s+(?:them|those|these|that\s+one|those\s+cards)|avoid\s+(?:them|"
                            r"those)|never\s+again|"
                            # "Both H100 and H200 are on allocation - leave them out", "rule those out", "skip them"
                            r"(?:leave|keep|rule|take|cross)\s+(?:them|those|these|both)\s+out\b(?!\s+of\b)|(?:skip|drop|exclude|remove)\s+"
                            r"(?:them|those|these|both)(?:\s+(?:cards|gpus))?(?=\s*(?:[.;,!?]|$|please|from|too|as\s+well)))"
                            r"\b(?!\s+(?:to|for|in|on|at|running|sitting|idle)\b)")


_JOINED = re.compile(r"^\W*(?:and|or|&|/|,|\+|plus)?\W*$")


def _pointed_at(text: str, mentions: list, refusal: int) -> set[tuple[int, int]]:
    """The cards a refusal's pronoun points back to: the last named before it, with those joined to it ("Both H100
    and H200 are on allocation - leave them out")."""
    before = [m for m in mentions if m.end <= refusal]
    if not before:
        return set()
    run = [before[-1]]
    for m in reversed(before[:-1]):
        if not _JOINED.match(text[m.end:run[-1].start]):
            break
        run.append(m)
    return {(m.start, m.end) for m in run}


def _gpus(text: str, catalog: Catalog, f: Facts) -> str:
    mentions = polarity(text, find_gpus(text, catalog))
    spans = []
    # a card talked about and then ruled out ("bad experiences with A10G availability, so please leave A10G out"):
    # the exclusion after it is what the clause asks for
    excluded_later = [(m.start, set(m.names)) for m in mentions if not m.positive]
    conditional: set[str] = set()  # the cards of families named in a condition
    refused = _REFUSED_AFTER.search(text)
    pointed = _pointed_at(text, mentions, refused.start()) if refused else set()
    for m in mentions:
        if m.positive and refused and (m.start, m.end) in pointed:
            # "we tried L4s last year and they were painfully slow - please don't suggest them again"
            spans.append((m.start, m.end))
            f.add("exclude_gpus", m.broad or m.names)
            continue
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
        if LIFTED_AFTER.match(text, m.end) and LIFTED_BEFORE.search(text[max(0, m.start - 40):m.start]):
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
        # "any H100 will do", "both H100 variants": said of all of the family, as "no H100s" is (families.py)
        every = m.positive and bool(m.broad) and all_variants(text, m.start, m.end)
        f.add("gpus" if m.positive else "exclude_gpus", (m.broad or m.names) if additive or every else m.names)
        if m.positive and m.family and not additive:
            f.families.append(m.names)
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
_RULELIFTED_BEFORE = re.compile(V.LIFT.replace("(?:drop|", "(?:take\\s+back|reverse|undo|drop|") + r"(?:no[\s-])?$|"
                                 r"\b(?:don'?t|do\s+not|doesn'?t|no\s+longer)\s+(?:actually\s+|really\s+)?need\s+"
                                 r"(?:the\s+|that\s+|this\s+|our\s+|any\s+)?(?:no[\s-])?$")
_RULELIFTED_AFTER = re.compile(r"[^.;!?]{0,12}?\b(?:(?:was|is)\s+(?:a\s+mistake|wrong|an\s+error|not\s+(?:needed|necessary|"
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
        if re.search(r"\b(?:keep|leave|stick\s+with|don'?t\s+touch|do\s+not\s+touch)\s+(?:the\s+|that\s+|our\s+)?$", before):
            return "kept"  # "undo the budget change. keep the MI300X thing.": whatever was said of it stays
        return None  # "the H100 thing": no rule said
    lifted = _RULELIFTED_BEFORE.search(before) or _RULELIFTED_AFTER.match(text, after.end())
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

