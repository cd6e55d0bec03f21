"""GPU names said as words, the way dictation writes them: "sixteen L forty S cards", "two H one hundreds", "an MI
three hundred X". The number in words between the letters is put back in digits when the joined name is a GPU of the
catalog, before anything else reads the message: the count beside it stays a count ("sixteen"), the name a name.
"""

from __future__ import annotations

import re

from agent.offline.numbers import word_value
from knowledge.catalog import Catalog, normalize_gpu_name

_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
         r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)")
# letters, a number in words (not starting with "hundred": "a hundred users" is a count), an optional letter after
_SPOKEN = re.compile(rf"\b(?P<pre>[A-Za-z]{{1,2}})[\s-]+(?P<num>(?!hundred){_WORD}(?:[\s-]+(?:and\s+)?{_WORD}){{0,3}})"
                     r"(?:[\s-]+(?P<suf>[A-Za-z])\b)?(?P<plural>s\b)?", re.I)


def spoken_gpu_names(text: str, catalog: Catalog) -> str:
    """``text`` with each GPU name said in words written as the name ("L forty S" -> "L40S")."""
    names = catalog.gpu_names()

    def name(m: re.Match) -> str:
        value = word_value(m.group("num").lower())
        if value is None or value != int(value):
            return m.group(0)
        pre, suf = m.group("pre"), m.group("suf") or ""
        # a lower-case letter alone before a number word is mostly English ("a forty-person team"): a dictated name
        # keeps its capitals, or has a letter after the number that only a GPU name would
        if not (pre.isupper() or suf):
            return m.group(0)
        for joined, rest in ((f"{pre}{int(value)}{suf}", m.group("plural") or ""),
                             (f"{pre}{int(value)}", f" {suf}{m.group('plural') or ''}" if suf else m.group("plural") or "")):
            if normalize_gpu_name(joined) in names:
                return joined.upper() + rest
        return m.group(0)

    return _SPOKEN.sub(name, text)
