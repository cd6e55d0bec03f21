"""Commands (deploy, compare, select, why, ...), option numbers, and "I don't know" answers.

Patterns run on the user's own lower-cased words with what-if parts blanked out. An option is "option 2",
"#2", "number 2", "the second one", "the top one"; a command's option numbers are read in its own sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.offline.contract import Intent
from knowledge.domain.spec import SPEC_FIELDS

_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
             "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
             "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "top": 1, "best": 1, "recommended": 1}
_WORD_DIGITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10}
_OPT_NUM = r"(?:#\s*)?(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b"
OPTION_LIST = re.compile(
    rf"\b(?:options?|choices?|alternatives?|recommendations?|candidates?|configs?|configurations?|plans?|"
    rf"numbers?|no\.|nr\.?|#)\s*{_OPT_NUM}((?:\s*(?:,|and|&|vs\.?|versus|or|with|to|against)\s*(?:options?\s*)?"
    rf"(?:#\s*)?(?:\d{{1,2}}|one|two|three|four|five|six|seven|eight|nine|ten)\b)*)|"
    rf"(?:^|\s)#(\d{{1,2}})\b")
ORDINAL = re.compile(
    r"\b(?:the\s+|that\s+|this\s+)(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th|seventh|7th|"
    r"eighth|8th|ninth|9th|tenth|10th|top|best|recommended)(?:\s+(?:one|option|choice|recommendation|alternative|"
    r"config(?:uration)?|plan|candidate|setup)s?\b|\s*(?=[.,!?;]|$|\s+(?:and|or|vs|with|please|then)\b))")
_LIST_ITEM = re.compile(r"(?:#\s*)?(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b")
_TOP_N = re.compile(r"\b(?:the\s+)?(?:top|first|best)\s+(two|three|four|five|2|3|4|5)\b")
_OPTION_RANGE = re.compile(r"\boptions?\s*#?(\d{1,2})\s*(?:-|to|through)\s*#?(\d{1,2})\b")
_BARE_OPTION_LIST = re.compile(r"\b(\d{1,2})\s*(?:,|and|&|vs\.?|versus|with|to)\s*(\d{1,2})\b")

# the deployment asked about or asked to be stopped: "stop the deployment", "tear it down", "is my deployment still
# running?", "deployment status" (answered from the state: its status, id, endpoint and the command that stops it)
DEPLOYMENT_ASKED = re.compile(
    r"\b(?:stop|shut\s*down|tear\s*down|kill|delete|remove|undeploy|take\s+down|turn\s+off|destroy|scale\s+down)\s+"
    r"(?:the\s+|my\s+|our\s+|this\s+|that\s+)?(?:local\s+)?(?:deployment|deploy|endpoint|simulators?|server|instance)s?\b|"
    r"\b(?:is|are)\s+(?:the|my|our)\s+(?:deployment|endpoint|simulators?|server)\s+(?:still\s+)?(?:running|up|alive|live)\b|"
    r"\b(?:is|are)\s+(?:it|they)\s+still\s+(?:running|up|alive|deployed)\b|\bdeployment\s+status\b|\bstatus\s+of\s+(?:the\s+|my\s+|our\s+)?deployment\b|"
    r"\bhow\s+(?:do|can)\s+i\s+(?:stop|shut\s*down|tear\s*down|delete|remove|undeploy)\b")

# (intent, pattern). Each needs a command shape, so descriptions do not trigger them: "deploy it" is a command,
# "we want to deploy a chatbot" is not; "validate it" is, "it must validate user input" is not.
_OBJ = r"(?:it|this|that|them|option|#|number|no\.|\d|(?:the\s+)?(?:deployment|endpoint|service|slos?|setup|plan))"
# carrying the plan to someone is no pick: "I'll take this to the team", "we'll take it back to finance", "use this with my boss"
_CARRIED = r"(?!\s+(?:(?:this|that|it|these|them)\s+)?(?:to|back\s+to|up\s+with|by|home|along|forward|with\s+(?:my|our|the)))"
# the what-if just shown taken, said as an order of its own: "yeah do that", "ok, do that then"
_DO_THAT = r"^\W*(?:(?:yeah|yes|yep|ok(?:ay)?|sure|fine|great|perfect)\W+)?do\s+that(?:\s+then)?\W*$"
COMMANDS: tuple[tuple[Intent, re.Pattern], ...] = tuple((i, re.compile(p)) for i, p in (
    (Intent.START_OVER, r"\b(?:start|begin)\s+(?:over|again|afresh|from\s+scratch)\b|\bnew\s+(?:conversation|"
     r"session|chat)\b|\b(?:reset|clear|wipe)\s+(?:everything|it\s+all|all|the\s+(?:conversation|chat|session|"
     r"spec))\b|^\W*(?:reset|restart|start\s+over)\W*$|\bforget\s+everything\b|\blet'?s\s+(?:reset|restart)\b|"
     # everything said so far discarded ("scrap all that", "throw everything above away"), or a new project begun
     r"\b(?:scrap|scratch|ditch|bin|toss|discard|ignore|disregard|nuke|forget|drop|never\s*mind|nvm)\s+(?:all\s+(?:of\s+)?"
     r"(?:that|this|the\s+above|it)|everything(?:\s+(?:above|so\s+far|before|we\s+(?:said|discussed)))?|it\s+all|"
     r"(?:the|my|our|all\s+(?:the|my))\s+(?:previous|earlier|old|above|original)\s+(?:requirements?|spec|stuff|"
     r"conversation|messages?|plan|setup|details|numbers))\b|"
     r"\bthrow\s+(?:all\s+(?:of\s+)?that|everything(?:\s+above)?|it\s+all)\s+(?:away|out)\b|"
     r"(?:^|[.,;:!-]\s*|\b(?:a|it'?s\s+a|this\s+is\s+a|completely|totally|entirely)\s+)(?:brand[\s-]new|new|different|separate|"
     r"unrelated)\s+"
     r"(?:project|use[\s-]case|thing|deployment|workload|request|question|topic)\s*(?:[.:,;!-]|$)|\b(?:clean|blank)\s+slate\b|\bfresh\s+start\b"),
    (Intent.DEPLOY, r"\b(?:deploy|launch|ship|install|roll\s+out|push\s+out|spin\s+up|stand\s+up|release)\s+"
     r"(?:it|this|that|them|now|(?:the\s+|that\s+|this\s+)?"
     r"(?:first|second|third|fourth|fifth|top|best|recommended|cheapest|fastest|cheaper|faster|selected|chosen|winning|\d)\b|"
     r"option|#|number|no\.|\d|"
     # the plan itself: "deploy the original plan", "ship this setup", "deploy the recommended configuration"
     r"(?:the\s+|that\s+|this\s+|our\s+|your\s+)(?:(?:original|current|latest|updated|revised|same|recommended|"
     r"proposed|last|previous|whole)\s+)?(?:plan|setup|set-up|configuration|config|recommendation)\b)|"
     r"\bdeploy\s+(?:to|into|in|on)\s+(?:the\s+)?(?:namespace|ns|cluster|kubernetes|k8s|"
     r"prod|production|staging|dev|default|compass|[a-z0-9]+-[a-z0-9-]+)\b|"
     # an option approved or its deployment named: "approve top option", "you can do the deploy of the first option"
     r"\bapprove\s+(?:the\s+)?(?:top|first|best|recommended|cheapest)\s+(?:option|one|plan)\b|\bthe\s+deploy(?:ment)?\s+"
     r"(?:of|for)\s+(?:the\s+)?(?:first|second|third|top|best|recommended|cheapest|option|#|\d)|\bdeploy(?:\s+(?:please|now|again|it\s+again))?[\s.!]*$|\bdeploy\s+(?:pls|plz|please)\b|"
     # a row pointed at by what tells it apart: "deploy the llama one", "ship that MI300X option" (agent/offline/pointing.py)
     r"\b(?:deploy|launch|ship)\s+(?:the|that)\s+(?!(?:new|next|same|whole|entire)\b)(?:[\w.-]+\s+){1,3}?(?:one|option|"
     r"variant|row)\b|"
     r"\broll\s+(?:it|this|that|them|option\s*#?\d|#\d|the\s+\w+\s+one)\s+out\b|\bship\s+it\b|\bgo\s+live\b|\blet'?s\s+deploy\b|\bgo\s+ahead\s+and\s+"
     r"deploy\b|\bapply\s+(?:it|the\s+manifests?)\b|"
     # the deployment put somewhere by name: "put it in default then", "move it to ml-team"
     r"\b(?:put|move|place)\s+(?:it|this|that|them|option\s*#?\d+)\s+(?:in|into|to|on)\s+(?:the\s+)?(?:namespace\s+|ns\s+)?"
     r"(?:default\b|[a-z0-9]+-[a-z0-9-]+\b|¦+)|"
     # the deployment itself asked for: "please prepare the deployment", "go ahead with the deployment"
     r"\b(?:prepare|set\s+up|start|kick\s+off|create|do|go\s+ahead\s+with|proceed\s+with|begin)\s+(?:the|a|our|that)\s+"
     r"(?:deployment|rollout|roll-out)\b|\bproceed\s+(?:to|and)\s+deploy\b"),
    (Intent.SHOW_YAML, r"\b(?:show|see|give|print|display|get|export|download|view|dump|generate|render|paste|"
     r"share)\s+(?:me\s+|us\s+)?(?:the\s+|its\s+|their\s+|your\s+)?(?:\w+\s+)?(?:ya?ml|manifests?|helm\s+(?:chart|"
     r"values)|(?:kubernetes|k8s)\s+(?:files?|objects?|resources?|config))\b|^\W*(?:the\s+)?(?:ya?ml|manifests?)"
     r"\W*$|\b(?:ya?ml|manifests?)\s+(?:for|of)\s+(?:option|it|this|that|the|#|\d)|\bwhat\s+(?:would|will)\s+"
     r"(?:you|it)\s+(?:apply|create)\b"),
    # (comparing the contents of documents is the work asked for: "have it compare the indemnity clauses")
    (Intent.COMPARE, r"\bcompar(?:e|ing|ison)\b(?!\s+(?:the\s+|their\s+|our\s+)?(?:[\w-]+\s+){0,4}?(?:clauses|evidence|"
     r"documents|contracts|papers|terms|versions|drafts|texts|policies|studies|filings|reports|findings|provisions|"
     r"articles|sources|statements|claims|results\s+across)\b)|\bversus\b|\bvs\.?\s(?!code\b)|\bdifferences?\s+between\b|"
     r"\bside\s+by\s+side\b|"
     r"\bhow\s+(?:does|do)\s+.{0,40}\s+differ\b"),
    (Intent.WHY, r"^\W*why\b|\bwhy\s+(?:option|is|did|not|that|this|it|the|would|should|do|does|#|\d)|"
     r"\bwhy(?:'d|\s+did|\s+do)\s+(?:you|u|ya)\s+(?:pick|choose|chose|go\s+with|recommend|suggest|select)\b|"
     r"^\W*(?:please\s+)?explain\b|\bexplain\s+(?:it|this|that|why|how|the\s+(?:choice|recommendation|ranking|"
     r"options?|difference|trade[\s-]?offs?)|option|#|\d|your)|\b(?:can|could)\s+you\s+explain\b|\byour\s+"
     r"reasoning\b|^\W*(?:please\s+)?justify\b|\bjustify\s+(?:it|that|this|your|the\s+(?:choice|recommendation|pick|"
     r"options?)|option|#|\d)|\bhow\s+come\b|\bhow\s+did\s+you\s+(?:pick|choose|decide|get)\b|"
     r"\bwhat\s+makes\s+(?:option|it|that|this|the)\b|\btell\s+me\s+more\b|\bmore\s+(?:details?|info(?:rmation)?)\s+"
     r"(?:about|on)\b|\bdetails\s+(?:of|on|about)\s+(?:option|the|that|this|#)"),
    (Intent.CHEAPER, r"\bcheaper\s+(?:options?|alternatives?|ones?|plans?|configs?|setups?|gpus?|models?|way)\b|"
     r"\b(?:anything|something|options?|any|one|is\s+there\s+\w+)\s+cheaper\b(?!\s+than)|\bcheaper\s*\?|"
     r"^\W*cheaper\b|\bmake\s+it\s+cheaper\b|\bless\s+expensive\s+(?:options?|alternatives?|ones?)\b|"
     r"\blower[\s-]cost\s+(?:options?|alternatives?|ones?)\b|\b(?:cut|reduce|lower)\s+(?:the\s+)?(?:cost|price|"
     r"bill)\b|\bsave\s+(?:some\s+)?money\s*\?|\bcheapest\s+(?:option|one|plan|config)\b|\bmore\s+affordable\b"),
    (Intent.FASTER, r"\bfaster\s+(?:options?|alternatives?|ones?|plans?|configs?|setups?|gpus?|models?|way)\b|"
     r"\b(?:anything|something|options?|any|one|is\s+there\s+\w+)\s+(?:faster|quicker)\b(?!\s+than)|"
     r"\b(?:faster|quicker)\s*\?|^\W*(?:faster|quicker)\b|\bmake\s+it\s+(?:faster|quicker)\b|\blower\s+latency\s+"
     r"(?:options?|alternatives?|ones?)\b|\bfastest\s+(?:option|one|plan|config)\b|\bspeed\s+it\s+up\b"),
    (Intent.VALIDATE, rf"^\W*(?:please\s+)?(?:validate|verify)\b|\b(?:validate|verify|test)\s+{_OBJ}|"
     # an order to check, not someone checking ("so the prescriber can check it before acting")
     r"(?:^\W*|[.;!?]\s+|\b(?:please|pls|can\s+you|could\s+you|now|then|ok(?:ay)?|also|so|and|let'?s)\s+)check\s+(?:it|that|this|"
     r"the\s+deployment|whether\s+it|if\s+it|the\s+endpoint|the\s+slos?)\b|\bcheck\s+(?:the\s+deployment|the\s+endpoint|"
     r"the\s+slos?)\b|"
     r"\bdoes\s+it\s+(?:work|meet)\b|\bsmoke[\s-]test\b|\bis\s+it\s+(?:up|running|working|healthy)\b|"
     r"\bhealth\s*check\b|\brun\s+(?:a\s+|the\s+)?(?:validation|load[\s-]test)\b"),
    (Intent.SHOW_SPEC, r"\b(?:show|see|print|display|view|give\s+me)\s+(?:me\s+)?(?:the\s+|my\s+|our\s+|your\s+)?"
     r"(?:spec|specification|requirements|assumptions|inputs|summary)\b|\bwhat\s+(?:did|do)\s+you\s+"
     r"(?:assume|know|have)\b|\bwhat\s+are\s+(?:your|the)\s+assumptions\b|^\W*(?:assumptions|spec|recap)\W*$|"
     r"\b(?:give|show)\s+(?:me\s+)?a\s+recap\b|\bwhere\s+are\s+we\b|\bwhat\s+do\s+we\s+have\s+so\s+far\b"),
    (Intent.RECOMMEND, r"\b(?:what|which)\b[^.?!]{0,30}\b(?:recommend|suggest|propose)\b|\brecommend\s+(?:something|"
     r"one|me|us|a|an|the|some|options?)\b|\byour\s+recommendations?\b|\bgive\s+(?:me\s+|us\s+)?(?:a\s+|your\s+)?"
     r"recommendations?\b|^\W*recommend(?:ations?)?\W*$|\brecommend\w*\s*\?|\bany\s+suggestions\b|"
     r"\bwhat\s+(?:should|would|could)\s+(?:i|we|you)\s+(?:use|run|deploy|pick|choose|get|go\s+with)\b|"
     r"\b(?:what|which\s+\w+)\s+to\s+(?:use|run|deploy|pick|choose)\b|"
     r"\b(?:show|see|give|list)\s+(?:me\s+|us\s+)?(?:the\s+|some\s+|my\s+|our\s+)?(?:options|alternatives|"
     r"choices|plans?)\b|\bwhat\s+are\s+(?:my|the|our)\s+options\b|\bplan\s+(?:it|this|that)\b|\bmake\s+a\s+plan\b|"
     r"\bsize\s+(?:it|this)\b|\bfind\s+(?:me\s+|us\s+)?(?:a|the)\s+(?:setup|config|configuration|deployment|"
     r"option)\b|\bwhat\s+do\s+you\s+think\b|\bwhat\s+would\s+you\s+(?:use|pick|do)\b|\b(?:can|could)\s+you\s+"
     r"(?:plan|size|spec)\b|"
     # the plan asked to be shown or made again: "what's the plan?", "show me what we get", "replan pls", "what fits?"
     r"\bwhat(?:'s|\s+is)\s+(?:the|your|our)\s+(?:plan|recommendation|proposal)\b|\bshow\s+(?:me\s+|us\s+)?what\s+"
     r"(?:we|i)\s+(?:get|got|have)\b|\bre-?plan\b|\bplan\s+(?:it\s+)?again\b|\bre-?(?:run|do)\s+(?:it|the\s+plan|that|"
     r"the\s+numbers)\b|^\W*what\s+fits\W*$|"
     # the plan asked for in a word: "plan pls", "plan?", "recs pls", "options?"
     r"^\W*(?:the\s+|your\s+)?(?:plan|recs?|recommendations?|options|proposals?)\W*(?:pls|plz|please|now)?\W*$"),
    (Intent.SELECT, r"\bplan\s+(?:for|with)\s+(?:that|this|it)\b(?!\s+(?!(?:please|then|instead|now|one|option|variant|scenario|version)\b)[a-z]{3,})|\b(?:use|take|keep)\s+(?:that|this)(?:\s+(?:one|model|"
     r"gpu|setup|option|variant|scenario))?\b" + _CARRIED + r"|\blet'?s\s+(?:buy|rent)\s+them\b|\bdo\s+that\s+instead\b|"
     r"\b(?:go|going|we'?ll\s+go)\s+with\b|\b(?:i'?ll|we'?ll|let'?s|i\s+will|we\s+will)\s+"
     r"(?:take|use|pick|choose|select|try)\b" + _CARRIED + r"|\b(?:take|pick|choose|select|prefer|want|like)\s+(?:the\s+|option|"
     r"#|number|no\.)|\bsounds\s+good\b|\bthat\s+one\b|\blet'?s\s+do\s+(?:that|it|this)\b|"
     + _DO_THAT + r"|\b(?:apply|adopt)\s+"
     r"(?:that|it|this|the\s+(?:change|variant|scenario))\b|\bmake\s+it\s+so\b"),
    (Intent.HELP, r"^\W*(?:help|\?+|commands|menu)\W*$|\bwhat\s+can\s+you\s+do\b|\bhow\s+does\s+this\s+"
     r"work\b|\bhow\s+do\s+i\s+(?:use|start)\b|\bwhat\s+(?:do|can)\s+i\s+(?:say|ask|type)\b|\bi\s+need\s+help\b|"
     r"\bhelp\s+me\b(?!\s+(?:with\s+)?(?:a|an|the|our|my|to)\b)|\bhow\s+(?:do|can)\s+(?:i|we)\s+deploy\b"),
))
# Substrings at least one of which each command's pattern needs: a cheap test before the regex.
COMMAND_KEYS: dict[Intent, tuple[str, ...]] = {
    Intent.START_OVER: ("start", "begin", "new ", "reset", "clear", "wipe", "restart", "forget", "scrap", "scratch",
                        "ditch", "bin ", "toss", "discard", "ignore", "disregard", "nuke", "drop", "throw", "different",
                        "separate", "unrelated", "slate", "fresh", "mind", "nvm"),
    Intent.DEPLOY: ("deploy", "launch", "ship", "install", "roll", "live", "apply", "push", "spin", "stand", "release",
                    "put", "move", "place", "approve"),
    Intent.SHOW_YAML: ("yaml", "yml", "manifest", "helm", "kubernetes", "k8s", "apply", "create"),
    Intent.COMPARE: ("compar", "versus", "vs", "differ", "side"),
    Intent.WHY: ("why", "explain", "reasoning", "justify", "come", "how did", "makes", "tell", "detail", "info"),
    Intent.CHEAPER: ("cheap", "expensive", "cost", "price", "bill", "money", "afford"),
    Intent.FASTER: ("fast", "quick", "latency", "speed"),
    Intent.VALIDATE: ("validat", "verify", "test", "check", "does it", "is it", "health"),
    Intent.SHOW_SPEC: ("spec", "requirement", "assum", "input", "summary", "know", "have", "recap", "where"),
    Intent.RECOMMEND: ("recommend", "suggest", "propose", "what", "which", "option", "alternative", "choice",
                       "plan", "size", "find", "think", "show", "re", "fits", "rec", "proposal"),
    Intent.SELECT: ("go", "take", "use", "pick", "choose", "select", "try", "prefer", "want", "like", "sounds",
                    "that one", "do that", "do it", "do this", "apply", "adopt", "make it so", "plan for", "plan with",
                    "keep", "buy them", "rent them"),
    Intent.HELP: ("help", "?", "command", "menu", "what can", "how does", "how do", "how can", "what do"),
}
# Adopting what was just discussed ("let's do that" after a what-if): a pick without an option number.
ADOPT = re.compile(r"\blet'?s\s+do\s+(?:that|it|this)\b|\b(?:apply|adopt)\s+(?:that|it|this|the\s+(?:change|variant|"
                   r"scenario))\b|\bmake\s+it\s+so\b|\bgo\s+(?:ahead\s+)?with\s+(?:that|this|it)\b|"
                   r"\bplan\s+(?:for|with)\s+(?:that|this|it)\b(?!\s+(?!(?:please|then|instead|now|one|option|variant|scenario|version)\b)[a-z]{3,})|\b(?:use|take|keep)\s+(?:that|this)(?:\s+(?:one|model|"
                   r"gpu|setup|option|variant|scenario))?\b" + _CARRIED + r"|\blet'?s\s+(?:buy|rent)\s+them\b|\bswitch\s+to\s+"
                   r"(?:that|it|this)\b|\bdo\s+that\s+instead\b|" + _DO_THAT)
DONT_KNOW_KEYS = ("know", "dunno", "idea", "clue", "sure", "pick", "choose", "decide", "tell", "call", "up to",
                  "whatever", "default", "hard", "say", "preference", "matter", "care", "decided", "figured", "tbd",
                  "skip", "pass", "idk", "dk", "fine", "assume", "number", "figure", "estimate", "yet")


def has_any(text: str, keys: tuple[str, ...]) -> bool:
    return any(k in text for k in keys)


# DEPLOY is ignored after these (in the same sentence): "don't deploy yet", "how do I deploy it".
DEPLOY_BLOCKERS = re.compile(r"\b(?:don'?t|do\s+not|not\s+yet|never|before|without|no\s+need\s+to|stop|cancel|"
                             r"wait|how\s+(?:do|would|can|could|to|long|much\s+time|quickly|fast|soon)|when|if|after|"
                             r"whether|can\s+i|what|which)\b[^.!?]*$|"
                             # what the team itself will do or usually does ("we'll deploy into ml-serving", "our
                             # platform team deploys everything via GitOps"): a fact about where, not an order to deploy
                             r"\b(?:we|they|i|our\s+(?:[\w-]+\s+)?team|the\s+(?:[\w-]+\s+)?team|ops|platform)\s*(?:'ll|\s+will|"
                             r"\s+are\s+going\s+to|'re\s+going\s+to|\s+plan\s+to|\s+intend\s+to|\s+usually|\s+normally|\s+always|"
                             r"\s+typically|\s+would)\s+(?:then\s+|later\s+|eventually\s+|probably\s+)?$")
GREETING = re.compile(r"^\W*(?:hi|hello|hey|hiya|howdy|greetings|yo|good\s+(?:morning|afternoon|evening|day)|"
                      r"hallo|bonjour|hola|sup|what'?s\s+up|thanks|thank\s+you|thx|cheers)(?:\s+(?:there|all|team|"
                      r"compass|bot|folks|everyone|again))?\W*$")
YES = re.compile(r"^\W*(?:yes|yeah|yep|yup|ya|sure|ok|okay|correct|right|affirmative|y|please\s+do|that\s+works|"
                 r"fine|sounds\s+(?:good|right|fine)|go\s+ahead|do\s+it|absolutely|of\s+course|yes\s+please)\W*$")
NO = re.compile(r"^\W*(?:no|nope|nah|n|not\s+really|none|no\s+thanks|neither|nothing|no\s+limit|no\s+budget)\W*$")

# a number given as an unsure answer to the question just asked: "maybe 300?", "not sure, around 2k?"
HEDGED_ANSWER = re.compile(r"^\W*(?:(?:not\s+sure|no\s+idea|dunno|honestly|really|tbh|frankly|i\s+guess|i\s+think|hmm+|um+|uh+|"
                           r"well|so|ok(?:ay)?|idk|tough\s+one|hard\s+to\s+say)\W+)*(?:maybe|perhaps|probably|possibly|about|around|roughly|"
                           r"like|~)\s*[\d~$€£][\d.,k]*(?:\s*(?:users?|people|or\s+so|ish))?\s*\?*\W*$")
DONT_KNOW = re.compile(
    r"\bi?\s*(?:don'?t|do\s+not|dont)\s+(?:really\s+)?know\b|\bdunno\b|\bno\s+(?:idea|clue)\b|\bnot\s+(?:really\s+)?"
    r"sure\b|\bunsure\b|\byou\s+(?:pick|choose|decide|tell\s+me)\b|\byour\s+call\b|\bup\s+to\s+you\b|"
    r"\blet\s+(?:compass|you|it|the\s+(?:tool|planner|system))\s+(?:pick|choose|decide|select)\b|"
    r"\bwhatever\s+(?:you\s+)?(?:think|recommend|suggest|is\s+(?:best|typical|reasonable|normal)|works)\b|"
    r"\bdefaults?\s+(?:is|are)\s+(?:fine|ok|okay|good)\b|\b(?:use|take|go\s+with|keep)\s+(?:the\s+|your\s+)?"
    r"defaults?\b|\bhard\s+to\s+say\b|\bcan'?t\s+say\b|\bno\s+preference\b|\bdoesn'?t\s+matter\b|"
    r"\bdon'?t\s+care\b|\bhaven'?t\s+(?:decided|figured)\b|\btbd\b|\bnot\s+decided\b|\bskip\s+(?:this|that|it)\b|"
    r"^\W*(?:skip|pass|whatever|idk|dk|no\s+clue)\W*$|\bany\s+is\s+fine\b|\beither\s+is\s+fine\b|"
    r"\btypical\s+(?:is|values?\s+(?:are|is))\s+fine\b|\bassume\s+(?:something|whatever)\b|"
    # a figure the user does not have: "I don't have a budget number yet", "we don't have an estimate for the peak"
    r"\b(?:don'?t|do\s+not|dont)\s+(?:have|know)\s+(?:a|an|any|the)\s+(?:[\w-]+\s+){0,2}?(?:numbers?|figures?|estimates?)\b|"
    r"\b(?:don'?t|do\s+not|dont)\s+have\s+(?:a|an|any)\s+[\w-]+(?:\s+[\w-]+)?\s+yet\b")
# Which fields a "don't know" clause is about when it names them ("not sure about the budget").
FIELD_WORDS: tuple[tuple[tuple[str, ...], re.Pattern], ...] = tuple((f, re.compile(p)) for f, p in (
    (("budget_monthly_usd",), r"\b(?:budget|spend|cost|money|price)\b"),
    (("users",), r"\b(?:users?|people|employees|customers|how\s+many|user\s+count|headcount|audience)\b"),
    (("peak_rps",), r"\bpeaks?\b"),
    (("rps",), r"\b(?:traffic|requests?|rps|qps|load|volume|throughput)\b"),
    (("ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms"), r"\b(?:latency|ttft|itl|e2e|response\s+times?|slos?|speed)\b"),
    (("prompt_tokens",), r"\b(?:prompts?|inputs?|context)\s*(?:length|size|tokens)?\b"),
    (("output_tokens",), r"\b(?:outputs?|answers?|responses?)\s+(?:length|size|tokens)\b"),
    (("gpus",), r"\bgpus?\b|\bhardware\b"),
    (("models",), r"\bmodels?\b"),
    (("precision",), r"\b(?:precision|quantization|quantized)\b"),
    (("namespace",), r"\bnamespace\b"),
    (("priority",), r"\bpriorit(?:y|ies)\b"),
    (("use_case",), r"\buse[\s-]?case\b"),
))


def option_numbers(text: str) -> list[int]:
    """Option numbers mentioned in order ("compare option 1 and 3" -> [1, 3], "the second one" -> [2])."""
    found: list[tuple[int, int]] = []
    for m in OPTION_LIST.finditer(text):
        if m.group(3):
            found.append((m.start(), int(m.group(3))))
            continue
        found.append((m.start(1), _num(m.group(1))))
        for k in _LIST_ITEM.finditer(m.group(2) or ""):
            found.append((m.start(2) + k.start(), _num(k.group(1))))
    for m in ORDINAL.finditer(text):
        found.append((m.start(), _ORDINALS[m.group(1)]))
    for m in _TOP_N.finditer(text):
        found += [(m.start() + k, k + 1) for k in range(_num(m.group(1)))]
    for m in _OPTION_RANGE.finditer(text):
        lo, hi = int(m.group(1)), int(m.group(2))
        if 0 < lo < hi <= 20:
            found += [(m.start() + k, n) for k, n in enumerate(range(lo, hi + 1))]
    out: list[int] = []
    for _, n in sorted(found):
        if 0 < n <= 20 and n not in out:
            out.append(n)
    return out


def bare_option_list(text: str) -> list[int]:
    """'compare 1 and 3': numbers without the word 'option', only read in a compare/select sentence."""
    m = _BARE_OPTION_LIST.search(text)
    return [n for n in (int(m.group(1)), int(m.group(2))) if 0 < n <= 20] if m else []


def _num(token: str) -> int:
    return _WORD_DIGITS.get(token) or int(token)


def dont_know_fields(clause: str, asked: Sequence[str]) -> list[str]:
    """Fields a 'don't know' clause is about: those it names, else the ones the agent asked about."""
    named = [f for fields, pattern in FIELD_WORDS if pattern.search(clause) for f in fields]
    chosen = named or [f for f in asked if f in SPEC_FIELDS]
    return list(dict.fromkeys(chosen))
