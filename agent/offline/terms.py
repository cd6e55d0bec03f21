"""Questions about what a word Compass prints means ("what mean "p95 TTFT"?", "what does ITL stand for", "what's a
replica"): answered with the word's meaning, one line each, without touching the spec or the plan. Only a question that is
about the words alone: "what is the TTFT of option 2?" asks about the plan, not the word."""

from __future__ import annotations

import re

# word -> (pattern, meaning); the meanings say what the figures in a plan's table are
_TERMS: dict[str, tuple[str, str]] = {
    "ttft": (r"ttft|time[\s-]to[\s-]first[\s-]token",
             "TTFT (time to first token): how long a user waits until the first words of the answer appear."),
    "itl": (r"itl|inter[\s-]?token\s+latency|tpot",
            "ITL (inter-token latency): the time between two tokens of an answer as it streams; 50 ms is about 20 "
            "tokens a second."),
    "e2e": (r"e2e|end[\s-]to[\s-]end(?:\s+latency)?",
            "E2E (end-to-end latency): the time from sending a request until the whole answer has arrived."),
    "p95": (r"p95|95th\s+percentile",
            "p95 (95th percentile): 95% of requests are at least this fast; the slowest 5% may take longer."),
    "slo": (r"slos?|service[\s-]level\s+objectives?",
            "SLO (service-level objective): a latency target the plan must meet, such as p95 TTFT under 500 ms."),
    "tp": (r"tp\d?|tensor[\s-]parallel(?:ism)?",
           "TP (tensor parallelism): one model copy split across several GPUs of a node, e.g. TP2 uses 2 GPUs per "
           "replica."),
    "replica": (r"replicas?", "Replica: one running copy of the model server; more replicas serve more requests."),
    "pareto": (r"pareto(?:[\s-]optimal)?",
               "Pareto-optimal: no other option is cheaper, faster and at least as good at the same time."),
    "kv": (r"kv(?:[\s-]cache)?", "KV cache: GPU memory that holds the context of the requests being served; it "
                                 "limits how many run at once."),
    "precision": (r"fp4|fp8|bf16|int4|int8|precision|quantiz\w+",
                  "Precision (bf16, fp8, fp4, int8, int4): how many bits each model weight uses; fewer bits need less "
                  "memory and run faster, at some cost in quality."),
    "rps": (r"req/s|rps|qps|requests\s+per\s+second", "req/s: requests per second reaching the model."),
}
_ANY = "|".join(f"(?:{p})" for p, _ in _TERMS.values())
_QUOTE = r"[\"'“”‘’`]?"
_TERM_LIST = rf"{_QUOTE}(?:the\s+)?(?:{_ANY})(?:\s*(?:,|and|&|/|or)?\s*(?:{_ANY}))*{_QUOTE}"
_QUESTION = re.compile(
    rf"^\W*(?:(?:sorry|hi|hey|ok|okay|and|also|but|please)\W+)*(?:(?:what|wat)(?:'s|s)?\s+(?:does|do|is|are|mean|means|is\s+meant\s+"
    rf"by|exactly\s+is)?\s*(?:an?\s+|the\s+)?{_TERM_LIST}\s*(?:mean|means|stand\s+for|stands\s+for|exactly)?|"
    rf"define\s+(?:an?\s+|the\s+)?{_TERM_LIST}|"
    rf"(?:meaning|definition)\s+of\s+(?:an?\s+|the\s+)?{_TERM_LIST}|{_TERM_LIST}\s*(?:=|means|stands\s+for)\s*\?)"
    r"\s*(?:please|pls)?\W*$", re.I)


def term_question(text: str) -> list[str] | None:
    """The meanings asked for, in the order their words were said; None when ``text`` is not such a question."""
    m = _QUESTION.match(text.strip())
    if m is None:
        return None
    said = m.group(0).lower()
    found = sorted((hit.start(), meaning) for pattern, meaning in _TERMS.values()
                   if (hit := re.search(rf"(?<![a-z0-9])(?:{pattern})(?![a-z])", said)))
    return [meaning for _, meaning in found] or None
