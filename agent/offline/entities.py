"""GPU and model mentions resolved against the catalog, with their polarity ("only L4s" vs "no H100s").

Model families: a family word alone ("use Qwen", "prefer Llama", "not Mixtral") names every catalog model of
that family; extra words narrow it ("Llama 3.1" -> the three 3.1 models, "Llama 3.1 8B" -> one). Derivatives
built on another family (DeepSeek-R1-Distill-Llama, Llama-3.1-Nemotron) are only included when named, except
in exclusions, where the broad reading is the safe one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from knowledge.catalog import Catalog, UnknownNameError, normalize_gpu_name

_VARIANT = r"(?:sxm\d?|pcie|nvl|\d{2,3}\s?gb|hbm3e?)"
# the variant may stand before the card ("PCIe H100s", "80GB A100"); groups: 1 core, 2 variant after, 3 plural,
# "pre" variant before
_GPU = re.compile(
    r"(?:(?<![a-z0-9§¤])|(?<=\dx))(?:nvidia[\s-]+(?:tesla[\s-]+)?|amd[\s-]+(?:instinct[\s-]+)?)?"
    rf"(?:(?P<pre>{_VARIANT})[\s_-]+)?"
    rf"((?:gh|gb|mi|rtx\s?|[abhltv])\d{{1,4}}[a-z]?)((?:[\s_-]?{_VARIANT})*)(s?)(?![a-z0-9])")
# a card named by its variant alone, after the card was named before ("include the PCIe one again", "the 80GB
# version"): the one catalog GPU whose name carries that variant
_VARIANT_ONLY = re.compile(rf"\b(?:the|that|those)\s+(?P<variant>{_VARIANT})\s+(?:one|ones|version|variant|model|"
                           r"cards?|gpus?|flavou?r)\b")
_VARIANT_OF = re.compile(r"^\s+(?:of|for)\s+(?:the\s+|an?\s+|our\s+)?$")
# ... or said of the family after it: "the A100 are the 40GB version"
_IS_VARIANT = re.compile(r"^\s*(?:s\s+)?(?:are|is|'re|were|was)\s+(?:all\s+|actually\s+|really\s+)?$")
_HF_ID = re.compile(r"(?<![\w/.-])([a-z0-9][\w.-]*/[a-z0-9][\w.-]*)")
_MODEL_TOKEN = (r"(?:\d{1,3}(?:\.\d{1,2})?(?:b|e|x\d{1,3}b)?|[a-z]\d{1,2}(?:\.\d{1,2})?b?)(?![a-z0-9])|"
                r"(?:coder|scout|maverick|small|air|distill|instruct|it|chat|nemotron|oss|zero|base|hf|llama)\b")
_IGNORABLE = {"instruct", "it", "chat", "hf", "base"}
_QUALIFIERS = {"distill"}  # derivative markers: "DeepSeek R1" is not the R1 distill unless said
_EXTRA_KEYWORDS = {"gpt-oss": r"gpt[\s-]?oss"}
# Providers for "no Chinese models" (an enterprise policy phrase common enough to support).
_CHINESE_PROVIDERS = {"alibaba", "deepseek", "moonshot ai", "minimax", "z.ai", "zhipu ai"}

NOT_JUST = r"\bnot\s+(?:just|only|merely|solely|exclusively|limited\s+to)\s+(?:on\s+)?(?:the\s+)?(?:\w+\s+)?$"
_NEG_BEFORE = re.compile(
    r"(?:\b(?:no|not|nothing|none|avoid|avoiding|without|except|excluding|exclude|never|ban|banned|skip|nor|"
    # what one cannot or will not do with a thing: "our ops can't support AMD", "we don't run Hopper", "unable to
    # host MI300X", "we won't touch Qwen"
    r"(?:not|n'?t)\s+(?:set\s+up|equipped|ready|able)\s+(?:for|to\s+(?:run|use|support|host))|"
    r"(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to|not\s+able\s+to|don'?t|do\s+not|doesn'?t|does\s+not|won'?t|"
    r"will\s+not)\s+(?:really\s+|currently\s+|easily\s+|even\s+)?(?:want|use|like|have|need|get|buy|rent|access|run|"
    r"support|operate|host|maintain|manage|handle|afford|procure|source|touch|trust|allow|approve|accept|go\s+with|"
    r"sign\s+off\s+on|sign\s+for|green[\s-]?light|budget\s+for|pay\s+for|suggest|recommend|propose|offer|include|"
    r"consider|pick|show\s+(?:me|us)|bother\s+with|look\s+at|"
    r"work\s+with|deal\s+with|put\s+(?:us|it|this|that|them|anything)(?:\s+(?:new|else|more))?\s+on)|no\s+access\s+to|"
    r"rather\s+than|instead\s+of|other\s+than|stay\s+away\s+from|(?:anything|everything|all|any\s+\w+)\s+but|"
    r"apart\s+from|besides|not\s+on|no\s+more|"
    # a rule against it: "compliance forbids DeepSeek-R1", "policy prohibits Qwen", "we are not permitted to use X"
    r"forbids?|forbade|forbidden|prohibits?|prohibited|bans|bars|barred|blocks|blocked|blacklist(?:s|ed)?|"
    # an objection raised against it: "legal flagged the Llama license", "security raised concerns about DeepSeek"
    r"flag(?:s|ged)|objected\s+to|objects?\s+to|nixed|rejected|rejects|ruled\s+out|"
    r"(?:raised|raises|has|have|had)\s+(?:legal\s+|serious\s+|some\s+)?(?:concerns?|issues?|problems?|objections?|red\s+flags?)\s+"
    r"(?:about|over|with|on|regarding)|"
    r"vetoe?[sd]|embargoed|(?:has|have|had)(?:\s+not|n'?t)\s+(?:yet\s+)?(?:cleared|approved|signed\s+off\s+on|allowed|vetted)|"
    r"(?:not|n'?t)\s+(?:be\s+)?(?:permitted|allowed|authori[sz]ed|approved|cleared)\s+to|"
    r"(?:must|may|can|should|shall)(?:\s+not|n'?t)|mustn'?t)\b)"
    # the things named in brackets after what was ruled out: "don't put us on the 24 GB cards (L4/A10G)"
    # or given as examples of what was ruled out: "we do not want old GPUs like A10G or L4"
    r"(?:(?:\s+[a-z]+(?:'s)?){0,2}(?:\s*,?\s+(?:like|such\s+as|e\.g\.|say|including)(?:\s+(?:the|an?|our))?(?:\s+[\w-]+\s*(?:,|or|and|/))?)?\s*|"
    r"(?:\s+[a-z0-9]+){0,4}\s*\(\s*(?:[\w-]+\s*[/,]\s*)*)$")
_NEG_AFTER = re.compile(
    # (after the brackets that named them, or said of them: "(A100s, A10Gs) is being ...", "H200 that's unavailable")
    r"^\s*[)\]]?\s*(?:(?:that|which)(?:'s|\s+is|\s+are)\s+)?(?:(?:models?|gpus?|cards?|nodes?|servers?|boxes)\s+)?(?:(?:are|is|were)\s+(?:also\s+|too\s+|definitely\s+|"
    r"totally\s+|completely\s+|simply\s+)?)?(?:not\s+(?:allowed|available|an\s+option|"
    r"possible|ok|okay|supported)|out\b|off[\s-]the[\s-]table|too\s+(?:expensive|big|large|slow|costly|pricey|hard\s+to\s+"
    r"(?:get|find|source|buy|procure)|scarce)|(?:(?:is|are)n'?t|(?:is|are)\s+not)\s+(?:supported|available|allowed|an\s+option|"
    r"possible|approved|something\s+we\s+(?:can|could)\s+\w+)|unsupported|impossible\s+to\s+(?:get|find|source)|"
    r"unavailable|excluded|banned|forbidden|"
    # hardware on its way out: "the 8 A100s in Dublin are being decommissioned", "our T4s are end-of-life"
    # ("the A10G (g5) fleet gets decommissioned at the end of March")
    r"(?:[\w()-]+\s+){0,3}?(?:(?:(?:are|is)\s+(?:being\s+|to\s+be\s+|getting\s+|going\s+to\s+be\s+)?|gets?\s+|will\s+be\s+)"
    r"(?:decommissioned|retired|phased\s+out|end[\s-]of[\s-]life)|(?:are|is)\s+going\s+away)|"
    # a licence turned down: "the Llama Community License and said no"
    r"(?:(?:community\s+)?licen[cs]es?\s+)(?:[\w-]+\s+){0,2}?(?:and\s+)?(?:said|says|came\s+back\s+with\s+a)\s+(?:a\s+)?no\b|"
    # what the team had and lost: "the H100 quota went away", "our A100 reservation expired"
    r"(?:(?:quota|capacity|reservation|allocation|access|credits?)\s+)?(?:(?:has|have|had)\s+)?(?:went\s+away|gone\s+away|"
    r"(?:is|are|was|were)\s+gone|expired|ran\s+out|(?:is|are|was|were)\s+(?:pulled|revoked|cancell?ed|withdrawn)|"
    r"(?:is|are)\s+no\s+longer\s+(?:available|an\s+option)|fell\s+through|(?:did\s+not|didn'?t)\s+come\s+through|"
    r"(?:was|were|got)\s+(?:denied|rejected|refused|declined|turned\s+down))|"
    # an offer turned down: "L40S was the quote we turned down", "the MI300X were the option we passed on"
    r"(?:was|were)\s+(?:the|a|an|just\s+(?:the|a|an))\s+(?:[\w-]+\s+){0,3}?(?:(?:that|which)\s+)?(?:we|they|finance|it|"
    r"procurement)\s+(?:turned\s+down|rejected|declined|passed\s+on|said\s+no\s+to)|"
    r"a\s+no[\s-]go|off[\s-]limits|out\s+of\s+(?:the\s+)?(?:question|budget)|"
    # tried and judged: "we benchmarked H100 PCIe at our old vendor and hated it"
    r"(?:[\w']+\s+){0,5}?(?:and\s+)?(?:hated|disliked|regretted|got\s+burned\s+by|were\s+burned\s+by|"
    r"(?:were|was)\s+(?:really\s+|very\s+)?(?:disappointed|unhappy)\s+with)\s+(?:it|them)\b|"
    # what the team cannot get, said after it: "it's just the H200 we can't get", "the B200s that we cannot source"
    r"(?:that\s+|which\s+)?(?:we|i)\s+(?:just\s+|still\s+|really\s+)?(?:can'?t|cannot|can\s+not|couldn'?t|won'?t|"
    r"don'?t|do\s+not)\s+(?:get|use|buy|rent|afford|source|procure|have|run|access)\b|"
    # left off the list the organisation buys from: "AMD is not on our approved hardware supplier list"
    r"(?:(?:is|are)n'?t|(?:is|are)\s+not)\s+(?:on|in|among|part\s+of)\s+(?:our|the)\s+(?:[\w-]+\s+){0,3}?(?:approved|"
    r"allowed|permitted|whitelist\w*|accepted|preferred)\b)")
# a line of a pasted policy or table that lists what is ruled out: "Not approved:  AMD Instinct (any generation); NVIDIA
# A10G", "Excluded: Qwen, DeepSeek"
_NEG_LABEL = re.compile(r"[ \t]*(?:[-*•][ \t]*)?(?:not[ \t]+(?:approved|allowed|permitted|supported|ok)|excluded|banned|forbidden|"
                        r"disallowed|blocked|prohibited|denied|blacklist(?:ed)?|deny[ \t]*list)[ \t]*[:=]", re.I)
# verbs of taking a thing off a list: "leave out A10G", "drop the L4", "rule out MI300X", "get rid of T4s"; what they
# take off may be a restriction on the thing instead ("drop the H100 exclusion", "remove the L4 limit"): no negation
_REMOVE_BEFORE = re.compile(r"\b(?:leav(?:e|ing)\s+out|(?:drop|dropp|remov|omitt?|disallow)(?:e|es|ed|ing|s)?|omit|"
                            r"rul(?:e|ing)\s+out|tak(?:e|ing)\s+out|cross(?:ing)?\s+(?:out|off)|get\s+rid\s+of|minus)\b"
                            r"(?:\s+[a-z]+){0,2}\s*$")
_RESTRICTION_AFTER = re.compile(r"^\s*(?:(?:gpus?|cards?|models?)\s+)?(?:exclusions?|restrictions?|bans?|limits?|limitations?|"
                                r"requirements?|filters?|rules?|constraints?|preferences?|pins?|only)\b")
# a negation of all but it is an "only": "we can't support anything but NVIDIA", "nothing but L4s", "we don't have
# anything except A100s"
_ONLY_BY_NEGATION = re.compile(
    r"(?:\b(?:can'?t|cannot|don'?t|doesn'?t|won'?t|not|never|unable\s+to)\s+(?:\w+\s+){0,3}?(?:anything|any\s+\w+|"
    r"other\s+\w+)|\bnothing|\bno\s+(?:other\s+)?(?:gpus?|cards?|models?|hardware))\s+(?:but|except|other\s+than|besides|apart\s+from|"
    r"beyond)\s+(?:the\s+|our\s+)?(?:\w+\s+)?$")
# "not more than 4 H100s" limits; "not just the A100s" widens: neither negates what it names
_LIMIT_BEFORE = re.compile(r"\b(?:no|not)\s+more\s+than\s+\S*\s*$|" + NOT_JUST)
_OWN_ONLY = re.compile(r"\s*(?:(?:gpus?|cards?|hardware|models?)\s+)?only\b")
_GROUP_GAP = re.compile(r"^\s*(?:(?:,|/|&|\+|and|or|nor|\(|:|,\s*(?:and|or))\s*)?(?:the\s+)?$")
# "but" after "anything"/"any GPU" is "except" ("anything but H100s"), not a clause boundary
_BOUNDARY = re.compile(r"[.;!?,]|(?<!anything\s)(?<!everything\s)(?<!\ball\s)(?<!gpu\s)(?<!gpus\s)(?<!card\s)"
                       r"(?<!cards\s)(?<!model\s)(?<!models\s)\bbut\b|\bhowever\b|\bwhile\b|\bwhereas\b")
# Someone else's hardware or model, not a requirement: "our competitor runs on H100s", "the vendor's demo used
# Llama 3 70B", "other teams have A100s"
_THIRD_PARTY = re.compile(
    r"\b(?:competitors?|competition|rivals?|another\s+(?:team|company|firm|department|vendor|group)|other\s+(?:teams?|"
    r"companies|firms|departments|people|folks|vendors|groups)|(?:the|a|that|this|one)\s+(?:vendor|blog(?:\s+post)?|"
    r"article|paper|benchmark|post|video|startup|demo|leaderboard)|everyone\s+else|everybody\s+else|most\s+"
    r"(?:people|companies|teams|others|firms)|(?:the|a)\s+(?:[\w-]+\s+){1,2}(?:team|department|group|division|lab|"
    r"unit)s?)(?:'s|s')?\s+(?:[\w']+\s+){0,4}?(?:runs?|running|ran|uses?|using|used|is\s+on|are\s+on|was\s+on|"
    r"were\s+on|deployed|deploys|chose|picked|went\s+with|bought|buys|has|have|had|owns?|trained|benchmarked|"
    r"tested|recommends?|recommended)\b(?:\s+(?!(?:we|our|us|i|ours)\b)\S+){0,5}?\s*$")
# "32 " before a GPU: with someone else's GPUs, their count is not ours either
_COUNT_BEFORE = re.compile(r"\d[\d,.]*\s*(?:x\s*)?$")


def someone_elses(text: str, start: int) -> bool:
    """The mention at ``start`` is what someone else runs or uses (a competitor, a vendor's demo, another team)."""
    head = text[max(0, start - 100):start]
    cut = max((b.end() for b in _BOUNDARY.finditer(head)), default=0)
    return bool(_THIRD_PARTY.search(head[cut:]))


def with_count(text: str, start: int) -> int:
    """Where a mention starts, counting the number said in front of it ("32 H100s")."""
    m = _COUNT_BEFORE.search(text[max(0, start - 20):start])
    return start - (len(m.group(0)) if m else 0)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    names: tuple[str, ...]
    positive: bool = True
    broad: tuple[str, ...] = ()        # the wider reading, used when the mention is excluded
    precision: str | None = None       # set when a quantized variant's hub id was named
    family: bool = False               # a family or vendor said alone ("Blackwell"), not a list made with it


@dataclass(frozen=True)
class _Index:
    tokens: dict[str, frozenset[str]]       # model id -> name tokens
    family: dict[str, str]                  # model id -> family
    provider: dict[str, str]
    keyword_re: re.Pattern                  # family keywords followed by version/size words
    keyword_family: dict[str, str]          # keyword -> family prefix
    orgs: frozenset[str] = frozenset()      # hub organisations of the catalog's models ("meta-llama", "qwen")


def model_tokens(name: str) -> set[str]:
    name = name.lower().split("/")[-1]
    name = re.sub(r"([a-z])(\d)", r"\1 \2", name) if re.match(r"(?:qwen|smollm|llama|gemma|phi)\d", name) else name
    name = re.sub(r"^(qwen|smollm|llama|gemma|phi)(\d)", r"\1 \2", name)
    return {t for t in re.split(r"[\s\-_/()]+", name) if t}


def _index(catalog: Catalog) -> _Index:
    cached = catalog._cache.get("offline_parser_index")  # the catalog's own memo slot (immutable snapshot)
    if cached is not None:
        return cached
    tokens, family, provider, keywords = {}, {}, {}, {}
    for m in catalog.models:
        toks: set[str] = set()
        for n in (m.id, m.name, *m.aliases):
            toks |= model_tokens(n)
        tokens[m.id], family[m.id], provider[m.id] = frozenset(toks), m.family.lower(), m.provider.lower()
        head = re.match(r"[a-z]+", m.family.lower())
        if head:
            keywords.setdefault(head.group(0), head.group(0))
    for kw, pattern in _EXTRA_KEYWORDS.items():
        if any(f.startswith(kw) for f in family.values()):
            keywords[pattern] = kw
    keywords.pop("gpt", None)
    alternation = "|".join(sorted((k if k in _EXTRA_KEYWORDS.values() else re.escape(k) for k in keywords),
                                  key=len, reverse=True))
    keyword_re = re.compile(rf"(?<![a-z0-9])({alternation})(?![a-z])((?:[\s\-_/.:]*(?:{_MODEL_TOKEN})){{0,8}})")
    orgs = frozenset(n.lower().split("/")[0] for m in catalog.models
                     for n in (m.id, *m.aliases, *(v.hf_id for v in m.variants)) if "/" in n)
    index = _Index(tokens, family, provider, keyword_re, {k: v for k, v in keywords.items()}, orgs)
    catalog._cache["offline_parser_index"] = index
    return index


_GROUP = re.compile(r"\b(nvidia|amd|blackwell|hopper|ampere|ada\s+lovelace|lovelace|cdna\s*3|instinct)\b"
                    r"(?:[\s-]+(?:gpus?|cards?|stuff|ones|hardware|generation|gen|chips?|accelerators?|family))?")


# words before a family name that make it a list of its own ("or anything Blackwell", "no Hopper"): without them, a
# family named after one of its cards speaks of that card
_EXPLAINS = re.compile(r"\b(?:any|anything|all|every|other|or|and|also|plus|no|not|nothing|non|except|without|exclude\w*|"
                       r"avoid|besides|only)\b[\s-]*(?:\w+[\s-]+)?$")


# a form factor names the cards built in it: "the chassis only take PCIe cards", "no SXM or OAM baseboards"
_FORM = re.compile(r"\b(pcie|sxm\d?|oam)(?=(?:\s+or\s+(?:pcie|sxm\d?|oam))?\s*(?:[\s-]+(?:gpus?|cards?|baseboards?|boards?|modules?|"
                   r"form[\s-]factors?|slots?|versions?|variants?|parts)\b|\s+only\b))")


def _form_factor(catalog: Catalog, word: str) -> tuple[str, ...]:
    """The cards of a form factor, by how they connect: PCIe cards, or modules on a baseboard (SXM, OAM)."""
    pcie = word == "pcie"
    return tuple(g.name for g in catalog.gpus if g.interconnect.lower().startswith("pcie") == pcie)


_MEMORY_BEFORE = re.compile(r"\b(\d{2,3})\s*-?\s*(?:gb|gib|gigs?|g)\b\s*(?:of\s+(?:memory|vram|hbm\w*)\s+)?$")


def _group(catalog: Catalog, word: str) -> tuple[str, ...]:
    word = re.sub(r"\s+", " ", word)
    key = {"ada lovelace": "ada", "lovelace": "ada", "cdna 3": "cdna3", "instinct": "amd"}.get(word, word)
    return tuple(g.name for g in catalog.gpus if g.vendor == key or g.family == key)


def find_gpus(text: str, catalog: Catalog) -> list[Mention]:
    names = catalog.gpu_names()
    out = []
    for m in _GPU.finditer(text):
        core, suffix, plural = m.group(2), m.group(3), m.group(4)
        pre = m.group("pre") or ""
        candidates = (core + pre, core.rstrip("s") + pre, core + suffix + plural, core + suffix, core + plural, core,
                      core.rstrip("s"))
        for candidate in candidates[0 if pre else 2:]:
            key = normalize_gpu_name(candidate)
            if key in names:
                broad = _gpu_family(catalog, names[key], candidate) if not (suffix.strip() or pre) else ()
                out.append(Mention(m.start(), m.end(), (names[key],), broad=broad))
                break
    for m in _VARIANT_ONLY.finditer(text):
        variant = normalize_gpu_name(m.group("variant"))
        cards = [g.name for g in catalog.gpus if variant in normalize_gpu_name(g.name)]
        # "the PCIe variant of the H100": the variant of the family named after it, one mention
        family = next((x for x in out if x.broad and (_VARIANT_OF.match(text[m.end():x.start])
                                                      or _IS_VARIANT.match(text[x.end:m.start()]))), None)
        if family is not None:
            cards = [c for c in family.broad if variant in normalize_gpu_name(c)] or cards
            if len(cards) == 1:
                out.remove(family)
                out.append(Mention(min(m.start(), family.start), max(m.end(), family.end), (cards[0],)))
                continue
        if len(cards) == 1:
            out.append(Mention(m.start(), m.end(), (cards[0],)))
    taken = [(x.start, x.end) for x in out]
    for m in _GROUP.finditer(text):  # "no AMD", "NVIDIA only", "nothing Blackwell", "the old Ampere stuff"
        if any(a <= m.start() < b or m.start() <= a < m.end() for a, b in taken):
            continue
        if m.group(1) in ("nvidia", "amd") and _GPU.match(text, m.end() + 1 if m.end() < len(text) else m.end()):
            continue  # "NVIDIA H100": the card itself was named
        members = _group(catalog, m.group(1))
        if (size := _MEMORY_BEFORE.search(text, max(0, m.start() - 30), m.start())) is not None:
            # "the 141-gig Hopper cards": the family's card of that memory
            sized = tuple(g for g in members if abs(catalog.gpu(g).memory_gib - int(size.group(1))) <= 0.06 * int(size.group(1)))
            members = sized or members
        if members and _EXPLAINS.search(text[max(0, m.start() - 24):m.start()]) is None and any(
                set(x.names) <= set(members) for x in out if x.start < m.start()):
            continue  # "an HGX B200 ... since Blackwell does FP4": the family of the card named, said of it
        if members:
            alone = _EXPLAINS.search(text[max(0, m.start() - 24):m.start()]) is None
            out.append(Mention(m.start(), m.end(), members, family=alone))
    for m in _FORM.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            out.append(Mention(m.start(), m.end(), _form_factor(catalog, m.group(1))))
    return sorted(out, key=lambda x: x.start)


def _gpu_family(catalog: Catalog, canonical: str, said: str) -> tuple[str, ...]:
    """A bare family name ("H100", "A100") names every variant of it: "no H100s" excludes SXM and PCIe alike,
    while "we have H100s" keeps the one card the family name is an alias of."""
    members = _families(catalog).get(normalize_gpu_name(said), [])
    return tuple(dict.fromkeys([canonical, *members])) if len(members) > 1 else ()


_FAMILIES: dict[int, tuple[Any, dict[str, list[str]]]] = {}


def _families(catalog: Catalog) -> dict[str, list[str]]:
    """GPU family name -> its cards, once per catalog (a long message names a family thousands of times)."""
    cached = _FAMILIES.get(id(catalog))
    if cached is None or cached[0] is not catalog:
        families: dict[str, list[str]] = {}
        for g in catalog.gpus:
            families.setdefault(normalize_gpu_name(g.name.split("-")[0]), []).append(g.name)
        cached = _FAMILIES[id(catalog)] = (catalog, families)
    return cached[1]


# a release said after a model's name, by its year-and-month number: "Mistral Small 24B, the 2501 release"
_RELEASE = re.compile(r"[\s,(-]*(?:the\s+|version\s+|v)?(2[2-9](?:0[1-9]|1[0-2]))\b(?:\s+(?:release|version|build|drop|one))?")


def find_models(text: str, catalog: Catalog) -> tuple[list[Mention], list[Mention]]:
    """(model mentions, "Chinese models" policy mentions); hub ids like 'Qwen/Qwen3-8B-AWQ' resolve exactly."""
    idx = _index(catalog)
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for m in _HF_ID.finditer(text):
        if m.group(1).split("/")[0] not in idx.orgs:
            continue  # "v1.0/draft", "24/7": not a hub id (and an unknown name costs a fuzzy search)
        try:
            resolved = catalog.resolve_model(m.group(1).rstrip("."))
            precision = resolved.precision.value if resolved.precision else None
            out.append(Mention(m.start(), m.end(), (resolved.card.id,), precision=precision))
            taken.append(m.span())
        except UnknownNameError:
            continue
    for m in idx.keyword_re.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        ids, broad = _match_family(idx, m.group(1), m.group(2))
        release = _RELEASE.match(text, m.end()) if len(ids) > 1 else None
        if release and (picked := tuple(i for i in ids if release.group(1) in i)):
            ids, broad = picked, ()  # "Mistral Small 24B, the 2501 release": the one of that release
        if ids:
            out.append(Mention(m.start(), m.end(), ids, broad=broad))
    for m in _SIZE_ONLY.finditer(text):  # "make it 70B", "a 32B instead": the catalog's models of that size
        if any(x.start < m.end() and m.start() < x.end for x in out) or _NOT_A_SIZE.match(text, m.end()):
            continue
        said = next(g for g in m.groups() if g is not None)
        size = said.rstrip("0").rstrip(".") if "." in said else said
        ids = tuple(mid for mid, toks in idx.tokens.items() if f"{size}b" in toks and not toks & _QUALIFIERS)
        if ids:
            out.append(Mention(m.start(m.lastindex or 0), m.end(), ids))
    chinese = [Mention(m.start(), m.end(), tuple(i for i, p in idx.provider.items() if p in _CHINESE_PROVIDERS))
               for m in re.finditer(r"\b(?:non-)?chinese(?:[\s-]+(?:made|built|origin))?(?:\s+(?:models?|llms?|"
                                    r"vendors?|providers?|labs?))?|"
                                    # "models from developers headquartered in the People's Republic of China"
                                    r"\b(?:models?|llms?|weights)\s+(?:from|by|of|made\s+by|built\s+by)\s+(?:[\w-]+\s+){0,3}?"
                                    r"(?:headquartered|based|made|built|developed|domiciled)\s+in\s+(?:the\s+)?(?:people'?s\s+"
                                    r"republic\s+of\s+china|prc|mainland\s+china|china)\b|\b(?:prc|china)[\s-](?:based|"
                                    r"headquartered|origin)\s+(?:models?|llms?|vendors?|labs?|developers?)", text)]
    # a model maker named as such ("nothing from Meta", "no Alibaba models", "models by Google"): all of its models
    # (a mention, read with its polarity like a model's: "Mistral models only" allows them)
    for m in _PROVIDER.finditer(text):
        maker = _PROVIDER_ALIASES.get(m.group("p1") or m.group("p2"))
        ids = tuple(i for i, p in idx.provider.items() if p == maker)
        start = m.start("p1") if m.group("p1") else m.start()  # "nothing from Meta": the negation stays before it
        if ids and not any(x.start < m.end() and start < x.end for x in out):
            out.append(Mention(start, m.end(), ids))
    return sorted(out, key=lambda x: x.start), [c for c in chinese if c.names]


# A model named by its size alone ("make it 70B", "try a 32B", "the 8B one"): a size is never a count or a rate. Only
# where a model is meant: after words that name or pick one, or before a word for a model; "1.5B tokens a month",
# "2B requests" are volumes
_SIZE = r"(\d{1,3}(?:\.\d)?)\s?b\b"
_MODEL_WORD = r"[\s-]*(?:model|llm|one|version|variant|class|param\w*|parameters?|instead|size|sized|instruct)\b"
_SIZE_ONLY = re.compile(
    rf"\b(?:it|a|an|the|to|use|try|with|pick|take|want|need|prefer|switch\s+to|go\s+with)\s+(?:~\s*)?"
    rf"(?:(?:bigger|smaller|larger|single|dense|quantized|open|local)\s+)?{_SIZE}(?:{_MODEL_WORD})?|"
    rf"(?:^|(?<=[,;:(.!?]))\s*{_SIZE}(?:{_MODEL_WORD})?|(?<![\w.$€£,-]){_SIZE}{_MODEL_WORD}")
# after the size, words that make it a volume, not a model
_NOT_A_SIZE = re.compile(r"[\s-]*(?:tokens?|requests?|reqs?|calls?|queries|users?|words?|rows?|records?|documents?|"
                         r"pages?|visits?|messages?|events?|images?|dollars?|usd|eur|a\s+(?:month|year|day)|per\b|/)")


_PROVIDER_ALIASES = {"meta": "meta", "facebook": "meta", "alibaba": "alibaba", "google": "google",
                     "microsoft": "microsoft", "mistral": "mistral ai", "mistral ai": "mistral ai", "openai": "openai",
                     "ibm": "ibm", "deepseek": "deepseek", "nvidia": "nvidia", "moonshot": "moonshot ai",
                     "moonshot ai": "moonshot ai", "minimax": "minimax", "zhipu": "z.ai", "z.ai": "z.ai"}
_MAKER = r"(?:meta|facebook|alibaba|google|microsoft|mistral(?:\s+ai)?|openai|ibm|deepseek|nvidia|moonshot(?:\s+ai)?|minimax|zhipu|z\.ai)"
_PROVIDER = re.compile(rf"\b(?:models?|llms?|anything|nothing|everything|something|weights|ones?)\s+(?:\w+\s+)?"
                       rf"(?:from|by|made\s+by|built\s+by|trained\s+by)\s+(?P<p1>{_MAKER})\b|"
                       rf"\b(?P<p2>{_MAKER})(?:'s)?\s+(?:models?|llms?|weights|family)\b")


def _match_family(idx: _Index, keyword: str, tail: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    family = next((fam for pat, fam in idx.keyword_family.items() if re.fullmatch(pat, keyword)), keyword)
    wanted = {w.strip(".:") for w in model_tokens(keyword) | model_tokens(tail)} - _IGNORABLE - {""}
    # a major version names its minor versions ("Llama 3 70B" is Llama 3.1 or 3.3 70B)
    # "a22b" said as one word is the catalog's "a" "22b" (its names are split where letters meet digits)
    hits = [mid for mid, toks in idx.tokens.items()
            # a size said without its "b" after the name ("gpt oss 120", "llama 3.3 70"): versions are smaller
            if all(w in toks or (w.isdigit() and any(t.startswith(w + ".") for t in toks))
                   or (w.isdigit() and int(w) >= 7 and f"{w}b" in toks)
                   or set(re.sub(r"([a-z])(\d)", r"\1 \2", w).split()) <= toks for w in wanted)]
    same_family = [mid for mid in hits if idx.family[mid].startswith(family)]
    hits = same_family or hits
    plain = [mid for mid in hits if not (model_tokens(idx.family[mid]) & _QUALIFIERS - wanted)]
    return tuple(plain or hits), tuple(hits)


def polarity(text: str, mentions: list[Mention]) -> list[Mention]:
    """Mark each mention positive or negative; a list ("no H100s or H200s") shares one polarity."""
    out: list[Mention] = []
    group: list[Mention] = []

    def close() -> None:
        if not group:
            return
        start, end = group[0].start, group[-1].end
        head = text[max(0, start - 60):start]
        cut = max((b.end() for b in _BOUNDARY.finditer(head)), default=0)
        head = head[cut:]
        negative = bool(_NEG_BEFORE.search(head)) and not _LIMIT_BEFORE.search(head) and not _ONLY_BY_NEGATION.search(head)
        negative = negative or bool(_NEG_AFTER.match(text[end:end + 40]))
        negative = negative or bool(_NEG_LABEL.match(text, text.rfind("\n", 0, start) + 1))
        negative = negative or bool(_REMOVE_BEFORE.search(head)) and not _RESTRICTION_AFTER.match(text[end:end + 40])
        out.extend(Mention(g.start, g.end, g.broad or g.names if negative else g.names, not negative, g.broad,
                           g.precision, g.family) for g in group)
        group.clear()

    for mention in sorted(mentions, key=lambda x: x.start):
        # "no AMD hardware, NVIDIA only": a name with its own "only" starts a list of its own
        if group and (not _GROUP_GAP.match(text[group[-1].end:mention.start])
                      or _OWN_ONLY.match(text, mention.end) and not _OWN_ONLY.match(text, group[-1].end)):
            close()
        group.append(mention)
    close()
    return out
