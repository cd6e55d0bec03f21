"""Budgets: money a month ("$8k a month", "€120k a year", "budget of 8k") and the GPUs the user can use ("2 nodes
with 8 H100s each", "one DGX", "GPU count under 10"). Money is read first of all quantities, so "$8k a month" is
never a rate."""

from __future__ import annotations

import re

from agent.offline.currency import UNKNOWN_CURRENCY, currency_of, to_usd
from agent.offline.numbers import NUM, Numbered
from agent.offline.passes import Pass, readable, whole
from agent.offline.people import USER_NOUNS
from agent.offline.vocabulary import GOODS
from agent.offline.time_units import HOURS_PER_MONTH, TERMS, monthly_factor, period_noun

# (a dollar sign after other letters is another currency's, read when the rate table has it: "R$ 50 mil", "NZ$")
_BUDGET_CUR = re.compile(
    # (a dollar's code said before its sign: "MXN $2,400,000", "CAD $9,000")
    rf"(?:\b(?:usd|cad|aud|mxn|sgd|hkd|nzd|brl)\s?\$|(?<![a-z])\$|\busd\s?|\bus\$|\beur\s?|€|£|\bgbp\s?|\bchf\s?|\bca?\$|\bau?\$|\bcad\s?|\baud\s?|¥|₹|\bjpy\s?|"
    rf"\binr\s?|\brs\.?\s?|\bcny\s?|\brmb\s?|\bsek\s?|\b(?:r|mx|s|hk|nz)\$|\b(?:brl|mxn|sgd|hkd|nzd|krw|nok|dkk|pln|zar|aed|sar)\s?|₩)"
    rf"\s*{NUM}|{NUM}\s*(?:k\$|\$|usd\b|us\s+dollars\b|sek\b|kronor\b|(?:brl|reais|mxn|sgd|hkd|nzd|krw|won|nok|dkk|pln|zł|zar|aed|sar|(?:uae|emirati)\s+dirhams?|saudi\s+riyals?)\b|₩|"
    rf"(?:canadian\s+|australian\s+)?dollars?\b|bucks\b|eur\b|euros?\b|€|£|gbp\b|pounds\b|quid\b|chf\b|"
    rf"(?:swiss\s+)?francs?\b|cad\b|aud\b|jpy\b|yen\b|inr\b|rupees?\b|cny\b|rmb\b|yuan\b|¥|₹)")
_PERIOD_INSIDE = re.compile(r"\x02\s+(monthly|annual|yearly|quarterly)\s+budget\b")
_PERIOD_AFTER = re.compile(
    r"^\s*(?:usd|dollars)?\s*(?:/|per|an?|each|every)\s*(month|mo|year|yr|annum|quarter|week|wk|day|hour|hr|h|semester|trimester|term)\b|"
    r"^\s*(?:usd|dollars)?\s*(monthly|annually|yearly|quarterly|weekly|daily|hourly)\b|"
    # "$48,000 for the year", "€90k for the quarter", "20k over the whole year"
    r"^\s*(?:usd|dollars)?\s*(?:\w+\s+)?(?:for|over|across|in)\s+(?:the|a|one|this|each|every)\s+"
    r"(?:whole\s+|full\s+|entire\s+|fiscal\s+|financial\s+|calendar\s+|school\s+|academic\s+)?(year|quarter|month|week)\b")
# the period may qualify the money noun anywhere earlier in the clause ("our annual budget for this is $120k")
# (a yearly budget in the words of other languages a mixed message borrows: "our Jahresbudget is 1,5 Mio. €",
# "le budget annuel", "presupuesto anual")
_PERIOD_BEFORE = re.compile(r"\b(?:(monthly|annual|yearly|quarterly|weekly|daily|hourly)\s+|(jahres\w*|j[äa]hrlich\w*|"
                            r"annuel\w*|anual\w*|jaarlijks\w*|jaarbudget)[\s:]+|"
                            # a period the amount was paid over: "last quarter our OpenAI bill was $23k"
                            r"(?:last|previous|past)\s+(quarter|year|month|week)\b|"
                            # the period named with the money before it: "the budget approved for this fiscal year is"
                            r"\b(?:for|in|over)\s+(?:this|the|next|each|every)\s+(?:fiscal\s+|financial\s+|calendar\s+)?"
                            r"(year|quarter)\b)[^.;!?\x02]{0,60}$")
_PER_TOKENS = re.compile(r"\s*(?:/|per|a|an|each|for\s+(?:every|each))\s*(?:\x01(?P<per>\d+)\x02\s*(?P<scale>[km]\b)?\s*)?"
                         r"(?:input\s+|output\s+|prompt\s+|completion\s+)?tokens?\b")
# a price per a counted unit of work: "$0.15 per 1M characters", "$2 per 1,000 requests" (read in full text: p.after
# stops at the count)
_PRICE_PER_COUNT = re.compile(r"^\s*(?:/|per|a|an|each|for\s+(?:every|each))\s*\x01\d+\x02\s*[km]?\s*(?:characters?|chars|"
                              r"words?|pages?|images?|minutes?|mins?)\b")  # (per tokens: _PER_TOKENS)
_NOT_A_BUDGET = re.compile(r"^\s*(?:/|per|a|an|each)\s*(?:gpu|card|node|instance|1m|million|token|user|seat|pop|head|"
                           r"licen[cs]e|person|employee|developer|dev|request|query|call)|"
                           # money the organisation has or makes, not what it spends on this
                           r"^\s*(?:\w+\s+)?(?:of|in)\s+(?:assets|revenue|turnover|deposits|sales|funding|profits?|"
                           r"savings|loans|mortgages|capital|aum)\b|^\s*(?:in\s+)?(?:revenue|turnover|arr|aum)\b")

# Money that prices something else is no budget for this deployment:
# - a unit price: "60 laptops at $2,400 each" (but "$500 each month" is a period)
_UNIT_PRICE = re.compile(r"^\s*(?:each|apiece|a\s+piece|a\s+pop|per\s+(?:unit|piece|item|device))\b"
                         r"(?!\s+(?:month|year|quarter|week|day)\b)")
# - the amount said as the price of goods bought, before the goods: "everyone has a $3,200 MacBook Pro"
_PRICE_OF_GOODS = re.compile(rf"^\s*(?:[a-z-]+\s+)?(?:{GOODS})\b")
# - the hourly price of a GPU named just before: "I saw H100s at $3.50/hr", "8 x H100 at $2.99/hr" (the card's price,
#   not the team's spend; a ceiling "per GPU-hour" over counted GPUs is read by read_gpu_hour_budget)
_GPU_PRICED = re.compile(r"§+s?\s*(?:at|for|@|cost(?:s|ing)?|go(?:es)?\s+for|runs?\s+(?:at|about))\s*(?:about\s+|around\s+|~\s*)?$")
# - money said to be for something else: "$2M commit (company-wide, not for this)", "a $40k budget, unrelated"
_DISOWNED = re.compile(r"^[^.;!?]{0,40}?\b(?:not\s+(?:for|from|part\s+of)\s+(?:this|that|the\s+(?:project|pilot|bot|"
                       r"assistant|tool|deployment))\b|company[\s-]wide|org(?:anization)?[\s-]wide|unrelated|"
                       r"(?:a\s+)?(?:different|separate|other)\s+(?:budget|project|line\s+item))")
# - a salary or another yearly price of each of something: "3 more translators at €55k a year each"
_EACH_A_YEAR = re.compile(r"^\s*(?:/|per|an?)\s*(?:year|yr|annum)\s+(?:each|apiece|per\s+(?:head|person))\b")
# - what the money pays for said before it: "power + colo for the rack is about $3k/month", "salaries run to $40k"
_COST_OF_OTHER = re.compile(r"\b(?:power|electricity|energy|colo(?:cation)?|rack\s+space|cooling|salar(?:y|ies)|wages?|"
                            r"office\s+rent|lease|maintenance|support\s+contract)\b[^.;!?\x01]{0,40}?\b(?:is|are|costs?|"
                            r"runs?(?:\s+to)?|comes?\s+to|adds?\s+up\s+to|of)\s+(?:about\s+|around\s+|roughly\s+|~\s*)?"
                            r"[^\w\x01]{0,3}$")
# - what a person costs: "each of our 220 support agents costs about $4,200 a month fully loaded", "an analyst costs
#   us $9k a month", "agents are $38/hour fully loaded"
_PERSON_COSTS = re.compile(rf"\b(?:each|every|an?|one|per)\s+(?:of\s+(?:our|the|those|these)\s+)?(?:\x01\d+\x02\s+|\s+)?"
                           rf"(?:[a-z-]+\s+)?{USER_NOUNS}\s+(?:costs?|is\s+paid|earns?|gets?\s+paid|bills?)\s+"
                           r"(?:us\s+)?(?:about\s+|around\s+|roughly\s+|~\s*)?[^\w\x01]{0,3}$")
_FULLY_LOADED = re.compile(r"^[^.;!?\x01]{0,40}?\b(?:fully[\s-]loaded|loaded\s+cost|all[\s-]in\s+(?:per|for\s+each)\s+"
                           r"(?:head|person|agent|employee))\b")
# - money said to be spent already: "$3k/month, already sunk", "a sunk cost"
_SUNK = re.compile(r"^[^.;!?\x01]{0,40}?\b(?:already\s+(?:sunk|paid|spent|budgeted\s+elsewhere)|sunk(?:\s+cost)?)\b")
# - a one-off spend named before the amount: "one-time setup budget of $40k is separate"
_ONE_OFF_BEFORE = re.compile(r"(?:(?:\bone|\x01\d+\x02)[\s-](?:off|time)|\b(?:upfront|up-front|set-?up\s+(?:budget|cost|fee)|capex))\b"
                             r"[^.;!?\x01]{0,30}$")
# - a commitment or contract total: "a 3-year AWS EDP with a $2M commit"
_COMMITMENT = re.compile(r"^\s*(?:[a-z-]+\s+)?(?:commit(?:ment)?|contract\s+value|deal|purchase\s+order)\b")


# - the money another service already runs on: "our translation service already runs on a 5k/month budget", "the
#   existing search app has $3k a month" (this service's money is said without "already" or "existing")
_ANOTHER_SERVICES = re.compile(r"\b(?:(?:our|the|their)\s+(?:existing|other|current|old)\s+(?:[\w'-]+\s+){0,2}?|(?:our|the|their)\s+"
                               r"(?:[\w-]+\s+){0,2}?(?=[\w-]+\s+already\b))(?:service|app|application|tool|bot|product|"
                               r"system|platform|pipeline|deployment|project)\s+(?:already\s+)?(?:runs|is\s+running|"
                               r"operates|lives|sits|has|gets|costs?)\s+(?:on\s+|us\s+|with\s+)?(?:a|an)?\s*[^\w\x01]{0,3}$")


# - what a person is paid: "they pay me 140k", "we pay him about $9k a month"
_PAID_TO = re.compile(r"\b(?:pay|pays|paid|paying)\s+(?:me|him|her|them|each\s+of\s+(?:us|them))\s+(?:about\s+|around\s+|"
                      r"roughly\s+|~\s*|like\s+)?[^\w\x01]{0,3}$")
# - money already spent: "we burned €40k on a POC last quarter", "we've sunk $25k into consultants"
# (or charged by someone for doing the work: "last year an agency did it for EUR 40k", "the vendor charged us $9k",
# "the previous SaaS vendor billed $31,400/month")
_SPENT_BEFORE = re.compile(r"\b(?:burned|burnt|blew|wasted|sank|sunk|splashed\s+out|already\s+spent|spent|cost\s+us|costs\s+us|"
                           r"costing\s+us|(?:did|done)\s+(?:it|this|that|the\s+job|the\s+work)\s+for|charged(?:\s+us)?|(?<!be\s)(?:billed|invoiced)(?:\s+us)?)"
                           r"\s+(?:an\s+estimated\s+|about\s+|"
                           r"around\s+|roughly\s+|~\s*|over\s+|almost\s+|nearly\s+)?[^\w\x01]{0,3}$")


def _prices_something_else(p: Pass, m: re.Match) -> bool:
    after = p.after(m.end(), 60)
    before = p.before(m.start())
    return bool(_UNIT_PRICE.match(after) or _PRICE_OF_GOODS.match(after) or _DISOWNED.match(after)
                or _COMMITMENT.match(after) or _EACH_A_YEAR.match(after) or _SUNK.match(after)
                or _FULLY_LOADED.match(after) or _PERSON_COSTS.search(before)
                or _GPU_PRICED.search(before) or _COST_OF_OTHER.search(before)
                # (a "one" said as a number ends p.before's reach: "a one-time $60k")
                or _ONE_OFF_BEFORE.search(p.text[max(0, m.start() - 40):m.start()])
                or _QUOTED_BEFORE.search(before) or _ANOTHER_SERVICES.search(before) or _PAID_TO.search(before)
                or _SPENT_BEFORE.search(before) or _past_spend_line(_line_before(p, m.start())))


# what a vendor asked for is their price, not the team's ceiling: "a managed vendor quoted us $25k/month"
# (a quote's price line too: "Price: USD 289,000.00 (excl. VAT)")
_QUOTED_BEFORE = re.compile(r"\b(?:quoted|quoting|(?:the|their|a|his|her)\s+quote\s+(?:was|is|came\s+in\s+at|of)|pitched|"
                            r"(?:(?:list|unit|purchase|total|sale|net|gross)\s+)?price\s*(?::|=|is|was)|"
                            r"offered\s+(?:us|me|it)|asking\s+price\s+(?:is|was|of)|wants?\s+to\s+charge|would\s+charge)\s+"
                            r"(?:us\s+|me\s+)?(?:about\s+|around\s+|roughly\s+|~\s*|just\s+)?[^\w\x01]{0,3}$")
# a line of what was spent: "FY25 actuals: $210,000 on third-party APIs, $42,000 consultants"
_PAST_SPEND_LINE = re.compile(r"\b(?:actuals?|spent|spend\s+last\s+(?:year|quarter|month)|last\s+(?:year|quarter)'?s?\s+"
                              r"(?:spend|costs?|bill))\b")


def _past_spend_line(line: str) -> bool:
    """The line says what was spent, and names no budget after it ("we spent $3k on the pilot, budget going forward is")."""
    spent = _PAST_SPEND_LINE.search(line)
    return spent is not None and not re.search(r"\bbudget\b", line[spent.end():])


def _line_before(p: Pass, pos: int) -> str:
    """The text of ``pos``'s line (or sentence) before it, past other numbers."""
    window = p.text[max(0, pos - 160):pos]
    return window[max(window.rfind(c) for c in ".;!?\n") + 1:]


_BUDGET_KW = re.compile(
    # under a "Budget:" label, an amount said with its period further on: "Budget: Finance initially floated 25k/month"
    rf"\bbudget\s*[:–—]\s*[^\x01.;]{{0,60}}?{NUM}(?=\s*(?:/\s*|per\s+|an?\s+|each\s+)(?:mo|month|year|yr|quarter|week)\b)|"
    rf"\b(?:budget(?:ed|ing)?|earmarked|set\s+aside|sanctioned|spend|spending|afford|pay(?!\s+(?:me|him|her|them|each)\b)|cost\s+(?:cap|limit|ceiling)|approved|allocated|allocation|funding|funded|"
    rf"signed\s+off)\b[^\x01.;]{{0,25}}?{NUM}(?!\s*(?:%|{USER_NOUNS}\b|gpus?\b|tokens?\b|requests?\b|rps\b|ms\b|"
    rf"seconds?\b|hours?\b|/\s*(?:7\b|\x01)))"
    # a count of things after the number is no money: "the CFO approved 2 new hires", "approved 3 licenses"
    rf"(?!\s*(?:new\s+|more\s+|extra\s+|additional\s+|full[\s-]time\s+)?(?!(?:dollars|euros|pounds|bucks|francs|rupees|"
    rf"usd|eur|gbp|chf|thousands|millions|grand)\b)[a-z]{{3,}}s\b)|"
    # the number said to be the budget: "that 3000 was the monthly budget in dollars, not users", "8k is our budget"
    rf"(?<![\w.]){NUM}\s+(?:is|was|'s|=)\s+(?:actually\s+|really\s+|meant\s+as\s+)?(?:the|our|my)\s+(?:monthly\s+)?"
    rf"(?:budget|spend(?:ing)?\s+(?:cap|limit)|cost\s+(?:cap|limit|ceiling))\b|"
    # the amount said before the word: "24k budget", "an 8k monthly budget", "with a 100k annual budget"
    rf"(?<![\w.]){NUM}\s+(?:monthly\s+|annual\s+|yearly\s+|quarterly\s+|total\s+)?budget\b(?!\s+of\s+(?!the\b|this\b))|"
    # room to spend, a month: "give it a little more room: 7.5k a month"
    rf"\b(?:room|headroom|leeway|wiggle\s+room|breathing\s+room)\b[^\x01.;]{{0,25}}?{NUM}(?=\s*(?:/\s*|per\s+|an?\s+)(?:mo|month)\b)|"
    # an amount the team would have, with no unit, is money: "what if we had 20k?"
    rf"\bwhat\s+if\s+(?:we|i)\s+(?:had|got|could\s+spend|spent)\s+(?:an?\s+)?{NUM}(?!\s*(?:%|[a-z]))|"
    rf"{NUM}\s*(?:/\s*|per\s+|an?\s+)(?:mo|month)\b\s*(?:(?:for|as|on|to)\s+(?:the\s+|our\s+|a\s+)?)?(?:budget|spend|cap|max)\b|"
    # an amount a month up to which renting or spending goes: "we'll rent in the cloud, up to 10k a month"
    rf"\b(?:rent\w*|spend\w*|pay\w*|cloud|afford)\b[^.;!?\x01]{{0,30}}?\bup\s+to\s+{NUM}\s*(?:/\s*|per\s+|an?\s+)"
    rf"(?:mo|month)\b(?!\s+(?:of\s+)?(?:requests|queries|calls|users|tokens|chats|messages|documents|jobs)\b)|"
    # a bare amount a month under a ceiling word: "max 15k a month", "no more than 9,000 per month"
    rf"\b(?:max(?:imum)?|at\s+most|no\s+more\s+than|capped\s+at|not\s+more\s+than)\s+{NUM}\s*(?:/\s*|per\s+|an?\s+)(?:mo|month)\b(?!\s+(?:of\s+)?(?:requests|queries|calls|users|tokens|chats|messages|documents|jobs)\b)")
_GPUS_UNIT = re.compile(
    rf"{NUM}\s*(?:x\s*)?(?:(?!per\b|for\b|each\b|gb\b|gib\b|tb\b|mb\b)[a-z][a-z0-9]*\s+)?(?:§+|gpus?\b|cards?\b|accelerators?\b)|"
    rf"\b(?:a\s+single|one|1)\s+(?:§+|gpu\b)|"
    # the count after the cards: "H100s x 8", "L4 × 4"
    rf"(?:§+|\bgpus?\b)\s*[x×]\s*\x01(?P<after>\d+)\x02(?!\s*(?:gb|gib|tb|%|ms|s\b|[.,]\d))")
_NODES_GPUS = re.compile(  # "2 nodes with 8 H100s each", "4 servers x 8 GPUs", "two HGX A100 servers (8 GPUs each)"
    rf"{NUM}\s*(?:x\s*)?(?:(?:[a-z]+|§+)\s+){{0,3}}?(?:nodes?|servers?|machines?|boxes|hosts|instances|"
    r"[dh]gx\b(?:[\s-]*(?:§+|[a-z]?\d+\w*))?(?:\s+(?:systems?|servers?|boxes|nodes?|machines?|pods?))?)\s*"
    # a clause about the machines may stand before their GPUs: "two servers we own in the basement, each of which has 4"
    rf"(?:[^.;:\x01]{{0,60}}?,\s*)?"
    rf"(?:with|of|x|,|\(|each\s+with|(?:each\s+(?:of\s+(?:which|them)\s+)?)?(?:has|have|having|holds?|holding|contains?|"
    rf"containing|carr(?:y|ies|ying)|runs?)|(?:which|that)\s+(?:each\s+)?(?:has|have|hold|contain|carry)|"
    rf"each\s+(?:server|node|machine|box|host)(?:\s+(?:has|with))?|,?\s*each)?\s*{NUM}\s*"
    r"(?:x\s*)?(?:[a-z]+\s+)?(?:§+|gpus?\b|cards?\b)(?:\s*(?:s\b)?\s*(?:each|apiece|per\s+(?:node|server|machine)))?")
# the GPUs of each said as the kind of machine: "two 8-GPU H200 servers", "3 x 4-card nodes"
_NODES_OF_GPUS = re.compile(rf"{NUM}\s*(?:x\s*)?{NUM}\s*-?\s*(?:gpus?|cards?|§+)\s+(?:§+\s+)?(?:[a-z]+\s+)?"
                            r"(?:nodes?|servers?|machines?|boxes|hosts|instances|systems?|chassis)\b")
# some of the machines said to be unavailable: "two DGX boxes (8 GPUs each), but one is booked for training"
_MACHINES_TAKEN = re.compile(rf"[^.;]{{0,40}}?\b(?:but|though|however|although|except\s+that)\b[,\s]*"
                             rf"{NUM}\s+(?:of\s+(?:them|those|(?:the|our|these)\s+(?:servers|nodes|machines|boxes|hosts))\s+|"
                             r"(?:server|node|machine|box|host)s?\s+)?"
                             r"(?:is|are|'s|stays?|remains?)\s+(?:\w+\s+)?(?:booked|reserved|used|taken|dedicated|out|down|"
                             r"broken|busy|unavailable|allocated|earmarked|in\s+repair|for\s+training|in\s+rma|offline)\b")


# the GPUs said after the machines as their whole count: "2 DGX H100 boxes (16x H100 SXM total)"
_TOTAL_AFTER = re.compile(r"^[^\x01.;!?)]{0,20}?\b(?:total|in\s+total|altogether|combined|overall|all\s+told|between\s+them)\b")


def _nodes_gpus(p: Pass, m: re.Match) -> list[tuple[str, float]]:
    nodes, each = p.nt.value(m, 1), p.nt.value(m, 2)
    if _TOTAL_AFTER.match(p.after(m.end(), 30)) and each >= nodes:
        p.notes["max_gpus"] = f"{each:g} GPUs in total across {nodes:g} machines"
        return [("max_gpus", whole(each))]
    taken = _MACHINES_TAKEN.match(p.nt.text, m.end())
    p.notes["max_gpus"] = f"{nodes:g} machines x {each:g} GPUs"
    if taken and 0 < (n := p.nt.value(taken)) < nodes:
        p.notes["max_gpus"] = f"{nodes - n:g} of {nodes:g} machines x {each:g} GPUs"
        nodes -= n
    return [("max_gpus", whole(nodes * each))]


# the count said in apposition after the GPUs: "the GPUs we own are L40S - 16 of them"
_GPUS_OF_THEM = re.compile(rf"(?:(?:§+|gpus?|cards)(?:\s+[^\x01.;!?,(—–-]{{0,40}}?\s*[—–(,:-]|\s*[—–(,:-]?)\s*(?:about\s+|around\s+|some\s+|~\s*|"
                           rf"max(?:imum)?\s+|up\s+to\s+|at\s+most\s+)?{NUM}\s+of\s+(?:them|em|'em)\b|"
                           # the count owned said after the cards, in a sentence of its own: "on our h200s. we own 2 of em"
                           rf"\bwe\s+(?:only\s+)?own\s+(?:only\s+|just\s+)?{NUM}\s+of\s+(?:them|em|'em)\b"
                           r"(?!\s+(?:servers|nodes|boxes|machines)))"
                           # "20 GPUs, 6 of them are busy": a part of the pool (gpu_pool.py), not its size
                           r"(?!\s+(?:are|is|being|currently|used|running|reserved|booked|taken)\b)")
# the count said after the cards and who has them: "A10G cards we have 4", "the GPUs we own: 6"
_GPUS_WE_HAVE = re.compile(rf"(?:§+|gpus?|cards)\s+(?:that\s+)?we\s+(?:already\s+)?(?:have|own|got)\s*(?:is|are|:|=|,)?\s*"
                           rf"(?:only\s+|just\s+)?{NUM}(?!\s*(?:%|[a-z]))")
# NVIDIA's 8-GPU systems named by their brand: "one DGX H100", "two HGX A100 boxes" (8 GPUs each)
_EIGHT_GPU_SYSTEMS = re.compile(rf"{NUM}\s*(?:x\s*)?(?:nvidia\s+)?[dh]gx\b(?:[\s-]*(?:§+|[a-z]?\d+\w*))?"
                                r"(?:\s+(?:servers?|systems?|boxes|nodes?|machines?|pods?))?(?!\s*(?:\(|with|of)?\s*\x01)")
# how many the cloud will let the team have: "we can't get more than 4 of them in our region", "a quota of 8 GPUs"
_GPU_QUOTA = re.compile(rf"\b(?:can'?t|cannot|can\s+not|won'?t\s+be\s+able\s+to|are\s+not\s+able\s+to)\s+(?:get|rent|have|"
                        rf"use|access|reserve)\s+more\s+than\s+{NUM}\s*(?:of\s+(?:them|those|these)|§+|gpus?|cards)\b|"
                        rf"\bquota\s+(?:of|is|:|=)\s*(?:only\s+|just\s+)?{NUM}\s*(?:§+|gpus?|cards)\b|"
                        # a Kubernetes ResourceQuota's line: 'requests.nvidia.com/gpu: "6"'
                        rf"\b(?:requests|limits)\.(?:nvidia|amd|§+)\.com/(?:gpus?|§+)[\"']?\s*[:=]\s*[\"']?{NUM}[\"']?")
# (what each machine holds is no total: "8 GPUs per box", "(8x H100 SXM each)")
_GPUS_NOT_A_LIMIT = re.compile(r"^\s*(?:s\b)?\s*(?:(?:per|each|/|a|in\s+each|on\s+each)\s*(?:replica|node|pod|instance|server|"
                               r"machine|model|box|system|host|vm|chassis)|each\b|apiece\b)")
# the count of GPUs named by its noun and limited: "GPU count must stay under 10", "number of GPUs: at most 6"
_GPUS_KW = re.compile(
    rf"\b(?:gpu\s+count|number\s+of\s+(?:gpus?|cards|§+)|total\s+(?:gpus?|§+)|gpu\s+(?:cap|limit|ceiling|budget))\b"
    rf"[^\x01.;]{{0,25}}?(?:under|below|at\s+most|max(?:imum)?|no\s+more\s+than|less\s+than|fewer\s+than|up\s+to|<=?|≤|"
    rf"is|of|=|:)\s*{NUM}(?!\s*(?:%|[a-z]))")


# money per person and period, what a seat-priced product costs today and the ceiling for self-hosting it ("$25 per
# seat per month", "$40 per engineer per month", "€19/user/month"): a budget only once multiplied by the head count
_PER_HEAD = re.compile(rf"(?:{_BUDGET_CUR.pattern})\s*(?:usd|dollars|euros?)?\s*(?:/|per|an?|each|for\s+(?:each|every))\s*"
                       # (the head counted as who it is: "$3 per daily user per month", "per active seat")
                       rf"(?:(?:daily|active|named|monthly|licensed|paying)\s+)?(?:{USER_NOUNS}|heads?|licen[cs]es?|logins?)\b\s*(?:,\s*)?(?:/|per|an?|each|every)?\s*"
                       r"(month|mo|year|yr|annum|quarter|week|wk|monthly|yearly|annually|quarterly|weekly)\b")
PER_HEAD = "budget_per_head_usd"  # not a spec field: the message's head count turns it into the monthly budget
# money per request, the unit economics of a hosted API ("at most $0.002 per request", "$1.50 per 1,000 requests"): a
# budget once multiplied by the message's monthly request volume
_PER_REQUEST = re.compile(rf"(?:{_BUDGET_CUR.pattern})\s*(?:usd|dollars|euros?)?\s*(?:/|per|an?|each|for\s+(?:each|every))\s*"
                          rf"(?:(?P<per>{NUM})\s*)?(?:requests?|queries|query|calls?|answers?|responses?|conversations?|"
                          r"chats?|messages?)\b")
PER_REQUEST = "budget_per_request_usd"
# an amount to save off what is paid today: "the goal is to save at least $5k a month", "cut the bill by $3,000"
_SAVING_BEFORE = re.compile(r"\b(?:sav(?:e|es|ing|ings\s+of)|cut\s+(?:it|that|the\s+(?:bill|cost|spend))\s+by|"
                            r"reduce\s+(?:it|that|the\s+(?:bill|cost|spend))\s+by|shave\s+off)\s+(?:at\s+least\s+|"
                            r"about\s+|around\s+|roughly\s+|~\s*|some\s+)?[$€£]?\s*$")
SAVING = "budget_saving_usd"
PER_TOKEN = "budget_per_token_usd"  # a price per token ("$0.90 per 1M tokens"): with the tokens a month, today's bill
TODAYS_BILL = "budget_todays_bill_usd"  # what the team pays a hosted service today, a month
# today's bill said to be the ceiling: "self-hosting only makes sense if we stay under that", "no more than what we pay"
BILL_AS_CEILING = re.compile(r"\b(?:stay|stays|keep\s+it|come\s+in|land|be)\s+(?:well\s+)?(?:under|below|within|"
                             r"beneath)\s+(?:that|this|it|what\s+we\s+(?:pay|spend))|\b(?:no|not)\s+more\s+than\s+"
                             r"(?:that|this|what\s+we\s+(?:pay|spend))|\b(?:cap|limit)\s+(?:it\s+|the\s+budget\s+)?at\s+"
                             r"(?:that|what\s+we\s+(?:pay|spend))|\b(?:cheaper|less)\s+than\s+(?:that|this|what\s+we\s+"
                             r"(?:pay|spend)|today)|\b(?:same|that)\s+(?:is\s+|as\s+)?(?:our\s+|the\s+)?(?:budget|ceiling|"
                             r"cap|limit)\b")
# a share of today's bill as the ceiling: "self-host for no more than half of that", "at most 60% of what we pay"
_SHARE_PART = (r"(?:(?P<word>half|a\s+third|one\s+third|a\s+quarter|one\s+quarter|a\s+fifth|a\s+tenth|two\s+thirds|"
               r"three\s+quarters)|(?P<pct>\d+(?:\.\d+)?)\s*(?:%|percent))\s+of\s+")
BILL_SHARE = re.compile(rf"\b(?:no\s+more\s+than|not\s+more\s+than|at\s+most|under|below|less\s+than|within|for|"
                        rf"to|about|around|roughly)\s+{_SHARE_PART}(?:that|this|it|what\s+we\s+(?:pay|spend)|"
                        # ("half of the current seat bill")
                        rf"(?:the|today'?s|our)\s+(?:current\s+)?(?:[\w-]+\s+)?(?:bill|spend|cost))\b")


def share_value(m: re.Match) -> float:
    """The share a match of ``_SHARE_PART`` names (its group ``word`` or ``pct``)."""
    if m.group("word"):
        return _SHARE_WORDS[" ".join(m.group("word").split())]
    return float(m.group("pct")) / 100


# an amount and its period with the currency said after ("around 10 to 12k a month, USD"): money like "$12k a month"
_CUR_AFTER_PERIOD = re.compile(rf"{NUM}\s*(?:/\s*|per\s+|an?\s+|each\s+)(month|mo|year|yr|quarter|week)\b\s*(?:range\s*)?,?\s*"
                               r"\(?\s*(?:in\s+)?(?:usd|us\s+dollars|dollars|eur|euros?|gbp|pounds|chf|cad|aud)\b")


# an amount more a month said with where the money comes from, no currency: "we got 3k more per month from the
# innovation fund" (money, read before any rate could take it; statements.py adds it to the budget held)
_MORE_MONEY = re.compile(rf"{NUM}\s*(?:more|extra|additional)\s+(?:/\s*|per\s+|an?\s+|each\s+)(?:month|mo)\b"
                         r"(?=[^.;!?\x01]{0,40}\b(?:fund(?:s|ing)?|grant|budget|money|finance|cfo|top[\s-]?up)\b)")


def read_money(p: Pass) -> None:
    """Amounts with a currency: per head first (the whole phrase is consumed), then plain budgets."""
    p.run(_PER_HEAD, lambda m: _per_head(p, m))
    p.run(_PER_REQUEST, lambda m: _per_request(p, m))
    p.run(_BUDGET_CUR, lambda m: _budget(p, m))
    p.run(_CUR_AFTER_PERIOD, lambda m: _money_then_currency(p, m))
    p.run(_MORE_MONEY, lambda m: [("budget_monthly_usd", p.nt.value(m))])
    p.run(_BARE_MONTHLY, lambda m: _bare_monthly(p, m))
    p.run(_HAVE_MONTHLY, lambda m: _bare_monthly(p, m))


# an amount a month with no currency and nothing counted, standing alone as a list item or under a ceiling word: "short
# summarization for 400 people, 3k/month.", "a summarizer (6k/month)", "cap 9k/month", "5000 staff, 8k a month" -- how
# people say what they may spend. A count a month has its noun ("30k requests/month"), its verb ("we get 30k a month")
# or its label ("traffic: 30k/month"); the reading is said back, so a count read as money is seen and corrected.
_BARE_MONTHLY = re.compile(
    rf"(?:(?:^|[,(;:–—]|\s-)\s*|\b(?:we\s+)?(?:can|could)\s+(?:do|manage|swing|stretch\s+to|go\s+(?:up\s+)?to)\s+|"
    rf"\b(?:cap(?:ped)?(?:\s+(?:at|of))?|limit(?:ed)?(?:\s+(?:to|of))?|ceiling(?:\s+of)?|tops|"
    rf"max(?:imum)?(?:\s+of)?|under|below|within)\s+)(?:about\s+|around\s+|roughly\s+|~\s*)?{NUM}"
    r"(?=\s*(?:/\s*|per\s+|an?\s+)(?:mo|month)\b\s*(?:[.,;)!?]|$|\s+(?:max|tops|cap|ceiling|all[\s-]in|or\s+so|ish)\b))|"
    # said to be the ceiling after it, wherever it stands: "finance says 7k a month is the max now"
    rf"(?<![\w.]){NUM}(?=\s*(?:/\s*|per\s+|an?\s+)(?:mo|month)\s+is\s+(?:the\s+|our\s+|my\s+)?(?:new\s+)?(?:max(?:imum)?|"
    r"cap|ceiling|limit|most|budget)\b)")
# money a month the team has for something, no currency said: "we have 20k a month for the whole RAG stack", "we've got
# 8k/month to play with" (a count would name what it counts: "we have 20k requests a month")
_HAVE_MONTHLY = re.compile(rf"\b(?:we\s+have|we'?ve\s+got|we\s+got|there'?s|i\s+have)\s+(?:about\s+|around\s+|roughly\s+|~\s*)?"
                           rf"{NUM}(?=\s*(?:/\s*|per\s+|an?\s+)(?:mo|month)\s+(?:for\s+(?:the|our|this|all|everything|it|"
                           r"that|hosting|infra\w*|serving|compute|gpus?)\b|to\s+(?:spend|play\s+with|work\s+with)\b))")
_COUNT_SUBJECT = re.compile(r"\b(?:traffic|requests?|volume|load|rate|tokens?|queries|calls|usage|messages|chats|"
                            r"conversations|documents?|tickets|jobs|sessions|hits|searches|get|gets|receive\w*|handl\w*|"
                            r"process\w*|serv\w*|see|sees|send\w*|generat\w*|translat\w*)\b[^.;!?$€£]{0,40}$")
_LEAST_BUDGET_USD = 500.0  # less a month pays for no GPU serving: such a count is no budget


def _bare_monthly(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    if p.nt.value(m, m.lastindex or 1) < _LEAST_BUDGET_USD or _COUNT_SUBJECT.search(p.before(m.start(), 60)):
        return None
    said = _budget(p, m)
    if said and "budget_monthly_usd" not in p.notes:
        p.notes["budget_monthly_usd"] = "an amount a month with no currency, read as US dollars (say so if it counts requests)"
    return said


def _per_request(p: Pass, m: re.Match) -> list[tuple[str, float]]:
    if _charged(p, m):
        return []
    value = p.nt.value(m, next(i for i in range(1, 3) if m.group(i) is not None))
    per = p.nt.value(m, m.re.groupindex["per"] + 1) if m.group("per") else 1.0  # the number inside "per"
    usd, _ = to_usd(value, currency_of(m.group(0)))
    return [(PER_REQUEST, usd / per)] if per > 0 else []


def _money_then_currency(p: Pass, m: re.Match) -> list[tuple[str, float]]:
    factor = monthly_factor(m.group(2))
    usd, note = to_usd(p.nt.value(m) * factor, currency_of(m.group(0)))
    if note:
        p.notes["budget_monthly_usd"] = note
    return [("budget_monthly_usd", round(usd, 2))]


# what the team charges its own customers per head is revenue, not a ceiling: "we charge $10 per user per month"
_CHARGED = re.compile(r"\b(?:charg\w*|sell\w*|bill(?:s|ed|ing)?\s+(?:them|customers|clients|users)|earn\w*|"
                      r"revenue|priced?\s+(?:it\s+)?at|resell\w*|subscribers?\s+pay|customers?\s+pays?)\b[^.;!?]*$")


def _charged(p: Pass, m: re.Match) -> bool:
    return bool(_CHARGED.search(re.split(r"[.;!?\n]", p.text[max(0, m.start() - 80):m.start()])[-1]))


def _per_head(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    if _charged(p, m):
        return []
    value = p.nt.value(m, next(i for i in range(1, m.lastindex or 1) if m.group(i) is not None))
    unit = m.group(m.lastindex)
    usd, _ = to_usd(value * monthly_factor(unit), currency_of(m.group(0)))
    return [(PER_HEAD, round(usd, 4))]


def read_gpus(p: Pass) -> None:
    """Counts of GPUs and of machines of GPUs."""
    nt = p.nt
    p.run(_NODES_GPUS, lambda m: _nodes_gpus(p, m))
    p.run(_GPUS_OF_THEM, lambda m: [("max_gpus", whole(abs(nt.value(m, m.lastindex or 1))))])  # "L40S - 16 of them": a dash, no minus
    p.run(_GPUS_WE_HAVE, lambda m: [("max_gpus", whole(nt.value(m)))])
    p.run(_EIGHT_GPU_SYSTEMS, lambda m: [("max_gpus", whole(nt.value(m) * 8))])
    p.run(_GPU_QUOTA, lambda m: [("max_gpus", whole(nt.value(m, m.lastindex or 1)))])
    p.run(_NODES_OF_GPUS, lambda m: _nodes_gpus(p, m))
    p.run(_GPUS_UNIT, lambda m: _gpus(p, m))
    p.run(_GPUS_KW, lambda m: [("max_gpus", whole(nt.value(m)))])


# a price per GPU-hour, a budget once the GPUs it pays for are counted: "4 GPUs 24/7 at up to $3.00 per GPU-hour"
_PER_GPU_HOUR = re.compile(rf"(?:\$|\busd\s?|€|£|\beur\s?)\s*{NUM}\s*(?:usd|dollars?|euros?)?\s*(?:/|per|an?|each)\s*"
                           r"gpu[\s-]?(?:hours?|hrs?|h)\b")


def read_gpu_hour_budget(p: Pass) -> None:
    """A ceiling per GPU-hour times the GPUs counted in the sentence, every hour of the month: a monthly budget."""
    gpus = [q.value for q in p.found if q.field == "max_gpus"]
    if len(gpus) != 1 or any(q.field == "budget_monthly_usd" for q in p.found):
        return

    def _monthly(m: re.Match) -> list[tuple[str, float]]:
        price = p.nt.value(m)
        usd, note = to_usd(gpus[0] * price * HOURS_PER_MONTH, currency_of(m.group(0)))
        sign = m.group(0).strip()[0] if m.group(0).strip()[0] in "$€£" else ""
        p.notes["budget_monthly_usd"] = (f"{gpus[0]:g} GPUs x {sign}{price:,.2f} per GPU-hour x {HOURS_PER_MONTH:g} h a month"
                                         + (f"; {note}" if note else f" = ${usd:,.0f}"))
        return [("budget_monthly_usd", round(usd, 2))]
    p.run(_PER_GPU_HOUR, _monthly)


# a budget said again later in the sentence, revised: "Finance floated 25k/month; revised down to 18k/month"
_REVISED_TO = re.compile(rf"\b(?:revised|cut|lowered|reduced|raised|increased|bumped|trimmed|dropped|brought|moved|"
                         rf"changed|updated|slashed|upped)\s+(?:it\s+)?(?:(?:down|up|back)\s+)?to\s+{NUM}"
                         rf"(?!\s*(?:%|{USER_NOUNS}\b|gpus?\b|tokens?\b|requests?\b|rps\b|ms\b|seconds?\b|hours?\b))")


# ... unless what was revised is no money: "traffic was revised up to 30k/month", "30k/month requests"
_OTHER_SUBJECT = re.compile(r"\b(?:traffic|requests?|users?|volume|load|rate|latency|ttft|itl|tokens?|queries|calls|"
                            r"documents?|people|staff|headcount|gpus?|throughput|concurrency)\b[^.;!?$€£]{0,40}$")
_COUNTED_AFTER = re.compile(r"\s*(?:/\s*|per\s+|an?\s+|each\s+)?(?:mo|month|year|yr|quarter|week|day)?\s*"
                            r"(?:requests?|queries|calls|users|tokens|documents|messages|chats|jobs)\b")
_MONEY_PERIOD = re.compile(r"\s*(?:/\s*|per\s+|an?\s+|each\s+)(?:mo|month|year|yr|quarter|week)\b")


def read_budget_keyword(p: Pass) -> None:
    """A number after a budget word ("budget of 8k"), and the budget revised after it."""
    p.run(_BUDGET_KW, lambda m: _budget(p, m))
    # after an amount said in this sentence, or with a money period of its own (the amount in a clause before)
    money = any(q.field == "budget_monthly_usd" for q in p.found)
    p.run(_REVISED_TO, lambda m: _revised_budget(p, m) if (money or _MONEY_PERIOD.match(p.text, m.end()))
          and not _OTHER_SUBJECT.search(p.before(m.start(), 50)) and not _COUNTED_AFTER.match(p.text, m.end()) else None)


def _revised_budget(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    said = _budget(p, m)
    if said:  # the revision replaces the amount said before it
        p.found[:] = [q for q in p.found if q.field != "budget_monthly_usd" or q.pos > m.start()]
    return said


_LETTERS_DOLLAR = re.compile(r"\b([a-z]{1,3})\$")
_DOLLARS_READ = {"us", "ca", "c", "au", "a", "r", "mx", "s", "hk", "nz"}  # the rate table's dollars (currency.py)
# an academic term's length: "our semesters are 4 months", "a 5-month semester"
_TERM_LENGTH = re.compile(rf"\b(?:semesters?|terms?|trimesters?)\s+(?:are|is|lasts?|runs?|=)\s+(?:about\s+|roughly\s+|~\s*)?"
                          rf"{NUM}\s*months?\b|{NUM}[\s-]*months?\s+(?:semesters?|terms?|trimesters?)\b")
# a sum said for a span of months: "$2,000 for the next six months", "€30k to cover the first 4 months"
# ("$30k total, for all three months"; "$180,000 for the platform (12 months, hosting only)")
_MONTHS_SPAN = re.compile(rf"[^.;!?\x01]{{0,50}}?(?:\b(?:for|over|across|during|to\s+cover|spread\s+over)\s+(?:all\s+)?(?:the\s+|an?\s+)?"
                          rf"(?:next|coming|following|first|remaining|whole|entire)?\s*|\(\s*){NUM}\s*-?\s*(months?|years?)\b")
# "the budget is 15,000 EUR per month, not 1,500": a number the budget word reaches only past a negation is the
# value said wrong, not the budget
_NEGATED_LEAD = re.compile(r"\b(?:not|never|instead\s+of|rather\s+than)\b")
# an amount right after "not (the)" is the value said wrong: "approved at $14k per month, not the $10k you asked for"
# ("not over $5k" and "not more than $5k" are ceilings: a word other than a determiner stands between)
_SAID_WRONG = re.compile(r"\b(?:not|instead\s+of|rather\s+than)\s+(?:the\s+|a\s+|an\s+|our\s+|my\s+|your\s+|that\s+|"
                         r"those\s+)?(?:original\s+|old\s+|earlier\s+|previous\s+|initial\s+)?$")


# what the team pays today (a hosted API's bill) is where it stands, not the ceiling for self-hosting: "right now we pay
# OpenAI roughly $22k a month", "our current Anthropic bill is around $9k/month", "we're spending $4k a month today on"
_SPENT_TODAY = re.compile(
    r"\b(?:(?:current|existing|present|today'?s)\s+(?:[a-z]+\s+){0,2}?(?:bill|spend|spending|invoice|costs?|run[\s-]rate)|"
    r"(?:right\s+now|currently|today|at\s+the\s+moment|these\s+days|at\s+present)\s*,?\s*(?:we|i)\s+(?:pay|spend|are\s+"
    r"(?:paying|spending)|get\s+billed)|(?:we|i)\s+(?:currently\s+)?(?:pay|spend|are\s+(?:paying|spending)|get\s+billed)"
    r"\s+(?:[a-z]+\s+){0,3}?(?:right\s+now|currently|today|at\s+the\s+moment|now)|"
    # "we currently pay OpenAI about $3k/month"; an invoice is what was paid: "our OpenAI invoice for October was"
    r"(?:we|i)\s+(?:currently|presently|already)\s+(?:pay|spend|get\s+billed)|invoice[sd]?|"
    # a provider's bill, or a past period's: "last quarter our OpenAI bill was $23k", "the AWS bill came to"
    r"(?:openai|anthropic|azure|aws|gcp|google|cohere|mistral|api|vendor|provider|hosting|saas)\s+(?:bill|spend|charges?)|"
    r"(?:last|previous)\s+(?:month|quarter|year)\b[^\x02.;!?]{0,30}?\b(?:bill|spend|charges?))\b[^\x02.;!?]*$")
# ... or named a bill after the amount: "last month: 9M requests and a $14,200 bill"
_BILL_AFTER = re.compile(r"^\s*(?:usd\s+|dollars?\s+)?(?:monthly\s+|api\s+|openai\s+|cloud\s+|aws\s+)?(?:bill|invoice)\b")
# ... or with the time said after the amount: "we pay OpenAI ~$14k/mo today", "we spend $9k a month on it right now"
_PAYS_BEFORE = re.compile(r"\b(?:we|i)\s+(?:pay|spend|are\s+(?:paying|spending)|get\s+billed)\s+(?:[a-z]+\s+){0,3}?"
                          r"(?:about\s+|around\s+|roughly\s+|~\s*)?[^\w\x01]{0,3}$")
_NOW_AFTER = re.compile(r"^[^.;!?\x01]{0,50}?\b(?:today|right\s+now|currently|at\s+the\s+moment|these\s+days|at\s+present)\b")


# a number in brackets right after an amount restates it: "₹6,00,000 (6 lakh)", "$120k (i.e. 10k a month)" is read once
_RESTATED = re.compile(r"\x02\s*(?:[a-z$€£₹¥]{1,4}\.?\s*)?\(\s*(?:i\.?\s?e\.?,?|=|about|approx\w*\.?|~|so|that'?s|or)?\s*"
                       r"(?:[$€£₹¥]|[a-z]{2,3}\s)?\s*$")


# an amount that sizes a whole programme or a one-off spend, said with no period, is no monthly budget: "this sits
# inside a 2,5 million euro digitalisation programme, but that's capex", "a $3M one-off investment"
_WHOLE_SPEND = re.compile(r"^\s*(?:(?!(?:for|of|on|in|to|per|this|that|the|our|a|an|is|was|across|over)\b)[a-z-]+\s+){0,3}?(?:programmes?|programs?|projects?|initiatives?|transformations?|"
                          r"investments?|grants?|capex|(?:one|\x01\d+\x02)[\s-](?:off|time)|upfront|up-front)\b(?!\s+budget)|"
                          r"^[^.;!?\x01]*\bcapex\b")


def _budget(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    if any(d.group(1) not in _DOLLARS_READ for d in _LETTERS_DOLLAR.finditer(m.group(0))):
        return []  # "budget XY$ 12,000": another currency's dollars, not in the rate table
    if UNKNOWN_CURRENCY.search(p.text[max(0, m.start() - 8):m.end() + 12]):
        return []  # a currency the rate table does not hold is not read as dollars (unmodelled.py says so)
    value = p.nt.value(m, m.lastindex or 1)
    if m.lastindex and _NEGATED_LEAD.search(p.text[m.start():m.start(m.lastindex)]):
        return []
    if _SAID_WRONG.search(p.before(m.start(), 40)):
        return []
    if _RESTATED.search(p.said_before(m.start(m.lastindex or 1) - 1)):  # the placeholder starts a character earlier
        return []  # "₹6,00,000 (6 lakh)": the amount said again in other words, already read
    after = p.after(m.end())
    if _NOT_A_BUDGET.match(after) or _PRICE_PER_COUNT.match(p.text[m.end():m.end() + 40]):
        return None
    if per_tokens := _PER_TOKENS.match(p.text[m.end():m.end() + 40]):  # "$0.90 per 1M tokens": a price, no budget
        tokens = (p.nt.values[int(per_tokens.group("per"))] if per_tokens.group("per") else 1.0) * \
            {"k": 1e3, "m": 1e6}.get(per_tokens.group("scale") or "", 1.0)
        usd, _ = to_usd(value, currency_of(m.group(0)))
        return [(PER_TOKEN, usd / tokens)] if tokens > 0 else []  # today's bill with a volume of tokens (whole_message)
    if _prices_something_else(p, m):
        return []
    period = _PERIOD_AFTER.match(after)
    if period is None and (span := _MONTHS_SPAN.match(p.text, m.end())) and (months := p.nt.values[int(span.group(1))] * (
            12 if span.group(2).startswith("year") else 1)) > 1:
        # "$2,000 of grant money for the next six months": a sum for a span of months is its share of each month
        usd, note = to_usd(value / months, currency_of(m.group(0)))
        p.notes["budget_monthly_usd"] = f"{value:,.0f} over {months:g} months = {value / months:,.0f} a month" + (
            f"; {note}" if note else "")
        return [("budget_monthly_usd", round(usd, 2))]
    if period is None and not _PERIOD_BEFORE.search(p.before(m.start())) and _WHOLE_SPEND.search(p.after(m.end(), 80)):
        return []
    unit = next(g for g in period.groups() if g) if period else None
    if unit is None and (before := _PERIOD_BEFORE.search(p.before(m.start()))):
        unit = before.group(1) or before.group(2) or before.group(3) or before.group(4)
    if unit is None and (inside := _PERIOD_INSIDE.search(m.group(0))):
        unit = inside.group(1)  # "a 100k annual budget": the period said between the amount and its noun
    if unit is None and _PART_OF.match(after) and p.money_period:
        unit = p.money_period  # "$500k a year, but the inference line is $120k of that": the whole's period
    p.money_period = unit or p.money_period
    term = _TERM_LENGTH.search(p.nt.text) if period_noun(unit or "month") in TERMS else None
    factor = monthly_factor(unit or "month", p.nt.value(term, term.lastindex) if term else None)
    code = currency_of(m.group(0))
    if code == "USD" and not re.search(r"\$|dollar|bucks", m.group(0)):  # ("grand" reads as usd: numbers.py)
        # the currency said after the amount and its period: "nine grand a month, Aussie dollars"
        code = currency_of(re.split(r"[.;!?\x01]", p.text[m.end():m.end() + 40], maxsplit=1)[0])
    usd, note = to_usd(value * factor, code)
    if factor != 1.0:  # the reading is said back: "120,000 a year = 10,000 a month"
        length = f" ({p.nt.value(term, term.lastindex):g} months)" if term else ""
        note = f"{value:,.0f} a {period_noun(unit)}{length} = {value * factor:,.0f} a month" + (f"; {note}" if note else "")
    if (share := _SHARE_OF_BILL.search(p.text[max(0, m.start() - 90):m.start()])) and 0 < (part := p.nt.value(share) / 100) < 1:
        # "at most 15% on top of our AWS bill, which runs about $120k a month": the share of that bill is the cap
        p.notes["budget_monthly_usd"] = f"{part:.0%} of {value * factor:,.0f} a month = {part * value * factor:,.0f}"
        return [("budget_monthly_usd", round(part * usd, 2))]
    if _SAVING_BEFORE.search(p.text[max(0, m.start() - 60):m.start()]):
        return [(SAVING, round(usd, 2))]  # what to save, taken off today's bill (whole_message.py)
    if _SPENT_TODAY.search(p.before(m.start(), 80)) or _BILL_AFTER.match(p.after(m.end())) or (_PAYS_BEFORE.search(p.before(m.start(), 60))
                                                         and _NOW_AFTER.match(p.after(m.end(), 60))):
        return [(TODAYS_BILL, round(usd, 2))]  # the ceiling only when the message says so (whole_message.py)
    if note:
        p.notes["budget_monthly_usd"] = note
    return [("budget_monthly_usd", round(usd, 2))]


# the part of a whole already spoken for, the rest the service's: "$15k/month total, but $3k of that already goes to the
# vector DB, so the LLM serving gets whatever's left"
_REST_IS_OURS = re.compile(r"\b(?:the\s+rest|whatever'?s\s+left|what'?s\s+left(?:\s+over)?|the\s+remainder|what(?:ever)?\s+"
                           r"remains|the\s+remaining|left\s*over|the\s+balance)\b")
# a share of another bill as the cap, the bill's amount said after it
_SHARE_OF_BILL = re.compile(r"\b(?:at\s+most|no\s+more\s+than|not\s+more\s+than|up\s+to|max(?:imum)?|under|within)\s+"
                            rf"{NUM}\s*(?:%|percent)\s+(?:on\s+top\s+)?of\s+(?:our|the|today'?s)\s+(?:[\w-]+\s+){{0,2}}?"
                            r"(?:bill|spend|invoice|costs?)\b[^.;!?]{0,40}$")


SPOKEN_FOR = "budget_spoken_for_usd"  # money of the budget said spoken for: "5k of that is committed to ..."
SHARE_OF_BUDGET = "budget_share"  # a share of the money said before: "the LLM service gets half of it"
DERIVED_PARTS = (PER_HEAD, PER_REQUEST, SAVING, TODAYS_BILL, PER_TOKEN, SHARE_OF_BUDGET, SPOKEN_FOR)
_SHARE_WORDS = {"half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "a quarter": 0.25, "one quarter": 0.25, "a fifth": 0.2,
                "a tenth": 0.1, "two thirds": 2 / 3, "three quarters": 0.75}
_SHARE = (rf"(?:only\s+|just\s+|about\s+|roughly\s+)?(?:(?P<word>half|a\s+third|one\s+third|a\s+quarter|one\s+quarter|"
          rf"a\s+fifth|a\s+tenth|two\s+thirds|three\s+quarters)|(?P<pct>{NUM})\s*(?:%|percent))\s+of\s+")
_MONEY_NOUN = r"the\s+(?:budget|money|amount|total|envelope|pot|sum|allocation|funding)"
# the share given to the service ("gets half of it"), or spent ("can use 40% of the budget": the money named)
_SHARES_OF_MONEY = (
    re.compile(rf"\b(?:gets?|receives?|is\s+allocated|is\s+given|(?:is|are)\s+entitled\s+to)\s+{_SHARE}(?:it|that|this|"
               rf"{_MONEY_NOUN})\b"),
    re.compile(rf"\b(?:can|could|may|will)\s+(?:use|spend|have|take)\s+{_SHARE}{_MONEY_NOUN}\b"),
    # shared out evenly: "split evenly between the two", "divided equally across the three services"
    re.compile(r"\b(?:split|divided|shared|spread)\s+(?:evenly|equally|50[/-]50|down\s+the\s+middle)\s+(?:between|across|"
               r"among)\s+(?:the\s+|them\s+|us\s+)?(?:all\s+)?(?P<parts>both|\x01(?P<n>\d+)\x02)"))


# an amount of the money said before that is spoken for, the rest left to the service: "5k of that is already committed
# to the vector DB and observability, the rest can go to model serving" (the whole may be in the sentence before, or
# held from an earlier turn: whole_message.py takes this part off it)
_PART_OF_WHOLE = (rf"(?P<part>(?:[$€£]\s*)?{NUM}\s*(?:usd|eur|gbp|dollars|euros?)?)\s+(?:is\s+|goes\s+)?of\s+(?:that|it|this|"
                  r"which|those|the\s+(?:budget|total|whole|money|envelope|pot))\b")
_SPOKEN_FOR = (
    re.compile(rf"{_PART_OF_WHOLE}(?=[^.!?\n]*{_REST_IS_OURS.pattern})"),
    # or said taken already, the rest named in a clause of its own: "the vector DB already eats $7k of that ...; this
    # assistant gets whatever's left" (a part said "for serving" is the service's own: only money gone or eaten counts)
    re.compile(rf"\b(?:already\s+(?:\w+\s+){{0,3}}?|(?:eats?|eaten|takes?|taken|consumes?|consumed|uses?|used|committed|spent|"
               rf"allocated|earmarked|reserved|locked)\s+(?:up\s+)?(?:about\s+|around\s+|roughly\s+|~\s*)?){_PART_OF_WHOLE}"))
# more parts spoken for after the first, up to the rest: "$7k of that and the fine-tuning cluster another $6k; ..."
_MORE_SPOKEN_FOR = re.compile(rf"\banother\s+(?:[$€£]\s*)?{NUM}|[$€£]\s*{NUM}|{NUM}\s*(?:usd|eur|gbp|dollars|euros?)\b")


_COUNTED_IN = re.compile(rf"§|\b(?:gpus?|cards|nodes|servers|machines|boxes|{USER_NOUNS}|requests?|queries|calls|"
                         r"documents?|tickets|tokens)\b")


_WHOLE_PERIOD = re.compile(rf"{NUM}\s*(?:/\s*|per\s+|an?\s+|each\s+)(month|mo|year|yr|annum|quarter|week)\b")


def spoken_for_money(nt: Numbered) -> tuple[float, str, tuple[int, int]] | None:
    """(the amount in USD, its words, its span) of money said spoken for, with the rest said to be the service's."""
    m = next((m for pattern in _SPOKEN_FOR if (m := pattern.search(nt.text))), None)
    if m is None:
        return None
    part, value = m.group("part"), nt.value(m, m.re.groupindex["part"] + 1)
    if not (re.match(r"[$€£]", part) or re.search(r"[a-z]\s*$", part)) and (
            value < _LEAST_BUDGET_USD or _COUNTED_IN.search(nt.text)):
        return None  # "3 of them are reserved, the rest are ours": GPUs, people or requests, not money
    # the part is of the whole's period: "$60k a year, $24k of that goes on licences"
    periods = list(_WHOLE_PERIOD.finditer(nt.text, 0, m.start("part")))
    factor = monthly_factor(periods[-1].group(periods[-1].lastindex)) if periods else 1.0
    rest = _REST_IS_OURS.search(nt.text, m.end())
    more = list(_MORE_SPOKEN_FOR.finditer(nt.text, m.end(), rest.start() if rest else len(nt.text)))
    amount = value + sum(nt.value(x, next(i for i in range(1, 4) if x.group(i))) for x in more)
    usd, _ = to_usd(amount * factor, currency_of(part))
    span = (m.start("part"), more[-1].end() if more else m.end())
    return (usd, readable(nt.text[span[0]:span[1]], nt), span) if usd > 0 else None


def share_of_money(nt: Numbered) -> tuple[float, str, tuple[int, int]] | None:
    """(the share, its words, its span) of a share of the money said before: "the LLM service gets half of it".
    Read before scalings, which would take "half" for a halving of whatever is nearest."""
    m = next((m for pattern in _SHARES_OF_MONEY if (m := pattern.search(nt.text))), None)
    if m is None:
        return None
    if "parts" in m.re.groupindex:
        parts = 2 if m.group("parts") == "both" else nt.values[int(m.group("n"))]
        share = 1 / parts if parts >= 2 else 0
    else:
        share = _SHARE_WORDS[re.sub(r"\s+", " ", m.group("word"))] if m.group("word") else nt.value(m, m.re.groupindex["pct"] + 1) / 100
    return (share, readable(m.group(0), nt), m.span()) if 0 < share < 1 else None
_PART_OF = re.compile(r"^\s*(?:is\s+|goes\s+)?(?:of\s+(?:that|it|this|which|the\s+total|the\s+whole|those))\b")

# GPUs someone else offered are their proposal, not the fleet: "a sales rep quoted us 8 x H100", "the vendor pitched
# 16 GPUs"
_OFFERED = re.compile(r"\b(?:(?:were|was)\s+(?:going|planning)\s+to\s+(?:buy|purchase|order|get)|planned\s+to\s+(?:buy|purchase)|"
                      r"quoted|quotes?|pitched|proposed|offered|suggested|recommended|upsold|upselling|"
                      r"sales\s+(?:rep|person|guy|team)|account\s+(?:manager|exec\w*))\b")


# the GPUs one copy of the model may span is a limit on its tensor parallelism, not the fleet: "a single model
# instance may span at most 2 GPUs"
_ONE_INSTANCE_BEFORE = re.compile(r"\b(?:a|one|each|every|any|single|per)\s+(?:single\s+)?(?:model\s+)?(?:instance|replica|"
                                  r"pod|copy|deployment\s+unit)\b[^.;]{0,30}$")


def _gpus(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    if _GPUS_NOT_A_LIMIT.match(p.after(m.end())) or re.search(r"\b(?:each|per)\s*$", p.before(m.start())) \
            or _ONE_INSTANCE_BEFORE.search(p.before(m.start())):
        return None
    if _OFFERED.search(p.before(m.start())):
        return []
    value = p.nt.value(m) if m.group(1) is not None else p.nt.values[int(m.group("after"))] if m.group("after") else 1.0
    if value != int(value):
        return None  # "6.2 Accelerators for rented AI inference": a section's number, not a count of cards
    return [("max_gpus", whole(value))]
