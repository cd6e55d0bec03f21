"""Request rates: "20 rps", "1.2 million requests a month", "one request every two seconds",
"peak hour: 36,000 requests", a rate per user ("10 messages an hour each"), and which of the average and the peak a
rate is ("5 rps at peak", "bursts up to 12" said next to a rate, "15 qps normally and 60 on black friday")."""

from __future__ import annotations

import re

from agent.offline.numbers import NUM, sig
from agent.offline.passes import CORRECTING, LABELS_NEXT, Pass, whole
from agent.offline.people import EACH_PERSON_BEFORE, SINGULAR_END, USER_NOUNS, before_count
from agent.offline.time_units import DURATION_UNIT, MS_PER_UNIT, SECONDS_PER, period_noun

RATE_FIELDS = ("rps", "peak_rps")

# the periods a rate is said per, and the nouns a rate counts: one list each for the rate patterns below
_PERIOD = r"(second|sec|s|minute|min|hour|hr|h|day|week|wk|month|mo)\b"
_RATE_NOUN = r"(?:requests?|queries|calls|conversations|chats|messages|tickets|emails|documents|docs|completions|prompts|questions)"
_RATE_UNIT = re.compile(
    rf"{NUM}\s*(?:(rps|qps|req/s|reqs?/sec|reqs/s|requests?/s(?:ec)?|queries/s(?:ec)?|calls/s|r/s)|"
    rf"(rpm|qpm|req/min|requests?/min)|(rph|req/h|requests?/h(?:ou)?r))(?![a-z])")
# the items counted may be said to arrive before their period: "900 press releases land per day", "2,000 emails come in
# every day", "300 claim forms get submitted each hour"
_ARRIVING = (r"(?:(?:that|which)\s+)?(?:(?:land|arrive|come|flow|pour|roll|trickle|stream|show|turn)s?(?:\s+(?:in|up))?|"
             r"(?:are|is|get|gets)\s+(?:[a-z]+ed|sent|written|made|done|raised|opened))\s+")
_RATE_PER = re.compile(
    # a people noun may qualify the items ("3,000 customer emails a day"), but counts no requests itself
    rf"{NUM}\s*(?:(?!{USER_NOUNS}\b(?!{SINGULAR_END}\s+(?!(?:per|an?|each|every)\b)[a-z])|"
    # (nor do shifts or rotations: "3 shifts a day" is how the day is worked)
    rf"(?:per|an?|each|every|times|tokens?|words?|pages?|gpus?|ms|seconds?|x|h|hrs?|hours?|mins?|minutes?|shifts?|"
    # (nor do people using it: "about 150 using it a day" counts users)
    rf"rotations?|using|active|online)\b)"
    rf"[a-z][a-z-]*(?:\s+|(?=\s*/))){{0,2}}?(?:{_ARRIVING})?(?:/\s*|per\s+|an?\s+|each\s+|every\s+|"
    # a count over the last period is a rate too: "2.6 million requests last month", "in the past week 12k tickets"
    rf"(?:in\s+|over\s+|during\s+)?(?:the\s+)?(?:last|past|previous)\s+|"
    # a count in one ordinary period: "~2,000 chat sessions in a normal hour", "27k in an ordinary weekday hour"
    rf"in\s+(?:a|an|any|one)\s+(?:normal|ordinary|typical|average|regular|usual|given)\s+(?:weekday\s+|working\s+|"
    rf"business\s+|work\s+)?){_PERIOD}"
    # a ceiling word after it makes it money: "9k/mo cap", "5k a month budget"
    r"(?!\s*(?:cap|budget|ceiling|spend)\b)")
# the ordinary period said before its count: "in an ordinary hour we see 27,000 requests", "an ordinary weekday hour of
# the access log: 27,000 requests"
_ORDINARY_PERIOD_FIRST = re.compile(
    rf"\b(?:a|an|any|one)\s+(?:normal|ordinary|typical|average|regular|usual)\s+(?:weekday\s+|working\s+|business\s+|"
    rf"work\s+)?{_PERIOD}[^.;!?\x01]{{0,60}}?{NUM}\s*(?:[a-z]+\s+)?{_RATE_NOUN}\b")
_RATE_DAILY = re.compile(
    rf"{NUM}\s*(daily|hourly|weekly|monthly)\s+(?:[a-z]+\s+)?(?:{_RATE_NOUN}|translations|summaries|sessions)\b")
# more ways to say a rate: the noun before its period ("1.2 million requests monthly"), a count every few seconds ("one
# request every two seconds"), a rate per user ("1 query per user per minute"), the busiest hour's count ("peak hour:
# 36,000 requests", "36k requests in the busiest hour")
_RATE_ADVERB_AFTER = re.compile(rf"{NUM}\s*(?:[a-z]+\s+)?{_RATE_NOUN}\s+(daily|hourly|weekly|monthly)\b")
_COUNT_EVERY = re.compile(rf"{NUM}\s+{_RATE_NOUN}\s+(?:every|each)\s+{NUM}\s*{DURATION_UNIT}")
_PER_USER_RATE = re.compile(
    rf"{NUM}\s*(?:[a-z-]+\s+)?(?:per|a|an|each|every)\s+(?:user|person|head|seat|employee|agent|member|customer)\s+"
    rf"(?:per|a|an|each|every)\s+{_PERIOD}")
_PEAK_HOUR = re.compile(
    rf"\b(?:the\s+|our\s+)?(?:peak|busiest|worst|heaviest|craziest|biggest)\s+(?:single\s+)?(hour|minute)\s*"
    # "the worst single minute inside that hour had 180"
    rf"(?:(?:inside|within|in|of)\s+(?:that|the|this)\s+(?:hour|day)\s+)?[:=,-]?\s*(?:we\s+(?:get|see|have|handle)\s+|"
    rf"(?:had|saw|hit|reached|logged|recorded|was|with)\s+|"
    # "the busiest minute we've ever logged had 3,000 calls"
    rf"(?:we(?:'ve|\s+have)?\s+)?(?:ever\s+)?(?:logged|seen|recorded|measured|had|saw)\s+(?:so\s+far\s+)?(?:had|saw|was|hit|reached|with)\s+|"
    rf"(?:it'?s|it\s+is|there\s+are|there'?re|we\s+(?:get|see|have|handle))\s+)?(?:about\s+|"
    # (the noun may be left to the sentence before: "the busiest hour had 5,400 questions, the worst minute had 180")
    rf"around\s+|~\s*|up\s+to\s+)?{NUM}\s*(?:(?:[a-z]+\s+)?{_RATE_NOUN}|(?=\s*(?:[.;,!?)]|$)))|"
    rf"{NUM}\s*(?:[a-z]+\s+)?{_RATE_NOUN}\s+(?:in|during)\s+(?:the\s+|our\s+|a\s+)?(?:peak|busiest|worst|heaviest|"
    rf"craziest|biggest)\s+(hour|minute)\b")
_PER_USER_AFTER = re.compile(r"^\s*(?:(?:per|each|a|for\s+each|from\s+each)\s+(?:user|person|employee|customer|seat|agent)|"
                             r"for\s+(?:them|each\s+of\s+them|each\s+one|every\s+one\s+of\s+them)\b)")
PEAK = re.compile(r"(?<!off-)(?<!off\s)\b(?:peak|peaks|peaking|peaked|spiked|max|maximum|spikes?|spiking|bursts?|bursting|busiest|"
                   r"highest|top|tops\s+out|topping\s+out|up\s+to|rush|storm|surge|stampede|"
                   # the worst stretch of time named: "in the worst hour we see 1,800", "on our heaviest day"
                   r"(?:worst|heaviest|craziest|biggest)\s+(?:hour|minute|day|week|month|time|moment|period|stretch)s?)\b")
# the label may follow as a copula: "20 rps is our peak", "8 rps is the average"
_IS_OUR = r"(?:(?:is|are|was|were|being)\s+(?:(?:our|the|my|just\s+the|only\s+the)\s+)?)?"
PEAK_AFTER = re.compile(rf"^\s*{_IS_OUR}(?:at|during|in)?\s*(?:the\s+|our\s+)?(?:(?:absolute|very|daily|weekly|monthly|"
                         rf"worst|real|true|highest|busiest|seasonal|yearly|annual)\s+)*(?:peak|busiest|rush|spikes?|bursts?|max)\b|"
                         # the peak named by when it comes: "70/sec at the Saturday evening peak"
                         rf"^\s*(?:at|during|in)\s+(?:the\s+|our\s+)(?:[a-z-]+\s+){{1,2}}(?:peak|rush)\b|"
                         # "1,800 per hour in the worst hour", "50 rps on our heaviest day"
                         rf"^\s*(?:at|during|in|on|over)\s+(?:the\s+|our\s+|a\s+)?(?:worst|heaviest|craziest|biggest|busiest|"
                         rf"peak)\s+(?:hour|minute|day|week|month|time|moment|period|stretch|season)s?\b|"
                         # "1,200 a minute at the top of the hour", "1,800 a minute for 20 minutes (that's our peak)"
                         rf"^\s*(?:at|around|on)\s+the\s+top\s+of\s+the\s+hour\b|"
                         rf"^[^.;!?\x01]{{0,30}}\(\s*(?:that'?s|this\s+is|which\s+is|=)\s+(?:our\s+|the\s+)?peak\b")
# the rare busy occasion a rate is said of, named before it ("Black Friday we hit 50 requests per second", "on launch
# day we saw 40 rps"): that rate is the peak, the rest of the year being quieter
OCCASION_BEFORE = re.compile(r"(?:\x01\d+\x02\s*(?:am|pm)\b|"  # a time of day: "between 2 and 4 pm it runs at 3x that"
                              r"\bblack\s+friday|cyber\s+monday|christmas|holiday\s+season|launch\s+day|"
                              r"tax\s+season|open\s+enrol+ment|exam\s+(?:week|season)|(?:month|quarter|year)[\s-]end|"
                              r"peak\s+season|prime\s+day|singles'?\s+day|boxing\s+day|super\s+bowl|"
                              # a busy event said by its kind: "during the quarterly earnings webcast it gets 20x that"
                              r"during\s+(?:the|our|a|an|each|every)\s+(?:[\w-]+\s+){0,3}?(?:webcasts?|events?|"
                              r"launch(?:es)?|sales?|campaigns?|promotions?|keynotes?|broadcasts?|live\s*streams?|"
                              r"announcements?|releases?|registration|enrol+ment|drops?)"
                              # (the people named by it are no occasion: "the sales team")
                              r"(?!\s+(?:teams?|staff|people|reps?|force|department|dept|org\w*|desk|agents?|group)\b))"
                              r"\b[^.;!?]*$")
_MONEY_BEFORE = re.compile(r"\b(?:budget|spend|spending|cost|costs|pay|afford|price|usd|eur)\b|[$€£]")
PER_TIME = re.compile(r"^\s*(?:/|per|an?|each|every)\s*(?:second|sec|s|minute|min|hour|hr|h|day|week|month|mo)\b")
_AVERAGE_AFTER = re.compile(rf"^\s*{_IS_OUR}(?:on\s+)?(?:average|avg|sustained|typically|normally|usually)\b|"
                            # the rest of the time, after a peak said before: "... and 120 a minute otherwise"
                            r"^\s*(?:otherwise|the\s+rest\s+of\s+the\s+(?:time|day|hour)|outside\s+(?:of\s+)?(?:that|those|it))\b|"
                            # said of an ordinary time: "150 a minute on a normal afternoon", "on a typical day"
                            r"^\s*(?:on|in|during|over)\s+(?:a|an|any)\s+(?:normal|typical|regular|average|usual|"
                            r"ordinary|quiet|standard|good)\b")
# "each one fires about 2 requests a minute": "one" is read as a number, which "before" does not reach past
_EACH_ONE = re.compile(r"\b(?:each|every)\s+(?:one|\x01\d+\x02)(?:\s+of\s+(?:them|us|those))?\s+(?:\w+\s+){1,2}?"
                       r"(?:about\s+|around\s+|roughly\s+|~\s*|up\s+to\s+)?$")
# (not past a closing bracket or a colon: "(a few lines per email): about 30,000 emails a day")
_PER_USER_BEFORE = re.compile(r"\b(?:each|every|per)\b(?!\s+(?:second|sec|s|minute|min|hour|hr|h|day|week|month)\b)[^.;,:)\x02]{0,30}$")
AVERAGE = re.compile(r"\b(?:average|avg|mean|sustained|typical|typically|normally|baseline|steady|usually|"
                      r"off[\s-]peak|otherwise|rest\s+of\s+the\s+(?:day|time))\b")
# a peak said without a unit next to a rate ("average 2 rps, bursts up to 12", "peak: 50 rps; off-peak: 10")
_PEAK_BARE = re.compile(rf"(?<!off-)(?<!off\s)\b(?:peaks?|peaking|bursts?|bursting|spikes?|spiking|tops?\s+out|"
                        # the busiest stretch named in the rate's own unit: "the busiest hour hits ~5,500"
                        rf"(?:busiest|worst|heaviest|biggest)\s+(?:hour|minute|day|second)s?)\s*"
                        rf"(?:of|at|to|up\s+to|around|about|near|~|:|=|hits?|reach(?:es)?|go(?:es)?\s+up\s+to|climbs?\s+to|"
                        rf"(?:is|are|was|were|'s|will\s+be|would\s+be|should\s+be|becomes?)(?:\s+(?:actually|really|now|more\s+like|"
                        rf"closer\s+to|around|about|near|up\s+to))?)?\s*"
                        rf"(?:up\s+to\s+|around\s+|~\s*)?{NUM}"
                        # a unit or a noun after the number is something else ("peaks of 25 users"); when it
                        # happens is not ("spiking to 20 on monday mornings")
                        r"(?!\s*(?:%|x\b|(?!(?:on|in|at|during|when|around|between|for|every|each|most|some|the|"
                        r"and|or|but|while|whenever|if|before|after|once|twice|a|per|actually|though|tho|too|"
                        r"sometimes|occasionally|now|then|so|ish|really|apparently)\b)[a-z]))")
_EVERY = re.compile(rf"\b(?:a|one)\s+(?:request|query|call|message|question|prompt)\s+(?:(?:about|around|roughly|"
                    rf"approximately|~)\s*)?(?:every|each)\s+{NUM}\s*"
                    rf"{DURATION_UNIT}")
# the busy times a rate is said of ("on black friday", "during the morning rush", "at month-end")
_BUSY_TIMES = (r"peaks?|busiest|busy|black\s+friday|cyber\s+monday|holidays?|launch\w*|sales?|campaigns?|rush|christmas|"
               r"december|month[\s-]end|quarter[\s-]end|year[\s-]end|mornings?|lunch\w*|evenings?|mondays?|fridays?|"
               r"season|promotions?|events?|deadlines?|open\s+enrol+ment|tax\s+season|exam\s+(?:weeks?|season)")
# a second rate with its unit left out, said of a busy time: "15 qps on a normal day and 60 on black friday", "4 rps,
# up to 20 during campaigns": the busy time's rate is the peak, in the unit of the rate said before it
_PEAK_OCCASION = re.compile(
    rf"(?:\band|\bbut|,|;|\bup\s+to|\b(?:rising|going|jumping|spiking|climbing)\s+to)\s+(?:maybe\s+|about\s+|around\s+|"
    rf"roughly\s+|~\s*|as\s+much\s+as\s+)?{NUM}(?!\s*(?:%|x\b|(?!on|at|in|for|during|when|around)[a-z]))\s*"
    rf"(?:on|at|in|for|during|when|around|over)\s+(?:the\s+|our\s+|a\s+)?(?:[\w-]+\s+){{0,2}}?(?:{_BUSY_TIMES}|"
    r"weekends?)\b")
# a busy occasion right after a rate ("at lunch", "during the morning rush", "on black friday")
_OCCASION_AFTER = re.compile(
    rf"^\s*(?:on|at|in|for|during|around|over)\s+(?:the\s+|our\s+|a\s+)?(?:[\w-]+\s+){{0,2}}?(?:{_BUSY_TIMES}|"
    r"office\s+hours|business\s+hours|working\s+hours|daytime|the\s+day)\b")
# the most the traffic ever reaches: "it never sees more than 20 requests a second", "never above 5 rps"
_CEILING_BEFORE = re.compile(r"\bnever\s+(?:\w+\s+){0,2}?(?:more\s+than|above|over|beyond|exceeds?|exceeding|"
                             r"goes\s+(?:above|over|past))\s*(?:about\s+|around\s+|~\s*)?$")
# a second, higher rate said of the time something happens: "... and 30 a minute when the morning routes go out"
_WHEN_AFTER = re.compile(r"^\s*,?\s*(?:when|whenever|while|once|as\s+soon\s+as)\b")
_PEAK_LABEL_AFTER = re.compile(rf"(?<![\w.]){NUM}\s*(?:at\s+(?:the\s+)?|@\s*|during\s+(?:the\s+)?|(?:is|was|'s)\s+"
                               rf"(?:actually\s+|really\s+)?(?:the|our|my)\s+)?(?:peak|max|burst|spikes?)\b")
# an average said without a unit next to a rate ("20 rps is our peak. Average is closer to 8", "avg more like 5")
_AVERAGE_BARE = re.compile(rf"\b(?:average|avg|mean|baseline|sustained|steady[\s-]state|normally|usually|typically|"
                           rf"otherwise|most\s+of\s+the\s+time|(?:the\s+)?rest\s+of\s+the\s+(?:day|time))\s*(?:rate|load|traffic)?\s*"
                           rf"(?:(?:of|at|is|are|around|about|roughly|maybe|closer\s+to|more\s+like|nearer|=|:|~)\s*)*"
                           rf"{NUM}(?!\s*(?:%|x\b|(?!(?:and|or|but|with|while|whereas|though|tho|then|now|so|ish|"
                           rf"really|actually|i|we)\b)[a-z]))|"
                           # the cue after the number: "4 rps at peak, 1.5 on average", "12 at the peak, 3 otherwise"
                           rf"(?<![\w.]){NUM}\s*(?:on\s+average|on\s+avg|avg|average|typically|normally|usually|otherwise|"
                           rf"the\s+rest\s+of\s+the\s+(?:day|time)|most\s+of\s+the\s+time)\b|"
                           # the number said to be the average: "sorry, 40 is the average", "the 12 was our mean"
                           rf"(?<![\w.]){NUM}\s+(?:is|was|'s|=)\s+(?:actually\s+|really\s+)?(?:the|our|my)\s+(?:average|avg|mean|"
                           rf"baseline|typical\s+(?:rate|load))\b")
_OTHER_MEASURE = re.compile(rf"\b(?:tokens?|toks?|prompts?|inputs?|outputs?|words?|pages?|{USER_NOUNS}|concurren\w*|latency|"
                            r"ttft|itl|e2e|ms|seconds?|budget|cost|spend|gpus?|cards?)\b|[$€£]")
_OFF_PEAK_BARE = re.compile(rf"\boff[\s-]peak\s*(?:of|at|is|:|=|around|about|~)?\s*{NUM}(?!\s*(?:%|x\b|[a-z]))")
# ("load" the noun: "we load 10-20 papers" is the verb, its number a count of papers)
_RATE_KW = re.compile(rf"\b(?:rps|qps|throughput|traffic|(?<!\bwe\s)(?<!\bi\s)(?<!\bto\s)(?<!\bthey\s)(?<!\bthen\s)load|request\s+rate|"
                      rf"requests\s+per\s+second)\s*"
                      # the source and the average may come between: "load from prometheus: avg 60, peak 140"
                      rf"(?:from\s+[a-z][\w-]*|avg|average|mean|typically|normally|"
                      rf"of|is|at|around|about|~|=|:|peak(?:s|ing)?|{CORRECTING}|\s)*{NUM}(?!\s*%)(?!\s*/\s*7\b)"
                      # the period said after the number is the rate's: "traffic: 30k/month", "load of 900 an hour"
                      rf"(?:\s*(?:/\s*|per\s+|an?\s+|each\s+|every\s+){_PERIOD})?")


# a log counts requests by its lines: "wc -l on an ordinary hour of the access log: 27,000 lines, one line per request"
_LOG_SAID = re.compile(r"\b(?:access|request|server|nginx|apache|gateway|api|ingress|proxy|web)[\s-]+logs?\b|\bwc\s+-l\b|"
                       r"\bone\s+(?:log\s+)?(?:line|entry)\s+(?:per|for\s+each|each)\s+(?:request|call)\b|\blog\s+(?:lines|entries)\b")
_LOG_LINES = re.compile(r"(\d[\d,.]*\s*[km]?)\s+(?:log\s+)?(?:lines|entries)\b")


def log_lines_as_requests(text: str) -> str:
    """A log's lines or entries named as the requests they count (not a length in lines of text)."""
    return _LOG_LINES.sub(r"\1 requests", text) if _LOG_SAID.search(text) else text


def read_rates(p: Pass) -> None:
    """Rates with their unit or period, and the busiest hour's count."""
    nt = p.nt
    p.run(_EVERY, lambda m: _rate(p, m, 1000.0 / (nt.value(m) * MS_PER_UNIT[m.group(2)])) if nt.value(m) > 0 else None)
    p.run(_PEAK_HOUR, lambda m: [("peak_rps", sig(nt.value(m, 2 if m.group(1) else 3) /
                                                   (3600 if (m.group(1) or m.group(4)) == "hour" else 60)))])
    p.run(_RATE_UNIT, lambda m: _rate_unit(p, m))
    p.run(_RATE_DAILY, lambda m: _rate(p, m, nt.value(m) / SECONDS_PER[period_noun(m.group(2))]))
    p.run(_PER_USER_RATE, lambda m: [("rps_per_user", p.nt.value(m) / SECONDS_PER[m.group(2)])])
    p.run(_COUNT_EVERY, lambda m: _rate(p, m, nt.value(m, 1) / (nt.value(m, 2) * MS_PER_UNIT[m.group(3)] / 1000.0))
          if nt.value(m, 2) > 0 else None)
    p.run(_RATE_ADVERB_AFTER, lambda m: _rate(p, m, nt.value(m) / SECONDS_PER[period_noun(m.group(2))]))
    p.run(_RATE_PER, lambda m: _rate_per(p, m))
    p.run(_ORDINARY_PERIOD_FIRST, lambda m: _rate(p, m, nt.value(m, 2) / SECONDS_PER[m.group(1)]))


def read_bare_rates(p: Pass, rate_known: bool, rate_scale: float) -> None:
    """A rate after its keyword ("traffic of 20"), then numbers without a unit next to a rate: a peak, an average, a busy
    time's rate. ``rate_known``: a rate was said before (a bare peak or average is one); ``rate_scale``: req/s per
    unit of that rate."""
    nt = p.nt
    p.run(_RATE_KW, lambda m: _keyword_rate(p, m, nt.value(m) / (SECONDS_PER[period_noun(m.group(m.lastindex))]
                                                                  if m.lastindex and m.lastindex > 1 else 1.0)))
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


# a rate a machine was measured at is its capacity, not the traffic: "the staging box did 6 rps before falling over",
# "one replica handles about 4 req/s"; and a rate said to be beside the point: "logged 22 req/s - irrelevant"
_MACHINE_DID = re.compile(r"\b(?:box|server|node|machine|staging|prototype|poc|benchmark|load[\s-]test|instance|gpu|card|"
                          r"engine|pod|replica|setup|rig)\s+(?:\w+\s+){0,2}?(?:did|does|handled|handles|managed|manages|"
                          r"served|serves|sustained|sustains|maxed\s+out\s+at|topped\s+out\s+at|can\s+(?:do|handle|serve)|"
                          r"could\s+(?:do|handle|serve)|fell\s+over\s+at)\s*(?:about|around|roughly|~)?\s*$")
_BESIDE_THE_POINT = re.compile(r"^[^.;!?]{0,40}?\b(?:irrelevant|not\s+relevant|different\s+product|unrelated|"
                               r"ignore\s+(?:that|it|this)|before\s+(?:it\s+)?(?:fell|falling|fall)\s+over)\b")


def _keyword_rate(p: Pass, m: re.Match, rps: float) -> list[tuple[str, float]]:
    """A rate after its keyword: the peak when the peak is named between them ("rps peak 140, avg 60")."""
    if re.search(r"\bpeak", m.group(0)) and not re.search(r"\b(?:avg|average|mean)\b", m.group(0)):
        return [("peak_rps", sig(rps))]
    return _rate(p, m, rps)


def _rate(p: Pass, m: re.Match, rps: float) -> list[tuple[str, float]]:
    before, after = p.before(m.start()), p.after(m.end())
    if _MACHINE_DID.search(before) or _BESIDE_THE_POINT.match(after):
        return []
    each_person = EACH_PERSON_BEFORE.search(before_count(p.text, m.start()))
    if _PER_USER_AFTER.match(after) or _PER_USER_BEFORE.search(before) or each_person \
            or _EACH_ONE.search(p.text[max(0, m.start() - 50):m.start()]):
        return [("rps_per_user", rps)]  # "each sends 10 messages an hour": times the users, if stated
    peak_after = PEAK_AFTER.match(after)
    if _CEILING_BEFORE.search(before):
        return [("peak_rps", sig(rps))]  # "it never sees more than 20 requests a second": the most it gets
    said = [q.value for q in p.found if q.field == "rps"]
    if said and not peak_after and _WHEN_AFTER.match(after) and rps > max(said):
        return [("peak_rps", sig(rps))]  # "~6 a minute on average and 30 a minute when the morning routes go out"
    if not peak_after and _OCCASION_AFTER.match(after) and _AVERAGE_BARE.search(p.text, m.end()):
        return [("peak_rps", sig(rps))]  # "1.5 req/s at lunch, 0.3 otherwise": the busy occasion's rate is the peak
    if peak_after and not LABELS_NEXT.match(p.text, m.end() + peak_after.end()):
        field = "peak_rps"  # "5 rps at peak"; in "5rps peak 15rps" the peak word labels the 15
    elif peak_after:
        field = "rps"
    elif _AVERAGE_AFTER.match(after):
        field = "rps"
    elif OCCASION_BEFORE.search(before) and not AVERAGE.search(before):
        field = "peak_rps"
    else:
        peak = max((h.end() for h in PEAK.finditer(before)), default=-1)
        average = max((h.end() for h in AVERAGE.finditer(before)), default=-1)
        field = ("peak_rps" if peak > average else "rps" if average > peak else
                 p.first_asked(RATE_FIELDS) or p.rate_default)
    return [(field, sig(rps))]


def unit_scale(phrase: str, rps: float) -> float:
    """Requests a second per unit of the rate as it was said ("200 requests a minute" read as 3.333 req/s: 1/60), so
    a bare number said of the same rate later ("peaks of 600") is in its unit."""
    said = re.match(r"[\d.]+", phrase)
    scale = rps / float(said.group(0)) if said and float(said.group(0)) else 1.0
    # the rate was rounded to 4 digits: the unit it was said in is exact
    return next((unit for unit in _UNITS if abs(scale / unit - 1) < 0.01), scale)


_UNITS = tuple(1.0 / SECONDS_PER[unit] for unit in ("s", "minute", "hour", "day"))


def bare_rate_scale(scale: float) -> float:
    """The unit a bare peak or average shares with the rate said before: per second, minute or hour; a count per
    day is no unit a peak is said in ("peaks of 5" after "10k a day" are requests a second)."""
    return scale if scale >= (1 / 3600) * 0.99 else 1.0


def _peak_occasion(p: Pass, m: re.Match, rate: Quantity) -> list[tuple[str, float]] | None:
    if not re.match(r"[\d.]+", rate.phrase):
        return None
    peak = p.nt.value(m) * unit_scale(rate.phrase, rate.value)
    return [("peak_rps", sig(peak))] if peak > rate.value else None  # "3 on weekends" is a quieter time, no peak


def _rate_unit(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    value = p.nt.value(m)
    per = 1 if m.group(2) else 60 if m.group(3) else 3600
    return _rate(p, m, value / per)


# the items counted, named just before the count: "marketing emails - about 2 million a month" (any plural noun but money)
_ITEMS_JUST_BEFORE = re.compile(r"\b(?!(?:dollars|euros|pounds|bucks|costs|fees|prices|savings|funds)\b)[a-z]{3,}s\s*"
                                r"(?:[-–—:,(]|\s)\s*(?:about|around|roughly|some|~|approx\w*|nearly|over)?\s*$")


# a bare daily count in brackets after a clause whose subject is people: "Guests chat with a concierge bot in our app
# (2,500 a day)" counts the guests, as "2,500 guests a day" would; what people send or file is counted otherwise
_PEOPLE_SUBJECT = re.compile(rf"^\s*(?:[a-z]+[!:,]\s+)?(?:our\s+|the\s+|all\s+|most\s+)?(?:[a-z-]+\s+)?{USER_NOUNS}\s+"
                             r"(?!(?:send|sends|file|files|submit|submits|open|opens|make|makes|raise|raises|handle|"
                             r"handles|process|processes|write|writes|upload|uploads)\b)[^()]*\(\s*(?:about\s+|around\s+|"
                             r"~\s*|roughly\s+|some\s+)?$")


# the bracket right after things people send counts those things: "ask the tutor questions (about 800 a day)"
_ITEMS_BRACKETED = re.compile(r"\b(?:questions|requests|queries|messages|e-?mails|tickets|chats|conversations|calls|"
                              r"documents|docs|files|reports|orders|reviews|searches|prompts|submissions)\s*\([^()]*$")


def _rate_per(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    before = p.before(m.start(), 120)
    if (m.group(2) == "day" and re.fullmatch(rf"{NUM}\s*(?:a|per|each)\s+day", m.group(0))
            and re.match(r"\s*\)", p.text[m.end():]) and _PEOPLE_SUBJECT.search(before)
            and not _ITEMS_BRACKETED.search(before)):
        return [("users", whole(p.nt.value(m)))]
    if _MONEY_BEFORE.search(re.split(r"[,;]", p.before(m.start(), 40))[-1]):
        return None  # "budget: 10k/month" is money, read by the budget keyword pass ("budget $5k, 4 req/s" is not)
    if (m.group(2) in ("month", "mo") and not re.search(r"[a-z]{3,}\s*(?:/|per|an?|each|every|(?:the\s+)?(?:last|past|previous))\b", m.group(0))
            and not _ITEMS_JUST_BEFORE.search(p.before(m.start(), 40))):
        # "3.2k/mo" with no requests named: money (the budget passes read it); "marketing emails - about 2 million
        # a month" counts the items named just before
        return None
    if _people_a_day(p, m):
        return [("users", round(p.nt.value(m)))]
    return _rate(p, m, p.nt.value(m) / SECONDS_PER[m.group(2)])


# a count a day with nothing counted named is people when a people label stands before it ("users: about 150 a day"):
# the spec's users are the people who use the tool on a working day. (Said alone in answer to "how many users?", "20k a
# day" stays a rate: after "we translate user reviews" it counts reviews)
# ("daily users instead: 6,000 a day": a word of correction may stand between)
_PEOPLE_LABEL = re.compile(rf"\b(?:users?|user\s+count|head\s*count|audience|{USER_NOUNS})\s*(?::|=|-|are|is|of|around|"
                           r"about|roughly|maybe|~|approx\w*|instead|now|then|actually|\s)*$")


def _people_a_day(p: Pass, m: re.Match) -> bool:
    if m.group(2) != "day" or re.search(r"[a-z]{3,}\s*(?:/|per|an?|each|every)", m.group(0)):
        return False
    return bool(_PEOPLE_LABEL.search(p.before(m.start(), 40)))
