"""Numbers in free text: "5k", "2,000", "ten thousand", "1.5 million", "3-5k" -> values.

``number_text`` replaces every number with a placeholder ``\\x01<i>\\x02`` whose value is ``values[i]``, so the
unit patterns in quantities.py match one token shape whatever the user typed. Ranges collapse to their upper
bound (sizing for the top of a range is the safe side) and negative numbers keep their sign, so that
out-of-range values can be reported rather than silently dropped.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

# The placeholder and its pattern (group 1 = index into Numbered.values).
NUM = r"\x01(\d+)\x02"
NUM_RE = re.compile(NUM)

_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9}
_VAGUE = {"couple": 2, "few": 3, "several": 5}  # only before a scale: "a few thousand users"
# fraction words and what they are of one: "a third of that", "two thirds of our staff"
FRACTIONS = {"half": 0.5, "halves": 0.5, "third": 1 / 3, "thirds": 1 / 3, "quarter": 0.25, "quarters": 0.25,
             "fifth": 0.2, "fifths": 0.2, "tenth": 0.1, "tenths": 0.1}
_SUFFIX = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mm": 1e6, "mil": 1e6, "million": 1e6,
           "b": 1e9, "bn": 1e9, "billion": 1e9, "hundred": 100.0, "grand": 1e3,
           # other locales' scale words: German "Mio."/"Mrd.", "mln", Indian "lakh" (1e5) and "crore" (1e7)
           "mio": 1e6, "mln": 1e6, "mrd": 1e9, "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7}
MAX_DIGITS = 30  # longer digit runs are typos or noise: treated as infinite (out of range, reported)

_WORD = "|".join(sorted([*_ONES, *_SCALES, "dozen"], key=len, reverse=True))
_WORDNUM = re.compile(
    rf"\b(?:(?:a|an)\s+(?=(?:hundred|thousand|million|billion|dozen)\b))?"
    rf"(?:(?:a\s+)?(?:couple|few|several)(?:\s+of)?\s+(?=(?:hundred|thousand|million|billion)\b))?"
    rf"(?:{_WORD})(?:(?:\s+and\s+|[\s-]+)(?:{_WORD}))*\b")
_HAVE_ONE = re.compile(r"\b(?P<verb>have|has|had|got|need|needs|want|wants|get)\s+one\b(?=\s*(?:yet|either|too|already|at\s+all|"
                          r"now|anymore|any\s+more)?\s*(?:[.,;!?)]|$))")
_NO_ONE = re.compile(r"\bno[\s-]one\b")
# "every one of those devs uses it", "each one of them": all of a group already counted, not one person
_EVERY_ONE_OF = re.compile(r"\b(?:every|each|any)\s+(?:single\s+)?one\s+of\b")
# "one" after a determiner and an adjective is a pronoun: "the original one", "the cheaper one", "that one"
_PRONOUN_ONE = re.compile(r"(\b(?:the|this|that|which|another)\s+(?:(?!(?:last|only|first|next)\b)[a-z][a-z-]*\s+){0,2}?)"
                          r"one\b(?![\s-]*(?:hundred|thousand|million|billion|point|and\s+a\s+half|of|or|[\d.,]))")
_SUB_SECOND = re.compile(r"\bsub[\s-]?seconds?\b")
_HALF = re.compile(r"\bhalf\s+a\s+(million|thousand|billion)\b")
# Durations said in words: "half a second", "under a second", "a couple of seconds".
_WORD_DURATION = re.compile(r"\b(half\s+an?|a\s+(?:quarter|tenth|fifth|third)\s+of\s+an?|an?|one|"
                            r"a\s+couple\s+of|a\s+few|several)\s+(second|sec|minute|millisecond)s?\b")
_DURATION_COUNT = {"half a": 0.5, "half an": 0.5, "a quarter of a": 0.25, "a quarter of an": 0.25,
                   "a tenth of a": 0.1, "a fifth of a": 0.2, "a third of a": 1 / 3, "a": 1.0, "an": 1.0, "one": 1.0, "a couple of": 2.0, "a few": 3.0,
                   "several": 5.0}
_DIGITS = re.compile(
    # a minus sign touches its number; a dash and a space before one is punctuation, between words ("sorry - 350
    # seats") as at the head of a line (a bullet: "- 700 reps will use it daily")
    # Indian grouping ("8,00,000", "12,34,567") before the thousands of other locales
    # (a number joined to letters by a hyphen names a ticket, a version or a model, counts nothing: "CAT-902",
    # "INC-3381", "llama-3")
    r"(?<![\w.,\x01\x02])(?<![A-Za-z]-)(-(?=\d))?(\d{1,2}(?:,\d{2})+,\d{3}(?![\d,])|\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
    r"(?:\s?(k|thousand|million|mil|mn|mm|mio|mln|mrd|m|billion|bn|b|hundred|grand|lakhs?|crores?)(?:(?<=mio|mln|mrd)\.|\b))?")
_RATE_BEFORE = re.compile(r"\x01\d+\x02\s*(?:[a-z/-]+\s+){0,3}$")
_RANGE = re.compile(rf"(?:\bbetween\s+{NUM}\s+and\s+{NUM})|(?:{NUM}\s*(?:-|to|or)\s*{NUM})")


@dataclass
class Numbered:
    text: str
    values: list[float] = field(default_factory=list)

    def value(self, m: re.Match, group: int = 1) -> float:
        return self.values[int(m.group(group))]


def _placeholder(values: list[float], v: float) -> str:
    values.append(v)
    return f"\x01{len(values) - 1}\x02"


def word_value(phrase: str) -> float | None:
    total, current, seen = 0.0, 0.0, False
    words = re.findall(r"[a-z]+", phrase)
    for i, w in enumerate(words):
        if w in _ONES:
            current += _ONES[w]
            seen = True
        elif w in _VAGUE and i + 1 < len(words) and words[i + 1] in _SCALES:
            current += _VAGUE[w]
        elif w == "hundred":
            current = (current or 1) * 100
            seen = True
        elif w == "dozen":
            current = (current or 1) * 12
            seen = True
        elif w in _SCALES:
            total += (current or 1) * _SCALES[w]
            current, seen = 0.0, True
    return total + current if seen else None


def _digits_value(m: re.Match) -> float:
    sign, whole, frac, suffix = m.group(1), m.group(2).replace(",", ""), m.group(3) or "", m.group(4)
    if len(whole) > MAX_DIGITS:
        value = math.inf
    else:
        value = float(whole + frac)
    if suffix:
        value *= _SUFFIX[suffix]
    return -value if sign else value


# Thousands separators of other locales: "10.000", "1.234,56", "12'000", "8 000"; "1,5k" is 1.5k, and "1.728M" is
# 1.728 million (a scale after the dot makes it a decimal point). A leading 0 is no thousands group: "$0.002" is a
# fraction of a dollar, not 2.
_DOT_GROUPS = re.compile(r"(?<![\w.,'])([1-9]\d{0,2})((?:\.\d{3})+)(,\d+)?(?![\d]|\.\d)(?!\s*(?:s|secs?|seconds?|x|%|k|m|mm|mn|million|bn|billion)\b)")
_APOSTROPHE_GROUPS = re.compile(r"(?<![\w.,'])(\d{1,3})((?:'\d{3})+)(?![\d'])")
_SPACE_GROUPS = re.compile(r"(?<![\w.,'])(\d{1,3})((?: \d{3})+)(?![\d.,]|\s\d)")
_DECIMAL_COMMA_SCALE = re.compile(r"(?<![\w.,])(\d{1,3}),(\d{1,2})\s?(k|m|mn|mio|mln|mrd|million|thousand|bn|billion)\b")
# A comma followed by one or two digits is a decimal comma ("0,8 s", "peaks of 2,4"): a thousands group has three
# digits. A list of numbers ("1,2,3", "options 1,2") goes on with another comma and is left alone.
_DECIMAL_COMMA = re.compile(r"(?<![\w.,])(\d{1,3}),(\d{1,2})(?![\d,]|\.\d|\s*(?:and|or|&)\s*\d)")


def locale_digits(text: str) -> str:
    """Numbers written with other locales' separators, in the plain form the patterns read."""
    if "." in text:
        text = _DOT_GROUPS.sub(lambda m: m.group(1) + m.group(2).replace(".", "") +
                               ("." + m.group(3)[1:] if m.group(3) else ""), text)
    if "'" in text:
        text = _APOSTROPHE_GROUPS.sub(lambda m: m.group(1) + m.group(2).replace("'", ""), text)
    if " " in text:
        text = _SPACE_GROUPS.sub(lambda m: m.group(1) + m.group(2).replace(" ", ""), text)
    if "," in text:
        text = _DECIMAL_COMMA_SCALE.sub(lambda m: f"{m.group(1)}.{m.group(2)}{m.group(3)}", text)
        text = _DECIMAL_COMMA.sub(lambda m: f"{m.group(1)}.{m.group(2)}", text)
    return text


_DIGIT_WORDS = {w: v for w, v in _ONES.items() if v < 10}
_DIGIT_WORD = "|".join(_DIGIT_WORDS)
# "three point five thousand": a decimal said in words becomes digits first, so its scale word applies to it
_SPOKEN_DECIMAL = re.compile(rf"\b({_DIGIT_WORD}|ten|\d+)\s+point\s+((?:(?:{_DIGIT_WORD})\b\s*)+)")
# ... and one said without its whole: "point five seconds p95 to the first token"
_SPOKEN_FRACTION = re.compile(rf"(?<![\w-])\bpoint\s+((?:(?:{_DIGIT_WORD})\b\s*)+)")
# a scale after a number already read ("ten grand", "1.5 thousand" said in words): it multiplies that number
_SCALE_AFTER = re.compile(r"\x01(\d+)\x02\s?(grand|k|thousand|million|mil|mn|billion|bn)\b")


_AND_A_HALF = re.compile(rf"\b({'|'.join(sorted(_ONES, key=len, reverse=True))}|\d+)\s+and\s+a\s+half\s+"
                         r"(hundred|thousand|million|billion|k)\b")


# a half said of any unit: "one and a half seconds", "2 and a half hours", "a second and a half", "an hour and a
# half" -> "1.5 seconds" (durations are read before numbers, by the window finder, so this rewrites words to digits)
_UNIT_WORDS = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|pages?|gpus?|k)"
_AND_A_HALF_UNIT = re.compile(rf"\b({'|'.join(sorted(_ONES, key=len, reverse=True))}|\d+)\s+and\s+a\s+half\s+"
                              rf"({_UNIT_WORDS})\b")
_UNIT_AND_A_HALF = re.compile(rf"\b(?:a|an|one)\s+({_UNIT_WORDS})\s+and\s+a\s+half\b")


def spoken_halves(text: str) -> str:
    """'one and a half seconds' -> '1.5 seconds', 'an hour and a half' -> '1.5 hours'."""
    if "half" not in text:
        return text
    text = _AND_A_HALF_UNIT.sub(lambda m: f"{_ONES.get(m.group(1), m.group(1))}.5 {m.group(2)}", text)
    return _UNIT_AND_A_HALF.sub(lambda m: f"1.5 {m.group(1).rstrip('s')}s", text)


def _spoken_decimal(m: re.Match) -> str:
    whole = m.group(1) if m.group(1).isdigit() else str(_ONES[m.group(1)])
    return whole + "." + "".join(str(_DIGIT_WORDS[w]) for w in m.group(2).split()) + " "


# a calendar date is no quantity: "approved 2025-09-30", "due 30.09.2025", "2025/10/14"
DATE = re.compile(r"\b(?:(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])|"
                   r"(?:0?[1-9]|[12]\d|3[01])[./](?:0?[1-9]|1[0-2])[./](?:19|20)\d{2})\b")
# a fiscal year named by its number: "the AI line for FY26", "FY 2025/26" (a year, not an amount of 26)
FISCAL_YEAR = re.compile(r"\bfy\s*'?(?:19|20)?\d{2}(?:\s*[/-]\s*(?:19|20)?\d{2})?\b", re.I)


def number_text(text: str) -> Numbered:
    """Replace every number in lower-cased ``text`` with a placeholder; values in order of appearance."""
    values: list[float] = []
    text = DATE.sub("a date", text) if any(c in text for c in "-/.") else text
    text = locale_digits(text)
    if "sub" in text:  # "the first token shows up sub-second": under one second
        text = _SUB_SECOND.sub("under 1 second", text)
    if "point" in text:
        text = _SPOKEN_DECIMAL.sub(_spoken_decimal, text)
        text = _SPOKEN_FRACTION.sub(lambda m: "0." + "".join(str(_DIGIT_WORDS[w]) for w in m.group(1).split()) + " ",
                                    text)
    if "half" in text:  # "two and a half thousand" -> "2.5 thousand"
        text = spoken_halves(text)
        text = _AND_A_HALF.sub(lambda m: f"{_ONES.get(m.group(1)) or m.group(1)}.5 {m.group(2)}", text)
    text = _DIGITS.sub(lambda m: _placeholder(values, _digits_value(m)) + (" usd" if m.group(4) == "grand" else ""),
                       text)
    text = _HALF.sub(lambda m: _placeholder(values, 0.5 * _SCALES[m.group(1)]), text)

    def words(m: re.Match) -> str:
        v = word_value(m.group(0))
        return m.group(0) if v is None else _placeholder(values, v)

    text = _NO_ONE.sub("nobody", text) if "one" in text else text  # "when no one uses it": nobody, not 1
    # "we don't have one yet" (a budget, a GPU): the pronoun, not 1
    text = _HAVE_ONE.sub(r"\g<verb> it", text) if "one" in text else text
    text = _EVERY_ONE_OF.sub("all of", text) if "one" in text else text  # "every one of those devs": no count
    text = _PRONOUN_ONE.sub(r"\1ones", text) if "one" in text else text  # "the original one": a pronoun, not 1
    text = _WORDNUM.sub(words, text)

    def duration(m: re.Match) -> str:
        article = m.group(1).strip() in ("a", "an")
        if article and _RATE_BEFORE.search(m.string, max(0, m.start() - 40), m.start()):
            return m.group(0)  # "200 requests a minute": a rate's period, not a duration of one minute
        unit = "second" if m.group(2) == "sec" else m.group(2)  # "under a sec to first word"
        return _placeholder(values, _DURATION_COUNT[" ".join(m.group(1).split())]) + " " + unit + "s"

    text = _WORD_DURATION.sub(duration, text)

    def scaled(m: re.Match) -> str:
        values[int(m.group(1))] *= _SUFFIX[m.group(2)]
        return f"\x01{m.group(1)}\x02" + (" usd" if m.group(2) == "grand" else "")

    text = _SCALE_AFTER.sub(scaled, text)

    def upper(m: re.Match) -> str:
        a, b = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(3), m.group(4))
        lo, hi = values[int(a)], values[int(b)]
        if lo >= 0 and hi >= 0 and "or" in m.group(0) and hi < lo:
            return m.group(0)
        # "3-5k": the suffix of the upper bound applies to the lower one too, so the max is the upper.
        return f"\x01{b if hi >= lo else a}\x02"

    text = _RANGE.sub(upper, text)
    return Numbered(text, values)


def sig(value: float, digits: int = 4) -> float:
    """Round to ``digits`` significant figures (1e6 requests a day -> 11.57 req/s)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, max(0, digits - 1 - int(math.floor(math.log10(abs(value))))))
