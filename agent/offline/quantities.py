"""Quantities with units -> DeploymentSpec fields, in spec units (requests/s, ms, tokens, USD per month).

Works on the placeholder text of numbers.py. Each pass consumes (blanks) what it matched, in an order that
keeps units apart: money first ("$8k a month" is not a rate), then rates, latencies, token lengths, users and
GPU counts, then numbers after a keyword without a unit ("budget of 8k", "TTFT 200"). Which latency or token
field a number belongs to comes from the nearest keyword: one right after the unit wins ("200 ms to first
token", "500-token answers"), else the nearest one before it in the same sentence, never reaching back past
another number; with none, the field the agent just asked about.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from agent.offline.currency import currency_of, to_usd
from agent.offline.numbers import NUM, Numbered, sig

WORDS_TO_TOKENS = 1.33   # English words per token, inverted
PAGE_TOKENS = 500        # a dense page of prose
LINE_TOKENS = 10         # a line of code
CHARS_PER_TOKEN = 4

LATENCY_FIELDS = ("ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms")
TOKEN_FIELDS = ("prompt_tokens", "output_tokens")
RATE_FIELDS = ("rps", "peak_rps")

_PER_SECONDS = {"s": 1, "sec": 1, "second": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600, "h": 3600,
                "day": 86400, "week": 7 * 86400, "wk": 7 * 86400, "month": 30 * 86400, "mo": 30 * 86400}
_MONTHLY_FACTOR = {"month": 1.0, "mo": 1.0, "monthly": 1.0, "year": 1 / 12, "yr": 1 / 12, "annum": 1 / 12,
                   "annually": 1 / 12, "quarter": 1 / 3, "quarterly": 1 / 3, "yearly": 1 / 12, "annual": 1 / 12,
                   "week": 52 / 12, "wk": 52 / 12,
                   "weekly": 52 / 12, "day": 30.4, "daily": 30.4, "hour": 730.0, "hr": 730.0, "h": 730.0,
                   "hourly": 730.0}
def period_noun(period: str) -> str:
    """'annually' -> 'year', 'quarterly' -> 'quarter'."""
    return {"annum": "year", "annual": "year", "annually": "year", "yearly": "year", "quarterly": "quarter",
            "weekly": "week", "monthly": "month", "daily": "day"}.get(period, period)


def monthly_factor(period: str) -> float:
    """Months' worth of one ``period`` ('year' -> 1/12): what an amount said per that period is a month."""
    return _MONTHLY_FACTOR[period_noun(period)]


_ADVERB_PERIOD = {"daily": "day", "hourly": "hour", "weekly": "week", "monthly": "month"}
MS_PER_UNIT = {"ms": 1.0, "msec": 1.0, "millis": 1.0, "millisecond": 1.0, "milliseconds": 1.0, "s": 1000.0,
       "sec": 1000.0, "secs": 1000.0, "second": 1000.0, "seconds": 1000.0, "min": 60000.0, "mins": 60000.0,
       "minute": 60000.0, "minutes": 60000.0, "h": 3.6e6, "hr": 3.6e6, "hrs": 3.6e6, "hour": 3.6e6,
       "hours": 3.6e6}

USER_NOUNS = (r"(?:users?|people|persons?|employees?|staff(?:ers)?|customers?|clients?|agents?|developers?|devs|"
              r"engineers?|programmers?|coders?|students?|members?|seats?|subscribers?|visitors?|patients?|"
              r"lawyers?|attorneys?|paralegals?|analysts?|colleagues?|workers?|shoppers?|learners?|readers?|"
              r"accounts?|mau|dau|wau|reps?|representatives?|operators?|researchers?|writers?|marketers?|"
              r"translators?|teachers?|doctors?|nurses?|traders?|callers?|residents?|citizens?|humans?|folks?|"
              r"managers?|supervisors?|executives?|officers?|directors?|leads?|technicians?|consultants?|advisors?|"
              r"advisers?|associates?|partners?|stakeholders?|volunteers?|trainees?|interns?|professors?|tutors?|"
              r"recruiters?|accountants?|auditors?|underwriters?|adjusters?|brokers?|bankers?|dispatchers?|drivers?|"
              r"pilots?|contractors?|freelancers?|buyers?|sellers?|merchants?|tenants?|guests?|travell?ers?|"
              r"passengers?|fans?|players?|gamers?|viewers?|listeners?|authors?|journalists?|reporters?|editors?|"
              r"designers?|architects?|scientists?|chemists?|biologists?|testers?|admins?|administrators?|moderators?|"
              r"salespeople|sales\s+reps?|individuals?|clinicians?|physicians?|pharmacists?|caregivers?|therapists?|"
              r"dentists?|surgeons?|radiologists?|paramedics?|clerks?|solicitors?|barristers?|marketers?|"
              r"planners?|specialists?|experts?|officials?|inspectors?|investigators?|investors?|clients?|"
              r"employes|emplyees|empolyees|usres|uers|teammates?|colleagues?|coworkers?|co-workers?|devops|sres?|"
              r"analysts?|lawyers?|nurses?|agents?|customers?|people|persons?|ppl|"
              # people nouns without an agent ending, and clipped role names ("500 techs", "350 AEs")
              r"pupils?|kids|children|parents|athletes?|alumni|personnel|faculty|crew|crews|patrons?|tourists?|"
              r"techs?|execs?|mgrs|aes|sdrs?|bdrs?|csms?|pms|ftes?|ics|vets|medics?|cadets?|soldiers?|staffers?|"
              r"farmers?|residents?|homeowners?|jurors?|judges?|clergy|fellows?|graduates?|grads?|alumnae|actives|"
              r"maus|daus|waus|counsel|personnel|police|clergy|staff|handlers?|evaluators?|reviewers?|examiners?|assessors?|"
              r"fee[\s-]earners?|case\s?workers?|coordinators?|instructors?|lecturers?|buyers?|planners?)")
_NOT_BETWEEN = (r"(?!(?:per|a|an|each|every|for|in|at|to|and|or|with|on|from|x|times|requests?|reqs?|queries|"
                r"calls|tokens?|words?|pages?|gpus?|ms|seconds?|minutes?|hours?|days?)\b(?!-))")

_BUDGET_CUR = re.compile(
    rf"(?:\$|\busd\s?|\bus\$|\beur\s?|€|£|\bgbp\s?|\bchf\s?|\bca?\$|\bau?\$|\bcad\s?|\baud\s?|¥|₹|\bjpy\s?|"
    rf"\binr\s?|\brs\.?\s?|\bcny\s?|\brmb\s?|\bsek\s?)\s*{NUM}|{NUM}\s*(?:k\$|\$|usd\b|us\s+dollars\b|sek\b|kronor\b|"
    rf"(?:canadian\s+|australian\s+)?dollars?\b|bucks\b|eur\b|euros?\b|€|£|gbp\b|pounds\b|quid\b|chf\b|"
    rf"(?:swiss\s+)?francs?\b|cad\b|aud\b|jpy\b|yen\b|inr\b|rupees?\b|cny\b|rmb\b|yuan\b|¥|₹)")
_PERIOD_AFTER = re.compile(
    r"^\s*(?:usd|dollars)?\s*(?:/|per|an?|each|every)\s*(month|mo|year|yr|annum|quarter|week|wk|day|hour|hr|h)\b|"
    r"^\s*(?:usd|dollars)?\s*(monthly|annually|yearly|quarterly|weekly|daily|hourly)\b|"
    # "$48,000 for the year", "€90k for the quarter", "20k over the whole year"
    r"^\s*(?:usd|dollars)?\s*(?:\w+\s+)?(?:for|over|across|in)\s+(?:the|a|one|this|each|every)\s+"
    r"(?:whole\s+|full\s+|entire\s+|fiscal\s+|financial\s+|calendar\s+|school\s+|academic\s+)?(year|quarter|month|week)\b")
# the period may qualify the money noun anywhere earlier in the clause ("our annual budget for this is $120k")
_PERIOD_BEFORE = re.compile(r"\b(monthly|annual|yearly|quarterly|weekly|daily|hourly)\s+[^.;!?\x02]{0,60}$")
_NOT_A_BUDGET = re.compile(r"^\s*(?:/|per|a|an|each)\s*(?:gpu|card|node|instance|1m|million|token|user|seat|pop|head|"
                           r"licen[cs]e|person|employee|developer|dev|request|query|call)|"
                           # money the organisation has or makes, not what it spends on this
                           r"^\s*(?:\w+\s+)?(?:of|in)\s+(?:assets|revenue|turnover|deposits|sales|funding|profits?|"
                           r"savings|loans|mortgages|capital|aum)\b|^\s*(?:in\s+)?(?:revenue|turnover|arr|aum)\b")

# the periods a rate is said per, and the nouns a rate counts: one list each for the rate patterns below
_PERIOD = r"(second|sec|s|minute|min|hour|hr|h|day|week|wk|month|mo)\b"
_RATE_NOUN = r"(?:requests?|queries|calls|conversations|chats|messages|tickets|emails|documents|docs|completions|prompts|questions)"
_TOKEN_RATE = re.compile(rf"{NUM}\s*(?:output\s+)?(?:tokens?|toks?)\s*(?:/\s*|per\s+|an?\s+|each\s+|every\s+)(?:s|sec|second)\b|"
                         rf"{NUM}\s*tok/s\b")
_AGGREGATE = re.compile(r"\b(?:total|aggregate|overall|cluster|combined|throughput)\b")
_RATE_UNIT = re.compile(
    rf"{NUM}\s*(?:(rps|qps|req/s|reqs?/sec|reqs/s|requests?/s(?:ec)?|queries/s(?:ec)?|calls/s|r/s)|"
    rf"(rpm|qpm|req/min|requests?/min)|(rph|req/h|requests?/h(?:ou)?r))(?![a-z])")
_RATE_PER = re.compile(
    rf"{NUM}\s*(?:(?!{USER_NOUNS}\b|(?:per|an?|each|every|times|tokens?|words?|pages?|gpus?|ms|seconds?|x|h|hrs?|hours?|"
    rf"mins?|minutes?)\b)"
    rf"[a-z][a-z-]*(?:\s+|(?=\s*/))){{0,2}}?(?:/\s*|per\s+|an?\s+|each\s+|every\s+){_PERIOD}")
_RATE_DAILY = re.compile(
    rf"{NUM}\s*(daily|hourly|weekly|monthly)\s+(?:[a-z]+\s+)?(?:{_RATE_NOUN}|translations|summaries|sessions)\b")
# more ways to say a rate: the noun before its period ("1.2 million requests monthly"), a count every few seconds ("one
# request every two seconds"), a rate per user ("1 query per user per minute"), the busiest hour's count ("peak hour:
# 36,000 requests", "36k requests in the busiest hour")
_RATE_ADVERB_AFTER = re.compile(rf"{NUM}\s*(?:[a-z]+\s+)?{_RATE_NOUN}\s+(daily|hourly|weekly|monthly)\b")
_COUNT_EVERY = re.compile(rf"{NUM}\s+{_RATE_NOUN}\s+(?:every|each)\s+{NUM}\s*(s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?)\b")
_PER_USER_RATE = re.compile(
    rf"{NUM}\s*(?:[a-z-]+\s+)?(?:per|a|an|each|every)\s+(?:user|person|head|seat|employee|agent|member|customer)\s+"
    rf"(?:per|a|an|each|every)\s+{_PERIOD}")
_PEAK_HOUR = re.compile(
    rf"\b(?:the\s+|our\s+)?(?:peak|busiest)\s+(hour|minute)\s*[:=,-]?\s*(?:we\s+(?:get|see|have|handle)\s+)?(?:about\s+|"
    rf"around\s+|~\s*|up\s+to\s+)?{NUM}\s*(?:[a-z]+\s+)?{_RATE_NOUN}|"
    rf"{NUM}\s*(?:[a-z]+\s+)?{_RATE_NOUN}\s+(?:in|during)\s+(?:the\s+|our\s+|a\s+)?(?:peak|busiest)\s+(hour|minute)\b")
_PER_USER_AFTER = re.compile(r"^\s*(?:per|each|a|for\s+each|from\s+each)\s+(?:user|person|employee|customer|seat)")
_PEAK = re.compile(r"(?<!off-)(?<!off\s)\b(?:peak|peaks|peaking|max|maximum|spikes?|spiking|bursts?|bursting|busiest|"
                   r"highest|top|tops\s+out|topping\s+out|up\s+to|rush)\b")
# the label may follow as a copula: "20 rps is our peak", "8 rps is the average"
_IS_OUR = r"(?:(?:is|are|was|were|being)\s+(?:(?:our|the|my|just\s+the|only\s+the)\s+)?)?"
_PEAK_AFTER = re.compile(rf"^\s*{_IS_OUR}(?:at|during|in)?\s*(?:the\s+|our\s+)?(?:(?:absolute|very|daily|weekly|monthly|"
                         rf"worst|real|true|highest|busiest|seasonal|yearly|annual)\s+)*(?:peak|busiest|rush|spikes?|bursts?|max)\b")
_MONEY_BEFORE = re.compile(r"\b(?:budget|spend|spending|cost|costs|pay|afford|price|usd|eur)\b|[$€£]")
_PER_TIME = re.compile(r"^\s*(?:/|per|an?|each|every)\s*(?:second|sec|s|minute|min|hour|hr|h|day|week|month|mo)\b")
_AVERAGE_AFTER = re.compile(rf"^\s*{_IS_OUR}(?:on\s+)?(?:average|avg|sustained|typically|normally|usually)\b|"
                            # said of an ordinary time: "150 a minute on a normal afternoon", "on a typical day"
                            r"^\s*(?:on|in|during|over)\s+(?:a|an|any)\s+(?:normal|typical|regular|average|usual|"
                            r"ordinary|quiet|standard|good)\b")
_PER_USER_BEFORE = re.compile(r"\b(?:each|every|per)\b(?!\s+(?:second|sec|s|minute|min|hour|hr|h|day|week|month)\b)[^.;,\x02]{0,30}$")
_NEGATED = re.compile(r"\b(?:not|never)\s+(?:even\s+|just\s+|only\s+)?[$€£]?\s*$")
_AVERAGE = re.compile(r"\b(?:average|avg|mean|sustained|typical|typically|normally|baseline|steady|usually|"
                      r"off[\s-]peak|otherwise|rest\s+of\s+the\s+(?:day|time))\b")
# a peak said without a unit next to a rate ("average 2 rps, bursts up to 12", "peak: 50 rps; off-peak: 10")
_PEAK_BARE = re.compile(rf"(?<!off-)(?<!off\s)\b(?:peaks?|peaking|bursts?|bursting|spikes?|spiking|tops?\s+out)\s*"
                        rf"(?:of|at|to|up\s+to|around|about|near|~|:|=|hits?|reach(?:es)?|go(?:es)?\s+up\s+to|climbs?\s+to|"
                        rf"(?:is|was|'s|will\s+be|would\s+be|should\s+be|becomes?)(?:\s+(?:actually|really|now|more\s+like|"
                        rf"closer\s+to))?)?\s*"
                        rf"(?:up\s+to\s+|around\s+|~\s*)?{NUM}"
                        # a unit or a noun after the number is something else ("peaks of 25 users"); when it
                        # happens is not ("spiking to 20 on monday mornings")
                        r"(?!\s*(?:%|x\b|(?!(?:on|in|at|during|when|around|between|for|every|each|most|some|the|"
                        r"and|or|but|while|whenever|if|before|after|once|twice|a|per|actually|though|tho|too|"
                        r"sometimes|occasionally|now|then|so|ish|really|apparently)\b)[a-z]))")
_EVERY = re.compile(rf"\b(?:a|one)\s+(?:request|query|call|message|question|prompt)\s+(?:every|each)\s+{NUM}\s*"
                    r"(s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?)\b")
# a second rate with its unit left out, said of a busy time: "15 qps on a normal day and 60 on black friday", "4 rps,
# up to 20 during campaigns": the busy time's rate is the peak, in the unit of the rate said before it
_PEAK_OCCASION = re.compile(
    rf"(?:\band|\bbut|,|;|\bup\s+to|\b(?:rising|going|jumping|spiking|climbing)\s+to)\s+(?:maybe\s+|about\s+|around\s+|"
    rf"roughly\s+|~\s*|as\s+much\s+as\s+)?{NUM}(?!\s*(?:%|x\b|(?!on|at|in|for|during|when|around)[a-z]))\s*"
    r"(?:on|at|in|for|during|when|around|over)\s+(?:the\s+|our\s+|a\s+)?(?:[\w-]+\s+){0,2}?(?:peaks?|busiest|busy|"
    r"black\s+friday|cyber\s+monday|holidays?|launch\w*|sales?|campaigns?|rush|christmas|december|month[\s-]end|"
    r"quarter[\s-]end|year[\s-]end|mornings?|lunch\w*|evenings?|mondays?|fridays?|weekends?|season|promotions?|"
    r"events?|deadlines?|open\s+enrol+ment|tax\s+season|exam\s+(?:weeks?|season))\b")
# a busy occasion right after a rate ("at lunch", "during the morning rush", "on black friday")
_OCCASION_AFTER = re.compile(
    r"^\s*(?:on|at|in|for|during|around|over)\s+(?:the\s+|our\s+|a\s+)?(?:[\w-]+\s+){0,2}?(?:peaks?|busiest|busy|"
    r"black\s+friday|cyber\s+monday|holidays?|launch\w*|sales?|campaigns?|rush|christmas|december|month[\s-]end|"
    r"quarter[\s-]end|year[\s-]end|mornings?|lunch\w*|evenings?|mondays?|fridays?|season|promotions?|"
    r"events?|deadlines?|open\s+enrol+ment|tax\s+season|exam\s+(?:weeks?|season)|office\s+hours|business\s+hours|"
    r"working\s+hours|daytime|the\s+day)\b")
_PEAK_LABEL_AFTER = re.compile(rf"(?<![\w.]){NUM}\s*(?:at\s+(?:the\s+)?|@\s*|during\s+(?:the\s+)?)?(?:peak|max|burst|spikes?)\b")
# an average said without a unit next to a rate ("20 rps is our peak. Average is closer to 8", "avg more like 5")
_AVERAGE_BARE = re.compile(rf"\b(?:average|avg|mean|baseline|sustained|steady[\s-]state|normally|usually|typically|"
                           rf"otherwise|most\s+of\s+the\s+time|(?:the\s+)?rest\s+of\s+the\s+(?:day|time))\s*(?:rate|load|traffic)?\s*"
                           rf"(?:(?:of|at|is|are|around|about|roughly|maybe|closer\s+to|more\s+like|nearer|=|:|~)\s*)*"
                           rf"{NUM}(?!\s*(?:%|x\b|(?!(?:and|or|but|with|while|whereas|though|tho|then|now|so|ish|"
                           rf"really|actually|i|we)\b)[a-z]))|"
                           # the cue after the number: "4 rps at peak, 1.5 on average", "12 at the peak, 3 otherwise"
                           rf"(?<![\w.]){NUM}\s*(?:on\s+average|on\s+avg|avg|average|typically|normally|usually|otherwise|"
                           rf"the\s+rest\s+of\s+the\s+(?:day|time)|most\s+of\s+the\s+time)\b")
_OTHER_MEASURE = re.compile(rf"\b(?:tokens?|toks?|prompts?|inputs?|outputs?|words?|pages?|{USER_NOUNS}|concurren\w*|latency|"
                            r"ttft|itl|e2e|ms|seconds?|budget|cost|spend|gpus?|cards?)\b|[$€£]")
_OFF_PEAK_BARE = re.compile(rf"\boff[\s-]peak\s*(?:of|at|is|:|=|around|about|~)?\s*{NUM}(?!\s*(?:%|x\b|[a-z]))")

_LATENCY_UNIT = re.compile(
    rf"{NUM}\s*(ms|msec|millis|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?)(?![a-z/])")
_LAT_SPECIFIC = re.compile(
    r"(?P<ttft_p95_ms>\bttft\b|time[\s-]+to[\s-]+first[\s-]+(?:token|byte|word)|\bfirst[\s-]+(?:token|word|byte|"
    r"chunk)|\bstart(?:s|ing)?\b|\bbegin(?:s|ning)?\b|\binitial\s+response|\bfirst\s+(?:answer|response))|"
    r"(?P<itl_p95_ms>\bitl\b|inter[\s-]?token|between\s+tokens|per[\s-]+(?:output[\s-]+)?token|\btpot\b|\btbt\b|"
    r"\b(?:each|every|a|one)\s+(?:new\s+|output\s+|next\s+|subsequent\s+)?token\b|\btoken\s+every\b|"
    r"token[\s-]+latency|token[\s-]+to[\s-]+token)|"
    r"(?P<e2e_p95_ms>\be2e\b|end[\s-]+to[\s-]+end|\btotal\b|\b(?:full|complete|whole|entire)\s+(?:answer|"
    r"response|reply|summary|output)|\bfinish(?:es|ed)?\b|\boverall\b|turnaround|round[\s-]?trip|\bdone\b)")
_LAT_GENERIC = re.compile(
    r"\blatency\b|response\s+times?|\brespon(?:d|ds|se|ses)\b|\banswers?\b|\brepl(?:y|ies)\b|\btakes?\b|"
    r"\bwait\b|\bsla\b|\bslo\b|\bunder\b|\bbelow\b|\bwithin\b|less\s+than|at\s+most|\bp9[59]\b|<")
_ADJ_PREFIX = re.compile(r"^(?:\s|-|\(|(?:of|to|for|per|in|on|the|an?|p9[59]|s|average|avg|mean|typical|median|max)\b)*")

_TOKENS_UNIT = re.compile(rf"{NUM}\s*-?\s*(tokens?|toks?|words?|pages?|characters|chars|lines)\b")
# a pair of lengths said as what goes in and what comes out ("2k in / 256 out", "1500 in, 300 out"): tokens
_IN_OUT_PAIR = re.compile(rf"{NUM}\s*(?:tokens?\s+|toks?\s+)?in\s*(?:/|,|\+|;|&|and|->|→)\s*{NUM}\s*(?:tokens?\s+|"
                          rf"toks?\s+)?out\b")
_TOKENS_IN_OUT = re.compile(rf"{NUM}\s*(?:tokens?\s+|toks?\s+)?(in|out)\b(?!\s+(?:the|a|an|our|of|to)\b)")
_CONTEXT_UNIT = re.compile(rf"{NUM}\s*-?\s*(?:tokens?\s+|toks?\s+)?(?:context(?:\s+(?:window|length))?|ctx)\b")
_TOK_KW = re.compile(
    r"(?P<prompt_tokens>\bprompts?\b|\binputs?\b|\bcontext\b|\bquestions?\b|\bquer(?:y|ies)\b|\bdocuments?\b|"
    r"\bdocs?\b|\bpdfs?\b|\bfiles?\b|\breports?\b|\bcontracts?\b|\btickets?\b|\bemails?\b|\btranscripts?\b|"
    r"\bbooks?\b|\bpapers?\b|\bin\b|\bsends?\b|\bread\b|\bingest\w*|\bsource\b|\bpasted?\b|\bhistory\b|"
    r"\bmessages?\b|\bfilings?\b|\bmanuals?\b|\bchapters?\b)|"
    r"(?P<output_tokens>\boutputs?\b|\banswers?\b|\brespons(?:e|es)\b|\brepl(?:y|ies)\b|\bcompletions?\b|"
    r"\bgenerat\w*|\bsummar(?:y|ies)\b|\bwrites?\b|\bproduces?\b|\bout\b|\breturns?\b|\bresults?\b|\bposts?\b|"
    r"\bdescriptions?\b|\bcopy\b|\bdrafts?\b|\bfunctions?\b|\btranslations?\b|\bmemos?\b)")

# a length said of prompts or outputs without "tokens" ("prompts ~2k, outputs ~500", "2k is the output"): prompts and
# outputs are measured in tokens here (pages, words and lines carry their unit and are read above)
_TOK_NOUN = r"(?P<kw>prompts?|inputs?|outputs?|completions?|generations?|isl|osl)"
_TOKENS_KW = re.compile(
    rf"\b{_TOK_NOUN}\s*(?:(?:length|size|tokens?|toks?|are|is|of|around|about|roughly|approx\w*|typically|usually|"
    rf"average|averaging|avg|mean|more\s+like|closer\s+to|nearer|actually|really|now|=|:|~)\s*)*{NUM}"
    rf"(?=\s*(?:$|[,.;:)!?\x01]|(?:and|or|but|while|with|each|on\s+average|avg|average|mean|typically|in|out|for|tokens?|"
    rf"actually|really|now|then|instead|tops|max|these\s+days|per\s+"
    rf"(?:request|call|query|message|prompt))\b))|"
    rf"{NUM}\s+(?:is|are)\s+(?:the\s+|our\s+)?(?P<kw2>prompts?|inputs?|outputs?|completions?|generations?)\b")
# A unit said once covers a parallel length said without it ("tickets ~1,200 tokens, summaries ~100", "prompts around
# 3k tokens, answers 400"): once a sentence has measured one side in tokens, a bare number after a noun of the other
# side (what is read, what is written) is that side's length in tokens.
_ELLIPSIS_NOUNS = (r"(?:(?P<prompt_tokens>prompts?|inputs?|context|questions?|quer(?:y|ies)|documents?|docs?|pdfs?|"
                   r"files?|reports?|contracts?|tickets?|e-?mails?|transcripts?|messages?|articles?|pages?|texts?|"
                   r"filings?|chats?|conversations?)|(?P<output_tokens>outputs?|answers?|respons(?:e|es)|repl(?:y|ies)|"
                   r"completions?|generations?|summar(?:y|ies)|translations?|drafts?|descriptions?|results?|posts?|out))")
_TOKENS_ELLIPSIS = re.compile(
    rf"\b{_ELLIPSIS_NOUNS}\s*(?:(?:are|is|of|around|about|roughly|approx\w*|typically|usually|maybe|perhaps|average|"
    rf"averaging|avg|mean|run(?:s|ning)?\s+(?:to|at)|come\s+(?:to|in\s+at)|up\s+to|at\s+most|under|closer\s+to|"
    rf"more\s+like|like|only|just|=|:|~)\s*)*{NUM}\s*(?:or\s+so|ish)?(?=\s*(?:$|[,.;:)!?\x01(]|(?:and|or|but|while|with|"
    rf"each|on\s+average|max|tops|at\s+most|apiece)\b))")
# a people noun that qualifies another noun counts that one ("eleven stakeholder interviews", "300 customer emails")
_PEOPLE_AS_MODIFIER = (r"(?!\s+(?:interviews?|surveys?|e-?mails?|tickets?|requests?|stories|records?|files?|data|"
                       r"reviews?|feedback|calls?|messages?|questions?|queries|complaints?|meetings?|sessions?|"
                       r"segments?|personas?|profiles?|journeys?|research|names?|ids?|counts?|workshops?|chats?|"
                       r"conversations?|documents?|docs|letters?|orders?|claims?|cases?|contracts?|invoices?)\b)")
# a people noun may be the head of a compound written as one word ("25 copywriters", "40 caseworkers")
_USERS_UNIT = re.compile(rf"{NUM}\s*-?\s*\+?\s*(?:{_NOT_BETWEEN}[a-z][a-z-]*\s+(?:and|&)\s+)?"  # "180 engine and gameplay programmers"
                         rf"(?:{_NOT_BETWEEN}[a-z][a-z-]*\s+){{0,2}}?"
                         rf"(?:(?!screw|re(?=members|agents))[a-z]{{2,8}}(?={USER_NOUNS}\b))?{USER_NOUNS}\b"
                         + _PEOPLE_AS_MODIFIER)
# A people noun not in the list, known by its form (agent nouns: "linesmen", "call handlers", "civil servants"),
# counted only where a count of people is expected: "for N ...", "N ... use it", "our N ...". Things with the same
# endings (documents, servers, orders, errors) are no people.
_NOT_PEOPLE = (r"(?!(?:[a-z]*ments?|documents|servers|containers|characters|letters|chapters|papers|numbers|orders|"
               r"parameters|vectors|clusters|computers|layers|answers|centers|filters|headers|counters|markers|"
               r"transformers|folders|registers|errors|factors|sectors|colors|colours|doors|floors|monitors|"
               r"processors|connectors|tensors|vendors|mirrors|cursors|meters|liters|litres|newsletters|posters|"
               r"banners|stickers|routers|trackers|loggers|timers|containers|incidents|events|contents|percents|"
               r"variants|plants|restaurants|intents|gigabytes|terabytes|dollars|hours|minutes|seconds|others|"
               r"quarters|thousands|millions|tokens|prompts|outputs|requests|queries|tickets|questions)\b)")
_PERSON_FORM = r"(?:[a-z]+(?:ers|ors|ists|ians|eers|men|ees|ants|ents|ives|ppl)|ppl|folk|staff)"
_USERS_FORM = re.compile(
    rf"(?:\b(?:for|our|with|serving|serve|supporting|support|by)\s+(?:about\s+|around\s+|roughly\s+|approx\w*\s+|"
    rf"~\s*|some\s+|up\s+to\s+|over\s+|nearly\s+|almost\s+)?){NUM}\s*\+?\s*(?:[a-z][a-z-]*\s+(?:(?:and|or|&)\s+)?){{0,2}}?"
    rf"{_NOT_PEOPLE}{_PERSON_FORM}\b|"
    rf"{NUM}\s*\+?\s*(?:[a-z][a-z-]*\s+){{0,2}}?{_NOT_PEOPLE}{_PERSON_FORM}\s+(?:will\s+|would\s+|who\s+|that\s+)?"
    r"(?:use|using|uses|log\s+in|access)\b|"
    # any plural noun that talks to the tool is people ("1,100 pupils would chat with it", "3,000 alumni ask it")
    rf"{NUM}\s*\+?\s*(?:[a-z][a-z-]*\s+){{0,2}}?{_NOT_PEOPLE}[a-z]+(?:s|i|ren|people|staff|folk)\s+(?:(?:will|would|could|"
    r"might|can|who|that|then|also|regularly|daily|each|mostly)\s+){0,2}(?:chat|talk|speak|ask|query|consult|"
    r"message|interact|log\s+in)\w*\s+(?:with\s+|to\s+)?(?:it|the\s+(?:bot|tutor|assistant|ai|tool|agent|app|coach|"
    r"chatbot|model|system))\b|"
    rf"{NUM}\s*[^\W\d_]+\s+\(\s*{USER_NOUNS}\s*\)|"
    # an item of a list that is only a count of people ("prompts ~1k tokens, outputs ~300, 50 merchandisers.")
    rf"(?:^|(?<=[,;:(])|(?<=\band\s))\s*(?:about\s+|around\s+|~\s*|roughly\s+|some\s+)?{NUM}\s*\+?\s*"
    rf"(?:[a-z][a-z-]*\s+)?{_NOT_PEOPLE}{_PERSON_FORM}(?=\s*(?:$|[.,;:)!?]))")
# "2,000 staff, about 600 use it on a normal day": the number who use it is the users, whatever the headcount
_USERS_ACTIVE = re.compile(rf"(?<!\bin\s)(?<!out\sof\s){NUM}\s*(?:of\s+(?:them|those|us)\s+)?(?:(?:actually|really|regularly|typically|"
                           r"actively|will|would|daily)\s+)?(?:use|uses|using)\s+(?:it|the\s+(?:tool|bot|assistant|"
                           r"app|service|system))\b")
# a group's size said as its strength: "our 1.2k-strong sales team", "a team 40 strong", "a workforce of 3,000"
_USERS_STRONG = re.compile(rf"{NUM}\s*-?\s*strong\s+(?:[a-z-]+\s+){{0,2}}?(?:team|workforce|staff|group|department|"
                           rf"org(?:ani[sz]ation)?|company|crew|unit|sales\s+force|salesforce|community|user\s+base)\b|"
                           rf"\b(?:team|workforce|staff|group|department|crew)\s+(?:of\s+)?{NUM}\s+strong\b|"
                           rf"\b(?:workforce|sales\s+force|user\s+base|community|membership)\s+of\s+(?:about\s+|around\s+|"
                           rf"~\s*|roughly\s+|some\s+|over\s+)?{NUM}")
# words of a correction between a field's keyword and its number: "users are actually 1,100", "traffic is more like 9"
_CORRECTING = r"actually|really|now|in\s+fact|more\s+like|closer\s+to|nearer|instead|should\s+be|was|were"
_USERS_KW = re.compile(
    rf"\b(?:concurrency|concurrent\s+(?:users|sessions|requests)|users?|user\s+(?:count|base)|userbase|headcount|audience|seats|team\s+size|number\s+of\s+users)\s*"
    rf"(?:count\s*)?(?:is|are|:|=|of|to|around|about|~|approx\w*|roughly|maybe|total\w*|will\s+be|{_CORRECTING}|\s)*{NUM}|"
    rf"\b(?:company|team|org(?:anization|anisation)?|department|firm|audience|user\s+base|population|staff)\s+of\s+"
    rf"(?:about\s+|around\s+|~\s*|roughly\s+|approximately\s+|over\s+|nearly\s+|almost\s+)?{NUM}|"
    # a people noun as the subject of its count: "customers are 2,000", "our developers number about 900"
    rf"\b{USER_NOUNS}\s+(?:are|number|total|count|=|:)\s*(?:(?:about|around|roughly|~|approx\w*|maybe|{_CORRECTING})\s*)*"
    rf"{NUM}(?!\s*(?:%|(?!(?:actually|really|now|total|in|or|and|but|though|today|at|on|or\s+so)\b)[a-z]))")
# people counted in groups: "four teams of 25 engineers", "3 shifts of 80 agents each", "5 squads with 12 devs each",
# "25 engineers in each of four teams", "80 agents per shift across 3 shifts" -> the product
_GROUP_NOUN = (r"(?:teams?|groups?|shifts?|squads?|classes|departments?|cohorts?|crews?|units?|sites?|branches|offices?|"
               r"stores?|schools?|wards?|pods?|regions?|clinics?|hospitals?|locations?|call\s+cent(?:er|re)s?|floors?|"
               r"divisions?|business\s+units?|labs?|studios?|campuses|squadrons?|platoons?|sections?)")
_PEOPLE_NOUN = rf"(?:{USER_NOUNS}|{_PERSON_FORM})"
# a count of a word the tables do not know, glossed in brackets by a people noun: "1.200 Sachbearbeiter (case
# workers)", "300 Pflegekräfte (nurses)"
_USERS_GLOSSED = re.compile(rf"{NUM}\s*\+?\s*[^\W\d_][\w-]*\s*\(\s*(?:[a-z-]+\s+){{0,2}}?{_PEOPLE_NOUN}\s*\)")
_GROUPS_OF = re.compile(
    rf"{NUM}\s+(?:[a-z-]+\s+)?{_GROUP_NOUN}\s+(?:of|with|,\s*each\s+(?:with|of))\s+(?:about\s+|around\s+|roughly\s+|"
    rf"~\s*|some\s+|up\s+to\s+)?{NUM}\s*(?:[a-z-]+\s+)?{_PEOPLE_NOUN}\b|"
    rf"{NUM}\s*(?:[a-z-]+\s+)?{_PEOPLE_NOUN}\s+(?:in\s+each\s+of|(?:per|a|each)\s+{_GROUP_NOUN}\s*,?\s*(?:across|over|"
    rf"in|times|x|for)?)\s+(?:the\s+|our\s+|all\s+)?{NUM}\s*(?:[a-z-]+\s+)?{_GROUP_NOUN}?|"
    # the people noun first: "colleagues in three teams of 40 each", "engineers across 5 squads of about 12"
    rf"{_PEOPLE_NOUN}\s+(?:in|across|over|spread\s+(?:over|across)|split\s+(?:into|across))\s+{NUM}\s+(?:[a-z-]+\s+)?"
    rf"{_GROUP_NOUN}\s+(?:of|with)\s+(?:about\s+|around\s+|roughly\s+|~\s*|some\s+|up\s+to\s+)?{NUM}"
    rf"(?:\s+(?:each|apiece|people|persons|heads))?(?!\s*(?:%|[a-z]))|"
    # the size of each group in brackets or after a dash: "3 regional teams (about 40 agents each)"
    rf"{NUM}\s+(?:[a-z-]+\s+)?{_GROUP_NOUN}\s*(?:\(|,|-|:)\s*(?:about\s+|around\s+|roughly\s+|~\s*|some\s+|up\s+to\s+)?"
    rf"{NUM}\s*(?:[a-z-]+\s+)?{_PEOPLE_NOUN}\s+(?:each|apiece|per\s+{_GROUP_NOUN}|in\s+each)\b")
# a count of people said in apposition after the noun: "claims handlers (about 650 of them)", "devs want completions,
# 120 of them", "our nurses - some 900 of them -": the noun before names what the count counts
_PEOPLE_OF_THEM = re.compile(rf"\b{_PEOPLE_NOUN}\b[^.;!?\x01]{{0,60}}?[(,\-]\s*(?:about\s+|around\s+|roughly\s+|some\s+|"
                             rf"~\s*|approx\w*\s+|maybe\s+|nearly\s+|almost\s+|over\s+)?{NUM}\s+of\s+(?:them|us)\b|"
                             # the count in brackets right after the noun: "claims adjusters (about 300)"
                             rf"\b{_PEOPLE_NOUN}\s*\(\s*(?:about\s+|around\s+|roughly\s+|some\s+|~\s*|approx\w*\s+|"
                             rf"maybe\s+|nearly\s+|almost\s+|over\s+)?{NUM}\s*\)")
_GPUS_UNIT = re.compile(
    rf"{NUM}\s*(?:x\s*)?(?:(?!per\b|for\b|each\b|gb\b|gib\b|tb\b|mb\b)[a-z]+\s+)?(?:§+|gpus?\b|cards?\b|accelerators?\b)|"
    rf"\b(?:a\s+single|one|1)\s+(?:§+|gpu\b)")
_NODES_GPUS = re.compile(  # "2 nodes with 8 H100s each", "4 servers x 8 GPUs", "two HGX A100 servers (8 GPUs each)"
    rf"{NUM}\s*(?:(?:[a-z]+|§+)\s+){{0,3}}?(?:nodes?|servers?|machines?|boxes|hosts|instances)\s*"
    rf"(?:with|of|x|,|\(|each\s+with)?\s*{NUM}\s*"
    r"(?:x\s*)?(?:[a-z]+\s+)?(?:§+|gpus?\b|cards?\b)(?:\s*(?:s\b)?\s*(?:each|apiece|per\s+(?:node|server|machine)))?")
# the GPUs of each said as the kind of machine: "two 8-GPU H200 servers", "3 x 4-card nodes"
_NODES_OF_GPUS = re.compile(rf"{NUM}\s*(?:x\s*)?{NUM}\s*-?\s*(?:gpus?|cards?|§+)\s+(?:§+\s+)?(?:[a-z]+\s+)?"
                            r"(?:nodes?|servers?|machines?|boxes|hosts|instances|systems?|chassis)\b")
# some of the machines said to be unavailable: "two DGX boxes (8 GPUs each), but one is booked for training"
_MACHINES_TAKEN = re.compile(rf"[^.;]{{0,40}}?\b(?:but|though|however|although|except\s+that)\b[,\s]*{NUM}\s+(?:of\s+(?:them|those)\s+)?"
                             r"(?:is|are|'s|stays?|remains?)\s+(?:\w+\s+)?(?:booked|reserved|used|taken|dedicated|out|down|"
                             r"broken|busy|unavailable|allocated|earmarked|in\s+repair|for\s+training)\b")


def _nodes_gpus(p: _Pass, m: re.Match) -> list[tuple[str, float]]:
    nodes, each = p.nt.value(m, 1), p.nt.value(m, 2)
    taken = _MACHINES_TAKEN.match(p.nt.text, m.end())
    p.notes["max_gpus"] = f"{nodes:g} machines x {each:g} GPUs"
    if taken and 0 < (n := p.nt.value(taken)) < nodes:
        p.notes["max_gpus"] = f"{nodes - n:g} of {nodes:g} machines x {each:g} GPUs"
        nodes -= n
    return [("max_gpus", _int(nodes * each))]


# the count said in apposition after the GPUs: "the GPUs we own are L40S - 16 of them"
_GPUS_OF_THEM = re.compile(rf"(?:§+|gpus?|cards)(?:\s+[^\x01.;!?,(—–-]{{0,40}}?\s*[—–(,:-]|\s*[—–(,:-]?)\s*(?:about\s+|around\s+|some\s+|~\s*)?{NUM}\s+of\s+them\b")
# NVIDIA's 8-GPU systems named by their brand: "one DGX H100", "two HGX A100 boxes" (8 GPUs each)
_EIGHT_GPU_SYSTEMS = re.compile(rf"{NUM}\s*(?:x\s*)?(?:nvidia\s+)?[dh]gx\b(?:[\s-]*(?:§+|[a-z]?\d+\w*))?"
                                r"(?:\s+(?:servers?|systems?|boxes|nodes?|machines?|pods?))?(?!\s*(?:\(|with|of)?\s*\x01)")
_GPUS_NOT_A_LIMIT = re.compile(r"^\s*(?:s\b)?\s*(?:per|each|/|a)\s*(?:replica|node|pod|instance|server|machine|model)")

_BUDGET_KW = re.compile(
    rf"\b(?:budget(?:ed|ing)?|earmarked|set\s+aside|sanctioned|spend|spending|afford|pay|cost\s+(?:cap|limit|ceiling)|approved|allocated|allocation|funding|funded|"
    rf"signed\s+off)\b[^\x01.;]{{0,25}}?{NUM}(?!\s*(?:%|{USER_NOUNS}\b|gpus?\b|tokens?\b|requests?\b|rps\b|ms\b|"
    rf"seconds?\b|hours?\b))"
    # a count of things after the number is no money: "the CFO approved 2 new hires", "approved 3 licenses"
    rf"(?!\s*(?:new\s+|more\s+|extra\s+|additional\s+|full[\s-]time\s+)?(?!(?:dollars|euros|pounds|bucks|francs|rupees|"
    rf"usd|eur|gbp|chf|thousands|millions|grand)\b)[a-z]{{3,}}s\b)|"
    rf"{NUM}\s*(?:/\s*|per\s+|an?\s+)(?:mo|month)\b\s*(?:(?:for|as|on|to)\s+(?:the\s+|our\s+|a\s+)?)?(?:budget|spend|cap|max)\b")
# the count of GPUs named by its noun and limited: "GPU count must stay under 10", "number of GPUs: at most 6"
_GPUS_KW = re.compile(
    rf"\b(?:gpu\s+count|number\s+of\s+(?:gpus?|cards|§+)|total\s+(?:gpus?|§+)|gpu\s+(?:cap|limit|ceiling|budget))\b"
    rf"[^\x01.;]{{0,25}}?(?:under|below|at\s+most|max(?:imum)?|no\s+more\s+than|less\s+than|fewer\s+than|up\s+to|<=?|≤|"
    rf"is|of|=|:)\s*{NUM}(?!\s*(?:%|[a-z]))")
_RATE_KW = re.compile(rf"\b(?:rps|qps|throughput|traffic|load|request\s+rate|requests\s+per\s+second)\s*"
                      rf"(?:of|is|at|around|about|~|=|:|peak(?:s|ing)?|{_CORRECTING}|\s)*{NUM}(?!\s*%)")
_LAT_KW = re.compile(
    rf"\b(ttft|time\s+to\s+first\s+token|itl|tpot|inter[\s-]?token\s+latency|e2e|end[\s-]+to[\s-]+end|latency)\s*"
    rf"(?:p9[59]\s*)?(?:of|is|:|=|under|below|<=?|at\s+most|around|about|~|max(?:imum)?|target|to|\s)*"
    # a few words may stand between the keyword and a bare number that a cue introduces ("ttft can be a bit looser,
    # say 300")
    rf"(?:(?:[a-z',]+\s+){{1,5}}?(?:say|like|maybe|around|about|to|at|be|of|now)\s*,?\s*)?{NUM}"
    r"(?!\s*(?:%|[a-z]))")


@dataclass
class Quantity:
    field: str
    value: float
    phrase: str
    pos: int
    end: int = -1


class _Pass:
    """One sentence being consumed pass by pass."""

    def __init__(self, nt: Numbered, asked: tuple[str, ...], rate_default: str = "rps"):
        self.nt, self.asked, self.text = nt, asked, nt.text
        self.rate_default = rate_default  # the field a rate said without 'peak' or 'average' updates
        self.found: list[Quantity] = []
        self.negated: list[Quantity] = []  # "not 300 ms": the field a correction is about
        self.notes: dict[str, str] = {}  # field -> how its value was read (a currency conversion)

    def run(self, pattern: re.Pattern, handle: Callable[[re.Match], list[tuple[str, float]] | None]) -> None:
        spans = []
        for m in pattern.finditer(self.text):
            got = handle(m)
            if got is None:
                continue
            spans.append(m.span())
            negated = bool(_NEGATED.search(self.text[max(0, m.start() - 12):m.start()]))
            for field, value in got:  # "not 10 dollars": read (so its field is known) but not a value
                (self.negated if negated else self.found).append(
                    Quantity(field, value, _readable(m.group(0), self.nt), m.start(), m.end()))
        for start, end in reversed(spans):  # one blank per quantity: no long runs for later patterns
            self.text = self.text[:start] + " " + self.text[end:]

    def before(self, pos: int, width: int = 60) -> str:
        """Text before ``pos`` in the same sentence, not reaching back past another number."""
        window = self.text[max(0, pos - width):pos]
        cut = max(window.rfind(c) for c in ".;!?\n\x02")
        return window[cut + 1:]

    def after(self, end: int, width: int = 40) -> str:
        window = self.text[end:end + width]
        cut = window.find("\x01")
        return window if cut < 0 else window[:cut]

    def first_asked(self, fields: Sequence[str]) -> str | None:
        return next((f for f in self.asked if f in fields), None)


def _readable(phrase: str, nt: Numbered) -> str:
    def show(v: float) -> str:
        return f"{v:.0f}" if v.is_integer() and abs(v) < 1e15 else f"{v:g}"

    return " ".join(re.sub(NUM, lambda m: show(nt.value(m)), phrase).split())


def _nearest(kw: re.Pattern, before: str, after: str) -> str | None:
    """Keyword category right after the unit, else the nearest one before."""
    prefix = _ADJ_PREFIX.match(after)
    adj = kw.search(after)
    if adj and adj.start() <= (prefix.end() if prefix else 0) + 1:
        return adj.lastgroup
    last = None
    for hit in kw.finditer(before):
        last = hit
    return last.lastgroup if last else None


def extract(nt: Numbered, asked: Sequence[str] = (), notes: dict[str, str] | None = None,
            lengths_said: bool = False, rate_default: str = "rps", rate_known: bool = False, rate_scale: float = 1.0
            ) -> tuple[list[Quantity], str]:
    """All quantities in one sentence's number text, and the text with them blanked out. ``lengths_said``: an
    earlier sentence of the message measured prompts or outputs in tokens (a later bare length shares the unit).
    ``rate_scale``: req/s per unit of the rate known from before (1/60 when it was said per minute): a bare peak or
    average is in that unit, or in the unit of a rate of this sentence."""
    p = _Pass(nt, tuple(asked), rate_default)
    p.run(_BUDGET_CUR, lambda m: _budget(p, m))
    p.run(_TOKEN_RATE, lambda m: _token_rate(p, m))
    p.run(_EVERY, lambda m: _rate(p, m, 1000.0 / (nt.value(m) * MS_PER_UNIT[m.group(2)])) if nt.value(m) > 0 else None)
    p.run(_PEAK_HOUR, lambda m: [("peak_rps", sig(nt.value(m, 2 if m.group(1) else 3) /
                                                   (3600 if (m.group(1) or m.group(4)) == "hour" else 60)))])
    p.run(_RATE_UNIT, lambda m: _rate_unit(p, m))
    p.run(_RATE_DAILY, lambda m: _rate(p, m, nt.value(m) / _PER_SECONDS[_ADVERB_PERIOD[m.group(2)]]))
    p.run(_PER_USER_RATE, lambda m: [("rps_per_user", p.nt.value(m) / _PER_SECONDS[m.group(2)])])
    p.run(_COUNT_EVERY, lambda m: _rate(p, m, nt.value(m, 1) / (nt.value(m, 2) * MS_PER_UNIT[m.group(3)] / 1000.0))
          if nt.value(m, 2) > 0 else None)
    p.run(_RATE_ADVERB_AFTER, lambda m: _rate(p, m, nt.value(m) / _PER_SECONDS[_ADVERB_PERIOD[m.group(2)]]))
    p.run(_RATE_PER, lambda m: _rate_per(p, m))
    p.run(_LATENCY_UNIT, lambda m: _latency(p, m, nt.value(m) * MS_PER_UNIT[m.group(2)], unit=m.group(2)))
    p.run(_CONTEXT_UNIT, lambda m: [("prompt_tokens", round(nt.value(m)))])
    p.run(_TOKENS_UNIT, lambda m: _tokens(p, m))
    p.run(_IN_OUT_PAIR, lambda m: [("prompt_tokens", _int(nt.value(m))), ("output_tokens", _int(nt.value(m, 2)))]
          if nt.value(m) >= 16 and nt.value(m, 2) >= 16 else None)
    if any(q.field in TOKEN_FIELDS for q in p.found) or p.first_asked(TOKEN_FIELDS):  # "2k tokens in and ~300 out"
        p.run(_TOKENS_IN_OUT, lambda m: [("prompt_tokens" if m.group(2) == "in" else "output_tokens",
                                          _int(nt.value(m)))])
    p.run(_GROUPS_OF, lambda m: _users_in_groups(p, m))
    p.run(_USERS_UNIT, lambda m: _users(p, m, 1))
    p.run(_USERS_FORM, lambda m: _users(p, m, m.lastindex or 1))
    p.run(_USERS_GLOSSED, lambda m: _users(p, m, 1))
    p.run(_USERS_ACTIVE, lambda m: [(_users_field(m, p), _int(nt.value(m)))])
    p.run(_CONCURRENT_COUNT, lambda m: [("concurrent_users", _int(nt.value(m)))])
    p.run(_NODES_GPUS, lambda m: _nodes_gpus(p, m))
    p.run(_GPUS_OF_THEM, lambda m: [("max_gpus", _int(abs(nt.value(m))))])  # "L40S - 16 of them": a dash, no minus
    p.run(_EIGHT_GPU_SYSTEMS, lambda m: [("max_gpus", _int(nt.value(m) * 8))])
    p.run(_NODES_OF_GPUS, lambda m: _nodes_gpus(p, m))
    p.run(_GPUS_UNIT, lambda m: _gpus(p, m))
    p.run(_GPUS_KW, lambda m: [("max_gpus", _int(nt.value(m)))])
    p.run(_BUDGET_KW, lambda m: _budget(p, m))
    p.run(_RATE_KW, lambda m: _rate(p, m, nt.value(m)))
    said_here = any(q.field in RATE_FIELDS for q in p.found) or bool(p.first_asked(RATE_FIELDS))
    # a rate known from before makes a bare peak or average a rate, unless the sentence measures something else
    rate_known = said_here or rate_known and not _OTHER_MEASURE.search(p.text)
    said_rates = [q for q in p.found if q.field in RATE_FIELDS]
    scale = bare_rate_scale(unit_scale(said_rates[-1].phrase, said_rates[-1].value) if said_rates else rate_scale)
    if rate_known:
        p.run(_PEAK_BARE, lambda m: [("peak_rps", sig(nt.value(m) * scale))])
    rates = [q for q in p.found if q.field == "rps"]
    if rates and not any(q.field == "peak_rps" for q in p.found):
        p.run(_PEAK_OCCASION, lambda m: _peak_occasion(p, m, rates[-1]))
        p.run(_PEAK_LABEL_AFTER, lambda m: _peak_occasion(p, m, rates[-1]))  # "2 rps avg 6 peak"
    elif rate_known and not any(q.field in RATE_FIELDS for q in p.found):
        p.run(_PEAK_LABEL_AFTER, lambda m: [("peak_rps", sig(nt.value(m) * scale))])  # "12 at the peak" after a rate
    p.run(_OFF_PEAK_BARE, lambda m: [("rps", sig(nt.value(m) * scale))])  # off-peak is always about the request rate
    if rate_known and not any(q.field == "rps" for q in p.found):
        p.run(_AVERAGE_BARE, lambda m: [("rps", sig(nt.value(m, m.lastindex or 1) * scale))])
    p.run(_LAT_KW, lambda m: _latency_kw(p, m))
    p.run(_TOKENS_KW, lambda m: _tokens_kw(p, m))
    if lengths_said or any(q.field in TOKEN_FIELDS for q in p.found):
        p.run(_TOKENS_ELLIPSIS, lambda m: _tokens_ellipsis(p, m))
    p.run(_USERS_KW, lambda m: [(_users_field(m, p), _int(nt.value(m, m.lastindex or 1)))])
    p.run(_USERS_STRONG, lambda m: [("users", _int(nt.value(m, m.lastindex or 1)))])
    if not any(q.field in ("users", "concurrent_users") for q in p.found):
        p.run(_PEOPLE_OF_THEM, lambda m: [(_users_field(m, p), _int(nt.value(m, m.lastindex or 1)))])
    wrong = next((q.field for q in p.negated if q.field in LATENCY_FIELDS), None)
    if wrong:  # "meant 3 seconds, not 300 ms": the bare duration corrects the field of the negated one
        p.run(_LATENCY_UNIT, lambda m: [(wrong, sig(nt.value(m) * MS_PER_UNIT[m.group(2)], 6))])
    negated = next((q for q in p.negated if not any(f.field == q.field for f in p.found)), None)
    if negated is not None:  # "it's not 1000 users, it's 1200": a bare number corrects the negated one, in its unit
        p.run(_BARE, lambda m: _corrects(p, m, negated))
    _add_up_people(p.found, nt.text)
    _daily_of_monthly(p)
    _shares_of_people(p)
    if notes is not None:
        notes.update(p.notes)
    return p.found, p.text


_AND = re.compile(rf"\s*(?:{USER_NOUNS}\s*)?(?:,\s*)?(?:and|plus|&|as\s+well\s+as)\s*(?:about|around|roughly|some|another|~|approx\w*|"
                  r"maybe|nearly|almost|over)?\s*$")
_COMMA = re.compile(r"\s*,\s*$")
_USES = re.compile(r"\b(?:use|uses|using)\b")


# a share of a people count: "30% of our 5,000 staff will use it", "1,000 users, of which maybe 5% are active at any
# moment", "around 1,000 employees but only ~10% use it daily", "a quarter of our 8,000 employees", "of our 8,000
# employees, about a third will get access", "one in five of our 3,000 staff" -> the share of the count (concurrent
# when said so). The share is a percent, a fraction word ("half", "two thirds") or "N in M".
_SHARE = (rf"(?:(?P<pct>{NUM})\s*(?:%|percent\b|per\s+cent\b)|(?:(?P<count>a|one|{NUM})\s+)?(?P<frac>half|halves|thirds?|quarters?|fifths?|tenths?)|"
          rf"(?P<one>{NUM})\s*(?:\s(?:in|out\s+of)\s|/)\s*(?P<every>{NUM}))")
_SHARE_OF = re.compile(rf"{_SHARE}\s+of\s+(?:our|the|all|its|their|those|these)?\s*(?:\w+\s+)?(?P<base>{NUM})")
_SHARE_AFTER = re.compile(rf"(?:of\s+(?:them|those|which|these|whom)\s*,?\s*)?(?:maybe\s+|about\s+|around\s+|roughly\s+|"
                          rf"only\s+|just\s+|~\s*|approx\w*\s+)?{_SHARE}\s+(?:of\s+(?:them|those|these)\s+)?"
                          r"(?:(?:are|is|will\s+be|would\s+be|will|would|actually|really|regularly|typically|initially|"
                          r"first|get|gets|have|has)\s+)*"
                          r"(?:use|uses|using|active|online|on\s+it|logged\s+in|concurrent\w*|at\s+(?:any|the\s+same|once)|"
                          r"access|onboarded|rolled\s+out|in\s+(?:the\s+)?(?:first|pilot|phase))")
_SHARE_CUE = re.compile(r"%|/|\b(?:half|halves|thirds?|quarters?|fifths?|tenths?|in|out\s+of|percent|cent)\b")
# a share that is the subject of its clause, the people it counts left to the head count said before: "maybe 60% on a
# given day would ask it", "roughly 15% are developers who'd get autocomplete", "about a third are coding in the labs",
# "I'd guess 40% would use it". A share that something else is changed by or compared to ("cut it by 20%", "20% more
# than", "99.5 % availability") is none: the words before it and after it say so.
_SHARE_SUBJECT = re.compile(rf"{_SHARE}(?:\s+of\s+(?:them|those|these|whom))?\s*,?\s+(?:(?:would|will|are|is|might|may|"
                            r"could|can|should|use[sd]?|using|ask|asks|get|gets|do|does|need|needs|want|wants)\b|"
                            r"on\s+(?:a|any)\s+(?:given|normal|typical|single)\s+day\b|(?:each|every|per|a)\s+day\b|daily\b)")
_NOT_SUBJECT_BEFORE = re.compile(r"(?:\b(?:by|to|than|from|up|down|with|of|over|under|at|is|was|be|been|cut|reduce|"
                                 r"increase|drop|grow|rise|only\s+by)|[\d$€£+-])\s*(?:about|around|roughly|~)?\s*$")


# a share said alone, correcting or keeping the one said before: "sorry, a third, not a quarter", "Same 40%."
_SHARE_ALONE = re.compile(rf"\W*(?:(?:sorry|no|nope|actually|oops|correction|ok|okay|so|and|but|make\s+it|it'?s|the|same|"
                          rf"still|again|more\s+like|closer\s+to|hmm+|let'?s|(?:size|plan)\s+(?:it\s+)?for|go\s+with)\W+)*"
                          rf"(?:about\s+|around\s+|roughly\s+|~\s*)?{_SHARE}(?:\s+instead)?"
                          r"(?:\s*,?\s*(?:not|rather\s+than|instead\s+of)\s+[^.!?]{0,30})?\W*$")


# a share "of them" needs no verb: "the pilot group, which is about forty percent of them"
_SHARE_OF_THEM = re.compile(rf"{_SHARE}\s+of\s+(?:them|those|these|whom)\b")


def _subject_shares(text: str):
    for m in _SHARE_OF_THEM.finditer(text):
        if not re.search(r"\b(?:by|to|than|up|down)\s*(?:about|around|roughly|~)?\s*$", text[max(0, m.start() - 30):m.start()]):
            yield m
    for m in _SHARE_SUBJECT.finditer(text):
        before = text[max(0, m.start() - 30):m.start()]
        if m.group("frac") and m.group("count") is None and re.search(r"\bthe\s*$", before):
            continue  # "the third is out for repair": an ordinal, no share
        if not _NOT_SUBJECT_BEFORE.search(before):
            yield m


def _share_value(p: _Pass, m: re.Match) -> float:
    if m.group("pct"):
        return p.nt.values[int(m.group("pct")[1:-1])] / 100.0
    if m.group("frac"):
        count = m.group("count")
        n = 1.0 if count in (None, "a", "one") else p.nt.values[int(count[1:-1])]
        return n * _FRACTIONS[m.group("frac")]
    every = p.nt.values[int(m.group("every")[1:-1])]
    return p.nt.values[int(m.group("one")[1:-1])] / every if every else 0.0


# monthly actives are no users (spec: people who use it on a working day); the day's count said next to them is
# ("40,000 monthly active users, about 6,000 on a typical weekday")
_MONTHLY_PEOPLE = re.compile(r"\bmonthly\b|\bmaus?\b|\b(?:a|per|each)\s+month\b")
_ON_A_DAY = re.compile(rf"(?:about\s+|around\s+|roughly\s+|~\s*|some\s+)?{NUM}\s+(?:\w+\s+)?(?:on|in|during)\s+(?:a|an|any)\s+"
                       r"(?:(?:typical|normal|average|usual|regular|given|busy|ordinary)\s+)?(?:week\s?day|work\s?day|"
                       r"working\s+day|business\s+day|day)\b")


def _daily_of_monthly(p: _Pass) -> None:
    for q in [q for q in p.found if q.field == "users" and q.end > 0]:
        if not _MONTHLY_PEOPLE.search(p.nt.text[max(0, q.pos - 20):q.end + 20]):
            continue
        day = _ON_A_DAY.search(p.nt.text, q.end)
        if day and (value := p.nt.value(day)) < q.value:
            p.found.append(Quantity("users", _int(value), _readable(day.group(0), p.nt), day.start(), day.end()))
            p.found.remove(q)


# a part of the head count said before, counted: "5,000 employees; I'd expect 3,000 of them to use it"
_PART_OF_THEM = re.compile(rf"(?P<part>{NUM})\s+of\s+(?:them|those|these|whom)\b")


def part_of_people(nt: Numbered, after: int = 0, found: Sequence[Quantity] = ()) -> tuple[float, str] | None:
    """(the count, its words) of a part of a head count said before that uses the tool ('3,000 of them use it'); a
    count already read as something else ('450 of them use it simultaneously': concurrent users) is none."""
    for m in _PART_OF_THEM.finditer(nt.text, after):
        if any(q.pos <= m.start() < max(q.end, q.pos + 1) for q in found):
            continue
        if _SHARE_USE.search(nt.text[m.end():m.end() + 60]):
            return nt.values[int(m.group("part")[1:-1])], _readable(m.group(0), nt)
    return None


def _shares_of_people(p: _Pass) -> None:
    people = [q for q in p.found if q.field in ("users", "concurrent_users")]
    if not people:
        return
    base = people[-1]
    part = part_of_people(p.nt, base.end, p.found) if base.end > 0 else None
    if part and 0 < part[0] < base.value:
        p.found.append(Quantity(base.field, _int(part[0]), f"{part[0]:,.0f} of {base.value:,.0f}", base.pos, base.end))
        p.found.remove(base)
        return
    if not _SHARE_CUE.search(p.nt.text):
        return
    subjects = [m for m in _subject_shares(p.nt.text) if m.start() >= base.end > 0]
    for m in list(_SHARE_OF.finditer(p.nt.text)) + list(_SHARE_AFTER.finditer(p.nt.text)) + subjects:
        if "base" in m.groupdict() and m.group("base") is not None and base.value != p.nt.values[int(m.group("base")[1:-1])]:
            continue  # "30% of our 5,000 staff": the share is of the count read there
        share = _share_value(p, m)
        if not 0 < share < 1:
            continue
        clause = p.nt.text[m.start():m.end() + 50]
        field = "concurrent_users" if _CONCURRENT.search(clause) or re.search(r"\bactive\s+at\b|\bonline\b", clause) \
            else base.field
        p.found.append(Quantity(field, _int(base.value * share), f"{share:.0%} of {base.value:,.0f}", m.start(), m.end()))
        p.notes[field] = f"{_readable(m.group(0), p.nt).strip()} = {share:.0%} of {base.value:,.0f}"
        if field == base.field:
            p.found.remove(base)
        return


# a share of people named by a noun, with no count of its own ("we expect about a third of staff to use it", "one in
# three staff will use it", "maybe 20% of them will be on it"): a share of the head count said elsewhere
_SHARE_OF_PEOPLE = re.compile(rf"{_SHARE}\s+(?:of\s+)?(?:(?:our|the|all|its|their|those|these|my)\s+)?(?:[a-z-]+\s+)?"
                              rf"(?:{USER_NOUNS}|workforce|company|organi[sz]ation|firm|head\s?count|them|those)\b")
_SHARE_USE = re.compile(r"\b(?:use|uses|using|access|active|on\s+it|adopt\w*|log\s+in|rely|onboard\w*|get\s+it|"
                        r"be\s+on|touch\s+it)\b")


def share_of_people(nt: Numbered) -> tuple[float, str, float | None] | None:
    """(the share, its words, the M of an 'N in M' share) of a head count said elsewhere that ``nt`` (a sentence)
    gives as its users ("one in three staff": the 3 is no head count)."""
    if not _SHARE_CUE.search(nt.text):
        return None
    m = ((_SHARE_OF_PEOPLE.search(nt.text) if _SHARE_USE.search(nt.text) else None) or next(_subject_shares(nt.text), None)
         or _SHARE_ALONE.match(nt.text))
    if m is None:
        return None
    share = _share_value(_ShareValues(nt), m)  # type: ignore[arg-type]
    every = nt.values[int(m.group("every")[1:-1])] if m.group("every") else None
    if m.re is _SHARE_ALONE:  # its words are the share's own, not the apology around it
        spans = [m.span(g) for g in ("pct", "count", "frac", "one", "every") if m.group(g) is not None]
        words = nt.text[min(a for a, _ in spans):max(b for _, b in spans)] + ("%" if m.group("pct") else "")
    else:
        words = m.group(0)
    return (share, _readable(words, nt), every) if 0 < share < 1 else None


class _ShareValues:
    """What _share_value reads of a pass: the numbers of the text."""

    def __init__(self, nt: Numbered):
        self.nt = nt


def _add_up_people(found: list[Quantity], text: str) -> None:
    """'used by 350 dispatchers and 40 supervisors', '200 nurses, 50 doctors and 10 admins': people counts listed
    with 'and' are one head count. A list without 'and' ('2,000 staff, 600 use it') is not one."""
    users = sorted((q for q in found if q.field in ("users", "concurrent_users") and q.end > 0), key=lambda q: q.pos)
    groups: list[list[Quantity]] = [[q] for q in users[:1]]
    joined_by_and = [False]
    for q in users[1:]:
        prev = groups[-1][-1]
        between = text[prev.end:q.pos]
        if q.field == prev.field and (_AND.match(between) or _COMMA.match(between)):
            groups[-1].append(q)
            joined_by_and[-1] = bool(_AND.match(between))  # the list ends with "and"
        else:
            groups.append([q])
            joined_by_and.append(False)
    for group, ends_with_and in zip(groups, joined_by_and):
        if len(group) < 2 or not ends_with_and or any(_USES.search(q.phrase) for q in group):
            continue  # "5,000 employees and 1,100 use it": the second is a part of the first
        last = group[-1]
        for q in group[:-1]:
            found.remove(q)
        last.value = sum(q.value for q in group)
        last.phrase, last.pos = " and ".join(q.phrase for q in group), group[0].pos


_CONCURRENT_CUE = (r"(?:concurrent(?:ly)?|simultaneous(?:ly)?|at\s+(?:the\s+same|once|any\s+(?:one|\x01\d+\x02))\s+"
                   r"(?:time|moment|instant)|at\s+once|"
                   r"concurrency|in\s+parallel|parallel|at\s+any\s+(?:given\s+|one\s+|\x01\d+\x02\s+|single\s+)?(?:moment|time|point|instant)|"
                   r"online\s+at\s+once)")
_CONCURRENT = re.compile(rf"\b{_CONCURRENT_CUE}\b")
_CLAUSE = re.compile(r"[.;!?,]|\bbut\b|\bwhile\b")
# "300 chatting at the same time", "1k concurrent", "a hundred parallel chats" (no noun for people needed)
_CONCURRENT_COUNT = re.compile(
    rf"{NUM}\s*\+?\s*(?:(?:simultaneous|concurrent|parallel)\b(?:\s+[a-z-]+)?|(?:[a-z'-]+\s+){{0,6}}?"
    rf"(?:at\s+(?:the\s+same\s+time|once|any\s+(?:given\s+|one\s+|\x01\d+\x02\s+)?(?:moment|time))|simultaneously|concurrently|"
    rf"in\s+parallel)\b)")


# "1,800 employees (out of 5,200 total staff)": a whole the users are part of is no user count
_TOTAL_BEFORE = re.compile(r"\b(?:out\s+of|of\s+(?:a|our|the)?\s*total\s+(?:of\s+)?|total\s+of|from\s+a\s+total\s+of)\s*"
                           r"(?:about\s+|around\s+|roughly\s+|~\s*)?$")
_TOTAL_IN = re.compile(r"\b(?:total|overall|all\s+told|in\s+total|altogether)\b")


def _users(p: "_Pass", m: re.Match, group: int) -> list[tuple[str, float]]:
    if _TOTAL_BEFORE.search(p.before(m.start(), 30)) or _TOTAL_IN.search(m.group(0)):
        return []
    return [(_users_field(m, p), _int(p.nt.value(m, group)))]


def _users_in_groups(p: "_Pass", m: re.Match) -> list[tuple[str, float]]:
    count, size = [p.nt.values[int(n)] for n in re.findall(r"\x01(\d+)\x02", m.group(0))[:2]]
    return [(_users_field(m, p), _int(count * size))]


def _users_field(m: re.Match, p: "_Pass | None" = None) -> str:
    """Users active at the same moment are not a head count: they are sized as all active. The cue may stand
    next to the count in its clause ("at any given moment ~40 people", "60 agents on the tool at the same time")."""
    if _CONCURRENT.search(m.group(0)):
        return "concurrent_users"
    if p is not None:
        # the cue may hold a number of its own ("at any one moment"), so the window is not cut at numbers
        before, after = re.split(r"[.;!?\n]", p.text[max(0, m.start() - 50):m.start()])[-1], p.text[m.end():m.end() + 90]
        cut = _CLAUSE.search(after)
        after = after[:cut.start()] if cut else after
        after = after.split("\x01")[0]  # a cue after another count is that count's ("1,100 agents and 450 of them ...")
        clause = [c for c in _CLAUSE.split(before)][-1] if before else ""
        if _CONCURRENT.search(clause) or _CONCURRENT.search(after):
            return "concurrent_users"
    return "users"


def _int(value: float) -> float:
    return round(value) if abs(value) < 1e18 else value


# "the budget is 15,000 EUR per month, not 1,500": a number the budget word reaches only past a negation is the
# value said wrong, not the budget
_NEGATED_LEAD = re.compile(r"\b(?:not|never|instead\s+of|rather\s+than)\b")


def _budget(p: _Pass, m: re.Match) -> list[tuple[str, float]] | None:
    value = p.nt.value(m, m.lastindex or 1)
    if m.lastindex and _NEGATED_LEAD.search(p.text[m.start():m.start(m.lastindex)]):
        return []
    after = p.after(m.end())
    if _NOT_A_BUDGET.match(after):
        return None
    period = _PERIOD_AFTER.match(after)
    unit = next(g for g in period.groups() if g) if period else None
    if unit is None and (before := _PERIOD_BEFORE.search(p.before(m.start()))):
        unit = before.group(1)
    factor = _MONTHLY_FACTOR.get(unit or "month", 1.0)
    usd, note = to_usd(value * factor, currency_of(m.group(0)))
    if factor != 1.0:  # the reading is said back: "120,000 a year = 10,000 a month"
        per = _ADVERB_PERIOD.get(unit or "", unit or "").replace("annual", "year").replace("yearly", "year")
        per = {"yr": "year", "annum": "year", "annually": "year", "quarterly": "quarter", "wk": "week", "hr": "hour", "h": "hour"}.get(per, per)
        note = f"{value:,.0f} a {per} = {value * factor:,.0f} a month" + (f"; {note}" if note else "")
    if note:
        p.notes["budget_monthly_usd"] = note
    return [("budget_monthly_usd", round(usd, 2))]


def _token_rate(p: _Pass, m: re.Match) -> list[tuple[str, float]] | None:
    # "50 tokens per second" per user is a streaming speed: ITL = 1000 / rate. An aggregate rate is not.
    if _AGGREGATE.search(p.before(m.start()) + p.after(m.end())):
        return []
    value = p.nt.value(m)
    return [("itl_p95_ms", sig(1000.0 / value))] if value > 0 else [("itl_p95_ms", value)]


def _rate(p: _Pass, m: re.Match, rps: float) -> list[tuple[str, float]]:
    before, after = p.before(m.start()), p.after(m.end())
    if _PER_USER_AFTER.match(after) or _PER_USER_BEFORE.search(before):
        return [("rps_per_user", rps)]  # "each sends 10 messages an hour": times the users, if stated
    peak_after = _PEAK_AFTER.match(after)
    if not peak_after and _OCCASION_AFTER.match(after) and _AVERAGE_BARE.search(p.text, m.end()):
        return [("peak_rps", sig(rps))]  # "1.5 req/s at lunch, 0.3 otherwise": the busy occasion's rate is the peak
    if peak_after and not _LABELS_NEXT.match(p.text, m.end() + peak_after.end()):
        field = "peak_rps"  # "5 rps at peak"; in "5rps peak 15rps" the peak word labels the 15
    elif peak_after:
        field = "rps"
    elif _AVERAGE_AFTER.match(after):
        field = "rps"
    else:
        peak = max((h.end() for h in _PEAK.finditer(before)), default=-1)
        average = max((h.end() for h in _AVERAGE.finditer(before)), default=-1)
        field = ("peak_rps" if peak > average else "rps" if average > peak else
                 p.first_asked(RATE_FIELDS) or p.rate_default)
    return [(field, sig(rps))]


_BARE = re.compile(rf"{NUM}(?!\s*(?:%|x\b|[a-z$€£/]))")


def _corrects(p: _Pass, m: re.Match, negated: Quantity) -> list[tuple[str, float]] | None:
    said = re.match(r"[\d.]+", negated.phrase)
    if not said or not float(said.group(0)) or m.start() < negated.pos:
        return None
    return [(negated.field, sig(p.nt.value(m) * negated.value / float(said.group(0)), 6))]


def unit_scale(phrase: str, rps: float) -> float:
    """Requests a second per unit of the rate as it was said ("200 requests a minute" read as 3.333 req/s: 1/60), so
    a bare number said of the same rate later ("peaks of 600") is in its unit."""
    said = re.match(r"[\d.]+", phrase)
    scale = rps / float(said.group(0)) if said and float(said.group(0)) else 1.0
    # the rate was rounded to 4 digits: the unit it was said in is exact
    return next((unit for unit in _UNITS if abs(scale / unit - 1) < 0.01), scale)


_UNITS = (1.0, 1 / 60, 1 / 3600, 1 / 86400)


def bare_rate_scale(scale: float) -> float:
    """The unit a bare peak or average shares with the rate said before: per second, minute or hour; a count per
    day is no unit a peak is said in ("peaks of 5" after "10k a day" are requests a second)."""
    return scale if scale >= (1 / 3600) * 0.99 else 1.0


def _peak_occasion(p: _Pass, m: re.Match, rate: Quantity) -> list[tuple[str, float]] | None:
    if not re.match(r"[\d.]+", rate.phrase):
        return None
    peak = p.nt.value(m) * unit_scale(rate.phrase, rate.value)
    return [("peak_rps", sig(peak))] if peak > rate.value else None  # "3 on weekends" is a quieter time, no peak


def _rate_unit(p: _Pass, m: re.Match) -> list[tuple[str, float]] | None:
    value = p.nt.value(m)
    per = 1 if m.group(2) else 60 if m.group(3) else 3600
    return _rate(p, m, value / per)


# the items counted, named just before the count: "marketing emails - about 2 million a month" (any plural noun but money)
_ITEMS_JUST_BEFORE = re.compile(r"\b(?!(?:dollars|euros|pounds|bucks|costs|fees|prices|savings|funds)\b)[a-z]{3,}s\s*"
                                r"(?:[-–—:,(]|\s)\s*(?:about|around|roughly|some|~|approx\w*|nearly|over)?\s*$")


def _rate_per(p: _Pass, m: re.Match) -> list[tuple[str, float]] | None:
    if _MONEY_BEFORE.search(re.split(r"[,;]", p.before(m.start(), 40))[-1]):
        return None  # "budget: 10k/month" is money, read by the budget keyword pass ("budget $5k, 4 req/s" is not)
    if (m.group(2) in ("month", "mo") and not re.search(r"[a-z]{3,}\s*(?:/|per|an?|each|every)", m.group(0))
            and not _ITEMS_JUST_BEFORE.search(p.before(m.start(), 40))):
        # "3.2k/mo" with no requests named: money (the budget passes read it); "marketing emails - about 2 million
        # a month" counts the items named just before
        return None
    return _rate(p, m, p.nt.value(m) / _PER_SECONDS[m.group(2)])


# a keyword right before another number labels that one: "ttft 250ms itl 30ms" (itl is 30's, not 250's)
_LABELS_NEXT = re.compile(r"\s*(?:p9[59]\s*)?(?:of|is|at|:|=|<=?|under|below|at\s+most|~|target|max)?\s*\x01")


# the latency of something that is not the model's serving: the network, a link, a lookup before the model is
# called ("our campus-to-cloud latency is about 70 ms, which we can't change", "retrieval adds ~150 ms"): a fact, no SLO
_FOREIGN_LATENCY = re.compile(
    r"\b(?:network|campus[\s-]to[\s-]cloud|office[\s-]to[\s-]cloud|internet|wan|vpn|link|connection|ping|rtt|"
    r"transatlantic|cross[\s-]region|retrieval|vector\s+(?:db|database|search|store)|embeddings?|database|db|"
    r"api\s+gateway|proxy|load\s+balancer|firewall)\b")


def _foreign_latency(p: _Pass, at: int) -> bool:
    clause = _clause_before(p.text, at)
    foreign = [x.start() for x in _FOREIGN_LATENCY.finditer(clause)]
    own = [x.start() for x in _LAT_SPECIFIC.finditer(clause)]
    return bool(foreign) and (not own or max(own) < max(foreign))


_WAKE_AFTER = re.compile(r"^\s*(?:or\s+so\s+|or\s+two\s+)?(?:to|for\s+(?:it|the\s+\w+)\s+to)\s+(?:wake|start|spin|warm|boot|"
                         r"load|come\s+up|scale\s+up)")


_MEASURED_BEFORE = re.compile(r"\b(?:median|measured|observed)\b")


def _latency(p: _Pass, m: re.Match, ms: float, unit: str) -> list[tuple[str, float]] | None:
    if (_foreign_latency(p, m.start()) or _WAKE_AFTER.match(p.text, m.end())
            or _MEASURED_BEFORE.search(_clause_before(p.text, m.start()))):
        # read, and set nothing: a network's latency, a start-up time ("a minute to wake up"), a median measured
        # ("median latency 3.4 s end to end" of a pilot) is no p95 target
        return []
    before, after = p.before(m.start()), p.after(m.end())
    label = _LAT_SPECIFIC.match(after.lstrip())
    if label and _LABELS_NEXT.match(p.text, m.end() + len(after) - len(after.lstrip()) + label.end()):
        after = ""
    field = _nearest(_LAT_SPECIFIC, before, after)
    if field is None:
        asked = p.first_asked(LATENCY_FIELDS)
        if asked:
            field = asked
        elif _LAT_GENERIC.search(before) or _LAT_GENERIC.match(after.lstrip()):
            field = "ttft_p95_ms" if ms < 1000 else "e2e_p95_ms"
        elif unit in ("ms", "msec", "millis", "millisecond", "milliseconds"):
            field = "ttft_p95_ms" if ms < 1000 else "e2e_p95_ms"
        else:
            return None  # "within 2 weeks", "5 minutes of setup": a time, but not a latency target
    return [(field, sig(ms, 6))]


def _latency_kw(p: _Pass, m: re.Match) -> list[tuple[str, float]]:
    key, value = m.group(1), p.nt.value(m, 2)
    field = ("itl_p95_ms" if key in ("itl", "tpot") or "token" in key and "first" not in key else
             "e2e_p95_ms" if key in ("e2e",) or key.startswith("end") else "ttft_p95_ms")
    if key == "latency":
        field = p.first_asked(LATENCY_FIELDS) or "ttft_p95_ms"
    # Without a unit: ITL is always ms; small TTFT/E2E numbers are seconds ("e2e 5").
    ms = value if field == "itl_p95_ms" or value >= 10 else value * 1000
    return [(field, sig(ms, 6))]


def _clause_before(text: str, pos: int, width: int = 60) -> str:
    """The clause before ``pos`` (past other numbers, not past a clause break or a number with a unit of tokens)."""
    window = text[max(0, pos - width):pos]
    cut = max(window.rfind(c) for c in ".;!?\n(")
    return window[cut + 1:]


_INTO = re.compile(r"\b(?:into|down\s+to)\s+(?:an?\s+|one\s+|short\s+|brief\s+|max(?:imum)?\s+|at\s+most\s+)?$")


# a length said again in other units right after itself: "30 pages (~20,000 tokens)", "2 pages / 1,000 tokens"
_RESTATED = re.compile(r"\s*[(\[/=,~≈-]*\s*(?:i\.?e\.?|that'?s|about|approx\w*|roughly|~|≈)?\s*$")


def _tokens(p: _Pass, m: re.Match) -> list[tuple[str, float]] | None:
    if _PER_TIME.match(p.after(m.end())):
        return []  # "5M tokens a day" is a volume, not a prompt length
    value, unit = p.nt.value(m), m.group(2)
    if unit.startswith("page") and value > 1000:
        # "Confluence has 38,000 pages", "the handbook (1,400 pages)": a collection to search, no prompt (left to be
        # read as work items: "1.2M pages within a week")
        return None
    factor = (WORDS_TO_TOKENS if unit.startswith("word") else PAGE_TOKENS if unit.startswith("page") else
              LINE_TOKENS if unit.startswith("line") else 1 / CHARS_PER_TOKEN if unit.startswith("char") else 1.0)
    field = ("output_tokens" if _INTO.search(p.before(m.start(), 12)) else  # "turns 40-page SOPs into 1-page briefs"
             _nearest(_TOK_KW, p.before(m.start()), p.after(m.end())) or p.first_asked(TOKEN_FIELDS) or
             _nearest(_TOK_KW, _clause_before(p.text, m.start()), ""))  # "output one paragraph, ~150 tokens"
    if field is None:
        field = "output_tokens" if unit.startswith("word") else "prompt_tokens"
    other = "output_tokens" if field == "prompt_tokens" else "prompt_tokens"
    same = [q for q in p.found if q.field == field]
    if (same and not any(q.field == other for q in p.found) and _nearest(_TOK_KW, _clause_before(p.text, m.start()), "") is None
            and not _RESTATED.match(p.text[same[-1].end:m.start()])):
        field = other  # "input around 40,000 tokens, and an answer of 3,000 tokens": the second length, its own noun far
    return [(field, _int(value * factor))]


def _tokens_kw(p: _Pass, m: re.Match) -> list[tuple[str, float]] | None:
    noun = m.group("kw") or m.group("kw2")
    value = p.nt.value(m, 2 if m.group("kw") else 3)  # the number's group in whichever alternative matched
    if value < 16:
        return None  # "2 outputs": a count, never a length in tokens
    field = "prompt_tokens" if noun.startswith(("prompt", "input", "isl")) else "output_tokens"
    return [(field, _int(value))]


def _tokens_ellipsis(p: _Pass, m: re.Match) -> list[tuple[str, float]] | None:
    field = "prompt_tokens" if m.group("prompt_tokens") else "output_tokens"
    value = p.nt.value(m, 3)  # the number's group, after the two named noun groups
    if value < 16 or any(q.field == field for q in p.found):
        return None  # the side already has its length; "2 answers" is a count, never a length
    return [(field, _int(value))]


def _gpus(p: _Pass, m: re.Match) -> list[tuple[str, float]] | None:
    if _GPUS_NOT_A_LIMIT.match(p.after(m.end())) or re.search(r"\b(?:each|per)\s*$", p.before(m.start())):
        return None
    value = p.nt.value(m) if m.group(1) is not None else 1.0
    return [("max_gpus", _int(value))]


_FRACTIONS = {"half": 0.5, "halves": 0.5, "third": 1 / 3, "thirds": 1 / 3, "quarter": 0.25, "quarters": 0.25,
              "fifth": 0.2, "fifths": 0.2, "tenth": 0.1, "tenths": 0.1}
_FACTOR_WORDS = {"twice": 2.0, "double": 2.0, "triple": 3.0, "thrice": 3.0, "quadruple": 4.0}
# "3x that", "three times the average", "a third of that", "half the peak": a rate said relative to the other one
_RELATIVE = re.compile(
    rf"(?:{NUM}\s*(?:x|times)|(?P<word>twice|double|triple|thrice|quadruple)|(?:(?P<num>a|one|{NUM})\s+)?"
    r"(?P<frac>half|halves|thirds?|quarters?|fifths?|tenths?)(?:\s+of)?)\s+(?:of\s+)?(?:what\s+it\s+is\s+)?"
    r"(?P<ref>that|this|it|the\s+(?:average|avg|normal|usual|typical|baseline|steady(?:\s+state)?|sustained|peak|"
    r"max(?:imum)?)(?:\s+(?:rate|load|traffic|volume|level))?|(?:the\s+)?(?:average|normal|usual|peak))\b|"
    # "10 rps normally, 5x at peak": the reference left out, the peak named right after
    rf"{NUM}\s*(?:x|times)(?=\s+(?:at|during|in|on)\s+(?:the\s+)?(?:peaks?|busiest|rush))")


_RELATIVE_CUE = re.compile(r"\x02\s*(?:x|times)\b|twice|double|triple|thrice|quadruple|half|halves|third|quarter|fifth|"
                           r"tenth|fold")
# the rate said to grow by a factor at some time of day or week: "6 rps, but it triples around 9am", "it doubles at
# lunchtime", "which quadruples on Monday mornings", "traffic goes up fivefold when campaigns launch": the peak is
# that multiple of the rate said. Growth over months or years ("will double next year") is no peak.
_VERB_FACTORS = {"doubles": 2.0, "triples": 3.0, "quadruples": 4.0, "twofold": 2.0, "threefold": 3.0,
                 "fourfold": 4.0, "fivefold": 5.0, "tenfold": 10.0}
_RELATIVE_VERB = re.compile(
    rf"\b(?:it|traffic|load|volume|that|this|which|usage|demand|requests?|the\s+rate)\s+(?:\w+\s+)?"
    rf"(?:(?P<verb>doubles|triples|quadruples)|(?:goes|jumps|shoots|climbs|rises|spikes|grows|increases)\s+"
    rf"(?:up\s+)?(?:by\s+|to\s+)?(?:(?P<fold>twofold|threefold|fourfold|fivefold|tenfold)|{NUM}\s*(?:x|times|-?\s*fold)\b))"
    r"(?=\s+(?:at|around|by|during|in|on|when|whenever|every|each|most|mid\w*|before|after|for)\b)"
    r"(?!\s+(?:in|by|within|over|for)\s+(?:the\s+)?(?:next|coming|\d|\x01|a\s+year|two|three|six|end)|\s+next\b)")


@dataclass
class Relative:
    """A rate (or a length) said as a multiple of the other one: ``field`` = ``factor`` x the other rate (the
    average and the peak; the prompt and the output)."""

    field: str
    factor: float
    phrase: str


def relative_rates(nt: Numbered) -> tuple[list[Relative], list[tuple[int, int]]]:
    """'avg 2/s, about 3x that at peak' -> peak_rps = 3 x rps; 'on average about a third of that' -> rps = peak / 3.
    Which rate is meant comes from the reference ('the average' -> the peak is meant) or else from the clause's
    peak or average cue; with neither it is no rate."""
    out, spans = [], []
    if not _RELATIVE_CUE.search(nt.text):
        return out, spans
    for m in _RELATIVE.finditer(nt.text):
        if m.group("frac"):
            count = m.group("num")
            n = 1.0 if count in (None, "a", "one") else nt.values[int(count[1:-1])]
            factor = n * _FRACTIONS[m.group("frac")]
        elif m.group("word"):
            factor = _FACTOR_WORDS[m.group("word")]
        else:
            factor = nt.values[int(next(g for g in m.groups() if g and g.isdigit()))]
        ref = m.group("ref") or ""
        clause = nt.text[max(0, m.start() - 60):m.end() + 40]
        if _AVERAGE.search(ref):
            field = "peak_rps"
        elif _PEAK.search(ref):
            field = "rps"
        elif _PEAK.search(clause) or _PEAK_AFTER.match(nt.text[m.end():]):
            field = "peak_rps"
        elif _AVERAGE.search(clause):
            field = "rps"
        else:
            continue
        if factor > 0:
            out.append(Relative(field, factor, _readable(m.group(0), nt)))
            spans.append(m.span())
    for m in _RELATIVE_VERB.finditer(nt.text):
        word = m.group("verb") or m.group("fold")
        factor = _VERB_FACTORS[word] if word else nt.values[int(next(g for g in m.groups()[2:] if g))]
        if factor > 1 and not any(a <= m.start() < b for a, b in spans):
            out.append(Relative("peak_rps", factor, _readable(m.group(0), nt)))
            spans.append(m.span())
    return out, spans


# a length said as a multiple of the other ("the translation is about the same length", "answers run about half as
# long as the question", "outputs are twice as long as the input"): which side by its noun
_OUT_SIDE = (r"translations?|outputs?|answers?|responses?|replies|summar(?:y|ies)|results?|rewrites?|drafts?|"
             r"completions?|generations?|target\s+texts?")
_IN_SIDE = r"inputs?|prompts?|messages?|questions?|sources?|source\s+texts?|originals?|requests?|queries"
_LENGTH_FACTOR = (r"(?P<same>(?:the\s+)?same\s+(?:length|size)|(?:just\s+)?as\s+long(?!\s+as\s+(?:it|they|we|you)\b)|"
                  r"similar\s+(?:in\s+length|length)|of\s+(?:a\s+)?similar\s+length|equally\s+long)|"
                  r"(?P<double>twice\s+as\s+long|double\s+the\s+length)|(?P<half>half\s+(?:as\s+long|the\s+length))")
_RELATIVE_LENGTH = re.compile(
    rf"\b(?P<noun>{_OUT_SIDE}|{_IN_SIDE})\b[^.;!?\x01]{{0,40}}?\b(?:is|are|'s|will\s+be|should\s+be|comes?\s+out|"
    rf"runs?|stays?|remains?|keeps?|ends?\s+up)\s+(?:(?!half\b|twice\b|double\b)\w+\s+){{0,2}}?(?:{_LENGTH_FACTOR})")


def relative_lengths(text: str) -> list[Relative]:
    """The lengths ``text`` says as a multiple of the other one."""
    out = []
    for m in _RELATIVE_LENGTH.finditer(text) if "long" in text or "length" in text or "size" in text else ():
        if m.group("same") and re.search(r"\b(?:stays?|remains?|keeps?)\b", m.group(0)) and not re.match(
                r"\s+as\b", text[m.end():]):
            continue  # "answers stay the same length": unchanged, not as long as the prompts
        field = "output_tokens" if re.fullmatch(_OUT_SIDE, m.group("noun")) else "prompt_tokens"
        factor = 2.0 if m.group("double") else 0.5 if m.group("half") else 1.0
        out.append(Relative(field, factor, m.group(0)))
    return out
