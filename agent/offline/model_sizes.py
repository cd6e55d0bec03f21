"""Sizes of one model family said once for several models: "gpt-oss 20b and 120b", "Llama 3.1 8B or 70B",
"Qwen3 8b/32b". Each size after the first is a model of the same family, so the family words are repeated before
it ("gpt-oss 20b and gpt-oss 120b") before the model names are read.
"""

from __future__ import annotations

import re

_SIZE = r"\d{1,3}(?:\.\d)?b\b"
# the family (a name, with a version after it when there is one), the first size, then the other sizes in a list
_SIZES = re.compile(rf"(?P<family>\b[a-z][a-z0-9.-]*(?:[\s-]+v?\d+(?:\.\d+)?(?![\d.]*b\b))?)(?P<gap>[\s-]+){_SIZE}"
                    rf"(?P<rest>(?:\s*(?:,\s*(?:and|or)\s+|,|/|&|\band\b|\bor\b|\bplus\b)\s*{_SIZE})+)")
_ONE = re.compile(_SIZE)


def family_sizes(text: str) -> str:
    """``text`` with the family said again before each size of a list of sizes."""
    def _expand(m: re.Match) -> str:
        family, gap = m.group("family"), m.group("gap")
        rest = _ONE.sub(lambda s: f"{family}{gap}{s.group(0)}", m.group("rest"))
        return m.group(0)[:m.start("rest") - m.start()] + rest
    return _SIZES.sub(_expand, text) if "b" in text else text
