"""Structured pastes read field by field: a markdown table row ("| Users | 3,200 |"), a tab-separated row
("Avg prompt (tokens)\t1800"), a YAML or "key: value" line ("ttft_p95: 1.5s"), a JSON object and a CSV header with
its rows -> one sentence "key: value." per field, so the sentence readers see statements.

A unit that the key carries ("max_ttft_ms", "budget_usd_month", "requests/sec (peak)") goes with the value
("max ttft: 400 ms.", "budget: 5000 usd a month.", "peak: 20 requests per sec."), and a key that names people
counts them ("developers: 900" -> "900 developers."): the same words a person would have typed. JSON and CSV are
read by the standard library's parsers, a fenced YAML block by PyYAML's safe loader, never by hand.
"""

from __future__ import annotations

import csv
import json
import re
from typing import Any

import yaml

MAX_STRUCTURED_CHARS = 20_000
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_KEY_VALUE = re.compile(r"^(?P<indent>[ \t]*)(?:[-*]\s+)?(?P<key>[A-Za-z][\w .()/%-]{0,40}?)\s*[:=]\s*(?P<value>\S.*)$")
_STRUCTURED = re.compile(r"^[ \t]*\|.*\|[ \t]*$|\t|^[ \t]*[A-Za-z][\w.-]*_[\w.-]*\s*:", re.M)
# a bare number as a field's value ("8", "2,500", "1.5k", "18000"): the key says what it counts
_BARE_NUMBER = re.compile(r"^[$€£]?\s*\d[\d,.' ]*(?:\s?[kKmM])?$")
# units a key carries, as the words that follow a number in a sentence
_KEY_UNITS = (
    (re.compile(r"\b(?:requests?|reqs?|queries|calls)\s+per\s+(?:sec(?:ond)?|s|min(?:ute)?|hour|hr|day)\b|"
                r"\b(?:rps|qps|rpm)\b"), None),
    (re.compile(r"\b(?:ms|millis|milliseconds|msec)\b"), "ms"),
    (re.compile(r"\b(?:s|secs?|seconds)\b"), "s"),
    (re.compile(r"\b(?:usd|dollars|eur|euros|gbp|chf)\b"), None),
    (re.compile(r"\b(?:per\s+)?(?:month|monthly|mo)\b"), "a month"),
    (re.compile(r"\b(?:per\s+)?(?:year|yearly|annual|annually)\b"), "a year"),
)
_PEOPLE_KEY = re.compile(r"^(?:(?:number|no|count|num|#)\s+(?:of\s+)?)?(?P<noun>[a-z]+s)(?:\s+(?:count|total|number))?$")
# a key that names what its number counts (GPUs): the noun follows the number
_COUNTED_KEY = re.compile(r"\b(?:gpus?|cards?|accelerators?)\b")
# a key that lists what is not allowed: "gpus_excluded", "excluded models", "blocked_gpus", "deny list"
_EXCLUDING_KEY = re.compile(r"\b(?:exclud\w*|banned|ban|blocked|block\s*list|blacklist\w*|deny\s*list|denied|disallowed|"
                            r"forbidden|not\s+allowed|avoid)\b")
_NOT_PEOPLE_KEYS = {"gpus", "tokens", "requests", "queries", "calls", "replicas", "nodes", "models", "options", "seats_"}


def _key_words(key: str) -> str:
    key = key.replace("_", " ").replace("(", " ").replace(")", " ")
    return " ".join(re.sub(r"\s/\s|/", " per ", key).split())


def _with_unit(key: str, value: str) -> tuple[str, str]:
    """A bare number takes the unit its key names: ('max ttft ms', '400') -> ('max ttft', '400 ms')."""
    if not _BARE_NUMBER.match(value):
        return key, value
    low = key.lower()
    people = _PEOPLE_KEY.match(low)
    if people and people.group("noun") not in _NOT_PEOPLE_KEYS:
        return "", f"{value} {people.group('noun')}"  # "developers: 900" -> "900 developers"
    counted = _COUNTED_KEY.search(low)
    if counted:  # "max_gpus: 8" -> "max: 8 gpus", as a person would say it
        return " ".join((low[:counted.start()] + " " + low[counted.end():]).split()), f"{value} {counted.group(0)}"
    units = []
    for pattern, said in _KEY_UNITS:
        m = pattern.search(low)
        if m:
            units.append(said or m.group(0))
            low = (low[:m.start()] + " " + low[m.end():]).strip()
    if not units:
        return key, value
    return " ".join(low.split()), f"{value} {' '.join(units)}"


def _sentence(key: str, value: str) -> str:
    words = _key_words(key)
    if _EXCLUDING_KEY.search(words.lower()) and not _BARE_NUMBER.match(value.strip()):
        names = value.strip().rstrip(".").strip("[]{}").replace('"', "").replace("'", "")
        return f"excluding {names}."  # "gpus_excluded": ["MI300X"] -> "excluding MI300X."
    key, value = _with_unit(words, value.strip().rstrip("."))
    return f"{key}: {value}." if key else f"{value}."


def _row(line: str) -> str:
    if _TABLE_RULE.match(line):
        return ""
    if "|" in line and line.strip().startswith("|"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
    elif "\t" in line:
        cells = [c.strip() for c in line.split("\t")]
    else:
        m = _KEY_VALUE.match(line)
        if not m or len(m.group("key").split()) > 5:
            return line
        cells = [m.group("key"), m.group("value")]
    cells = [c for c in cells if c]
    if len(cells) < 2:
        return (_key_words(cells[0]) + ":") if cells else ""
    return _sentence(cells[0], ", ".join(cells[1:]))


# an amount with its period and currency in keys of their own ("budget": {"amount": 96000, "period": "year",
# "currency": "USD"}): said as one amount, "96000 USD per year", so the period is not lost to a row of its own
_AMOUNT_KEY = re.compile(r"^(?:amount|value|total|limit|max(?:imum)?|cap|sum|usd|eur|gbp)$", re.I)
_PERIOD_KEY = re.compile(r"^(?:period|per|interval|frequency|every|cadence|term)$", re.I)
_CURRENCY_KEY = re.compile(r"^(?:currency|ccy|cur)$", re.I)


def _amount_with_period(value: dict) -> tuple[str, dict] | None:
    amount = next((v for k, v in value.items() if _AMOUNT_KEY.match(str(k)) and isinstance(v, (int, float))
                   and not isinstance(v, bool)), None)
    period = next((v for k, v in value.items() if _PERIOD_KEY.match(str(k)) and isinstance(v, str)), None)
    if amount is None or period is None:
        return None
    currency = next((v for k, v in value.items() if _CURRENCY_KEY.match(str(k)) and isinstance(v, str)), "")
    rest = {k: v for k, v in value.items() if not any(p.match(str(k)) for p in (_AMOUNT_KEY, _PERIOD_KEY, _CURRENCY_KEY))}
    return f"{amount:g} {currency} per {period}".replace("  ", " "), rest


def _flatten(value: Any, key: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict) and (money := _amount_with_period(value)) is not None:
        return [(key, money[0])] + _flatten(money[1], key)
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _flatten(v, f"{key} {k}".strip())]
    if isinstance(value, list):
        return [(key, ", ".join(str(v) for v in value))]
    return [(key, "" if value is None else str(value))]


def _json_rows(text: str) -> str:
    """A JSON object in the message ('{"users": 2500, "ttft_p95_ms": 450}') as one sentence per field."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return text
    try:
        data = json.loads(text[start:end + 1])
    except ValueError:
        return text
    if not isinstance(data, dict):
        return text
    rows = [_sentence(k, v) for k, v in _flatten(data) if k and v]
    return text[:start] + "\n" + "\n".join(rows) + "\n" + text[end + 1:]


_YAML_FENCE = re.compile(r"```\s*ya?ml[ \t]*\n(?P<body>.*?)```", re.S | re.I)
_YAML_COMMENT = re.compile(r"(?:^|\s)#\s*(?P<said>[^\n]+)")
# a nested object that names a GPU and counts it ("hardware: {gpu: A100-80GB, count: 8}"): "8 A100-80GB"
_GPU_KEY = re.compile(r"^(?:gpus?|gpu[\s_-]?(?:type|model|name)|cards?|accelerators?)$", re.I)
_GPU_NAME_KEY = re.compile(r"^(?:type|model|name|kind|sku|gpus?|cards?)$", re.I)
_COUNT_KEY = re.compile(r"^(?:count|number|num|qty|quantity|n|amount|total|how[\s_-]many)$", re.I)


def _yaml_pairs(value: Any, key: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        # under a GPU key ("gpus: {type: L40S, quantity: 4}") the type, model or name is the GPU
        names = _GPU_KEY if not _GPU_KEY.match(key.split(" ")[-1] if key else "") else _GPU_NAME_KEY
        gpu = next((v for k, v in value.items() if names.match(str(k)) and isinstance(v, str)), None)
        count = next((v for k, v in value.items() if _COUNT_KEY.match(str(k)) and isinstance(v, (int, float))
                      and not isinstance(v, bool)), None)
        if gpu is not None and count is not None:
            rest = {k: v for k, v in value.items() if not (names.match(str(k)) or _COUNT_KEY.match(str(k)))}
            return [("", f"{count:g} {gpu}")] + _yaml_pairs(rest, key)
        if (money := _amount_with_period(value)) is not None:
            return [(key, money[0])] + _yaml_pairs(money[1], key)
        return [pair for k, v in value.items() for pair in _yaml_pairs(v, f"{key} {k}".strip())]
    return _flatten(value, key)


def _yaml_rows(text: str) -> str:
    """A fenced YAML block as one sentence per field (nested keys joined, a GPU with its count said as a person
    would: "8 A100-80GB"); what its comments say is kept as sentences too ("# already owned")."""
    def said(m: re.Match) -> str:
        try:
            data = yaml.safe_load(m.group("body"))
        except yaml.YAMLError:
            return m.group(0)
        if not isinstance(data, dict):
            return m.group(0)
        rows = [(_sentence(k, v) if k else f"{v}.") for k, v in _yaml_pairs(data) if v]
        rows += [c.group("said").strip().rstrip(".") + "." for c in _YAML_COMMENT.finditer(m.group("body"))]
        return "\n" + "\n".join(rows) + "\n"
    return _YAML_FENCE.sub(said, text)


_CSV_KEY = re.compile(r"^[A-Za-z][\w ./()%-]{0,40}$")


def _csv_rows(text: str) -> str:
    """A CSV header line and the rows under it ('use_case,users,budget_usd_month' / 'translation,350,5000') as one
    sentence per cell, keyed by its column."""
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        if line.count(",") < 1:
            continue
        header = next(csv.reader([line]))
        if not all(_CSV_KEY.match(h.strip()) and len(h.split()) <= 4 for h in header):
            continue
        rows = []
        for data_line in lines[i + 1:]:
            cells = next(csv.reader([data_line]), [])
            if len(cells) != len(header) or not any(_BARE_NUMBER.match(c.strip()) for c in cells):
                break
            rows.append(data_line)
        if rows:
            rows = _the_row_named(rows, "\n".join(lines[:i] + lines[i + 1 + len(rows):]))
            if len(header) == 2 and _LONG_FORM.match(header[0].strip()) and _LONG_FORM_VALUE.match(header[1].strip()):
                # a long-form table ('metric,value' / 'prompt_tokens_mean,3200'): each row names its own key
                said = [_sentence(r[0], r[1]) for r in csv.reader(rows) if r[1].strip()]
            else:
                said = [_sentence(h, c) for r in csv.reader(rows) for h, c in zip(header, r) if c.strip()]
            return "\n".join(lines[:i] + said + lines[i + 1 + len(rows):])
    return text


def _the_row_named(rows: list[str], around: str) -> list[str]:
    """Of a table of several things (services, teams, sites), the one row the words around it name by its first cell:
    "support-chat,4200,14 / email-summarize,950,8 ... only sizing email-summarize for now" keeps that row."""
    if len(rows) < 2:
        return rows
    firsts = [(next(csv.reader([r]), [""]) or [""])[0].strip() for r in rows]
    named = [r for r, key in zip(rows, firsts)
             if len(key) >= 3 and not _BARE_NUMBER.match(key) and re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", around, re.I)]
    return named if len(named) == 1 else rows


_LONG_FORM = re.compile(r"(?:metric|name|key|field|stat(?:istic)?|kpi|measure|parameter|param|item|setting)s?$", re.I)
_LONG_FORM_VALUE = re.compile(r"(?:value|val|amount|figure|number|count|result|reading)s?$", re.I)


# a table that sets how things are beside what they should be ("| metric | current (OpenAI) | target |"): the
# requirement is the target column
_NOW_COLUMN = re.compile(r"\b(?:current(?:ly)?|today|existing|old|as[\s-]is|baseline|present|now|legacy|before)\b", re.I)
_TARGET_COLUMN = re.compile(r"\b(?:target|goal|required|requirements?|new|desired|future|to[\s-]be|wanted|needed|after|"
                            r"planned|proposed)\b", re.I)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _target_columns(text: str) -> str:
    """Rows of a markdown table with a 'current' and a 'target' column keep their key and the target value only."""
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        if not (line.strip().startswith("|") and _TABLE_RULE.match(lines[i + 1])):
            continue
        header = _cells(line)
        target = next((j for j, h in enumerate(header) if j and _TARGET_COLUMN.search(h)), None)
        if target is None or not any(j and _NOW_COLUMN.search(h) for j, h in enumerate(header) if j != target):
            continue
        lines[i] = ""
        for k in range(i + 2, len(lines)):
            if not lines[k].strip().startswith("|"):
                break
            cells = _cells(lines[k])
            lines[k] = f"| {cells[0]} | {cells[target]} |" if len(cells) > target else lines[k]
    return "\n".join(lines)


# a markdown section title of a few words ("## 1. Summary", "### Background"): it names a part of the document,
# it states nothing (a title with a colon or a number in it is kept: "## Budget: $5k")
_SECTION_TITLE = re.compile(r"^[ \t]*#{1,6}[ \t]+(?:\d+(?:\.\d+)*\.?[ \t]+)?[A-Za-z][A-Za-z&/ \t-]{0,40}$", re.M)


def _without_titles(text: str) -> str:
    return _SECTION_TITLE.sub(lambda m: "" if len(m.group(0).split()) <= 5 else m.group(0), text)


# a table of statistics, one column each, aligned by spaces: "metric  mean  p50  p90  max" over
# "prompt_tokens  1,850  1,420  3,900  7,910" -> the row's mean (else its median) is what it measures
_STATS = ("mean", "avg", "average", "median", "p50", "p90", "p95", "p99", "max", "min", "std", "stddev")
_CELL_NUMBER = re.compile(r"^[$€£]?\d[\d,]*(?:\.\d+)?(?:\s?(?:ms|s|k))?$")


def _stat_columns(text: str) -> str:
    lines, cols, out = text.split("\n"), None, []
    for line in lines:
        cells = line.split()
        stats = [c.lower() for c in cells if c.lower() in _STATS]
        if len(stats) >= 2 and len(stats) >= len(cells) - 1:
            cols = stats  # the header: every cell a statistic, but perhaps the first (what the rows measure)
            out.append(line)
            continue
        if cols and len(cells) == len(cols) + 1 and all(_CELL_NUMBER.match(c) for c in cells[1:]):
            pick = next((cols.index(c) for c in ("mean", "avg", "average", "median", "p50") if c in cols), None)
            if pick is not None:
                out.append(f"{cells[0]}: {cells[1 + pick]}")
                continue
        if not cells:
            cols = None
        out.append(line)
    return "\n".join(out)


def structured_rows(text: str) -> str:
    """``text`` with the rows of a pasted table, JSON, CSV, YAML or key/value list written as one sentence each."""
    if len(text) > MAX_STRUCTURED_CHARS:
        return text
    if "\n" in text and any(w in text.lower() for w in ("mean", "avg", "average", "median", "p50")):
        text = _stat_columns(text)
    if "#" in text:
        text = _without_titles(text)
    if "```" in text:
        text = _yaml_rows(text)
    if "{" in text and "}" in text:
        text = _json_rows(text)
    if "," in text and "\n" in text:
        text = _csv_rows(text)
    if not _STRUCTURED.search(text):
        return text
    if "|" in text:
        text = _target_columns(text)
    return "\n".join(_row(line) for line in text.split("\n"))
