"""How important a clause says each measure (cost, latency, quality) is: one grammar for every measure.

The priority tables of vocabulary.py name each measure with its own phrases; this grammar reads what a clause
predicates of any measure, however the measure is named (one word table, vocabulary._DIMENSION_WORDS):
- said to rank first: "snappiness is everything", "accuracy should be priority number one", "cost should come
  first now, not latency", "turnaround time is king", "lowest cost wins";
- a choice of the extreme said as a statement: "cheapest option.", "fastest one please", "cheapest wins";
- a trade that gives up one measure to keep another: "I'd rather they wait a bit longer than get a sloppy answer"
  (quality), "I'd rather pay more than have people wait" (latency);
- what the output must be: "the answers have to be really good", "summaries need to be spot-on" (quality).
A measure said not to matter ("latency doesn't matter at all") is never the priority; the clause's other measure
may be.
"""

from __future__ import annotations

import re

from agent.offline.vocabulary import _DIMENSION_WORDS

_M = {k: rf"(?:{v}|{extra})" for (k, v), extra in zip(_DIMENSION_WORDS.items(), (
    r"the\s+(?:monthly\s+|cloud\s+|gpu\s+)?bill|spend",
    r"turnaround(?:\s+times?)?|wait(?:ing)?\s+times?|response\s+speed|snappiness|responsiveness|low\s+latency",
    r"answer\s+quality|output\s+quality|(?:the\s+)?(?:answers?|outputs?|results?)\s+quality|getting\s+it\s+right"))}
_INTENS = r"(?:really\s+|absolutely\s+|by\s+far\s+|clearly\s+|simply\s+|just\s+|truly\s+|now\s+|definitely\s+)?"
_COPULA = r"(?:is|are|'s|should\s+be|must\s+be|has\s+to\s+be|needs?\s+to\s+be|will\s+be|becomes?|remains?|stays?)"
_TOP = (r"(?:everything|king|queen|key|paramount|critical|crucial|non[\s-]?negotiable|essential|mandatory|"
        r"a\s+(?:hard\s+)?must(?:[\s-]have)?|the\s+must[\s-]have|what\s+(?:really\s+)?matters"
        r"(?:\s+most)?|all\s+that\s+matters|the\s+(?:whole\s+)?point|(?:the\s+|our\s+|my\s+)?(?:top|main|first|"
        r"biggest|primary|overriding)\s+(?:priority|concern|goal|requirement|criterion)|(?:the\s+|our\s+)?(?:priority|"
        r"focus)(?:\s+(?:one|#\s?1|number\s+one|no\.?\s?1))?|priority\s+(?:one|#\s?1|number\s+one|no\.?\s?1)|"
        # "the most important point for us", "the single most important thing"
        r"the\s+(?:single\s+)?most\s+important\s+(?:point|thing|factor|aspect|criterion|part|requirement))")
_FIRST = (r"(?:(?:should|must|has\s+to|needs?\s+to|will|would|has\s+got\s+to|gets?\s+to|can)\s+)?(?:now\s+)?"
          r"(?:come|go|be|rank)s?\s+(?:first|on\s+top|number\s+one)")
# ("cost rules!" but not "pricing rules, objection handling": the rules of pricing are what the tool knows)
_WINS = r"(?:wins?|rules?(?=\s*(?:$|[.!)]|here\b|everything\b|all\b|supreme\b|the\s+day\b))|takes?\s+priority|takes?\s+precedence|(?:is|'s)\s+the\s+tie[\s-]?breaker)"
# the extreme of a measure, chosen: "cheapest", "fastest", "most accurate"
_EXTREME = {"cost": r"cheapest|lowest[\s-](?:cost|price)|least\s+expensive",
            "latency": r"fastest|quickest|snappiest|lowest[\s-]latency",
            "quality": r"most\s+accurate|highest[\s-]quality|best[\s-]quality|smartest"}
# the comparative of a measure, the better: "the faster the better", "the cheaper the better"
_BETTER = {"cost": r"cheaper|less\s+(?:expensive|we\s+(?:spend|pay))|lower\s+the\s+(?:cost|bill|price)",
           "latency": r"faster|quicker|snappier|more\s+responsive|lower\s+the\s+latency",
           "quality": r"more\s+accurate|smarter|better\s+the\s+answers?|higher\s+the\s+quality|more\s+correct"}
_CARE = (r"(?:\b(?:we|i|they|people|users|the\s+\w+)\s+(?:really\s+)?care\s+(?:most|mostly|only|more|a\s+lot)\s+about\s+(?:the\s+)?|"
         # "our CFO cares about exactly one thing here: the monthly bill"
         r"\bcares?\s+about\s+(?:exactly\s+|only\s+|just\s+)?one\s+thing(?:\s+here)?(?:\s+only)?\s*[:—–-]\s*(?:the\s+)?)")
_CHOICE = r"(?:option|one|plan|setup|config(?:uration)?|choice|thing|model|route|way)"
# giving a measure up: waiting longer is latency given up, paying more is cost, a worse answer is quality
_GIVE_UP = {"latency": r"wait(?:s|ing)?(?:\s+a\s+(?:bit|little|few\s+\w+))?(?:\s+(?:longer|more))?|be\s+slower|slower|"
                       r"take\s+longer|lag|a\s+delay|delays?|"
                       # "than feel slow again", "than look sluggish to customers"
                       r"(?:feel|be|seem|look|get|come\s+across\s+as)\s+(?:\w+\s+)?(?:slow|sluggish|laggy)",
            "cost": r"pay\s+(?:a\s+bit\s+|a\s+little\s+|a\s+lot\s+)?more|spend\s+(?:a\s+bit\s+|a\s+little\s+)?more|"
                    r"a\s+bigger\s+bill|more\s+expensive|overspend|go\s+over\s+(?:the\s+)?budget|"
                    r"pay\s+(?:double|twice|extra|a\s+premium)",
            "quality": r"(?:get|have|give|see|ship|serve|accept)\s+(?:\w+\s+){0,2}?(?:sloppy|wrong|bad|worse|"
                       r"inaccurate|mediocre|dumb(?:er)?|half[\s-]baked|garbage|so-so)\b(?:\s+[a-z]+)?|"
                       r"(?:sloppy|wrong|bad|worse|inaccurate|mediocre)\s+(?:answers?|outputs?|results?|summar(?:y|ies))"}
_RATHER = r"\b(?:i'?d|we'?d|i\s+would|we\s+would|would)\s+(?:much\s+)?rather\s+(?:\w+\s+){0,3}?"
_OUTPUT = (r"\b(?:the\s+|our\s+|its\s+|their\s+)?(?:answers?|responses?|outputs?|results?|summar(?:y|ies)|translations?|"
           r"drafts?|reviews?)\s+(?:have|has|need|needs|must|should|got)\s+(?:to\s+)?be\s+(?:really\s+|very\s+|super\s+|"
           r"extremely\s+|genuinely\s+|actually\s+)?(?:good|great|excellent|accurate|correct|right|spot[\s-]on|reliable|"
           r"high[\s-]quality|top[\s-]notch|trustworthy|precise)\b(?!\s+enough)")
_LOW = (r"\s+(?:(?:really\s+)?(?:doesn'?t|does\s+not|don'?t|do\s+not)\s+(?:really\s+)?matter|"
        # "money isn't the issue", "cost is no object", "the budget is not our constraint"
        r"(?:is|are)(?:n'?t|\s+not)\s+(?:really\s+)?(?:the|an?|our|my)\s+(?:main\s+|big\s+)?(?:issue|problem|concern|"
        r"constraint|worry|bottleneck|priority)|(?:is|are)\s+no\s+(?:object|issue|problem|concern)|(?:is|are)\s+(?:just\s+|only\s+)?"
        r"(?:a\s+)?nice[\s-]to[\s-]have|(?:is\s+|are\s+)?(?:totally\s+|"
        r"completely\s+|fairly\s+)?(?:irrelevant|secondary|unimportant|not\s+(?:important|a\s+(?:concern|priority|"
        r"factor|problem|issue)|critical))|can\s+(?:be\s+)?wait)")
_NOT_NEEDED = re.compile(r"(?:\bnot|n't|\b(?:doesnt|dont|isnt|neednt|wont|cant|never)|\bno\s+need\s+(?:for\s+it\s+)?to)\s+"
                         r"(?:\w+\s+){0,3}?(?:the\s+)?\W?$")
_QUESTION = re.compile(r"\?\s*$|^\W*(?:what|which|how|is|are|does|do|can|could|would|should)\b")

_SAID: list[tuple[str, re.Pattern]] = []
for _k, _w in _M.items():
    # the measure, or its extreme chosen ("cheapest possible is the priority"), with what it is of ("quality of the
    # Japanese text is the most important point")
    _SAID.append((_k, re.compile(rf"\b(?:{_w}|(?:{_EXTREME[_k]})(?:\s+possible)?)\b(?:\s+of\s+(?:the\s+|our\s+)?(?:[\w-]+\s+){{0,2}}?[\w-]+)?"
                                 rf"\s*(?:(?:{_COPULA}\s+|[:=—–-]\s*){_INTENS}{_TOP}|{_INTENS}{_FIRST})\b|"
                                 rf"\b{_w}[\s-]first\b(?![\s_-]+(?:token|byte|response|word|chunk))|\b(?:{_w}|{_EXTREME[_k]})(?:\s+{_CHOICE})?\s+{_WINS}\b|"
                                 rf"\b(?:top|first|main|number\s+one|#\s?1)\s+priority\s+(?:is|=|:)\s+{_w}\b|"
                                 rf"\bthe\s+(?:{_BETTER[_k]})\s+the\s+better\b|{_CARE}{_w}\b")))
# the extreme that still does the job: "the cheapest option that works", "fastest one that fits the budget"
_GOOD_ENOUGH = (r"(?:\s+(?:that|which)\s+(?:still\s+)?(?:works?|does\s+the\s+job|hits\s+(?:it|them|the\s+\w+)|fits(?:\s+(?:in\s+)?(?:the|our|my)\s+budget)?|meets\s+[^.;!?]{0,30}?|is\s+good\s+enough|"
                r"holds\s+up|gets\s+the\s+job\s+done)|\s+(?:(?:you|we)\s+(?:can\s+(?:possibly\s+)?(?:find|get|buy|have|do)|have)|"
                r"possible|available|around))?")
_CHOSEN = [(k, re.compile(rf"(?:^|[.,;:!(—–-]|\b(?:just|the|and|so|but|then|want|need|pick|take|give\s+me|go\s+for|"
                          rf"whatever(?:'s|\s+is)|whichever(?:'s|\s+is))"
                          rf")\s*(?:the\s+)?(?:{v})(?:\s+{_CHOICE})?{_GOOD_ENOUGH}\s*(?:please|pls|plz)?\s*(?:[.!;)—–-]|$)"))
           for k, v in _EXTREME.items()]
# the extreme asked for as the most one can get: "lowest latency we can possibly get", "the cheapest you can find"
_MOST_WE_CAN = [(k, re.compile(rf"\b(?:{v})\s+(?:{_M[k]}\s+|(?:setup|option|config\w*|plan|hardware|one|thing)\s+)?(?:(?:we|you)\s+can\s+(?:possibly\s+)?(?:get|find|buy|have|"
                               rf"do|build)|(?:that\s+)?money\s+can\s+buy)\b")) for k, v in _EXTREME.items()]
_TRADES = [(keep, re.compile(rf"{_RATHER}(?:{_GIVE_UP[give]})\b[^.;!?]{{0,40}}?\bthan\s+(?:\w+\s+){{0,4}}?"
                             rf"(?:{_GIVE_UP[keep]})"))
           for give in _GIVE_UP for keep in _GIVE_UP if give != keep]
# paying more to get a measure: "I'd pay double to halve latency", "we'll spend extra for better answers"
_BETTER_OF = {"latency": rf"(?:{_M['latency']})|faster|quicker|snappier|lower\s+latency",
              "quality": rf"(?:{_M['quality']})|better\s+(?:answers|outputs|results|quality)|smarter\s+answers"}
_PAY_FOR = [(k, re.compile(rf"(?:'d|'ll|\b(?:would|will|can|could|(?:willing|happy|ready|prepared|glad|fine|ok)\s+to))\s+"
                           rf"(?:gladly\s+|happily\s+|easily\s+|even\s+)?(?:pay|spend)\s+(?:double|twice(?:\s+as\s+much)?|\d+x|triple|(?:a\s+(?:bit|lot)\s+)?more|"
                           rf"extra|a\s+premium|whatever\s+it\s+takes)\s+(?:\w+\s+){{0,2}}?(?:to|for|if\s+it)\s+"
                           rf"(?:\w+\s+){{0,3}}?(?:{w})\b")) for k, w in _BETTER_OF.items()]
# one measure said not to matter, then the one that does, left elliptic: "money isn't the issue here, answer quality
# is", "cost is no object - speed is"
_CONTRAST = [(k, re.compile(rf"\b(?:{_M[low]})\b{_LOW}[^.;!?]{{0,20}}?(?:[,;:—–-]|\bbut\b)\s*(?:but\s+|it'?s\s+)?"
                            rf"(?:the\s+)?(?:{_M[k]})\s+(?:is|are)\b(?!\s+(?:also\s+|too\s+)?(?:not|n'?t|fine|ok|secondary))"))
             for low in _M for k in _M if low != k]
_OUTPUT_RE = re.compile(_OUTPUT)
_LOW_RE = {k: re.compile(rf"\b{w}\b{_LOW}") for k, w in _M.items()}


def said_priority(clause: str) -> tuple[str, str] | None:
    """(priority, the words it was read from) that the lower-cased ``clause`` states, or None."""
    hits: list[tuple[int, str, str]] = []
    low = {k for k, p in _LOW_RE.items() if p.search(clause)}
    for kind, pattern in _SAID:
        hits += [(m.start(), kind, m.group(0)) for m in pattern.finditer(clause)]
    for kind, pattern in _TRADES:
        hits += [(m.start(), kind, m.group(0)) for m in pattern.finditer(clause)]
    for kind, pattern in (*_PAY_FOR, *_CONTRAST, *_MOST_WE_CAN):
        hits += [(m.start(), kind, m.group(0)) for m in pattern.finditer(clause)]
    for m in _OUTPUT_RE.finditer(clause):
        hits.append((m.start(), "quality", m.group(0)))
    if not _QUESTION.search(clause):
        for kind, pattern in _CHOSEN:
            for m in pattern.finditer(clause):
                if _NOT_NEEDED.search(clause[max(0, m.start() - 30):m.start()]):
                    low.add(kind)  # "it needn't be the fastest": that measure is not the priority
                else:
                    hits.append((m.start(), kind, m.group(0).strip(" .,;:!-")))
    hits = [h for h in hits if h[1] not in low]
    return (min(hits)[1], min(hits)[2]) if hits else None
