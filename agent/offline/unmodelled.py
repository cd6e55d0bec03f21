"""Requirements Compass does not model, named back instead of dropped: a cloud region or data residency ("only
European cloud", "data must stay in the EU") and a seasonal peak ("Black Friday is maybe 5x normal"). Each is a
remark shown with the reply, in the user's own words; the spec does not change. A table of (pattern, sentence): a new
kind of unmodelled requirement is one more row."""

from __future__ import annotations

import re

from agent.offline.currency import UNKNOWN_CURRENCY, USD_PER

_REGION_WORD = (r"(?:eu|e\.u\.|europe|european(?:\s+union)?|us|u\.s\.|american|uk|british|german|germany|french|"
                r"france|swiss|switzerland|nordic|canadian|canada|australian|australia|japan(?:ese)?|indian?|"
                r"asia(?:n)?|apac|emea|on[\s-]?shore|domestic|sovereign)")
_REGION = re.compile(
    rf"\b(?:only\s+)?{_REGION_WORD}(?:[\s-]+based)?\s+(?:cloud|clouds|regions?|data\s*cent(?:er|re)s?|hosting|"
    r"providers?|hyperscalers?)\b|"
    r"\bdata\s+(?:residency|sovereignty|locality|localisation|localization)\b|\bgdpr\b|"
    rf"\b(?:hosted|host(?:ing)?|stay|stays|kept|keep\s+(?:it|the\s+data|data)|remain|run|runs|live)\s+(?:with)?in\s+"
    rf"(?:the\s+)?{_REGION_WORD}(?![\w-])(?!\s*(?:\d|time|hours?))")
_SEASON = (r"(?:black\s+friday|cyber\s+monday|christmas|xmas|holiday\s+season|the\s+holidays|peak\s+season|"
           r"(?:big\s+)?sales?\s+(?:days?|events?|season)|tax\s+season|back[\s-]to[\s-]school|prime\s+day|singles'?\s+day|"
           r"(?:month|quarter|year)[\s-]end|end\s+of\s+(?:the\s+)?(?:month|quarter|year)|launch\s+days?|enrol(?:l)?ment\s+"
           r"(?:week|period)|exam\s+(?:week|season|period))")
_TIMES = r"(?:(\d+(?:\.\d+)?)\s*(?:x|×|times)(?![a-z\d])|(doubl|tripl|quadrupl)(?:es|ed|ing|e)\b)"
_WORD_TIMES = {"doubl": "2", "tripl": "3", "quadrupl": "4"}
_SEASONAL = re.compile(rf"\b{_SEASON}\b[^.;!?\d]{{0,40}}?{_TIMES}|{_TIMES}[^.;!?\d]{{0,40}}?\b{_SEASON}\b")

# an amount in a currency the rate table does not hold (currency.py): named back, not read as dollars
_UNHELD_MONEY = re.compile(rf"\d[\d,.\s]*\s*(?:k\s*)?(?:{UNKNOWN_CURRENCY.pattern})|(?:{UNKNOWN_CURRENCY.pattern})\s*\d[\d,.]*(?:\s*k\b)?",
                           re.I)

SEASONAL_PEAK = "A seasonal peak"  # the remark's opening: dropped where the message's own rate sizes that day (its peak)
_TABLE: tuple[tuple[re.Pattern, str], ...] = (
    (_REGION, "A cloud region or data residency (\"{said}\") is not something I can plan for: my GPU prices are "
              "the median of providers wherever they run, so check that your provider offers the GPU there."),
    (_UNHELD_MONEY, "An amount in a currency my rate table does not hold (\"{said}\") was not read as money; say it "
                    f"in US dollars or one of {', '.join(sorted(USD_PER))} if it is a budget."),
    (_SEASONAL, SEASONAL_PEAK + " (\"{said}\") is not in the plan, which is sized for a normal day; ask \"what if "
                "traffic is {n}x\" to see that day's fleet and cost."),
)


def unmodelled(orig: str, low: str) -> list[str]:
    """The remarks for what ``low`` asks that is not modelled (``orig``: the same text as written, for the quote)."""
    out = []
    for pattern, sentence in _TABLE:
        m = pattern.search(low)
        if m is None:
            continue
        said = " ".join(orig[m.start():m.end()].split()) if len(orig) == len(low) else m.group(0)
        n = _WORD_TIMES.get(n, n) if (n := next((g for g in m.groups() if g), "")) else ""
        out.append(sentence.format(said=said, n=f"{float(n):g}" if n else ""))
    return out
