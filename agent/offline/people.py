"""Head counts: "2,000 employees", "350 dispatchers and 40 supervisors" (one head count), "four teams of 25
engineers", "our 1.2k-strong sales team", "300 at the same time" (concurrent users), "40,000 monthly actives, about
6,000 on a typical weekday" (the day's count)."""

from __future__ import annotations

import re

from agent.offline.numbers import NUM
from agent.offline.passes import CORRECTING, Pass, Quantity, readable, whole

# the nouns people are counted in ("2,000 employees", "350 dispatchers"; misspellings users type included)
USER_NOUNS = (r"(?:users?|people|persons?|employees?|staff(?:ers)?|customers?|clients?|agents?|developers?|devs|"
              r"engineers?|programmers?|coders?|students?|members?|seats?|licen[cs]es|subscribers?|visitors?|patients?|"
              r"lawyers?|attorneys?|paralegals?|analysts?|colleagues?|workers?|shoppers?|learners?|readers?|"
              r"accounts?|mau|dau|wau|reps?|representatives?|operators?|researchers?|writers?|marketers?|"
              r"translators?|teachers?|doctors?|nurses?|traders?|callers?|residents?|citizens?|humans?|folks?|"
              r"managers?|supervisors?|executives?|officers?|directors?|leads?|technicians?|consultants?|advisors?|"
              r"advisers?|associates?|partners?|stakeholders?|volunteers?|trainees?|interns?|professors?|tutors?|"
              r"recruiters?|accountants?|auditors?|underwriters?|adjusters?|brokers?|bankers?|dispatchers?|drivers?|"
              r"pilots?|contractors?|freelancers?|buyers?|sellers?|merchants?|tenants?|guests?|travell?ers?|advocates?|"
              r"applicants?|candidates?|claimants?|borrowers?|policyholders?|"
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
              r"fee[\s-]earners?|case\s?workers?|coordinators?|instructors?|lecturers?|buyers?|planners?|"
              # trades and roles whose names have no agent ending, or one the form below reads only in context
              # (words that also name machines or software - servers, hosts, controllers, runners - are left out)
              r"baristas?|cooks?|chefs?|sous[\s-]chefs?|bartenders?|sommeliers?|waiters?|waitress(?:es)?|cashiers?|"
              r"tellers?|actuar(?:y|ies)|stevedores?|dockers?|longshoremen|seafarers?|mariners?|sailors?|deckhands?|"
              r"fishermen|miners?|welders?|plumbers?|electricians?|carpenters?|masons?|roofers?|painters?|fitters?|"
              r"riggers?|mechanics?|machinists?|linemen|linesmen|porters?|couriers?|chauffeurs?|truckers?|"
              r"pickers?|packers?|loaders?|cleaners?|janitors?|custodians?|caretakers?|housekeepers?|concierges?|"
              r"receptionists?|nannies|carers?|aides?|orderlies|midwives|doulas?|medics?|emts?|firefighters?|"
              r"constables?|sergeants?|detectives?|deputies|wardens?|guards?|rangers?|lifeguards?|marshals?|"
              r"secretar(?:y|ies)|notar(?:y|ies)|bailiffs?|magistrates?|registrars?|coroners?|paralegals?|"
              r"archivists?|curators?|librarians?|historians?|linguists?|interpreters?|copywriters?|columnists?|"
              r"photographers?|illustrators?|animators?|artists?|musicians?|actors?|dancers?|coaches|referees?|"
              r"priests?|nuns?|monks?|rabbis?|imams?|pastors?|chaplains?|diplomats?|surveyors?|estimators?|"
              r"schedulers?|dispatch(?:ers)?|appraisers?|assessors?|adjusters?|handlers?|underwriters?|quants?|"
              r"dealers?|bookkeepers?|economists?|statisticians?|pharmacists?|opticians?|dietitians?|psychologists?|"
              r"psychiatrists?|counsell?ors?|social\s+workers?|barbers?|hairdressers?|stylists?|tailors?|"
              r"florists?|bakers?|butchers?|farmers?|growers?|gardeners?|landscapers?|vintners?|brewers?|"
              r"headteachers?|teaching\s+assistants?|postdocs?|undergrads?|freshmen|retirees?|pensioners?|"
              r"veterans?|donors?|voters?|taxpayers?|commuters?|riders?|cyclists?|motorists?|crewmembers?|"
              r"flight\s+attendants?|cabin\s+crew|sub-?editors?|signall?ers?|controllers?\s+on\s+duty)")
# a count that follows is one person's, said with one of them as the clause's subject (the text before the count,
# from a line break, a comma or 'and' on): "each of our 300 agents handles about 40 tickets a shift", "each agent takes
# around 30 calls per shift", "an agent asks the assistant about 60 questions per shift", "each teller would ask the
# assistant about 15 questions a day"
EACH_PERSON_BEFORE = re.compile(
    rf"(?:\n|[,;:]\s*|\b(?:and|so|then)\s+)(?:(?:each|every|an?|one)\s+(?:[a-z-]+\s+)?{USER_NOUNS}\s+|"
    # "each of our 300 agents" (the count of people read already, blanked out)
    rf"(?:each|every|one)\s+of\s+(?:our|the|those|these|them)\s+(?:(?:\x01\d+\x02\s+)?(?:[a-z-]+\s+)?{USER_NOUNS}\s+|\s{{2,}}))"
    r"(?:would\s+|will\s+|could\s+|might\s+|usually\s+|typically\s+|then\s+)?[a-z]+\s+"
    r"(?:(?:the|our|an?|its|their)\s+)?(?:[a-z-]+\s+){0,2}?"
    r"(?:about\s+|around\s+|roughly\s+|~\s*|up\s+to\s+|maybe\s+|some\s+)?$")
EACH_PERSON_REACH = 80  # characters before the count the subject is looked for in


def before_count(text: str, pos: int) -> str:
    """The text a count at ``pos`` follows, as far as EACH_PERSON_BEFORE looks (a cut inside the sentence starts with
    no line break, so the pattern cannot take the cut for the sentence's start)."""
    return text[pos - EACH_PERSON_REACH:pos] if pos > EACH_PERSON_REACH else "\n" + text[:pos]


# the end of a people noun in the singular: "customer" may qualify a noun after it, "customers" or "people" may not
SINGULAR_END = (r"(?<!s)(?<!people)(?<!staff)(?<!personnel)(?<!ppl)(?<!crew)(?<!faculty)(?<!police)(?<!clergy)"
                r"(?<!alumni)(?<!children)(?<!counsel)(?<!folk)")
# words ending in s that are no plural noun ("450 people across EMEA", "a user is ...")
_NOT_A_NOUN = r"(?:across|as|is|was|has|does|plus|this|thus|its|us|always|besides|towards|unless|whereas|perhaps)\b"
_NOT_BETWEEN = (r"(?!(?:per|a|an|each|every|for|in|at|to|and|or|with|on|from|x|times|requests?|reqs?|queries|"
                r"calls|tokens?|words?|pages?|gpus?|ms|seconds?|minutes?|hours?|days?|weeks?|months?|quarters?|"
                # (a length of time said of the work: "a 6-month pilot" counts no pilots)
                r"years?)\b(?!-))")

# a people noun that qualifies another noun counts that one ("eleven stakeholder interviews", "300 customer emails")
_QUALIFIED_NOUNS = (r"(?:interviews?|surveys?|e-?mails?|tickets?|requests?|stories|records?|files?|data|"
                    r"reviews?|feedback|calls?|messages?|questions?|queries|complaints?|meetings?|sessions?|"
                    r"segments?|personas?|profiles?|journeys?|research|names?|ids?|counts?|workshops?|chats?|"
                    r"conversations?|documents?|docs|letters?|orders?|claims?|cases?|contracts?|invoices?|"
                    r"reports?|stud(?:y|ies)|polls?|census|numbers|figures|statistics|stats|cohorts?)")
# ... unless the word is a verb the people do: "9,000 customers chat with it each day"
_QUALIFIED_AFTER = (rf"\s+{_QUALIFIED_NOUNS}\b(?:(?<!\bchat)(?<!\bcall)(?<!\bmessage)(?<!\bquery)(?<!\bemail)|"
                    r"(?!\s+(?:with|to|it|us|about|in)\b))")
_PEOPLE_AS_MODIFIER = (rf"(?!{_QUALIFIED_AFTER})"
                       # (a compound of the noun names another thing: "30,000 account-statement letters")
                       r"(?!-[a-z])"
                       # or any plural noun after the people noun in the singular ("2,000 patient notes", "500 student
                       # essays"); the ones that still count people ("user seats", "staff members") excepted
                       rf"(?!{SINGULAR_END}\s+(?!{USER_NOUNS}\b|seats\b|licen[cs]es\b|logins\b|accounts\b|{_NOT_A_NOUN})"
                       r"[a-z][a-z-]+s\b)")
# a people noun may be the head of a compound written as one word ("25 copywriters", "40 caseworkers")
_USERS_UNIT = re.compile(rf"{NUM}\s*-?\s*\+?\s*(?:or\s+so\s+|-?ish\s+)?(?:{_NOT_BETWEEN}[a-z][a-z-]*\s+(?:and|&)\s+)?"  # "180 engine and gameplay programmers"
                         rf"(?:{_NOT_BETWEEN}[a-z][a-z+#/-]*\s+){{0,2}}?"  # "950 embedded C/C++ engineers"
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
_USERS_ACTIVE = re.compile(rf"(?<!\bin\s)(?<!out\sof\s){NUM}\s*(?:of\s+(?:them|those|us)\s+|"
                           # the part of a headcount named by where it works: "only the 1 800 in customer service will use it"
                           # ("one in three staff will use it" is a share, read with the shares)
                           r"(?:in|from|on|at)\s+(?!(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|"
                           r"every|each|a|an)\b)(?:the\s+)?(?:(?!(?:will|would|can|could|may|might|must|shall|should|"
                           r"actually|really|who|that|use|uses)\b)[a-z&-]+\s+){1,3}?(?:who\s+|that\s+)?)?(?:(?:actually|really|regularly|typically|"
                           r"actively|will|would|daily)\s+)?(?:use|uses|using)\s+(?:it|the\s+(?:[a-z-]+\s+)?(?:tool|bot|assistant|"
                           r"app|service|system|chatbot|chat\s+bot|copilot|platform))\b")
# the part of a headcount at work on an ordinary day, said by what it does then: "roughly 1,100 active on a normal
# day", "about 280 actually coding on a given day", "about 1,200 of them write listings on a given weekday"
_ORDINARY_DAY = (r"on\s+(?:a|an|any)\s+(?:given|normal|typical|average|ordinary|regular|usual)\s+"
                 r"(?:work(?:ing)?\s*|business\s+|week)?day\b")
_USERS_ON_A_DAY = re.compile(
    rf"{NUM}\s+(?:of\s+(?:them|us|those|these)\s+(?:[\w'-]+\s+){{1,5}}?|(?:people\s+|folks\s+)?(?:(?:actually|"
    rf"really|regularly|typically|actively|are)\s+)?(?:active|online|logged\s+in|(?!(?:incoming|outgoing|pending|"
    rf"remaining|during|running)\b)[a-z]{{3,}}ing)\b(?:\s+[\w'/-]+){{0,3}}?\s+){_ORDINARY_DAY}")
# a count added for a group of people named after it: "add another 1,000 for the contractors", "plus 200 more for
# the interns" (statements.py adds it to the users held)
_ADDED_FOR_PEOPLE = re.compile(rf"\b(?:add|adding|plus|another)\s+(?:another\s+|an\s+extra\s+)?{NUM}\s+(?:more\s+|extra\s+)?"
                               rf"(?:for|from)\s+(?:the\s+|our\s+|their\s+)?(?:[a-z-]+\s+)?{_NOT_PEOPLE}"
                               rf"(?:{USER_NOUNS}|{_PERSON_FORM})\b")
# a part of the organisation counted as who its people are: "350 of us are developers", "about 90 of them work as nurses"
_USERS_OF_US = re.compile(rf"{NUM}\s+of\s+(?:us|them|those|our\s+(?:staff|people|employees))\s+(?:are|work\s+as|"
                          rf"(?:are\s+)?in)\s+(?:[a-z-]+\s+){{0,2}}?(?:{USER_NOUNS}|{_PERSON_FORM})\b|"
                          # ... or by what they would do with it: "15 of us want to ask questions over our notebooks"
                          rf"{NUM}\s+of\s+(?:us|them|those)\s+(?:(?:that|who)(?:'d|'ll|\s+would|\s+will)?|(?:(?:that|who)\s+)?(?:want|"
                          rf"would\s+like|need|plan|will|would|are\s+going))\s+"
                          r"(?:to\s+)?(?:use|ask|query|search|chat|look\s+(?:things\s+)?up|try|draft|write|summari[sz]e)\b|"
                          # ... or by the work they do now, which it is for: "6 of us write press releases and
                          # newsletters", "the 12 of us answer the support inbox"
                          rf"{NUM}\s+of\s+us\s+(?:(?:all|both|currently|now|each|mostly)\s+)?(?:write|draft|answer|handle|"
                          r"review|translate|summari[sz]e|use|ask|work\s+on)\b|"
                          # ... or by what they need from it: "about 600 of them need translation every day"
                          rf"{NUM}\s+of\s+(?:us|them|those)\s+(?:would\s+|will\s+|really\s+|actually\s+)?(?:need|use|want)\s+"
                          r"(?:(?:[a-z-]+\s+){0,2}?(?:translations?|summar(?:y|ies|isation|ization)|answers|drafts?|"
                          r"completions?|suggestions?|search|code\s+review|it\s+(?:daily|every\s+day|regularly)))\b|"
                          # ... or as who it is used by: "the assistant is used by about 60,000 of them on a working day"
                          rf"\bused\s+(?:daily\s+|every\s+day\s+)?by\s+(?:about\s+|around\s+|roughly\s+|~\s*|some\s+|approx\w*\s+|"
                          rf"nearly\s+|almost\s+|over\s+)?{NUM}\s+(?:of\s+(?:them|us|those)|people|(?:[a-z-]+\s+)?{USER_NOUNS})\b|"
                          # "all 200 of our call-center agents"
                          rf"\ball\s+{NUM}\s+of\s+(?:our|the|their|its)\s+(?:[a-z-]+\s+){{0,2}}?(?:{USER_NOUNS}|{_PERSON_FORM})\b")
# the audience narrowed to one group, its size said after it: "not everyone - just the engineering team, so 40", "only
# the support desk (about 25)", "just our legal team: 12 of them"
_ONLY_GROUP_COUNT = re.compile(
    r"\b(?:just|only|solely)\s+(?:the|our|my)\s+(?:[a-z&-]+\s+){0,2}?(?:team|department|dept|group|division|unit|office|"
    r"squad|desk|function|crew)s?\s*(?:[,:;(—–-]\s*)*(?:so|that'?s|which\s+is|i\.?e\.?|or)?\s*(?:about\s+|around\s+|"
    rf"roughly\s+|~\s*|some\s+|maybe\s+)?{NUM}(?:\s+(?:people|persons|folks|heads|of\s+(?:them|us)))?(?!\s*(?:%|[a-z]))")
# a head count said to change to a number, the people noun first: "the number of clinicians grows to 400 next year",
# "headcount goes up to 1,200", "our users will reach 5k"; what follows the number is a time, never a unit
_USERS_BECOME = re.compile(
    rf"\b(?:(?:the\s+)?(?:number|count)\s+of\s+{USER_NOUNS}|headcount|{USER_NOUNS})\s+(?:(?:will|would|could|might|should|"
    r"may|is\s+going\s+to|are\s+going\s+to)\s+)?(?:is|are|was|be|grows?|grew|growing|rises?|rising|goes\s+up|going\s+up|increases?|"
    r"climbs?|jumps?|reach(?:es)?|drops?|falls?|shrinks?|goes\s+down|decreases?|gets?|become|becomes|expands?|scales?)"
    rf"\s+(?:up\s+)?(?:to\s+)?(?:about\s+|around\s+|roughly\s+|~\s*|approx\w*\s+|maybe\s+|some\s+)?{NUM}"
    r"(?!\s*(?:%|(?!(?:next|this|by|in|within|over|soon|later|eventually|or|and|people|heads|users|total)\b)[a-z]))")
# a group's size said as its strength: "our 1.2k-strong sales team", "a team 40 strong", "a workforce of 3,000"
_USERS_STRONG = re.compile(rf"{NUM}\s*-?\s*strong\s+(?:[a-z-]+\s+){{0,2}}?(?:team|workforce|staff|group|department|"
                           rf"org(?:ani[sz]ation)?|company|crew|unit|sales\s+force|salesforce|community|user\s+base)\b|"
                           rf"\b(?:team|workforce|staff|group|department|crew)\s+(?:of\s+)?{NUM}\s+strong\b|"
                           # a unit of the organisation named by its size: "the 350-person sales org", "a 60-person desk"
                           rf"{NUM}\s*-\s*(?:person|people|member|head)\s+(?:[a-z&-]+\s+){{0,2}}?(?:team|department|dept|group|"
                           rf"division|unit|org|crew|desk|practice|office|function)\b|"
                           rf"\b(?:workforce|sales\s+force|user\s+base|community|membership)\s+of\s+(?:about\s+|around\s+|"
                           rf"~\s*|roughly\s+|some\s+|over\s+)?{NUM}")
_USERS_KW = re.compile(
    rf"\b(?:concurrency|concurrent\s+(?:[a-z]+\s+)?(?:users|sessions|requests|chats|conversations|connections)|users?|user\s+(?:count|base)|userbase|headcount|audience|seats|"
    # (the team that owns or builds the tool is no count of its users: "owner team size: 14")
    rf"(?<!owner\s)(?<!owning\s)(?<!maintainer\s)(?<!dev\s)(?<!platform\s)team\s+size|number\s+of\s+users|"
    rf"(?:expected\s+|projected\s+|target\s+)?(?:dau|daily\s+active\s+users|daily\s+users)|"
    # a table's key: "distinct users per weekday: 900", "unique users a day = 1,200", "users on a working day: 3,500"
    rf"(?:distinct\s+|unique\s+|active\s+)?users\s+(?:per|a|each|on\s+(?:a|an|any)(?:\s+(?:given|normal|typical|average|"
    rf"ordinary|regular|usual))?)\s+(?:week|work(?:ing)?\s*|business\s+)?day(?=\s*[:=]))\s*"
    rf"(?:count\s*)?(?:is|are|:|=|of|to|around|about|~|approx\w*|roughly|maybe|total\w*|will\s+be|{CORRECTING}|\s)*{NUM}|"
    rf"\b(?:company|team|org(?:anization|anisation)?|department|firm|audience|user\s+base|population|staff)\s+of\s+"
    rf"(?:about\s+|around\s+|~\s*|roughly\s+|approximately\s+|over\s+|nearly\s+|almost\s+)?{NUM}|"
    # the number said to be the head count: "sorry, 150 is the number of users", "the 300 was our user count"
    rf"(?<![\w.]){NUM}\s+(?:is|was|'s|=)\s+(?:actually\s+|really\s+)?(?:the|our|my)\s+(?:number\s+of\s+(?:users|people|"
    rf"employees|staff)|user\s+count|head\s*count|team\s+size|users)\b|"
    # "2,000 is how many players are chatting with it at the same time" (concurrent: the cue after it, _users_field)
    rf"(?<![\w.]){NUM}\s+(?:is|was|'s|=)\s+(?:actually\s+|really\s+)?(?:how\s+many|the\s+number\s+of)\s+"
    rf"(?:[a-z-]+\s+)?{USER_NOUNS}\b|"
    # a people noun as the subject of its count: "customers are 2,000", "our developers number about 900"
    rf"\b{USER_NOUNS}\s+(?:are|number|total|count|=|:)\s*(?:(?:about|around|roughly|~|approx\w*|maybe|{CORRECTING})\s*)*"
    rf"{NUM}(?!\s*(?:%|(?!(?:actually|really|now|total|in|or|and|but|though|today|at|on|or\s+so)\b)[a-z]))")
# people counted in groups: "four teams of 25 engineers", "3 shifts of 80 agents each", "5 squads with 12 devs each",
# "25 engineers in each of four teams", "80 agents per shift across 3 shifts" -> the product
GROUP_NOUN = (r"(?:teams?|groups?|shifts?|squads?|classes|departments?|cohorts?|crews?|units?|sites?|branch(?:es)?|offices?|"
               r"stores?|schools?|wards?|pods?|regions?|clinics?|hospitals?|locations?|call\s+cent(?:er|re)s?|floors?|"
               r"divisions?|business\s+units?|labs?|studios?|campuses|squadrons?|platoons?|sections?)")
PEOPLE_NOUN = rf"(?:{USER_NOUNS}|{_PERSON_FORM})"
# a count of a word the tables do not know, glossed in brackets by a people noun: "1.200 Sachbearbeiter (case
# workers)", "300 Pflegekräfte (nurses)"
_USERS_GLOSSED = re.compile(rf"{NUM}\s*\+?\s*[^\W\d_][\w-]*\s*\(\s*(?:[a-z-]+\s+){{0,2}}?{PEOPLE_NOUN}\s*\)")
# any plural that is no people, unit or machine may name the groups when people are counted in each ("9 tribes of 11
# developers", "4 guilds with 30 engineers each")
_ANY_GROUP = (rf"(?:{GROUP_NOUN}|(?!{USER_NOUNS}\b|(?:hours|minutes|seconds|days|weeks|months|years|gpus|cards|nodes|"
              r"servers|machines|instances|replicas|tokens|requests|percent|times|dollars|euros|pounds)\b)[a-z]{3,}s)")
_GROUPS_OF = re.compile(
    rf"{NUM}\s+(?:[a-z-]+\s+)?{_ANY_GROUP}\s+(?:of|with|,\s*each\s+(?:with|of))\s+(?:about\s+|around\s+|roughly\s+|"
    rf"~\s*|some\s+|up\s+to\s+)?{NUM}\s*(?:[a-z-]+\s+)?{PEOPLE_NOUN}\b|"
    rf"{NUM}\s*(?:[a-z-]+\s+)?{PEOPLE_NOUN}\s+(?:(?:in|on|working|covering|staffing|during|for)\s+each\s+of|(?:per|a|each)\s+{GROUP_NOUN}\s*,?\s*(?:and|with|across|over|"
    # "10 agents per shift, 2 of them team leads": a part of the group, no count of groups
    rf"in|times|x|for)?)\s+(?:the\s+|our\s+|all\s+)?{NUM}(?!\s*of\s+(?:them|us|those|these))\s*(?:[a-z-]+\s+)?{GROUP_NOUN}?|"
    # the people noun first: "colleagues in three teams of 40 each", "engineers across 5 squads of about 12"
    rf"{PEOPLE_NOUN}\s+(?:in|across|over|spread\s+(?:over|across)|split\s+(?:into|across))\s+{NUM}\s+(?:[a-z-]+\s+)?"
    rf"{GROUP_NOUN}\s+(?:of|with)\s+(?:about\s+|around\s+|roughly\s+|~\s*|some\s+|up\s+to\s+)?{NUM}"
    rf"(?:\s+(?:each|apiece|people|persons|heads))?(?!\s*(?:%|[a-z]))|"
    # the size of each group in brackets or after a dash: "3 regional teams (about 40 agents each)",
    # or joined by "and": "420 stores and about 12 associates per store"
    # ("we run 3 shifts a day with 90 agents on each")
    rf"{NUM}\s+(?:[a-z-]+\s+)?{GROUP_NOUN}(?:\s+(?:a|per|each)\s+day|\s+daily)?\s*(?:\(|,|-|:|and\b|with\b)\s*(?:about\s+|"
    rf"around\s+|roughly\s+|~\s*|some\s+|up\s+to\s+)?"
    rf"{NUM}\s*(?:[a-z-]+\s+)?{PEOPLE_NOUN}\s+(?:each|apiece|per\s+{GROUP_NOUN}|(?:in|on)\s+each)\b")
# people counted per place, the places counted elsewhere in the sentence: "about 25 associates per store would use it,
# across our 40 stores", "35 planners in each region, and we have 4 regions"; or the places first, the people per
# place after them: "six kitchens, seven line cooks apiece", "6 desks, 5 sub-editors on each", "4 regions, 35 planners
# per region" -> the product. The place word must agree ("per store" ... "40 stores"), so "25 agents per shift, 3 of
# them seniors" is no product.
_ABOUT = r"(?:about\s+|around\s+|roughly\s+|~\s*|some\s+|up\s+to\s+|approx\w*\s+)?"
_PER_PLACE = r"(?:per|a|each|every|in\s+each|at\s+each|on\s+each|for\s+each)\s+(?P<per>[a-z]+)"
_PEOPLE_PER_PLACE = re.compile(
    rf"(?P<size>{NUM})\s*(?:[a-z-]+\s+){{0,2}}?{PEOPLE_NOUN}\b[^\x01.;!?]{{0,50}}?\b{_PER_PLACE}\b[^\x01.;!?]{{0,60}}?"
    rf"(?:across|in|at|over|for|of|times|x|have|run|operate)\s+(?:the\s+|our\s+|all\s+|its\s+|their\s+)?{_ABOUT}"
    rf"(?P<count>{NUM})\s*(?:[a-z-]+\s+)?(?P<places>[a-z]+)\b|"
    rf"(?P<count2>{NUM})\s+(?:[a-z-]+\s+)?(?P<places2>[a-z]+s)\b\s*(?:,|;|:|-|–|—|\(|and\b|with\b)\s*{_ABOUT}"
    rf"(?P<size2>{NUM})\s*(?:[a-z-]+\s+){{0,2}}?{PEOPLE_NOUN}\s+(?:each|apiece|on\s+each|in\s+each|at\s+each|"
    rf"(?:per|a|every)\s+(?P<per2>[a-z]+))\b")


def same_place(per: str | None, places: str) -> bool:
    """'per store' and '40 stores', 'each branch' and 'branches'; no 'per' word ('apiece') agrees with any place that
    is not people ('six kitchens, seven cooks apiece'), never with a count of people."""
    if re.fullmatch(rf"{_NOT_PEOPLE}{PEOPLE_NOUN}", places):  # "floors" has a people ending, but is none
        return False
    if per is None:
        return True
    stem = per[:-1] if per.endswith("s") else per
    return places.startswith(stem[:max(3, len(stem) - 1)])


def _users_per_place(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    first = m.group("size") is not None
    per, places = (m.group("per"), m.group("places")) if first else (m.group("per2"), m.group("places2"))
    if not same_place(per, places):
        return None
    size, count = (m.group("size"), m.group("count")) if first else (m.group("size2"), m.group("count2"))
    value = p.nt.values[int(size.strip("\x01\x02"))] * p.nt.values[int(count.strip("\x01\x02"))]
    return [(_users_field(m, p), whole(value))]


# groups of people with no noun for the people, the group word saying it: "three shifts of 40", "2 teams of 12 each"
_PEOPLE_GROUPS_BARE = re.compile(rf"{NUM}\s+(?:[a-z-]+\s+)?(?:shifts|teams|squads|crews|cohorts|watches|rotas)\s+of\s+"
                                 rf"{_ABOUT}{NUM}(?:\s+(?:each|apiece|people|persons|heads))?"
                                 r"(?!\s*(?:%|(?!(?:in|on|at|from|since|by|and|but|so|now|today|starting|until)\b)[a-z]))")


# a count of people said in apposition after the noun: "claims handlers (about 650 of them)", "devs want completions,
# 120 of them", "our nurses - some 900 of them -": the noun before names what the count counts
_PEOPLE_OF_THEM = re.compile(rf"\b{PEOPLE_NOUN}\b[^.;!?\x01]{{0,60}}?[(,\-]\s*(?:about\s+|around\s+|roughly\s+|some\s+|"
                             rf"~\s*|approx\w*\s+|maybe\s+|nearly\s+|almost\s+|over\s+)?{NUM}\s+of\s+(?:them|us)\b|"
                             # the count in brackets right after the noun: "claims adjusters (about 300)"
                             rf"\b{PEOPLE_NOUN}\s*\(\s*(?:about\s+|around\s+|roughly\s+|some\s+|~\s*|approx\w*\s+|"
                             # (and when: "technicians and supervisors (about 500 on a working day)")
                             rf"maybe\s+|nearly\s+|almost\s+|over\s+)?{NUM}(?:\s+(?:on\s+(?:a|an|any)\s+(?:[a-z]+\s+)?day|"
                             rf"a\s+day|per\s+day|each\s+day|daily|every\s+day))?\s*\)")
# a group may be said with where it works between the counts: "35 people in subrogation and 9 team leads", "the 40 on
# the night desk, 12 in legal"
_WHERE = r"(?:\s+(?:in|from|on|at)\s+(?:the\s+|our\s+)?[a-z&'-]+(?:\s+[a-z&'-]+){0,2}?)?"
# (groups named with their counts in brackets: "Legal (80 people) and Compliance (40 people)")
_NAMED_GROUP = r"(?:(?:[a-z&/-]+\s+){0,2}[a-z&/-]+\s*\(\s*)?"
_AND = re.compile(rf"{_WHERE}\s*(?:{USER_NOUNS}\s*)?\)?\s*(?:(?:each|apiece)\s*)?(?:,\s*)?(?:and|plus|\+|&|as\s+well\s+as)\s*"
                  rf"(?:the\s+|our\s+)?{_NAMED_GROUP}"
                  r"(?:about|around|roughly|some|another|~|approx\w*|maybe|nearly|almost|over)?\s*$")
_COMMA = re.compile(rf"{_WHERE}\s*\)?\s*,\s*(?:the\s+|our\s+)?{_NAMED_GROUP}$")
_USES = re.compile(r"\b(?:use|uses|using)\b")

# monthly actives are no users (spec: people who use it on a working day); the day's count said next to them is
# ("40,000 monthly active users, about 6,000 on a typical weekday")
_MONTHLY_PEOPLE = re.compile(r"\bmonthly\b|\bmaus?\b|\b(?:a|per|each)\s+month\b")
_ON_A_DAY = re.compile(rf"(?:about\s+|around\s+|roughly\s+|~\s*|some\s+)?{NUM}\s+(?:[a-z'-]+\s+){{0,8}}?(?:on|in|during)\s+(?:a|an|any)\s+"
                       r"(?:(?:typical|normal|average|usual|regular|given|busy|ordinary)\s+)?(?:week\s?day|work\s?day|"
                       r"working\s+day|business\s+day|day)\b")


def daily_of_monthly(p: Pass) -> None:
    for q in [q for q in p.found if q.field == "users" and q.end > 0]:
        if not _MONTHLY_PEOPLE.search(p.nt.text[max(0, q.pos - 20):q.end + 20]):
            continue
        day = _ON_A_DAY.search(p.nt.text, q.end)
        if day and (value := p.nt.value(day)) < q.value:
            p.found.append(Quantity("users", whole(value), readable(day.group(0), p.nt), day.start(), day.end()))
            p.found.remove(q)


# a head count said per month, week or year ("2 million visitors a month", "50k weekly actives", "300k MAU") with no
# day's count beside it: users are people on one day, so a careful reading spreads the period's count over its days
# (each person counted once in the period, on one day of it) and says so; a count "a day" is already a day's
_DAYS_IN = {"week": 7.0, "wk": 7.0, "weekly": 7.0, "wau": 7.0, "waus": 7.0, "month": 30.4, "mo": 30.4,
            "monthly": 30.4, "mau": 30.4, "maus": 30.4, "quarter": 91.25, "quarterly": 91.25, "year": 365.0,
            "yr": 365.0, "yearly": 365.0, "annual": 365.0, "annually": 365.0}
_PERIOD_PEOPLE = re.compile(
    rf"{NUM}\s*(?:(?:unique|distinct|active|different|individual|separate|online|web(?:site)?|site|store|shop)\s+){{0,2}}"
    rf"(?:{USER_NOUNS}|visits|sessions|uniques)\s*(?:(?:a|per|each|every|/|in\s+a|in\s+an?\s+average)\s*"
    r"(?P<per>week|wk|month|mo|quarter|year|yr)\b|(?P<adv>weekly|monthly|quarterly|yearly|annually)\b)|"
    rf"{NUM}\s*(?P<adj>weekly|monthly|quarterly|yearly|annual)\s+(?:(?:active|unique|distinct)\s+)?"
    rf"(?:{USER_NOUNS}|visits|sessions|uniques)\b|{NUM}\s*(?P<abbr>maus?|waus?)\b")


def daily_of_period(p: Pass) -> None:
    """'2 million visitors a month' -> 65,789 users (a day's people); said once, with the assumption in the note."""
    users = [q for q in p.found if q.field == "users"]
    if len(users) != 1:
        return
    q = users[0]
    for m in _PERIOD_PEOPLE.finditer(p.nt.text):
        said = p.nt.value(m, next(g for g in (1, 4, 6) if m.group(g) is not None))
        if said != q.value:
            continue
        period = (m.group("per") or m.group("adv") or m.group("adj") or m.group("abbr")).lower()
        days = _DAYS_IN[period]
        q.value = whole(said / days)
        p.notes["users"] = (f"{said:,.0f} {readable(m.group(0), p.nt).split(maxsplit=1)[1]} / {days:g} days = "
                            f"{q.value:,.0f} a day, taking each as counted once in the period")
        return


def add_up_people(found: list[Quantity], text: str) -> None:
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


_CONCURRENT_CUE = (r"(?:concurrent(?:ly)?|simultaneous(?:ly)?|at\s+(?:the\s+same|same|once|any\s+(?:one|\x01\d+\x02))\s+"
                   r"(?:time|moment|instant)|at\s+once|"
                   r"concurrency|in\s+parallel|parallel|at\s+any\s+(?:given\s+|one\s+|\x01\d+\x02\s+|single\s+)?(?:moment|time|point|instant)|"
                   r"online\s+at\s+once)")
CONCURRENT = re.compile(rf"\b{_CONCURRENT_CUE}\b")
_CLAUSE = re.compile(r"[.;!?,]|\bbut\b|\bwhile\b")
# "300 chatting at the same time", "1k concurrent", "a hundred parallel chats" (no noun for people needed)
_CONCURRENT_COUNT = re.compile(
    rf"{NUM}\s*\+?\s*(?:(?:simultaneous|concurrent|parallel)\b(?:\s+[a-z-]+)?|(?:[a-z'-]+\s+){{0,6}}?"
    rf"(?:at\s+(?:the\s+same\s+time|same\s+time|once|any\s+(?:given\s+|one\s+|\x01\d+\x02\s+)?(?:moment|time))|simultaneously|concurrently|"
    rf"in\s+parallel)\b)")


# the moment said before the count: "at any moment all 14 on console have the assistant open", "at any given time
# maybe 300 are chatting"
_CONCURRENT_AFTER_CUE = re.compile(
    rf"\bat\s+(?:any\s+(?:given\s+|one\s+|single\s+)?(?:moment|time|point|instant)|the\s+same\s+time|once)\s*,?\s*"
    rf"(?:(?:all|about|around|roughly|maybe|some|up\s+to|typically|usually|~)\s+)?{NUM}(?!\s*(?:%|[,.]?\d|ms\b|s\b|secs?\b|"
    r"seconds?|minutes?|mins?|hours?|requests?|reqs?|calls|queries|tokens?|gpus?|cards))")


# people counted by where they are, their noun said before: "nurses work three shifts and there are roughly 90 on the
# wards per shift", "support agents: about 300 on the phones"
_ON_PLACE = re.compile(rf"(?:\bthere\s+(?:are|'re)\s+|:\s*)(?:about\s+|around\s+|roughly\s+|some\s+|maybe\s+|~\s*)?{NUM}"
                       r"(?=\s+(?:on|at|in)\s+(?:the\s+)?(?:wards?|floors?|phones?|tills?|desks?|counters?|consoles?|"
                       r"lines?|duty|shift|site|branches|stores?|clinics?)\b)")


# people present at once who only use the tool now and then are no concurrent users: "roughly 300 on the floor at any
# one time, but they'd only look something up now and then"
_ON_SHIFT = re.compile(r"\b(?:on\s+(?:the\s+)?(?:floor|shift|duty|site|ward|premises|call)|at\s+work|in\s+the\s+building|working)\b")
_NOW_AND_THEN = re.compile(r"\b(?:now\s+and\s+(?:then|again)|every\s+(?:now|so\s+often|once\s+in\s+a\s+while)|occasionally|"
                           r"from\s+time\s+to\s+time|once\s+in\s+a\s+while|rarely|sporadically|here\s+and\s+there)\b")


# "1,800 employees (out of 5,200 total staff)": a whole the users are part of is no user count
_TOTAL_BEFORE = re.compile(r"\b(?:out\s+of|of\s+(?:a|our|the)?\s*total\s+(?:of\s+)?|total\s+of|from\s+a\s+total\s+of)\s*"
                           r"(?:about\s+|around\s+|roughly\s+|~\s*)?$")
# the words that say a count is the whole: "5,200 total staff", "1M requests all told"
TOTAL = r"(?:total|overall|all\s+told|in\s+total|altogether)"
_TOTAL_IN = re.compile(rf"\b{TOTAL}\b")
# the whole said right after its count, or the count said to be background: "1.8M customers total, just for context"
_TOTAL_AFTER = re.compile(rf"^\s*,?\s*{TOTAL}\b|^[^.;!?\x01]{{0,40}}?\b(?:just\s+|only\s+)?(?:for|as)\s+(?:context|"
                          r"reference|background|scale)\b")


# the people noun qualifies the noun after it, and the number dates or counts that: "our 2025 users survey"
_QUALIFIES_NEXT = re.compile(rf"^{_QUALIFIED_AFTER}")
_QUALIFIES_INSIDE = re.compile(rf"^{NUM}\s*{USER_NOUNS}\s+{_QUALIFIED_NOUNS}\b")  # "our 2024 customer survey says ..."


# the people said to build or run the tool are its makers, not its users: "our platform team of 12 people is building
# a Q&A assistant", "5 engineers will develop it for 2,000 agents"
_BUILDS_IT = re.compile(r"^\s*(?:(?:is|are|will\s+be|'re|who\s+(?:are|will)|that\s+(?:are|will)|will|would|who|that)\s+)?"
                        r"(?:(?:currently|now|already|going\s+to|gonna)\s+)?(?:build|building|builds|develop|developing|"
                        r"develops|implement|implementing|implements|maintain|maintaining|maintains|operat(?:e|es|ing)|"
                        r"run(?:s|ning)?)\s+(?:it|this|that|the\s+(?:tool|bot|assistant|platform|cluster|service|"
                        r"deployment|app|system)|(?:an?|our|the|their)\s+(?:[\w'&-]+\s+){0,4}?(?:assistant|bot|chatbot|"
                        r"copilot|tool|service|app|application|platform|system|pipeline|prototype|poc|solution|helper))\b")


# a count in brackets after the organisation describes the organisation: "800 field engineers at a utility company
# (2.2M customers)", "a regional bank (9,000 staff)"
_ABOUT_THE_ORG = re.compile(r"\b(?:company|companies|firm|utility|bank|insurer|retailer|business|organi[sz]ation|org|"
                            r"group|chain|provider|operator|carrier|airline|telco|hospital|university|school|agency|"
                            r"council|ministry|studio|brand)\s*\(\s*(?:about\s+|"
                            r"around\s+|~\s*|over\s+|roughly\s+|some\s+)?$")


# people said not to use it: "140 engineers (plus 60 contractors who won't get access)"; a head count the users are
# a part of, said after them in brackets: "500 developers will use it (of 2,700 IT staff)"; or named as the whole
# that only a group will use: "we have 14k employees but only legal+compliance will use it"
_WITHOUT_ACCESS = re.compile(r"^\s*\)?\s*,?\s*(?:who|that)\s+(?:won'?t|will\s+not|don'?t|do\s+not|can'?t|cannot|"
                             r"aren'?t|are\s+not|wouldn'?t|would\s+not|shouldn'?t)\s+(?:get|have|use|need|be\s+(?:using|"
                             r"given|getting))\b")
_WHOLE_IN_BRACKETS = re.compile(r"\(\s*(?:of|out\s+of|from)\s+(?:about\s+|around\s+|~\s*|roughly\s+|some\s+)?$")
_ONLY_A_PART_AFTER = re.compile(r"^[^.;!?\x01]{0,25}?\bbut\s+(?:only|just)\s+(?!\x01|(?:a|one)\s+(?:third|quarter|half|fifth|"
                                r"tenth|few|fraction|handful|share)|half|some|about|around|roughly|~|\d)(?:the\s+|our\s+)?"
                                r"[a-z&+/-]+")  # (a share of them is read with the shares)


_ONE_PER_THING = re.compile(r"\s*(?:per|for\s+each|for\s+every|each)\s+(?!(?:day|week|month|year|shift|hour)\b)[a-z]")


def _users(p: Pass, m: re.Match, group: int) -> list[tuple[str, float]]:
    if _TOTAL_BEFORE.search(p.before(m.start(), 30)) or _ABOUT_THE_ORG.search(p.before(m.start(), 40)):
        return []
    after = p.text[m.end():m.end() + 60]
    if _WITHOUT_ACCESS.match(after) or _WHOLE_IN_BRACKETS.search(p.before(m.start(), 30)) \
            or _ONLY_A_PART_AFTER.match(after):
        return []
    if EACH_PERSON_BEFORE.search(before_count(p.text, m.start())):
        return []  # "each nurse handles about 30 patients a shift": people who are one person's work, not users
    if _BUILDS_IT.match(p.text[m.end():m.end() + 50]):
        return []
    if p.nt.value(m, group) == 1 and _ONE_PER_THING.match(after):
        return []  # "(one person per account)": how many people each counted thing stands for, no count of users
    if _TOTAL_IN.search(m.group(0)) or _TOTAL_AFTER.match(after):
        # "about 900 baristas in total", "1.8M customers total": kept aside, used when no part is named
        p.totals.append(Quantity(_users_field(m, p), whole(p.nt.value(m, group)), readable(m.group(0), p.nt),
                                 *p.span_said(m)))
        return []
    if _QUALIFIES_NEXT.match(p.text[m.end():m.end() + 30]) or _QUALIFIES_INSIDE.match(m.group(0)):
        return []
    return [(_users_field(m, p), whole(p.nt.value(m, group)))]


def _users_on_a_day(p: Pass, m: re.Match) -> list[tuple[str, float]]:
    """'3,000 agents. About 1,200 of them write listings on a given weekday': the part at work on a day replaces the
    head count it is a part of (never added to it)."""
    if re.search(r"\bof\s+(?:them|us|those|these)\b", m.group(0)):
        p.found[:] = [q for q in p.found if q.field != "users" or q.pos > m.start()]
    return [("users", whole(p.nt.value(m)))]


# groups of groups: the outer count said before, each holding the groups counted ("4 tribes, each tribe has 5 squads of
# about 7 devs", "3 sites with 6 teams of 10 each")
_OUTER_GROUPS = re.compile(rf"{NUM}\s+(?:[a-z-]+\s+)?{_ANY_GROUP}\s*,?\s*(?:and\s+)?(?:(?:each|every\s+one)(?:\s+[a-z]+)?\s+"
                           r"(?:has|have|with|of|contains|containing|having|is\s+made\s+up\s+of|made\s+up\s+of)|with)\s+$")


def _users_in_groups(p: Pass, m: re.Match) -> list[tuple[str, float]]:
    count, size = [p.nt.values[int(n)] for n in re.findall(r"\x01(\d+)\x02", m.group(0))[:2]]
    if outer := _OUTER_GROUPS.search(p.text[max(0, m.start() - 60):m.start()]):
        count *= p.nt.value(outer)  # (the outer count's own words stay in the text; its number is read here)
    return [(_users_field(m, p), whole(count * size))]


def _users_field(m: re.Match, p: Pass | None = None) -> str:
    """Users active at the same moment are not a head count: they are sized as all active. The cue may stand
    next to the count in its clause ("at any given moment ~40 people", "60 agents on the tool at the same time")."""
    if CONCURRENT.search(m.group(0)):
        return "concurrent_users"
    if p is not None:
        # the cue may hold a number of its own ("at any one moment"), so the window is not cut at numbers
        before, after = re.split(r"[.;!?\n]", p.text[max(0, m.start() - 50):m.start()])[-1], p.text[m.end():m.end() + 90]
        cut = _CLAUSE.search(after)
        after = after[:cut.start()] if cut else after
        after = after.split("\x01")[0]  # a cue after another count is that count's ("1,100 agents and 450 of them ...")
        clause = [c for c in _CLAUSE.split(before)][-1] if before else ""
        if CONCURRENT.search(clause) or CONCURRENT.search(after):
            return "concurrent_users"
    return "users"


def read_people(p: Pass) -> None:
    """Counts of people with a people noun, and counts said to be at once."""
    nt = p.nt
    p.run(_GROUPS_OF, lambda m: _users_in_groups(p, m))
    p.run(_PEOPLE_PER_PLACE, lambda m: _users_per_place(p, m))
    p.run(_PEOPLE_GROUPS_BARE, lambda m: _users_in_groups(p, m))
    p.run(_USERS_UNIT, lambda m: _users(p, m, 1))
    p.run(_USERS_FORM, lambda m: _users(p, m, m.lastindex or 1))
    p.run(_USERS_GLOSSED, lambda m: _users(p, m, 1))
    p.run(_USERS_ACTIVE, lambda m: [(_users_field(m, p), whole(nt.value(m)))])
    p.run(_USERS_OF_US, lambda m: [(_users_field(m, p), whole(nt.value(m, m.lastindex or 1)))])
    p.run(_USERS_ON_A_DAY, lambda m: _users_on_a_day(p, m))
    p.run(_ADDED_FOR_PEOPLE, lambda m: [("users", whole(nt.value(m)))])
    p.run(_CONCURRENT_COUNT, lambda m: None if _ON_SHIFT.search(m.group(0)) and _NOW_AND_THEN.search(p.text) else
          [("concurrent_users", whole(nt.value(m)))])
    p.run(_ON_PLACE, lambda m: [("users", whole(nt.value(m)))] if re.search(rf"\b{USER_NOUNS}", p.text[:m.start()])
          else None)
    p.run(_CONCURRENT_AFTER_CUE, lambda m: None if _NOW_AND_THEN.search(p.text) else
          [("concurrent_users", whole(nt.value(m)))])


def total_when_alone(p: Pass) -> None:
    """A head count said to be the whole ("about 900 baristas in total") is the users when the sentence names no
    part of it that uses the tool ("... in total, 300 of them on the tills")."""
    if p.totals and not any(q.field in ("users", "concurrent_users") for q in p.found):
        p.found.append(p.totals[0])


# a day's count with no noun, said as a correction of the people counted: "daily it's more like 6k", "daily, closer
# to 1,200" (a count with its own noun is read as that noun's)
_DAILY_COUNT = re.compile(rf"\bdaily\b\W*(?:(?:it'?s|it\s+is|that'?s|that\s+is|we'?re|we\s+are)\s+)?(?:more\s+like|closer\s+to|"
                          rf"nearer)\s*{NUM}(?!\s*(?:%|[a-z]))")


def read_people_keywords(p: Pass) -> None:
    """A count after a head-count keyword ("users: 500", "a team of 40"), or said in apposition ("nurses, 900 of them")."""
    nt = p.nt
    p.run(_USERS_KW, lambda m: [(_users_field(m, p), whole(nt.value(m, m.lastindex or 1)))])
    p.run(_USERS_STRONG, lambda m: [("users", whole(nt.value(m, m.lastindex or 1)))])
    p.run(_ONLY_GROUP_COUNT, lambda m: [("users", whole(nt.value(m)))])
    p.run(_USERS_BECOME, lambda m: [(_users_field(m, p), whole(nt.value(m, m.lastindex or 1)))])
    p.run(_DAILY_COUNT, lambda m: [("users", whole(nt.value(m)))])
    if not any(q.field in ("users", "concurrent_users") for q in p.found):
        p.run(_PEOPLE_OF_THEM, lambda m: [(_users_field(m, p), whole(nt.value(m, m.lastindex or 1)))])


# a count said with its daily use: "~300 researchers would use it on a typical day", "roughly 1,200 people using it
# daily", "420 marketing users use it daily" -- beside a head count of the organisation, a customer base or a staff
# list, the count that uses it is the users
_USED_AFTER = re.compile(r"[^.;!?\x01]{0,50}?\b(?:use|uses|using|used|would\s+use|will\s+use)\s+(?:it|this|the\s+(?:tool|bot|"
                         r"assistant|service|app))?\s*(?:\w+\s+){0,2}?(?:daily|every\s+(?:working\s+)?day|each\s+day|"
                         r"on\s+(?:a|an|any|every|each)\s+(?:typical|normal|given|average|ordinary|working|regular)\s+"
                         r"(?:working\s+)?day|per\s+day|a\s+day)\b")
_USED_BEFORE = re.compile(r"\b(?:daily\s+(?:active\s+)?(?:users|actives)|dau)\b[^.;!?\x01]{0,30}$")


# a label of daily use with its count: "Expected to use it on a given working day: 900", "actual daily actives last
# month: 520", "DAU = 1,200"
_USERS_LABEL = re.compile(r"\b(?:daily\s+(?:active\s+)?(?:users|actives)|dau|(?:expected\s+to\s+)?use\s+it\s+on\s+(?:a|an|any)\s+"
                          r"(?:given|typical|normal|average)\s+(?:working\s+)?day|users?\s+(?:per|a)\s+day)\b[^.;!?\x01:=]{0,30}"
                          rf"[:=]\s*(?:about\s+|around\s+|roughly\s+|~\s*)?{NUM}(?!\s*(?:%|[a-z]))")


def read_daily_use_labels(p: Pass) -> None:
    p.run(_USERS_LABEL, lambda m: [("users", whole(p.nt.value(m)))])


def prefer_daily_use(p: Pass) -> None:
    """Of the people counts of a sentence, the one said with its daily use is the users; the others (a head count, a
    customer base) are context."""
    counts = [q for q in p.found if q.field == "users"]
    if len(counts) < 2:
        return
    text = p.nt.text
    used = [q for q in counts if _USED_AFTER.match(text, q.end if q.end >= 0 else q.pos)
            or _USED_BEFORE.search(text[max(0, q.pos - 40):q.pos])]
    if len(used) == 1:
        p.found[:] = [q for q in p.found if q.field != "users" or q is used[0]]

