"""Questions and retractions: sentences whose facts must NOT become requirements.

A why-question ("why not an H100?", "why is option 2 $900 more?", "why 9 GPUs?") names what it asks about; the
GPUs, models, numbers and money in it are its targets, never spec values. Another question that names facts once
a need is known ("how much would it cost on H200s?", "would B200 be cheaper?", "is 70B possible on one GPU?")
is a hypothetical: a what-if, not an edit. A belief said next to a why-question ("I thought 70B fits on one
H200") is part of the question. A retraction ("I never said we only have 1 GPU", "I didn't rule out the L40S")
withdraws what it names. A question comparing self-hosting with a hosted API ("would a hosted API be
cheaper?") asks for the plan's API comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.offline.fact_sheet import Facts
from agent.offline.text import POLITE_ORDER

# Words that open a sentence without being part of it ("Curious: wouldn't an H100 do?", "funny, I thought ...",
# "quick one - why not L4s?", "out of curiosity, couldn't we ..."): a question or a belief starts after them
LEAD = (r"(?:(?:but|so|and|ok|okay|hmm+|hm+|wait|then|sorry|also|well|huh|oh|ah|actually|right|"
        r"(?:just\s+)?curious(?:ly)?|just\s+wondering|wondering|out\s+of\s+curiosity|funny(?:\s+thing)?|"
        r"honestly|seriously|genuinely|interesting(?:ly)?|weird(?:ly)?|odd(?:ly)?|strange(?:ly)?|btw|by\s+the\s+way|"
        r"fwiw|(?:a\s+)?(?:quick|honest|serious|dumb|naive|side|silly|genuine|random|follow[\s-]?up|last)\s+"
        r"(?:question|q|one|thought)|one\s+(?:more\s+)?(?:question|thing))\W+)*")
WHY = re.compile(r"^\W*" + LEAD +
                 r"(?:why|y(?=\s+not\b)|how\s+come)\b|"
                 # ("FP4 is why we picked them", "that's why we need it": a reason given, not asked, unless asked)
                 r"\bwhy(?:(?<!\bis\swhy)(?<!'s\swhy)(?<!\bwas\swhy)|(?=[^.!]{0,300}\?\s*$))\s+(?:not|is|are|was|were|do|does|did|would|should|on|use|pick|choose|go|"
                 r"isn'?t|aren'?t|wasn'?t|weren'?t|doesn'?t|don'?t|didn'?t|wouldn'?t|hasn'?t|haven'?t|can'?t|"
                 r"the|so|only|that|this|these|those|we|you|it|\d)\b|\bwhat\s+makes\s+(?:option|it|that|this|the)\b|"
                 # "where did the 2 GPU limit come from?": asks where a value came from (withdrawn only if said so)
                 r"\bwhere\s+(?:did|does|do|is|'s)\b[^.?!]{1,60}\b(?:come\s+from|from)\s*(?:\?|$)")
_INTERROGATIVE = re.compile(r"^\W*" + LEAD +
                            r"(?:how|what|which|is|are|isn'?t|aren'?t|can|could|would|wouldn'?t|couldn'?t|can'?t|shouldn'?t|"
                            r"won'?t|will|"
                            # "do we ...?" asks; "do 2.5k" (do it with 2.5k) is an imperative
                            r"(?:does|do)(?=\s+(?:we|you|i|they|it|that|this|these|those|the|our|your|an?|any|all|"
                            r"people|users|l\d|h\d|a\d)\b)|"
                            r"should|shall|may|might|"
                            # musing aloud: "I wonder if Qwen would be better", "curious whether fp8 fits"
                            r"(?:(?:i|we)\s*(?:(?:was|am|'m|were|are|'re)\s+)?)?(?:wonder(?:ing)?|curious)\s+(?:if|whether)|"
                            r"(?:i'?d|we'?d)\s+(?:love|like)\s+to\s+know\s+(?:if|whether)|"
                            # a short fragment asked after "and": "and spot?", "or on two L4s?"
                            r"(?:and|or|also|plus)\s+(?=(?:[\w$€£.,%'/-]+\s*){1,4}\?\s*$)(?:\w+)|"
                            # an extreme asked for as a noun phrase: "the cheapest thing that still gets the first token
                            # under 500 ms?"
                            r"(?:the\s+other\s+extreme\W+)?the\s+(?:cheapest|fastest|quickest|smallest|biggest|largest|"
                            r"best|most\s+\w+|least\s+\w+)(?=[^.!;]*\?\s*$))\b")
# Questions that ask for the plan itself: their facts are the need ("can you size a chatbot for 300 users?").
_REQUEST = re.compile(r"\b(?:recommend|suggest|propose|size|plan|spec\s+out|figure\s+out|help\s+(?:me|us))\b|"
                      r"\bwhat\s+(?:do|would|should)\s+(?:we|i)\s+need\b|\bwhat\s+(?:gpu|gpus|model|setup|hardware|"
                      r"config\w*)\s+(?:should|would|do|could)\b|\b(?:which|what)\s+(?:\w+\s+)?(?:would|do)\s+you\b")
_BELIEF = re.compile(r"^\W*" + LEAD + r"(?:i|we)\s+(?:(?:really|honestly|actually|always|kind\s+of|kinda|sort\s+of|"
                     r"half|fully|definitely)\s+)?(?:thought|think|believe|believed|heard|read|assumed|was\s+told|"
                     r"were\s+told|expected|was\s+expecting|were\s+expecting|figured|was\s+hoping|were\s+hoping|"
                     r"imagined|pictured|guessed|"
                     r"would\s+have\s+(?:thought|expected|guessed)|"
                     r"(?:am|'?m|are|'?re)\s+surprised|was\s+surprised|were\s+surprised|"
                     # "I was under the impression a 70B fits on one H200", "we were led to believe ..."
                     r"(?:was|were|am|'?m|are|'?re)\s+under\s+the\s+impression|(?:had|got|have|'ve)\s+the\s+impression|"
                     r"(?:was|were)\s+led\s+to\s+believe|(?:was|were)\s+given\s+to\s+understand)\b|"
                     r"^\W*" + LEAD + r"(?:i|we)(?:'d|\s+would|\s+had)\s+(?:have\s+|'ve\s+)?(?:always\s+|really\s+|kind\s+of\s+)?"
                     r"(?:thought|expected|guessed|assumed|imagined|pictured|supposed|figured)\b|"
                     r"^\W*" + LEAD + r"(?:as\s+far\s+as\s+(?:i|we)\s+(?:know|can\s+tell)|afaik|iirc|i'?m\s+(?:pretty\s+)?sure|"
                     r"(?:i|we)\s+(?:understand|hear|read\s+that)|apparently|reportedly|surprised|surprising(?:ly)?)\b|"
                     r"^\W*" + LEAD + r"(?:isn'?t|wouldn'?t|doesn'?t|surely|apparently|supposedly)\b|"
                     r"^\W*" + LEAD + r"(?:my|our)\s+(?:understanding|impression)\b|"
                     r"\b(?:seems?|feels?|looks?|sounds?)\s+(?:like\s+)?(?:a\s+lot|(?:(?:way|too|very|really|"
                     r"pretty|quite|rather|a\s+bit|a\s+little)\s+){0,2}(?:much|high|steep|expensive|pricey|costly|excessive|crazy|"
                     r"insane|low|cheap|many|big|large|small))\b")
RETRACT = re.compile(r"\b(?:i|we)\s+(?:never|didn'?t|did\s+not|haven'?t|have\s+not|don'?t\s+remember)\s+"
                     r"(?:ever\s+)?(?P<verb>say|said|mean|meant|ask(?:ed)?(?:\s+for)?|mention(?:ed)?|tell|told\s+you|"
                     r"specif(?:y|ied)|want(?:ed)?|exclude[ds]?|rule[ds]?\s+out|ban(?:ned)?|remove[ds]?)\b|"
                     r"\bwhere\s+did\s+you\s+get\b|\bwho\s+(?:said|told\s+you)\b|"
                     # "we no longer need fp8", "we don't need the GPU limit any more": withdrawn
                     r"\b(?:i|we)\s+no\s+longer\s+(?P<verb2>need|want|require|have|care\s+about)\b|"
                     # "forget what I said about Llama", "scratch the owned hardware", "ignore the GPU cap I gave"
                     r"\b(?:forget|scratch|ignore|disregard)\s+(?:(?:about\s+)?what\s+(?:i|we)\s+(?:said|told\s+you|"
                     r"mentioned|wrote|asked\s+for)\s+(?:about|regarding|on|re)\b|(?=(?:the|my|our|that|this)\s+(?:[\w-]+\s+){0,2}?"
                     # ... or a figure said before: "forget the 400 concurrent figure", "ignore that users number"
                     r"(?:hardware|fleet|servers?|machines|boxes|figure|number|estimate)\b))")
_EXCLUDING_VERB = re.compile(r"^(?:exclude|rule|ban|remove)")
_TO_EXCLUDE = re.compile(r"\s*to\s+(?:exclude|rule\s+out|ban|remove|drop|avoid)\b")
# ", just the L4" ends what is withdrawn; "we have just one GPU" is part of it
_CLAUSE_END = re.compile(r"[,;\u2013\u2014]|\s-+\s|\bbut\b|\bwhile\b")
# "the '1 GPU' was a typo": what stands before the cue is withdrawn
_TYPO = re.compile(r"\b(?:was|were|is)\s+(?:just\s+)?(?:a\s+|an\s+)?(?:typo|mistake|error|wrong|slip|misunderstanding|"
                   r"miscommunication|mix-?up)\b|"
                   # "that GPU cap wasn't mine", "fp8 isn't a requirement", "the L4 restriction is not needed"
                   r"\b(?:was|were|is|are)(?:n't|\s+not|\s+never)\s+(?:mine|ours|my\s+idea|our\s+idea|what\s+(?:i|we)\s+"
                   r"(?:said|meant|asked\s+for)|(?:a\s+)?(?:requirement|required|needed|necessary|a\s+must|mandatory|"
                   r"a\s+hard\s+(?:limit|requirement|constraint)))\b")
# what a why-question asks about, when no GPU, model or option is named
_ABOUT_COUNT = re.compile(r"\b(?:\d+|so\s+many|that\s+many|this\s+many|many|more|multiple|several)\s+(?:gpus?|cards?|"
                          r"replicas?|§+|nodes)\b|\bhow\s+many\b|\bso\s+much\s+hardware\b")
_COUNT_NEEDED = re.compile(r"\b(?:need|needs|needed|use|uses|using|take|takes|require|requires|get|gets)\s+(?:\d+|so\s+many|"
                           r"that\s+many|this\s+many|multiple|several|two|three|four|eight)\s+(?:x\s+)?(?:§+|gpus?|cards?|"
                           r"replicas?|nodes|[a-z]{1,3}\d{2,4}[a-z0-9-]*)\b")
_ABOUT_COST = re.compile(r"\b(?:cheap|cheaper|expensive|pricey|costly|cost|costs|price|priced|money|\$|€|£|"
                         r"budget|bill|spend)\b")
# self-hosting against a hosted per-token API ("would a hosted API be cheaper?", "vs OpenAI?", "pay per token")
# How things are today ("today's vendor tool takes 3.4 s to the first token", "currently answers take 8 s"): a
# latency of the present is the complaint, not the target, unless the sentence also states one
_PRESENT = re.compile(r"\b(?:today'?s?|currently|at\s+the\s+moment|right\s+now|nowadays|at\s+present|presently|"
                      r"(?:our|the|their)\s+(?:current|existing|old|legacy|present|previous)\b)")
_TARGET = re.compile(r"\b(?:targets?|goals?|must|should|needs?|want|wants|require\w*|slos?|slas?|at\s+most|or\s+"
                     r"(?:less|faster|better)|under|below|no\s+more\s+than|aim\w*|expect\w*|budget|will|new)\b")
_ABOUT_API = re.compile(r"\b(?:hosted|managed|serverless|third[\s-]party|external|public|commercial|cloud|provider'?s?)\s+"
                        r"(?:llm\s+|model\s+|inference\s+)?(?:apis?|endpoints?|services?)\b|\bapis?\s+(?:providers?|"
                        r"pricing|prices?|instead|calls?)\b|\b(?:an|the|their|via|through|using|use)\s+(?:an?\s+)?api\b|"
                        r"\b(?:openai|anthropic|together\s+ai|fireworks|groq|deepinfra|openrouter|bedrock|azure\s+openai|"
                        r"vertex\s+ai)\b|\bper[\s-]token\s+(?:apis?|pricing|prices?|billing|plans?)\b|\bpay(?:ing)?\s+"
                        r"(?:per|by\s+the)\s+token\b|\b(?:instead\s+of|vs\.?|versus|than|rather\s+than|or)\s+"
                        r"self[\s-]?host\w*|\bself[\s-]?host\w*\s+(?:vs\.?|versus|or|worth|pay\s+off)\b|"
                        r"\bbreak[\s-]?even\b")
_QUESTION = re.compile(r"\?\s*$")
# "which of the options is cheapest?", "what's the fastest one?": which option ranks first by one measure
_WHICH = re.compile(r"^\W*(?:(?:so|and|ok|okay|then|but)\W+)*(?:which|what)\b")
_SUPERLATIVES = (
    ("cost", re.compile(r"\b(?:cheapest|least\s+expensive|lowest\s+(?:cost|price|bill)|costs?\s+(?:the\s+)?least|"
                        r"most\s+(?:affordable|economical)|best\s+(?:price|value))\b")),
    ("latency", re.compile(r"\b(?:fastest|quickest|snappiest|lowest\s+latency|most\s+responsive)\b")),
    ("quality", re.compile(r"\b(?:best\s+(?:quality|answers|model)|highest\s+quality|most\s+(?:accurate|capable)|"
                           r"smartest|best)\b")),
)
_ABOUT_TP = re.compile(r"\b(?:tp|tensor[\s-]+parallel(?:ism)?)\s*(?:of\s+|=\s*|size\s+)?(\d{1,2})\b|"
                       r"\b(\d{1,2})[\s-]*way\s+tensor")


@dataclass
class Question:
    about: str
    target: str | int | None = None


def is_why(low: str) -> bool:
    return bool(WHY.search(low))


def is_belief(low: str) -> bool:
    return bool(_BELIEF.search(low))


# a sentence that asks for a change: without one, GPUs and models named next to a question are what it is about
# ("why not AMD? MI300X has loads of memory")
_DIRECTIVE = re.compile(r"\b(?:use|only|exclude|include|add|remove|drop|allow|ban|avoid|switch|swap|replace|pin|move|"
                        r"keep|go\s+with|want|need|"
                        r"prefer|stick|restrict|limit|no|not|without|pick|choose|must|should|let'?s|please|require\w*|"
                        r"make\s+it|set|change|put|skip|ditch|scrap|rule\s+out|cross\s+off|"
                        r"leave\s+(?:[\w-]+\s+){0,5}?out)\b")


# A guess about hardware some day ("I reckon we'll need H200s eventually", "we might want B200s down the line"): the
# future it names is no restriction of today's plan
_FUTURE = re.compile(r"\b(?:eventually|at\s+some\s+point|(?:some|one)\s+day|down\s+the\s+(?:line|road|track)|"
                     r"in\s+the\s+(?:future|long\s+run|long\s+term)|long[\s-]term|later\s+on|sooner\s+or\s+later|"
                     r"in\s+(?:a|one|two|\d+)\s+(?:few\s+)?(?:years?|quarters?)|in\s+time|"
                     # "reserved through next year" says how long what we have now lasts, not what we may need ("no
                     # B200 capacity until next year" stays a remark about the future: its cards are no requirement)
                     r"(?<!through\s)(?<!thru\s)next\s+year)\b")
# a guess at what will be needed ("I reckon we'll need H200s", "my hunch is we'd end up on B200s")
_GUESS = re.compile(r"\b(?:(?:i|we)\s+(?:reckon|suspect|bet)|my\s+(?:guess|hunch|bet)(?:\s+is)?)\b[^.;!?]{0,30}?"
                    r"(?:'ll|\bwill|'d|\bwould|\bmight|\bmay|\bend\s+up)\b")


def speculates(low: str) -> bool:
    """A guess about the future, not a requirement: it names hardware or models the plan is not held to."""
    return bool(_FUTURE.search(low) or _GUESS.search(low)) and not _DIRECTIVE_NOW.search(low)


# a figure said and then put aside for this plan: "marketing projects 100k users by 2027, but that is NOT what we're
# sizing for now", "don't size for that", "not a requirement for now"
_NOT_FOR_SIZING = re.compile(r"\b(?:(?:is|'s|are|'re|was)\s*(?:not|n't)\s+what\s+(?:we|i)(?:'re|\s+are|'m|\s+am)?\s+"
                             r"(?:sizing|planning|building|designing|budgeting)\s+for|(?:do\s+not|don'?t|never)\s+size\s+"
                             r"(?:for\s+)?(?:it|that|this|them|those)\b|not\s+(?:a\s+)?(?:requirement|target)\s+(?:yet|for\s+now|"
                             r"now|today)|not\s+(?:for|part\s+of)\s+(?:this|the\s+current|today'?s)\s+(?:sizing|plan))")


def not_for_sizing(low: str) -> bool:
    """A sentence that puts its own figures aside: what it counts is context, not the need."""
    return bool(_NOT_FOR_SIZING.search(low))


# "we must use H100s from now on, and eventually more": an order for today beside the future
_DIRECTIVE_NOW = re.compile(r"\b(?:must|only|have\s+to|has\s+to|require[sd]?|mandat\w+|from\s+now\s+on|today|now)\b")


def is_directive(low: str) -> bool:
    return bool(_DIRECTIVE.search(low) or _POLITE_ORDER.match(low))


def is_question(low: str, known: bool) -> bool:
    """A why-question, or (once a need is known) any question about a change: beliefs next to it belong to it."""
    return is_why(low) or (known and low.rstrip().endswith("?") and is_hypothetical(low))


_POLITE_ORDER = re.compile(r"^\W*" + LEAD + POLITE_ORDER)


def is_hypothetical(low: str) -> bool:
    """A question about a change, not a statement of one (only asked once a need is known)."""
    return bool(_INTERROGATIVE.match(low)) and not _REQUEST.search(low) and not _POLITE_ORDER.match(low)


# the load-testing tools whose runs report another deployment's figures: "guidellm on our current a10g box"
_LOAD_TOOLS = r"guidellm|vllm\s+bench\w*|benchmark_serving|genai-perf|llmperf|locust|k6\s+run"
# Another deployment than the one being sized: a prototype, a pilot, staging, the old system ("Current prototype: a 13B
# model on a single GPU", "the PoC ran on one L4", "a separate staging deployment, probably 1 GPU, not part of this
# sizing"): the hardware and models it names are no requirement of this plan
_OTHER_DEPLOYMENT = re.compile(r"\b(?:prototypes?|pilots?|poc|proof[\s-]of[\s-]concept|mvp|staging|sandbox|demo|"
                               r"(?:test|dev|qa|development)\s+(?:environment|env|cluster|deployment|instance)|"
                               r"(?:old|previous|legacy|existing|current|today'?s)\s+(?:setup|system|solution|stack|"
                               r"deployment|service|vendor|tool|bot|assistant)|not\s+part\s+of\s+this\s+(?:sizing|plan|"
                               r"request|deployment|scope)|"
                               # a setup of the past, here or elsewhere: "at my last job we ran this on A100s", "we used
                               # to run T4s", "previously on H100s"
                               r"(?:at|in|with)\s+(?:my|our|a|the)\s+(?:last|previous|old|former|prior)\s+(?:job|company|"
                               r"employer|role|gig|team|place|workplace|startup|firm|org\w*)|used\s+to\s+(?:run|use|have|"
                               r"be\s+on|deploy)|previously|in\s+the\s+past|back\s+then|years?\s+ago|"
                               # the box we have today, or a load test's run on it: "guidellm on our current a10g box"
                               r"(?:current|existing|old)\s+(?:[\w-]+\s+){0,2}?(?:box|boxes|server|machine|node|instance|vm)|"
                               + _LOAD_TOOLS + r")\b")


_LOAD_TEST = re.compile(r"\b(?:" + _LOAD_TOOLS + r"|k6|load[\s-]?test\w*|benchmark(?:ed|s)?)\b")


def is_load_test(low: str) -> bool:
    """The sentence reports a load test's run (its concurrency is a setting of the test, not of the need)."""
    return bool(_LOAD_TEST.search(low))


def describes_other_deployment(low: str) -> bool:
    """The sentence is about another deployment (a prototype, staging, the old system), not the one to plan."""
    return bool(_OTHER_DEPLOYMENT.search(low)) and not _LIKE_IT.search(low) and not _THIS_ONE.search(low)


# the deployment being sized is itself the pilot or the staging one: "Deploy Llama 3.1 8B on a single L4 for a
# 50-person chat pilot", "This is a staging endpoint for our eval harness"
_THIS_ONE = re.compile(r"^\W*(?:please\s+)?(?:deploy|spin\s+up|stand\s+up|set\s+up|size)\b|\b(?:this|it)\s+(?:is|will\s+be|'s)\s+"
                       r"(?:just\s+|only\s+)?(?:a|an|the|our)\s+(?:[\w-]+\s+){0,2}?(?:staging|pilot|prototype|poc|demo|sandbox)\b|"
                       r"\bfor\s+(?:a|an|our|the)\s+(?:[\w-]+\s+){0,3}?(?:pilot|prototype|poc|demo|sandbox)\b")


# "we must run on 2 A100s like the pilot": an order for this deployment that points at the other
# ("the PoC ran in FP8 and quality was fine, so stick with fp8": what it did, kept for this one by an order)
_LIKE_IT = re.compile(r"\b(?:must|have\s+to|has\s+to|needs?\s+to|required?|like\s+(?:the|our|in)|same\s+as|as\s+in|"
                      r"(?:stick|stay)\s+with|keep\s+(?:it\s+on|using|running)|so\s+(?:let'?s\s+|we'?ll\s+|please\s+)?"
                      r"(?:use|keep|go\s+with|run\s+it))\b")


def describes_present(low: str) -> bool:
    """The sentence tells how things are today, without stating what they should be."""
    return bool(_PRESENT.search(low)) and not _TARGET.search(low)


def asks_which_is_best(low: str) -> str | None:
    """'which option is the cheapest?' -> 'cost' (also 'latency', 'quality'): a question about the plan's options,
    never a change of priority."""
    if not (_WHICH.search(low) and (_QUESTION.search(low) or re.search(r"\b(?:options?|ones?|of\s+(?:them|these|"
                                                                         r"those))\b", low))):
        return None
    return next((measure for measure, pattern in _SUPERLATIVES if pattern.search(low)), None)


# "which GPU in your catalog is cheapest per hour?", "what's the cheapest card you have?": the catalog, not the plan
_CATALOG_GPU = re.compile(r"^\W*(?:[\w\s]{0,30}:\s*)?(?:(?:so|and|ok|okay|but|also)\W+)*(?:which|what(?:'?s|\s+is)?)\s+"
                          r"(?:(?:is\s+)?the\s+)?(?:\w+\s+){0,2}?(?:gpus?|cards?|accelerators?|hardware)\b")
_CATALOG_MEASURES = (("price", re.compile(r"\b(?:cheapest|least\s+expensive|lowest\s+(?:price|cost|hourly)|"
                                          r"costs?\s+(?:the\s+)?least)\b")),
                     ("memory", re.compile(r"\b(?:most|largest|biggest|highest)\s+(?:\w+\s+)?(?:memory|vram|hbm)\b")))


def asks_catalog(low: str) -> str | None:
    """'which GPU in your catalog is cheapest per hour?' -> 'price' ('memory' for the most memory): a question about
    the catalog's GPUs, answered from the catalog, never a change of priority or of the GPU lists."""
    if not (_QUESTION.search(low) and _CATALOG_GPU.search(low)) or re.search(r"\boptions?\b|\bfor\s+(?:this|us|our|"
                                                                            r"the\s+plan)\b", low):
        return None
    return next((measure for measure, pattern in _CATALOG_MEASURES if pattern.search(low)), None)


# "is 12k even enough?", "will $5k a month cover it?", "would 20 grand be sufficient?": whether money suffices
_ENOUGH = re.compile(r"\b(?:enough|sufficient|suffice|realistic|feasible|doable|achievable|reasonable|viable|workable|"
                     r"cover\s+(?:it|this|that|us|everything|the\s+\w+)|"
                     r"do\s+(?:it|the\s+(?:job|trick))|stretch\s+(?:that\s+)?far|cut\s+it|be\s+(?:ok|okay|fine)\s+for)\b")
_MONEY = re.compile(r"\b(?:budget|money|spend|funds?|grand|dollars?|euros?|pounds?|bucks)\b|[$€£¥₹]|\d\s*k\b|"
                    r"\x01\d+\x02\s*(?:k|a\s+month|/\s*mo\w*|per\s+month|monthly)\b")
_NOT_MONEY = ("users", "concurrent_users", "rps", "peak_rps", "max_gpus", "prompt_tokens", "output_tokens",
              "ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms", "window_hours", "window_requests")


def budget_asked(low: str, facts: Facts, numbers: list[float]) -> tuple[bool, float | None]:
    """Whether the question asks if a monthly amount (said, or the budget) is enough: (asks, amount in USD or None
    for the spec's budget). Only money: 'are 8 GPUs enough?' asks about GPUs."""
    if not (_ENOUGH.search(low) and (_QUESTION.search(low) or _INTERROGATIVE.match(low))):
        return False, None
    if any(f in facts.values for f in _NOT_MONEY) or any(facts.lists.values()):
        return False, None
    if "budget_monthly_usd" in facts.values:
        return True, float(facts.values["budget_monthly_usd"])
    if len(numbers) == 1 and _MONEY.search(low):
        return True, numbers[0]  # a bare amount asked about ("is 12k even enough?"): dollars a month
    return (not numbers and bool(re.search(r"\b(?:budget|money|funds?)\b", low))), None


def asks_about_api(low: str) -> bool:
    """A question comparing self-hosting with a hosted per-token API: answered from the plan's API comparison."""
    return bool(_ABOUT_API.search(low)) and bool(_INTERROGATIVE.match(low) or _QUESTION.search(low) or WHY.search(low))


def why_targets(low: str, facts: Facts, options: list[int]) -> list[Question]:
    """What a why-question asks about, most specific first."""
    if asks_about_api(low):
        return [Question("api")]
    if _COUNT_NEEDED.search(low):  # "why does gpt-oss-20b need 2 A100s?": the count, not the card, is asked about
        return [Question("gpu_count", options[0] if options else None)]
    out: list[Question] = []
    # "why X rather than Y?", "why not Y?", "why X over Y?": the alternative asked about is the negated (or last)
    if re.search(r"\b(?:over|versus|vs\.?|and\s+not)\b", low):
        for key in ("gpus", "models"):
            facts.lists[key] = list(reversed(facts.lists.get(key, [])))
    for name in (*facts.lists.get("exclude_gpus", []), *facts.lists.get("gpus", [])):
        out.append(Question("gpu", name))
    for name in (*facts.lists.get("exclude_models", []), *facts.lists.get("models", [])):
        out.append(Question("model", name))
    if "precision" in facts.values:
        out.append(Question("precision", facts.values["precision"]))
    tp = _ABOUT_TP.search(low)
    if tp:
        out.append(Question("tp", int(tp.group(1) or tp.group(2))))
    if out:
        return out[:2]
    if _ABOUT_COUNT.search(low) or "max_gpus" in facts.values:
        return [Question("gpu_count", options[0] if options else None)]
    if _ABOUT_COST.search(low) or "budget_monthly_usd" in facts.values:
        return [Question("cost", options[0] if options else None)]
    return [Question("option", options[0] if options else None)]


# a field named without its value in what is withdrawn ("that GPU cap wasn't mine", "who told you we have a budget?")
FIELD_NOUNS: tuple[tuple[str, re.Pattern], ...] = tuple((f, re.compile(p)) for f, p in (
    ("budget_monthly_usd", r"\b(?:budget|spending\s+(?:cap|limit)|cost\s+(?:cap|limit|ceiling))\b"),
    ("users", r"\b(?:head\s*count|users?\s+(?:count|number|figure|total)|number\s+of\s+(?:users|people|employees|staff)|"
              r"user\s+base)\b"),
    ("max_gpus", r"\b(?:gpu|card)s?\s+(?:cap|limit|count|maximum|ceiling|quota)\b|\b(?:cap|limit)\s+on\s+(?:the\s+)?"
                 r"(?:number\s+of\s+)?(?:gpus|cards)\b"),
    ("ttft_p95_ms", r"\b(?:ttft|first[\s-]token)\b"),
    ("itl_p95_ms", r"\b(?:itl|inter[\s-]?token)\b"),
    ("e2e_p95_ms", r"\b(?:e2e|end[\s-]to[\s-]end)\b"),
    ("precision", r"\b(?:precision|quantization)\b"),
    ("namespace", r"\bnamespace\b"),
    ("peak_rps", r"\bpeak\b"),
    ("concurrent_users", r"\bconcurren(?:t|cy)\b"),
    ("rps", r"\b(?:rps|qps|req/s|request\s+rate)\b"),
    ("window_hours", r"\b(?:window|time\s+slot)\b"),
))


def named_fields(low: str) -> list[str]:
    return [f for f, pattern in FIELD_NOUNS if pattern.search(low)]


def retraction_count(low: str) -> int:
    return len(RETRACT.findall(low)) + len(_TYPO.findall(low))


def retraction_clause(low: str) -> tuple[int, int, bool] | None:
    """(start, end, excluding) of what a retraction withdraws: the words after the cue up to the clause end."""
    m = RETRACT.search(low)
    if not m:
        typo = _TYPO.search(low)
        if typo:
            start = max((c.end() for c in _CLAUSE_END.finditer(low, 0, typo.start())), default=0)
            return start, typo.start(), False
        return None
    end = _CLAUSE_END.search(low, m.end())
    if m.group(0).startswith(("forget", "scratch", "ignore", "disregard")) and end and re.search(r"(?<![\w.])\d", low[end.end():]):
        return None  # "scratch what I said about the budget - finance says 9,500 a month": a new value, read as one
    verb = m.group("verb") or ""
    # "I never wanted to exclude H100s": what was wanted was an exclusion
    excluding = bool(_EXCLUDING_VERB.match(verb) or _TO_EXCLUDE.match(low, m.end()))
    return m.end(), end.start() if end else len(low), excluding
