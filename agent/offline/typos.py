"""Misspelled keywords ("budjet", "usres", "requets", "latncy") read as the word meant, by edit distance.

Only words the patterns depend on are corrected, and only when the typed word is close (one edit for short words,
two for long ones, transpositions count once; RapidFuzz's OSA distance) and starts with the same letter: "uses"
stays "uses" because it is in the list of words left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

# words whose near neighbours are rarely real words (not "summarize": "summarizer" is a word)
KEYWORDS = ("budget", "users", "requests", "employees", "latency", "monthly", "tokens", "thousand", "million",
            "customers", "concurrent", "chatbot", "throughput", "namespace", "simultaneous", "quantized", "students",
            "cheap", "nurses", "teachers", "clinicians", "technicians", "colleagues", "physicians", "lawyers", "priority",
            "quality", "deploy", "default", "exclude")
_SINGLE = tuple(k for k in KEYWORDS if " " not in k)
# real words one edit away from a keyword
LEAVE = {"uses", "user", "used", "usual", "tickers", "deplore", "token", "tokes", "months", "monthy", "budge",
         "budgets", "request", "requested", "requests", "second", "minute", "seconded", "average", "averages",
         "latent", "assistants", "customer", "contract", "document", "ticket", "engineer", "developer", "analyst",
         "lawyer", "student", "employee", "summary", "summaries", "precise", "deployed", "deploys", "millions",
         "thousands", "maxim", "priorities", "cheat", "cheaper", "chess", "studies", "stunts", "generations", "completions", "translations", "concurrently", "concurrency",
         "chap", "chip", "cheat", "tons", "toke", "rest", "lately", "month", "mostly", "nurse", "nursed", "nursery",
         "teacher", "teaches", "clinician", "clinical", "technician", "technical", "colleague", "physician", "physics",
         "lawyer", "layers", "players", "excluded", "excludes", "include", "exclusive", "exclaim"}
# what may follow a keyword in a word of its own ("budgeting", "simultaneously"); other tails are typos ("chatbott")
_INFLECTIONS = ("s", "es", "ed", "ing", "ly", "er", "ers", "ary", "ally", "ously", "ize", "ise", "ization", "ation",
                "ations", "ness", "ity", "ies", "ied")
_WORD = re.compile(r"[A-Za-z]{4,}")  # four letters: "usrs", "budgt" typed in a hurry


@lru_cache(maxsize=4096)
def _fix(word: str) -> str | None:
    low = word.lower()
    if low in LEAVE or low in _SINGLE:
        return None
    budget = 1 if len(low) <= 7 else 2
    best, best_d = None, budget + 1
    for key in _SINGLE:
        if key[0] != low[0] or abs(len(key) - len(low)) > budget:
            continue
        if low.startswith(key) and (low[len(key):] in _INFLECTIONS or len(low) - len(key) > 2):
            return None  # an inflection of the keyword ("simultaneously", "budgeting"), not a misspelling
        d = OSA.distance(low, key, score_cutoff=budget)
        if d < best_d:
            best, best_d = key, d
    return best


# model family words, misspelled right before a version ("Lama 3.3 70b", "mistral smal 3.1"): short words are only
# corrected there, where a version number says a model name is meant
MODEL_WORDS = ("llama", "small", "mistral", "mixtral", "gemma", "qwen", "deepseek", "medium", "large")
_BEFORE_VERSION = re.compile(r"\b[A-Za-z]{4,8}(?=[\s-]?\d|\s+(?:models?|family|weights)\b)")
# a zero typed as the letter O in a GPU's name: "A1OO 80gb", "H1OO", "MI3OOX"
_O_FOR_ZERO = re.compile(r"\b((?:[abhl]|mi)\d)([0o]{1,2})([a-z]?)\b", re.I)


@lru_cache(maxsize=1024)
def _fix_model_word(word: str) -> str | None:
    low = word.lower()
    if low in MODEL_WORDS:
        return None
    ranked = sorted((OSA.distance(low, k), k) for k in MODEL_WORDS if k[0] == low[0])
    if not ranked:
        return None
    (d, best), runner_up = ranked[0], ranked[1][0] if len(ranked) > 1 else 99
    # one edit, or two in a longer word when no other family word is as near ("lamma 3.1": a letter doubled and
    # one dropped)
    return best if d == 1 or (d == 2 and len(low) >= 5 and runner_up > 2) else None


# people nouns: right after a count ("~600 nurese", "1,200 emplyoees") a word two edits away is one of them, as the
# count says a noun of people or things follows
PEOPLE = ("users", "employees", "customers", "students", "nurses", "teachers", "clinicians", "technicians",
          "colleagues", "physicians", "lawyers")
_AFTER_COUNT = re.compile(r"(?<=\d)(\s+|\s*-\s*)([A-Za-z]{5,})\b")


@lru_cache(maxsize=4096)
def _fix_counted(word: str) -> str | None:
    low = word.lower()
    if low in LEAVE or low in _SINGLE:
        return None
    near = [(OSA.distance(low, k), k) for k in PEOPLE if k[0] == low[0] and abs(len(k) - len(low)) <= 1]
    near = sorted(x for x in near if x[0] <= 2)
    if not near or (len(near) > 1 and near[0][0] == near[1][0]):
        return None  # none near, or two people nouns as near: no guess
    return near[0][1]


# a model name dictated: "llama three point three seventy be" is "llama 3.3 70b" (speech-to-text spells the digits)
_SPOKEN = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "twelve": 12, "fourteen": 14, "sixteen": 16, "twenty": 20, "thirty": 30, "thirty-two": 32,
           "thirty two": 32, "seventy": 70, "seventy-two": 72, "seventy two": 72, "hundred twenty": 120}
_SPOKEN_WORD = "|".join(sorted((re.escape(w) for w in _SPOKEN), key=len, reverse=True))
_SPOKEN_MODEL = re.compile(rf"\b(llama|qwen|mistral|gemma|phi|deepseek|gpt[\s-]?oss)\s+(?:(?P<major>{_SPOKEN_WORD})"
                           rf"(?:\s+point\s+(?P<minor>{_SPOKEN_WORD}))?\s+)?(?P<size>{_SPOKEN_WORD})\s+(?:be|bee|b|billion)\b",
                           re.I)


def _spoken_model(m: re.Match) -> str:
    version = ""
    if m.group("major"):
        version = f"{_SPOKEN[m.group('major').lower()]}" + (f".{_SPOKEN[m.group('minor').lower()]}" if m.group("minor") else "")
    return f"{m.group(1)} {version + ' ' if version else ''}{_SPOKEN[m.group('size').lower()]}b"


# a GPU name dictated: "eight A one hundreds, the eighty gig ones", "no H two hundreds" ("a one hundred" alone is an
# article and a number: the A is read as the card only in the plural or before a card's word)
_SPOKEN_GPU = re.compile(r"\b(?:(?P<h>[hb])\s+(?P<hn>one|two|three)[\s-]+hundreds?|(?P<a>a)\s+one[\s-]+hundred"
                         r"(?:(?P<plural>s)\b|(?=\s+(?:cards?|gpus?|nodes?|boxes|servers?|,?\s*the\s+(?:forty|eighty)\s+gig))))"
                         r"(?P<tail>s?)\b", re.I)
_SPOKEN_MEMORY = re.compile(r"\b(forty|eighty)[\s-]+gigs?\b", re.I)


def _spoken_gpu(m: re.Match) -> str:
    if m.group("a"):
        return "A100" + ("s" if m.group("plural") else "")
    return f"{m.group('h').upper()}{_SPOKEN[m.group('hn').lower()]}00" + ("s" if m.group(0).lower().endswith("s") else "")


# a percentile dictated or spaced: "p ninety five time to first token", "p 99 latency"
_SPOKEN_PERCENTILE = re.compile(r"\b([pP])\s+(ninety[\s-]five|ninety[\s-]nine|ninety|fifty|95|99|90|50)\b")
_PERCENTILE_WORDS = {"ninety five": "95", "ninety nine": "99", "ninety": "90", "fifty": "50"}


def correct(text: str) -> str:
    """``text`` with misspelled keywords replaced (case of the first letter kept)."""
    def fix(m: re.Match) -> str:
        word = m.group(0)
        key = _fix(word)
        if key is None:
            return word
        return key.capitalize() if word[0].isupper() else key

    def fix_model(m: re.Match) -> str:
        key = _fix_model_word(m.group(0))
        return m.group(0) if key is None else (key.capitalize() if m.group(0)[0].isupper() else key)

    def fix_counted(m: re.Match) -> str:
        key = _fix_counted(m.group(2))
        return m.group(0) if key is None else m.group(1) + key

    if " be" in text.lower() or " bee" in text.lower() or "billion" in text.lower():
        text = _SPOKEN_MODEL.sub(_spoken_model, text)
    if re.search(r"\bp\s", text, re.I):
        text = _SPOKEN_PERCENTILE.sub(lambda m: m.group(1) + _PERCENTILE_WORDS.get(
            m.group(2).lower().replace("-", " "), m.group(2)), text)
    if "hundred" in text.lower():
        text = _SPOKEN_GPU.sub(_spoken_gpu, text)
        if "A100" in text:
            text = _SPOKEN_MEMORY.sub(lambda m: "40GB" if m.group(1).lower() == "forty" else "80GB", text)
    text = _O_FOR_ZERO.sub(lambda m: m.group(1) + m.group(2).replace("o", "0").replace("O", "0") + m.group(3), text)
    text = _WORD.sub(fix, text)
    if not any(c.isdigit() for c in text) and not re.search(r"\bmodels?\b", text, re.I):
        return text
    return _BEFORE_VERSION.sub(fix_model, _AFTER_COUNT.sub(fix_counted, text))
