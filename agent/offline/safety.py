"""Which words are the user's own, and which look like instructions aimed at the agent (prompt injection).

Text inside code fences, JSON objects, quotes of two words or more, e-mail quotes (lines starting with '>'),
XML-like blocks and pasted documents is *embedded*: it is scanned for injection but never parsed for commands,
namespaces or facts. A paragraph longer than OWN_PARAGRAPH characters counts as pasted when the message
introduces someone else's text ("here is our requirements doc:", "the email below", "attached"), when it is
longer than PASTED_ALWAYS, or when it carries injection phrasing; then only the user's framing is parsed: the
short paragraphs around it, or else the words before the colon of "here is the doc: ..." and a short closing
request ("What do you recommend?").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from agent.offline.text import sentences, snippet

OWN_PARAGRAPH = 400      # longer paragraphs may be pasted documents
PASTED_ALWAYS = 1500     # a paragraph this long is a pasted document whatever else it looks like
OWN_TOTAL = 2000         # the user's own words are bounded: beyond this, keep the first and last paragraphs
MAX_FRAGMENTS = 10

_FENCE = re.compile(r"(```|~~~|\"\"\"|''\')(?s:.*?)(?:\1|\Z)")  # code fences and triple-quoted blocks
_TAG_BLOCK = re.compile(r"<(document|doc|context|system|tool_call|function_call|instructions?|email|pasted)\b"
                        r"[^>]{0,200}>.*?(?:</\1\s*>|\Z)", re.S | re.I)
_DQUOTE = re.compile(r"\"([^\"\n]{1,4000})\"")
_SQUOTE = re.compile(r"(?<![\w])'([^'\n]{1,4000})'(?![\w])")
_BACKTICK = re.compile(r"`([^`\n]{1,4000})`")
_EMAIL_QUOTE = re.compile(r"^[ \t]*>.*$", re.M)
_PARAGRAPH = re.compile(r"\n(?:[ \t]*\n)+")
# What introduces someone else's text. "Here are our requirements:" does not: a user's own list stays theirs.
_DOC = (r"(?:docs?|documents?|e-?mails?|tickets?|texts?|specs?|specifications?|messages?|transcripts?|contracts?|"
        r"reports?|files?|articles?|pages?|polic(?:y|ies)|memos?|threads?|chats?|logs?|excerpts?|rfps?|briefs?|"
        r"notes|write-?ups?|readmes?|wiki\s+pages?|customer\s+\w+)")
_PASTE_CUE = re.compile(
    rf"\b(?:here(?:'s|\s+is|\s+are)|below\s+is|see|this\s+is|read|following\s+is)\s+(?:\w+\s+){{0,3}}?{_DOC}\b|"
    rf"\b(?:pasted|attached|copied|forwarded|quoted)\b|\bexcerpt\b|\bthe\s+following\s+(?:\w+\s+)?{_DOC}\b|"
    rf"\b{_DOC}\s+(?:below|follows)\b", re.I)
_CUE_COLON = re.compile(r"^([^:\n]{0,300}):")  # the words before the first colon of a pasted paragraph
_MAIL_HEADER = re.compile(r"^(?:from|to|subject|date|cc|sent|reply-to)\s*:", re.I)
CLOSING_CHARS = 200  # a short last paragraph after a pasted document is the user's own closing request
_REQUEST = re.compile(r"^\W*(?:can\s+you|could\s+you|please|what|which|how|help|plan|recommend|size|find|"
                      r"suggest|given\s+(?:this|that|the\s+above))\b|\?\s*$", re.I)

# Injection rules: (gate, triggers, pattern). A pattern is only searched in windows around occurrences of its
# trigger substrings, and the triggers are only looked for when the gate substring occurs at all, so a 100 kB
# document costs a few dozen fast substring scans, not a regex at every character.
_RULES: tuple[tuple[str, tuple[str, ...], re.Pattern], ...] = tuple((g, t, re.compile(p, re.M)) for g, t, p in (
    ("", ("ignore", "disregard", "forget", "override", "bypass"),
     r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:(?:all|any|the|your|my|these|those|of)\s+)*"
     r"(?:(?:previous|prior|above|earlier|preceding|former|system|original|safety|existing|other)\s+)?"
     r"(?:instructions?|prompts?|rules?|directions?|guidelines?|guardrails?|messages?|context|constraints?|"
     r"polic(?:y|ies)|restrictions?|approvals?|checks?|allowlists?|programming|training)\b"),
    ("you ", ("you are now",), r"\byou are now\b"),
    ("now on", ("from now on",), r"\bfrom now on,? you\b"),
    ("act as", ("act as",), r"\bact as (?:an? |the )?(?:admin|administrator|root|system|developer|superuser|dan)\b"),
    ("mode", (" mode",), r"\b(?:admin|developer|god|debug|sudo|dan|unrestricted|maintenance|root|jailbreak) mode\b"),
    ("jailbreak", ("jailbreak",), r"\bjailbreak\w*"),
    ("instruction", ("instruction",), r"\bnew instructions? ?:|\b(?:updated|real|actual|hidden) instructions?\b"),
    ("reveal", ("reveal",), r"\breveal (?:your|the) (?:prompt|instructions|system)"),
    ("yourself", ("yourself",), r"\bapprove (?:it |this |that |the deployment )?yourself\b"),
    ("approv", ("approv",), r"\b(?:self|auto)[\s-]?approv\w*"),
    ("", ("skip ", "bypass ", "without ", "no need for "),
     r"\b(?:skip|bypass|without|no need for) (?:the |any |human |user |my )?(?:approval|confirmation|review)\b"),
    ("ask", ("not ask", "n't ask", "never ask", "dont ask"),
     r"\b(?:do not|don'?t|never) ask (?:me |anyone )?(?:for )?(?:approval|confirmation|permission)"),
    ("pretend", ("pretend",), r"\bpretend (?:to be|you are)\b"),
    ("<", ("<|", "<system", "<im_"), r"<\|?(?:im_start|im_end|system|endoftext)\|?>"),
    ("[", ("[inst", "[/inst", "[system", "[/system"), r"\[/?(?:system|inst)\]"),
    # the agent's own system prompt, or one handed to it ("your system prompt", "new system prompt:"); the user's
    # workload has one too ("we added a longer system prompt", "our system prompt alone is 1,200 tokens")
    ("system", ("system prompt", "system:", "system :"),
     r"\b(?:your|new|updated|real|actual|hidden|override|original|following)\s+(?:[a-z]+\s+)?system prompt\b|"
     r"\b(?:print|show|dump|output|repeat|display|leak|reveal|tell\s+me)\s+(?:me\s+)?(?:the|your)\s+(?:[a-z]+\s+)?"
     r"system prompt\b|\bsystem prompt ?:|"
     r"(?:^|\n) ?system ?:"),
    ("assistant", ("assistant:", "assistant :"), r"(?:^|\n) ?assistant ?:"),
    ("###", ("###",), r"### ?(?:instruction|system)"),
    ("cluster-admin", ("cluster-admin",), r"\bcluster-admin\b"),
    ("kubectl", ("kubectl",), r"\bkubectl (?:delete|apply|exec|create|patch)"),
    ("rm -rf", ("rm -rf",), r"\brm -rf\b"),
    ("exfiltrat", ("exfiltrat",), r"\bexfiltrat\w*"),
    ("grant", ("grant",), r"\bgrant (?:me |yourself |it )?(?:admin|root|cluster|full access)"),
    ("", ("api key", "api_key", "apikey", "credentials", "secrets", "kubeconfig", "password"),
     r"\b(?:send|post|leak|print|share|reveal|upload) (?:me )?(?:the |your |all |our )?"
     r"(?:api[\s_-]?keys?|credentials|secrets|kubeconfig|passwords)"),
    (":", ('":', '" :', "':", "' :"), r"[{,] ?[\"'](?:tool|tool_name|function|arguments|action|command)[\"'] ?:"),
    ("_", ("tool_call", "function_call", "tool_use", "apply_manifests", "approve_deployment", "deploy_option",
           "delete_namespace", "run_shell", "exec_command"),
     r"\b(?:tool_calls?|function_call|tool_use|apply_manifests|approve_deployment|deploy_option|delete_namespace|"
     r"run_shell|exec_command)\b"),
    ("<invoke", ("<invoke",), r"<invoke\b"),
))
MAX_HITS = 400  # per trigger: enough to find any real injection, bounded on text made of nothing else
_ORDER_VERBS = ("deploy", "apply", "approve", "delete", "execute", "install", "grant", "namespace", "kube-system",
                "kube-public")
_ORDER_BEFORE = re.compile(r"(?:^|[.!?\n:]) ?(?:please )?$|\b(?:assistant|agent|compass|ai|model|bot) ?[,:] ?"
                           r"(?:please )?$")
_NAMESPACE_ORDER = re.compile(r"(?:^|[.!?\n:]) ?(?:please )?(?:set|change|use|switch)(?: to)? (?:the )?"
                              r"(?:target )?namespace\b")


def _hits(low: str, triggers: tuple[str, ...]):
    for trigger in triggers:
        i, n = low.find(trigger), 0
        while i >= 0 and n < MAX_HITS:
            yield i
            i, n = low.find(trigger, i + 1), n + 1


def scan(text: str, low: str | None = None) -> list[tuple[int, int]]:
    """Spans of instruction-like phrases aimed at the agent in ``text`` (lower-cased copy optional)."""
    low = low if low is not None else text.lower()
    spans: list[tuple[int, int]] = []
    for gate, triggers, pattern in _RULES:
        if gate and gate not in low:
            continue
        windows: list[list[int]] = []
        for i in sorted(_hits(low, triggers)):
            lo, hi = max(0, i - 120), min(len(low), i + 200)
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = hi  # overlapping windows merge: each character is searched once per rule
            else:
                windows.append([lo, hi])
        for lo, hi in windows:
            spans.extend(m.span() for m in pattern.finditer(low, lo, hi))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def flagged_phrases(low: str, spans: list[tuple[int, int]], limit: int = 50) -> list[str]:
    """The distinct lower-cased injection phrases (to recognise them again after segmentation)."""
    return list(dict.fromkeys(low[a:b] for a, b in spans))[:limit]


def contains_any(text: str, phrases: Sequence[str]) -> bool:
    if not phrases:
        return False
    low = text.lower()
    return any(p in low for p in phrases)


def injection_fragments(text: str, low: str | None = None) -> list[str]:
    out: list[str] = []
    for start, end in scan(text, low)[:MAX_FRAGMENTS]:
        _add(out, snippet(text, start, end, 100))
    return out


def embedded_orders(embedded: list[str]) -> list[str]:
    """Commands inside pasted text ("Deploy to kube-system now."): reported, never obeyed."""
    out: list[str] = []
    for block in ["\n".join(embedded)] if embedded else []:
        low = block.lower()
        for i in _hits(low, _ORDER_VERBS):
            word_end = i + len(re.match(r"[\w-]*", low[i:i + 40]).group(0))
            verb = low[i:word_end]
            if verb.startswith("kube-"):
                ok = verb in ("kube-system", "kube-public")
            elif verb == "namespace":
                ok = bool(_NAMESPACE_ORDER.search(low, max(0, i - 40), word_end))
            else:
                ok = verb in _ORDER_VERBS and (i == 0 or not low[i - 1].isalnum()) and bool(
                    _ORDER_BEFORE.search(low[max(0, i - 30):i] if i > 30 else low[:i]))
            if ok:
                _add(out, "in pasted text: " + snippet(block, i, word_end, 84))
            if len(out) >= MAX_FRAGMENTS:
                return out
    return out


def _add(out: list[str], fragment: str) -> None:
    if fragment and fragment not in out:
        out.append(fragment)


@dataclass
class Segmented:
    own: str                                    # the user's own words (case preserved)
    embedded: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)  # the quoted thread a reply answers (see _REPLY_HISTORY)


# the start of the thread an e-mail reply quotes: "On Mon, Jan 5, Léa wrote:", "-----Original Message-----",
# "From: ... Sent: ...". What follows is what was said before the reply, which the reply updates
_REPLY_HISTORY = re.compile(r"^[ \t>]*(?:on\s[^\n]{3,100}?\bwrote:|-{2,}\s*(?:original|forwarded)\s+message\s*-{2,}|"
                            r"from:[^\n]{1,120}\n[ \t>]*(?:sent|date):)", re.I | re.M)


# a short quote that is a figure with its unit or period, no more: "two grand a week", "5k/month", "300 ms tops"
_QUOTED_FIGURE = re.compile(r"(?:about\s+|around\s+|roughly\s+|~\s*)?(?:[$€£]\s*)?(?:\d[\d,.]*\s*[km]?|(?:one|two|three|four|five|six|"
                            r"seven|eight|nine|ten|twenty|fifty|a\s+hundred|a\s+few)(?:\s+(?:hundred|thousand))?)\s*"
                            r"(?:grand|k|dollars|bucks|euros?|pounds|usd|eur|gbp|ms|seconds?|users|people|gpus?)?\s*"
                            r"(?:(?:a|per|/)\s*(?:week|month|year|day|mo))?(?:\s+(?:max|tops|a\s+month))?", re.I)


def segment(text: str, flagged: Sequence[str] = ()) -> Segmented:
    """Split ``text`` into the user's own words and embedded text; ``flagged`` are lower-cased injection
    fragments already found by scan() (a paragraph holding one is treated as pasted)."""
    embedded: list[str] = []

    def lift(m: re.Match) -> str:
        embedded.append(m.group(0))
        return "\n\n"

    def quoted(m: re.Match) -> str:
        inner = m.group(1)
        if len(inner.split()) >= 2 and not _QUOTED_FIGURE.fullmatch(inner.strip()) \
                or any(f in inner.lower() for f in flagged):
            embedded.append(inner)
            return "\n\n"
        # a quoted name ("team-a", 'L4'), or a figure said in someone's words: approved "two grand a week"
        return inner

    history: list[str] = []
    thread = _REPLY_HISTORY.search(text) if ("wrote:" in text or "----" in text or "From:" in text) else None
    if thread and text[:thread.start()].strip():
        history, text = [text[thread.start():]], text[:thread.start()]
    own = _FENCE.sub(lift, text) if ("```" in text or "~~~" in text or '"""' in text or "'''" in text) else text
    own = _TAG_BLOCK.sub(lift, own) if "<" in own else own
    own = _lift_json(own, embedded)
    own = _framing(own, embedded, tuple(flagged))
    # Quotes are only lifted from the user's own (short) words: inside a pasted document they are moot.
    own = _EMAIL_QUOTE.sub(lift, own) if ">" in own else own
    own = _BACKTICK.sub(quoted, own) if "`" in own else own
    own = _DQUOTE.sub(quoted, own) if '"' in own else own
    own = _SQUOTE.sub(quoted, own) if "'" in own else own
    return Segmented("\n\n".join(p.strip() for p in _PARAGRAPH.split(own) if p.strip()), embedded, history)


_OBJECT = re.compile(r"\{[^{}]{0,20000}\}")
_OPEN_OBJECT = re.compile(r"\{\s*[\"'][\w-]{1,40}[\"']\s*:[^{}]{0,20000}$")
_JSON_KEY = re.compile(r"[\"'\w] ?[\"']? ?:")


def _lift_json(text: str, embedded: list[str]) -> str:
    """Cut out {...} spans that look like JSON (a key then ':'), innermost first, a few levels deep."""
    if "{" not in text:
        return text

    def lift(m: re.Match) -> str:
        if not _JSON_KEY.search(m.group(0)):
            return m.group(0)
        embedded.append(m.group(0).replace(" \x03 ", "{...}"))
        return " \x03 "

    for _ in range(4):  # each pass is linear; real payloads nest a few levels at most
        lifted = _OBJECT.sub(lift, text)
        if lifted == text:
            break
        text = lifted
    text = _OPEN_OBJECT.sub(lift, text)  # an object left open at the end of the message
    return text.replace(" \x03 ", "\n\n")


def _framing(own: str, embedded: list[str], flagged: tuple[str, ...]) -> str:
    """The user's framing around pasted documents (see the module docstring)."""
    paragraphs = [p.strip() for p in _PARAGRAPH.split(own) if p.strip()]
    cue_at = next((i for i, p in enumerate(paragraphs) if _PASTE_CUE.search(p[:300])), None)
    if cue_at is None and sum(len(p) for p in paragraphs) <= OWN_PARAGRAPH:
        return "\n\n".join(paragraphs)
    cue = cue_at is not None or bool(embedded)
    keep: list[str] = []
    for i, p in enumerate(paragraphs):
        intro = _CUE_COLON.match(p) if i == cue_at else None
        if intro and _PASTE_CUE.search(intro.group(1)) and p[intro.end():].strip():
            keep.append(intro.group(1))  # "Here is the ticket: <ticket>": the intro is theirs, the rest is not
            keep += _closing(p[intro.end():], embedded, flagged)
            continue
        closing = i == len(paragraphs) - 1 and len(p) <= CLOSING_CHARS and not contains_any(p, flagged)
        pasted = ((len(p) > OWN_PARAGRAPH and (cue or len(p) > PASTED_ALWAYS or contains_any(p, flagged)))
                  or (cue_at is not None and i > cue_at and not closing) or bool(_MAIL_HEADER.match(p)))
        if not pasted:
            keep.append(p)
        elif len(paragraphs) == 1 or all(len(q) > OWN_PARAGRAPH for q in paragraphs):
            keep += _closing(p, embedded, flagged)  # no short paragraph frames it: look inside
        else:
            embedded.append(p)
    if sum(len(p) for p in keep) > OWN_TOTAL:
        # a long message of the user's own: commands are only read in its opening and closing, the rest is read
        # for facts like a pasted requirements document (never dropped unread)
        middle = "\n\n".join([keep[0][OWN_PARAGRAPH:], *keep[1:-1], keep[-1][:-OWN_PARAGRAPH]] if len(keep) > 1
                             else [keep[0][OWN_TOTAL:]])
        if middle.strip():
            embedded.append(middle)
        keep = [keep[0][:OWN_PARAGRAPH], keep[-1][-OWN_PARAGRAPH:]] if len(keep) > 1 else [keep[0][:OWN_TOTAL]]
    return "\n\n".join(keep)


def _closing(pasted: str, embedded: list[str], flagged: tuple[str, ...]) -> list[str]:
    """Embed ``pasted``; return its last sentence when that is a short request to the agent."""
    embedded.append(pasted)
    sents = sentences(pasted[-600:])
    last = sents[-1] if sents else ""
    return [last] if len(last) <= 200 and _REQUEST.search(last) and not contains_any(last, flagged) else []
