"""Money in other currencies, converted to US dollars with a dated rate table (said as an assumption).

The rates are month-end reference rates rounded to three significant figures; a budget is a planning bound, so a
few percent of drift does not change a recommendation, and the reply states the rate used so the user can correct
it. A currency not in the table is not guessed: the amount is not read as money.
"""

from __future__ import annotations

import re

RATES_AS_OF = "2025-06-30"
USD_PER = {"EUR": 1.17, "GBP": 1.37, "CHF": 1.26, "CAD": 0.733, "AUD": 0.655, "JPY": 0.00693, "INR": 0.0117,
           "CNY": 0.140, "SEK": 0.105, "BRL": 0.183, "MXN": 0.0533, "KRW": 0.000740, "SGD": 0.786, "HKD": 0.127,
           "NZD": 0.610, "NOK": 0.0990, "DKK": 0.157, "PLN": 0.277, "ZAR": 0.0563,
           "AED": 0.272, "SAR": 0.267}  # the dirham and the riyal are pegged to the US dollar
SYMBOLS = {"EUR": "€", "GBP": "£", "CHF": "CHF ", "CAD": "CA$", "AUD": "A$", "JPY": "¥", "INR": "₹", "CNY": "CN¥", "SEK": "SEK ",
           "BRL": "R$", "MXN": "MX$", "KRW": "₩", "SGD": "S$", "HKD": "HK$", "NZD": "NZ$", "NOK": "NOK ", "DKK": "DKK ",
           "PLN": "PLN ", "ZAR": "ZAR ", "AED": "AED ", "SAR": "SAR "}
# order matters: "R$", "HK$", "CA$" and "A$" name their currencies before a bare "$" would be read as US dollars
_CODES = (("BRL", re.compile(r"\bbrl\b|\br\$|\breais\b")), ("MXN", re.compile(r"\bmxn\b|\bmx\$|mexican\s+pesos?")),
          ("SGD", re.compile(r"\bsgd\b|\bs\$|singapore\s+dollars?")), ("HKD", re.compile(r"\bhkd\b|\bhk\$|hong\s+kong\s+dollars?")),
          ("NZD", re.compile(r"\bnzd\b|\bnz\$|new\s+zealand\s+dollars?")), ("KRW", re.compile(r"₩|\bkrw\b|\bwon\b(?!'|’)")),
          ("NOK", re.compile(r"\bnok\b|norwegian\s+kron")), ("DKK", re.compile(r"\bdkk\b|danish\s+kron")),
          ("PLN", re.compile(r"\bpln\b|złot|zł")), ("ZAR", re.compile(r"\bzar\b")),
          # a dirham or a riyal of another country is worth something else: only the UAE's and Saudi Arabia's are read
          ("AED", re.compile(r"\baed\b|\b(?:uae|emirati)\s+dirhams?\b")), ("SAR", re.compile(r"\bsar\b|\bsaudi\s+riyals?\b")),
          ("CAD", re.compile(r"\bcad\b|\bca?\$|canadian\s+dollars?")),
          ("AUD", re.compile(r"\baud\b|\bau?\$|(?:australian|aussie)\s+dollars?")),
          ("EUR", re.compile(r"€|\beur\b|\beuros?\b")), ("GBP", re.compile(r"£|\bgbp\b|\bpounds?\b|\bquid\b")),
          ("CHF", re.compile(r"\bchf\b|\bfrancs?\b")),
          ("CNY", re.compile(r"\bcny\b|\brmb\b|\byuan\b|cn¥")), ("SEK", re.compile(r"\bsek\b|\bkronor\b|\bswedish\s+kron")), ("JPY", re.compile(r"¥|\bjpy\b|\byen\b")),
          ("INR", re.compile(r"₹|\binr\b|\brupees?\b|\brs\.?(?=\s*\d|\s*\x01)")))


# currencies the rate table does not hold, by code or name ("budget TWD 300,000 a month"): never read as dollars
# (codes that are English words - try, php, pen, cop - are left out)
UNKNOWN_CURRENCY = re.compile(r"\b(?:twd|thb|idr|vnd|myr|ils|czk|huf|rub|ngn|egp|ars|clp|kes|pkr|bdt|uah|ron|isk|"
                              r"baht|ringgits?|rupiahs?|(?<!uae\s)(?<!emirati\s)dirhams?|(?<!saudi\s)riyals?|shekels?|forints?|liras?|naira|hryvnias?)\b|"
                              r"[₺₪₦₱฿₫]", re.I)


def currency_of(phrase: str) -> str:
    """The currency a money phrase is in ('USD' unless it names another)."""
    low = phrase.lower()
    return next((code for code, pattern in _CODES if pattern.search(low)), "USD")


def to_usd(value: float, code: str) -> tuple[float, str | None]:
    """(USD value, the note saying how it was converted; None for dollars)."""
    rate = USD_PER.get(code)
    if rate is None:
        return value, None
    usd = round(value * rate, 2)
    return usd, (f"{SYMBOLS[code]}{value:,.0f} at {rate:.3g} USD per {code} (rates of {RATES_AS_OF}) = "
                 f"${usd:,.0f}")
