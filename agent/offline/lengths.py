"""Token lengths of prompts and outputs: "2k-token prompts", "answers of 300 words", "30 pages", "2k in / 256 out",
"prompts ~3k tokens, answers 400" (a unit said once covers the parallel length), "8k context"."""

from __future__ import annotations

import re

from agent.offline.numbers import NUM
from agent.offline.passes import Pass, Quantity, clause_before, nearest, readable, whole
from agent.offline.rates import PER_TIME
from agent.offline.time_units import SECONDS_PER

WORDS_TO_TOKENS = 1.33   # English words per token, inverted
PAGE_TOKENS = 500        # a dense page of prose
LINE_TOKENS = 10         # a line of code
CHARS_PER_TOKEN = 4
SENTENCE_WORDS = 20      # an average English sentence
PARAGRAPH_WORDS = 100    # an average paragraph of prose

TOKEN_FIELDS = ("prompt_tokens", "output_tokens")

# "100+ pages", "2k+ tokens": a length said as its floor is planned at the floor
# (pages abbreviated in brackets: "long research papers (30-60p)", "(120 pp)")
_TOKENS_UNIT = re.compile(rf"{NUM}\s*\+?\s*-?\s*(tokens?|toks?|words?|pages?|characters?|chars?|lines|sentences?|paragraphs?|"
                          rf"pp\b|p(?=\s*\)))\b")
# A summary is a few pages at most: a page count past this beside "summaries" ("summaries of patient histories, often
# 100 pages", "summaries of our board packs, usually 150 pages") is the length of what is summarised
MAX_SUMMARY_PAGES = 20
_SUMMARY_KW = re.compile(r"\bsummar(?:y|ies)\b")
# a pair of lengths said as what goes in and what comes out ("2k in / 256 out", "1500 in, 300 out"): tokens
_IN_OUT_PAIR = re.compile(rf"{NUM}\s*(?:tokens?\s+|toks?\s+)?in\s*(?:/|,|\+|;|&|and|->|→)?\s*(?:~\s*|about\s+|around\s+|"
                          rf"roughly\s+|approx\.?\s+)?{NUM}\s*(?:tokens?\s+|"
                          rf"toks?\s+)?out\b")
# ... or with each side's label first: "in 1.8k / out 64", "input: 30k, output: 1.5k"
_LABELLED_PAIR = re.compile(rf"\b(?:in|input|prompt)s?\s*[:=]?\s*(?:~\s*|about\s+|around\s+)?{NUM}\s*(?:tokens?|toks?)?\s*"
                            rf"(?:/|,|;|&|and|\|)?\s*(?:out|output|completion|response)s?\s*[:=]?\s*(?:~\s*|about\s+|around\s+)?"
                            rf"{NUM}(?!\s*(?:%|ms|s|sec|seconds?|minutes?|min|hours?|h|x)\b)")
# an output length said alone with "out" ("more like 2.5k out"): in a conversation about sizing, the tokens out
_OUT_ALONE = re.compile(rf"{NUM}\s*(?:tokens?\s+|toks?\s+)?out\b(?!\s+(?:of|there|the|a|an|our|to|for|on|loud|now)\b)")
# the side named between the number and its unit: "~60 output tokens", "a 6,000 prompt-token request"
_SIDE_TOKENS = re.compile(rf"{NUM}\s*-?\s*(input|prompt|output|completion|generated|response)[\s-]tokens?\b")
# both sides named before one unit: "2,000 prompt + 500 output tokens", "1k input and 200 output tokens"
_SIDES_PAIR = re.compile(rf"{NUM}\s*(?:input|prompt)\s*(?:\+|and|plus|,|/)\s*(?:~\s*|about\s+|around\s+)?{NUM}\s*"
                         r"(?:output|completion|response|generated)\s+tokens?\b")
_TOKENS_IN_OUT = re.compile(rf"{NUM}\s*(?:tokens?\s+|toks?\s+)?(in|out)\b(?!\s+(?:the|a|an|our|of|to)\b)")
_CONTEXT_UNIT = re.compile(rf"{NUM}\s*-?\s*(?:tokens?\s+|toks?\s+)?(?:context(?:\s+(?:window|length))?|ctx)\b")
_TOK_KW = re.compile(
    r"(?P<prompt_tokens>\bprompts?\b|\binputs?\b|\bcontext\b|\bquestions?\b|\bquer(?:y|ies)\b|\bdocuments?\b|"
    r"\bdocs?\b|\bpdfs?\b|\bfiles?\b|\breports?\b|\bcontracts?\b|\btickets?\b|\bemails?\b|\btranscripts?\b|"
    r"\bbooks?\b|\bpapers?\b|\bagreements?\b|(?<!answers\s)(?<!answer\s)(?<!replies\s)(?<!reply\s)(?<!responses\s)(?<!response\s)(?<!summaries\s)(?<!summary\s)\bin\b(?!\s+(?:one|a|an|the|our|its|their|my|under|less|about|\x01))|\bsends?\b|\bread\b|\bingest\w*|\bsource\b|\bpasted?\b|\bhistory\b|"
    r"\bmessages?\b|\bfilings?\b|\bmanuals?\b|\bchapters?\b|\bsubmissions?\b|\bproposals?\b|"
    r"\bcomplaints?\b|\bdossiers?\b|\bcase\s+files?\b)|"
    r"(?P<output_tokens>\boutputs?\b|\banswers?\b|\brespons(?:e|es)\b|\brepl(?:y|ies)\b|\bcompletions?\b|"
    r"\bgenerat\w*|\bsummar(?:y|ies)\b|\bwrites?\b|\bproduces?\b|"
    # "out" of a size, not the output: "our prompts come out around 6,000 tokens"
    r"(?<!\bcome\s)(?<!\bcomes\s)(?<!\bcame\s)(?<!\bworks\s)(?<!\bturn\s)\bout\b|\breturns?\b|\bresults?\b|\bposts?\b|"
    r"\bdescriptions?\b|\bcopy\b|\bdrafts?\b|\bfunctions?\b|\btranslations?\b|\bmemos?\b|\bsuggestions?\b|"
    # what is written about the input, not the work named with it ("analysis of long agreements, 60 pages each")
    r"\banalyses\b(?!\s+of\b)|\bverdicts?\b|\bassessments?\b(?!\s+of\b)|\bbriefings?\b)")

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
                   r"completions?|generations?|summar(?:y|ies)|translations?|drafts?|descriptions?|results?|posts?|suggestions?|out))")
_TOKENS_ELLIPSIS = re.compile(
    rf"\b{_ELLIPSIS_NOUNS}\s*(?:(?:are|is|of|around|about|roughly|approx\w*|typically|usually|maybe|perhaps|average|"
    rf"averaging|avg|mean|run(?:s|ning)?\s+(?:to|at)|come\s+(?:to|in\s+at)|up\s+to|at\s+most|under|closer\s+to|"
    rf"more\s+like|like|only|just|=|:|~)\s*)*{NUM}\s*(?:or\s+so|ish)?(?=\s*(?:$|[,.;:)!?\x01(]|(?:and|or|but|while|with|"
    rf"each|on\s+average|max|tops|at\s+most|apiece)\b))")

# the most a side reaches, then its mean: "prompts up to 8k tokens, average 4k", "answers can be up to 2,000 tokens but
# typically 300": the mean is the length (what every request averages), the most is only its tail
_MOST_THEN_MEAN = re.compile(
    rf"\b(?:(?P<prompt>prompts?|inputs?|context)|(?P<output>outputs?|answers?|respons(?:e|es)|repl(?:y|ies)|completions?))"
    rf"\s+(?:(?:are|is|can\s+be|go|run|reach)\s+)?(?:up\s+to|at\s+most|max(?:imum)?|as\s+long\s+as)\s+{NUM}\s*"
    rf"(?:tokens?|toks?)?\s*[,;(]?\s*(?:and\s+|but\s+)?(?:on\s+)?(?:average|avg|mean|typically|usually)\s*"
    rf"(?:of\s+|is\s+|around\s+|about\s+|~\s*|=\s*|:\s*)?{NUM}(?:\s*tokens?)?")
# a mean said first, its side named later in the sentence: "average is more like 6k since we added the longer system
# prompt", "the mean is closer to 900 now that answers cite sources"
_MEAN_THEN_SIDE = re.compile(
    rf"\b(?:the\s+)?(?:average|avg|mean)\s+(?:is\s+|'s\s+|are\s+)?(?:now\s+|actually\s+|really\s+)?(?:more\s+like|closer\s+to|"
    rf"nearer|about|around|roughly|~)\s*{NUM}(?:\s*tokens?)?(?=[^.;!?\x01]*\b(?:(?P<prompt>prompts?|inputs?|context)|"
    rf"(?P<output>outputs?|answers?|responses?|replies|completions?))\b)")
# the side said after the length, in its own clause: "a ~200-word email comes out", "a 3-page brief goes in"
_SIDE_AFTER = re.compile(r"^(?:\s*(?!(?:and|but|while|or|then)\b)[\w-]+){0,2}?\s+(?:(?P<output_tokens>(?:comes?|came|coming)\s+(?:out|back)|(?:is|are|gets?|get)\s+"
                         r"(?:produced|generated|written|returned|sent\s+back))|(?P<prompt_tokens>(?:goes|go|went|going)\s+in(?:to)?)"
                         r"|(?:is|are|gets?)\s+(?:sent|fed|passed)\s+in)\b")
# the side named in the phrase of the length: "attaches ~6,000 tokens of repo context", "gets ~1,500 tokens of code
# back" (a noun of the side two words off the unit is no keyword beside it)
_OF_SIDE = re.compile(r"^\s+(?:of\s+(?:[\w-]+\s+){0,2}?(?P<prompt_tokens>context|input|history|background|source\s+code|"
                      r"prompts?)\b|"
                      r"(?:of\s+)?(?:[\w-]+\s+){0,2}?(?P<output_tokens>back|in\s+return)\b)")
# the size of a piece a document is cut into: "800-token chunks", "chunk at 1,500 characters", "chunks of ~300 words"
_PIECE_AFTER = re.compile(r"^\s*(?:-\s*)?(?:chunks?|passages?|snippets?|segments?)\b")
_PIECE_BEFORE = re.compile(r"\b(?:chunk(?:s|ed|ing)?\s+(?:at|of|to|into|in|size\s*(?:of|is|=|:)?)|(?:chunks?|passages?|snippets?|"
                           r"segments?)\s+(?:of|are|average|averaging))\s*(?:~\s*|about\s+|around\s+|roughly\s+|up\s+to\s+)?$")
_INDEXED = re.compile(r"\b(?:split|splits|splitting|chunk(?:ed|ing)?|index(?:es|ed|ing)?|embed(?:s|ded|ding)?|cut|cuts|"
                      r"vectori[sz]\w*|stored?)\b")
_RETRIEVED = re.compile(r"\btop[\s-]?(?:k\b|\x01)|\bk\s*=|\bretriev\w*|\bfetch\w*|\bpull\w*")
_PROMPT_NOUN_AFTER = re.compile(r"^\s*(?:long\s+)?(?:prompts?|inputs?|context(?:\s+window)?)\b")
# (or the summary's own length: "summarize it in 2-3 lines", "sum each one up in 3 bullets")
_INTO = re.compile(r"(?:\b(?:into|down\s+to)|\b(?:summar\w+|condens\w+|recap\w*|sum\s+(?:\w+\s+)?up)\s+(?:it|them|this|each(?:\s+one)?|"
                   r"that\s+)?\s*in)\s+(?:an?\s+|one\s+|short\s+|brief\s+|max(?:imum)?\s+|at\s+most\s+|~\s*|"
                   r"about\s+|around\s+|roughly\s+|approx\w*\s+)?$")


# a length said again in other units right after itself: "30 pages (~20,000 tokens)", "2 pages / 1,000 tokens"
_RESTATED = re.compile(r"\s*[(\[/=,~≈-]*\s*(?:i\.?e\.?|that'?s|about|approx\w*|roughly|~|≈)?\s*$")


# tokens counted over a period, from a hosted API's usage page: "150M input tokens and 30M output tokens last month",
# "40M prompt tokens a day". Divided by the requests of the same period they are the lengths of one request
# (whole_message.py); the side is named before "tokens", and an unnamed side is the input.
_SIDE = r"(?:(?P<s{0}>input|prompt|output|completion|generated|response)\s+)?"
_TOKEN_VOLUME = re.compile(
    rf"{NUM}\s*{_SIDE.format(1)}tokens?\s*(?:(?:and|,|/|\+|plus)\s*{NUM}\s*{_SIDE.format(2)}tokens?\s*)?"
    r"(?:(?:/|per|an?|each|every|in\s+(?:a|the\s+last)|last|this|over\s+the\s+(?:last|past))\s*"
    r"(?P<period>month|mo|week|day|hour|minute|min)\b|(?P<adverb>monthly|weekly|daily|hourly)\b)|"
    # a hosted API's tokens per minute: "about 120k TPM"
    rf"{NUM}\s*(?P<tpm>tpm)\b")
TOKEN_VOLUME_FIELDS = {"prompt_tokens": "prompt_tokens_per_s", "output_tokens": "output_tokens_per_s"}
# tokens a period with no side named: what a hosted API meters, prompts and outputs together ("120k tokens per
# minute"); divided by a request's prompt and output it is the request rate (whole_message.py)
TOKENS_PER_S = "tokens_per_s"


def _token_volume(p: Pass, m: re.Match) -> list[tuple[str, float]]:
    period = ("minute" if m.group("tpm") or m.group("period") == "min" else m.group("period") or
              {"monthly": "month", "weekly": "week", "daily": "day", "hourly": "hour"}[m.group("adverb")])
    seconds = SECONDS_PER[period]
    if m.group("tpm"):
        per_s = p.nt.value(m, m.re.groupindex["tpm"] - 1) / seconds
        return [(TOKENS_PER_S, per_s), (TOKEN_VOLUME_FIELDS["prompt_tokens"], per_s)]
    out = []
    if m.group("s1") is None and m.group(m.re.groupindex["s1"] + 1) is None:
        out.append((TOKENS_PER_S, p.nt.value(m, 1) / seconds))
    for value_group, side in ((1, m.group("s1")), (m.re.groupindex["s1"] + 1, m.group("s2"))):
        if m.group(value_group) is None:
            continue
        field = "output_tokens" if side in ("output", "completion", "generated", "response") else "prompt_tokens"
        out.append((TOKEN_VOLUME_FIELDS[field], p.nt.value(m, value_group) / seconds))
    return out


# the parts a prompt is put together from, each measured in tokens: retrieved chunks ("6 chunks of ~700 tokens each",
# "top-5 passages, ~500 tokens apiece"), a system prompt ("a 400-token system prompt"), the question or the history
# ("the question (~50 tokens)", "~1k tokens of chat history"). Said together they are one prompt, their sum.
_ABOUT = r"(?:about\s+|around\s+|roughly\s+|approx\w*\.?\s+|~\s*|up\s+to\s+|at\s+most\s+)?"
_PIECES = r"(?:retrieved\s+|relevant\s+|top\s+)?(?:chunks?|passages?|snippets?|excerpts?|documents?|docs?|results?|hits?|sections?)"
# ("top-5" stays in digits: a rank, not a count, everywhere else)
_CHUNKS = re.compile(rf"(?:top[\s-]*(?P<k>\d{{1,2}})|{NUM})\s*{_PIECES}\s+(?:of\s+|at\s+|,\s*)?{_ABOUT}{NUM}\s*-?\s*tokens?"
                     rf"(?:\s+(?:each|apiece))?")
_PART_NOUN = r"(?:system\s+prompt|instructions?|question|query|chat\s+history|history|few[\s-]shot\s+examples?|user\s+(?:question|message))"
_PART = re.compile(rf"{_ABOUT}{NUM}\s*-?\s*tokens?\s+(?:of\s+)?(?:the\s+)?{_PART_NOUN}\b|"
                   rf"\b{_PART_NOUN}\s*(?:\(\s*|of\s+|is\s+|at\s+|:\s*|,\s*)?{_ABOUT}{NUM}\s*-?\s*tokens?\s*\)?")


def _prompt_parts(p: Pass) -> None:
    chunks = list(_CHUNKS.finditer(p.text))
    parts = list(_PART.finditer(p.text))
    if not chunks and len(parts) < 2:
        return
    def numbers(m: re.Match) -> list[float]:  # the numbers of whichever alternative matched
        k = m.re.groupindex.get("k")
        return [float(g) if i == k else p.nt.values[int(g)] for i, g in enumerate(m.groups(), 1) if g is not None]

    said = [(m, numbers(m)[0] * numbers(m)[1]) for m in chunks] + [(m, numbers(m)[0]) for m in parts]
    terms = [f"{numbers(m)[0]:g} x {numbers(m)[1]:,.0f}" for m in chunks] + [f"{numbers(m)[0]:,.0f}" for m in parts]
    total = sum(v for _, v in said)
    if not 16 <= total <= 2_000_000:
        return
    first = min(said, key=lambda x: x[0].start())[0]
    pos, end = p.span_said(first)
    for pattern in (_CHUNKS, _PART):
        p.run(pattern, lambda m: [])
    p.found.append(Quantity("prompt_tokens", whole(total), readable(first.group(0), p.nt), pos, end))
    if len(terms) > 1 or chunks:
        p.notes["prompt_tokens"] = f"the prompt's parts: {' + '.join(terms)} = {total:,.0f} tokens"


def read_lengths(p: Pass) -> None:
    """Token volumes over a period (not lengths), then lengths with their unit, and in/out pairs."""
    nt = p.nt
    _prompt_parts(p)
    p.run(_TOKEN_VOLUME, lambda m: _token_volume(p, m))
    p.run(_CONTEXT_UNIT, lambda m: [("prompt_tokens", round(nt.value(m)))])
    p.run(_SIDES_PAIR, lambda m: [("prompt_tokens", whole(nt.value(m))), ("output_tokens", whole(nt.value(m, 2)))])
    p.run(_SIDE_TOKENS, lambda m: None if PER_TIME.match(p.after(m.end())) else [] if _price_unit(p, m) else
          [("prompt_tokens" if m.group(2) in ("input", "prompt") else "output_tokens", whole(nt.value(m)))])
    # the pair before lengths with their unit: "400 tokens in and 400 out" names each side, whatever the nearest noun
    p.run(_IN_OUT_PAIR, lambda m: [("prompt_tokens", whole(nt.value(m))), ("output_tokens", whole(nt.value(m, 2)))]
          if nt.value(m) >= 16 and nt.value(m, 2) >= 16 else None)
    p.run(_LABELLED_PAIR, lambda m: [("prompt_tokens", whole(nt.value(m))), ("output_tokens", whole(nt.value(m, 2)))]
          if nt.value(m) >= 16 and nt.value(m, 2) >= 16 else None)
    p.run(_OUT_ALONE, lambda m: [("output_tokens", whole(nt.value(m)))] if nt.value(m) >= 16 else None)
    p.run(_MOST_THEN_MEAN, lambda m: [("prompt_tokens" if m.group("prompt") else "output_tokens",
                                       whole(nt.value(m, m.lastindex)))])
    p.run(_MEAN_THEN_SIDE, lambda m: [("prompt_tokens" if m.group("prompt") else "output_tokens", whole(nt.value(m)))]
          if nt.value(m) >= 16 else None)
    p.run(_SPOKEN, lambda m: _spoken(p, m))
    p.run(_WORDS_PER_PAGE, lambda m: _page_density(p, m))
    p.run(_TOKENS_UNIT, lambda m: _tokens(p, m))
    p.run(_ADDS_ANOTHER, lambda m: _added_length(p, m))
    if any(q.field in TOKEN_FIELDS for q in p.found) or p.first_asked(TOKEN_FIELDS):  # "2k tokens in and ~300 out"
        p.run(_TOKENS_IN_OUT, lambda m: [("prompt_tokens" if m.group(2) == "in" else "output_tokens",
                                          whole(nt.value(m)))])


def read_bare_lengths(p: Pass, lengths_said: bool) -> None:
    """Lengths after a prompt or output noun without a unit; ``lengths_said``: an earlier sentence of the message
    measured prompts or outputs in tokens."""
    p.run(_TOKENS_KW, lambda m: _tokens_kw(p, m))
    if lengths_said or any(q.field in TOKEN_FIELDS for q in p.found):
        p.run(_TOKENS_ELLIPSIS, lambda m: _tokens_ellipsis(p, m))


_PRICE_UNIT_BEFORE = re.compile(r"(?:[$€£]\s*[\d.,\x01\x02]+|\x02\s*(?:usd|eur|gbp|dollars?|euros?|cents?|pounds?)?)\s*"
                                r"(?:per|/|a|an|for\s+(?:every|each)|every)\s*$")


def _price_unit(p: Pass, m: re.Match) -> bool:
    """'$0.90 per million tokens', '$3 / 1M input tokens': the unit a price is quoted in, no length."""
    return bool(_PRICE_UNIT_BEFORE.search(p.said_before(m.start(), 24)))


SPOKEN_WORDS_PER_MINUTE = 150  # conversational speech
# speech measured in time: "episodes average 55 minutes of talking", "hour-long call recordings", "a 30-min transcript"
_SPOKEN = re.compile(rf"{NUM}\s*-?\s*(?P<u>minutes?|mins?|m|hours?|hrs?|h)\b\s*(?:-?\s*long\s+)?(?:of\s+)?(?:[a-z]+\s+)?"
                     r"(?:audio|talking|talk|speech|conversations?|recordings?|transcripts?|dialogue|calls?|meetings?|"
                     r"video|podcasts?|interviews?|episodes?|lectures?|hearings?|depositions?)\b")


def _spoken(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    minutes = p.nt.value(m) * (60 if m.group("u").startswith("h") else 1)
    if not 1 <= minutes <= 600:
        return None
    tokens = minutes * SPOKEN_WORDS_PER_MINUTE * WORDS_TO_TOKENS
    p.notes["prompt_tokens"] = (f"{minutes:g} minutes of speech x {SPOKEN_WORDS_PER_MINUTE} words a minute x "
                                f"{WORDS_TO_TOKENS} tokens a word = {tokens:,.0f} tokens")
    return [("prompt_tokens", whole(tokens))]


# a part of the prompt said after another: "our system prompt alone is about 1,200 tokens and the conversation adds
# another 300 or so" (1,500)
_ADDS_ANOTHER = re.compile(rf"\b(?:adds?|adding|plus|on\s+top\s+(?:of\s+that\s+)?(?:come|comes|is|are))\s+(?:another|an\s+extra|"
                           rf"an\s+additional|roughly|about|around|some)?\s*~?\s*{NUM}(?!\s*(?:%|(?!or\s+so\b|tokens?\b|more\b)[a-z]{{2,}}\b))"
                           r"(?:\s*(?:tokens?|or\s+so|more))*")


def _added_length(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    prompts = [q for q in p.found if q.field == "prompt_tokens" and q.pos < m.start()]
    if not prompts or not 16 <= (more := p.nt.value(m)) <= 1_000_000:
        return None
    q = prompts[-1]
    p.notes["prompt_tokens"] = f"{q.value:,.0f} + {more:,.0f} tokens = {q.value + more:,.0f}"
    q.value += more
    return []


# a length said as a limit: "caps a single user message at 2,000 characters", "inputs are limited to 8k tokens"
_CAPPED_AT = re.compile(r"\b(?:caps?|capped|limits?|limited|truncat\w*)\b[^.;\x01]{0,40}?\b(?:at|to)\s*(?:about\s+|~\s*)?$")
# a typical value said after a range of lengths: "1,000 to 1,500 words, 1,200 is typical", "200-400 words, usually 300"
_TYPICAL_AFTER = re.compile(r"\s*,?\s*(?:with\s+|and\s+|but\s+)?(?:about\s+|around\s+|~\s*)?\x01(\d+)\x02\s+(?:is\s+|being\s+)?"
                            r"(?:typical|usual|the\s+norm|most\s+common|the\s+average|average)\b|"
                            r"\s*,?\s*(?:typically|usually|on\s+average|avg)\s+(?:about\s+|around\s+|~\s*)?\x01(\d+)\x02(?!\s*[a-z])")
# how many tokens the lines said hold: "our code averages ~11 tokens per line"
_TOKENS_PER_LINE = re.compile(rf"{NUM}\s*tokens?\s*(?:a|per|/|each)\s*line\b")
# how many words the pages said hold: "avg 25 pages, dense, ~600 words a page"
_WORDS_PER_PAGE = re.compile(rf"{NUM}\s*words?\s*(?:a|per|/|each|on\s+(?:a|each))\s*page\b")


def _page_density(p: Pass, m: re.Match) -> list[tuple[str, float]]:
    if 50 <= (words := p.nt.value(m)) <= 2000:
        p.words_per_page = words
    return []


def tokens_per(unit: str, page: float = PAGE_TOKENS) -> float:
    """Tokens in one of ``unit`` (tokens, words, characters, pages, lines, sentences, paragraphs)."""
    unit = unit.lower()
    return (WORDS_TO_TOKENS if unit.startswith("word") else page if unit.startswith("page") else
            LINE_TOKENS if unit.startswith("line") else 1 / CHARS_PER_TOKEN if unit.startswith("char") else
            SENTENCE_WORDS * WORDS_TO_TOKENS if unit.startswith("sentence") else
            PARAGRAPH_WORDS * WORDS_TO_TOKENS if unit.startswith("paragraph") else 1.0)


def _tokens(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    if PER_TIME.match(p.after(m.end())):
        return []  # "5M tokens a day" is a volume, not a prompt length
    if _price_unit(p, m):
        return []
    if (_PIECE_AFTER.match(p.after(m.end())) or _PIECE_BEFORE.search(p.before(m.start(), 40))) and (
            _INDEXED.search(p.before(m.start(), 60)) or _RETRIEVED.search(p.text)):
        # one chunk of an index is no request's length (prompt_parts.py sums the chunks retrieved into a prompt);
        # a text sent in chunks ("the file is sent in chunks of ~500 tokens") is one chunk a request
        return []
    if m.group(2).startswith("tok") and re.match(r"\s*(?:a|per|/|each)\s*line\b", p.text[m.end():]):
        return []  # "~11 tokens per line" is how dense the lines are (read with them), no length
    if _CAPPED_AT.search(p.before(m.start(), 50)):
        return []  # "the UI caps a single user message at 2,000 characters": a limit, not a mean length
    value, unit = p.nt.value(m), m.group(2)
    if typical := _TYPICAL_AFTER.match(p.text, m.end()):  # "1,000 to 1,500 words, 1,200 is typical": the typical one
        value = p.nt.values[int(typical.group(1) or typical.group(2))]
    unit = "pages" if unit in ("p", "pp") else unit
    if unit.startswith("page") and value > 1000:
        # "Confluence has 38,000 pages", "the handbook (1,400 pages)": a collection to search, no prompt (left to be
        # read as work items: "1.2M pages within a week")
        return None
    page = PAGE_TOKENS if p.words_per_page is None else p.words_per_page * WORDS_TO_TOKENS
    words = SENTENCE_WORDS if unit.startswith("sentence") else PARAGRAPH_WORDS if unit.startswith("paragraph") else None
    factor = tokens_per(unit, page)
    density = _TOKENS_PER_LINE.search(p.nt.text) if unit.startswith("line") else None
    if density:
        factor = p.nt.value(density)  # "our code averages ~11 tokens per line"
    side = _SIDE_AFTER.match(p.after(m.end()))
    field = ("prompt_tokens" if _PROMPT_NOUN_AFTER.match(p.after(m.end())) else  # "... go into a 2k token prompt"
             "output_tokens" if _INTO.search(p.before(m.start(), 30)) else  # "turns 40-page SOPs into 1-page briefs"
             (side.lastgroup or "prompt_tokens") if side else
             of_side.lastgroup if (of_side := _OF_SIDE.match(p.after(m.end()))) else
             nearest(_TOK_KW, p.before(m.start()), p.after(m.end())) or p.first_asked(TOKEN_FIELDS) or
             nearest(_TOK_KW, clause_before(p.text, m.start()), "")  # "output one paragraph, ~150 tokens"
             or nearest(_TOK_KW, p.text[max(0, m.start() - 120):m.start()], ""))  # "the reply must fit in one SMS, 160 characters"
    if field is None:
        field = "output_tokens" if unit.startswith(("word", "sentence", "paragraph")) else "prompt_tokens"
    if (field == "output_tokens" and unit.startswith("page") and value > MAX_SUMMARY_PAGES
            and not _INTO.search(p.before(m.start(), 30)) and _last_keyword_is_summary(p.before(m.start()))):
        field = "prompt_tokens"
    other = "output_tokens" if field == "prompt_tokens" else "prompt_tokens"
    same = [q for q in p.found if q.field == field]
    if (same and not any(q.field == other for q in p.found) and nearest(_TOK_KW, clause_before(p.text, m.start()), "") is None
            and not _RESTATED.match(p.text[same[-1].end:m.start()])):
        field = other  # "input around 40,000 tokens, and an answer of 3,000 tokens": the second length, its own noun far
    if typical or density:  # said back with the figure it was read from
        p.notes[field] = (f"{value:g} {unit} ({'the typical one said' if typical else f'{factor:g} tokens a line'}) = "
                          f"{value * factor:,.0f} tokens")
    if words:  # "2-3 sentences": said back with the words a sentence is taken to hold
        p.notes[field] = (f"{value:g} {unit.rstrip('s')}{'s' if value != 1 else ''} x {words} words x {WORDS_TO_TOKENS} tokens a word = "
                          f"{value * factor:,.0f} tokens")
    if unit.startswith("page") and p.words_per_page is not None:
        p.notes[field] = (f"{value:g} pages x {p.words_per_page:g} words a page x {WORDS_TO_TOKENS} tokens a word = "
                          f"{value * factor:,.0f} tokens")
    return [(field, whole(value * factor))]


def _tokens_kw(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    noun = m.group("kw") or m.group("kw2")
    value = p.nt.value(m, 2 if m.group("kw") else 3)  # the number's group in whichever alternative matched
    if value < 16:
        return None  # "2 outputs": a count, never a length in tokens
    field = "prompt_tokens" if noun.startswith(("prompt", "input", "isl")) else "output_tokens"
    return [(field, whole(value))]


def _tokens_ellipsis(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    field = "prompt_tokens" if m.group("prompt_tokens") else "output_tokens"
    value = p.nt.value(m, 3)  # the number's group, after the two named noun groups
    if value < 16 or any(q.field == field for q in p.found):
        return None  # the side already has its length; "2 answers" is a count, never a length
    return [(field, whole(value))]


# a vague count of pages ("a handful of pages", "a few pages", "a couple of pages"): a length all the same, read as the
# count such words usually mean, and said back ("a handful of pages taken as 5 pages")
_VAGUE_PAGES = {"couple": 2, "few": 3, "handful": 5, "several": 5}
_VAGUE_PAGES_RE = re.compile(r"\b(?:a\s+|just\s+a\s+|only\s+a\s+)?(couple|few|handful|several)\s+(?:of\s+)?"
                             r"((?:short\s+)?(?:pages?|sentences?|paragraphs?))\b")


def vague_pages(text: str) -> tuple[str, str | None]:
    """``text`` with a vague count of pages written as a number, and the note that says so (None if there is none)."""
    m = _VAGUE_PAGES_RE.search(text)
    if m is None:
        return text, None
    n = _VAGUE_PAGES[m.group(1)]
    unit = m.group(2).split()[-1].rstrip("s") + "s"
    # pages carry their tokens here; a sentence's or paragraph's words are said where its length is read
    note = f"\"{' '.join(m.group(0).split())}\" taken as {n} {unit}" + (f" x {PAGE_TOKENS} tokens" if unit == "pages" else "")
    return text[:m.start()] + f"{n} {m.group(2)}" + text[m.end():], note


def _last_keyword_is_summary(before: str) -> bool:
    hits = list(_TOK_KW.finditer(before))
    return bool(hits) and bool(_SUMMARY_KW.fullmatch(hits[-1].group(0)))
