"""Cloud machines named by their instance type ("three g5.12xlarge instances", "a single p5.48xlarge", "two
a3-highgpu-8g VMs"): teams leaving a hosted API often know their quota or reservation only as instance types. Each
type is a fixed number of one GPU, so the mention is rewritten as that count of that GPU ("12 a10g gpus") before
the GPU names and counts are read; the note says how the count was worked out.

The table is data: the provider's published GPU count and card per type. Only types whose card is in the catalog are
listed (a type of an unknown card would say nothing the planner can use).
"""

from __future__ import annotations

import re

from agent.offline.fact_sheet import Facts

# instance type -> (GPUs per instance, catalog GPU as the GPU reader spells it)
INSTANCE_TYPES: dict[str, tuple[int, str]] = {
    # AWS
    "p5.48xlarge": (8, "h100-sxm"), "p5e.48xlarge": (8, "h200"), "p5en.48xlarge": (8, "h200"),
    "p4d.24xlarge": (8, "a100-40gb"), "p4de.24xlarge": (8, "a100-80gb"), "p6-b200.48xlarge": (8, "b200"),
    "g5.xlarge": (1, "a10g"), "g5.2xlarge": (1, "a10g"), "g5.4xlarge": (1, "a10g"), "g5.8xlarge": (1, "a10g"),
    "g5.16xlarge": (1, "a10g"), "g5.12xlarge": (4, "a10g"), "g5.24xlarge": (4, "a10g"), "g5.48xlarge": (8, "a10g"),
    "g6.xlarge": (1, "l4"), "g6.2xlarge": (1, "l4"), "g6.4xlarge": (1, "l4"), "g6.8xlarge": (1, "l4"),
    "g6.16xlarge": (1, "l4"), "g6.12xlarge": (4, "l4"), "g6.24xlarge": (4, "l4"), "g6.48xlarge": (8, "l4"),
    "g6e.xlarge": (1, "l40s"), "g6e.2xlarge": (1, "l40s"), "g6e.4xlarge": (1, "l40s"), "g6e.8xlarge": (1, "l40s"),
    "g6e.16xlarge": (1, "l40s"), "g6e.12xlarge": (4, "l40s"), "g6e.24xlarge": (4, "l40s"), "g6e.48xlarge": (8, "l40s"),
    # Google Cloud
    "a3-highgpu-1g": (1, "h100-sxm"), "a3-highgpu-2g": (2, "h100-sxm"), "a3-highgpu-4g": (4, "h100-sxm"),
    "a3-highgpu-8g": (8, "h100-sxm"), "a3-megagpu-8g": (8, "h100-sxm"), "a3-edgegpu-8g": (8, "h100-sxm"),
    "a3-ultragpu-8g": (8, "h200"), "a4-highgpu-8g": (8, "b200"),
    "a2-highgpu-1g": (1, "a100-40gb"), "a2-highgpu-2g": (2, "a100-40gb"), "a2-highgpu-4g": (4, "a100-40gb"),
    "a2-highgpu-8g": (8, "a100-40gb"), "a2-megagpu-16g": (16, "a100-40gb"),
    "a2-ultragpu-1g": (1, "a100-80gb"), "a2-ultragpu-2g": (2, "a100-80gb"), "a2-ultragpu-4g": (4, "a100-80gb"),
    "a2-ultragpu-8g": (8, "a100-80gb"),
    "g2-standard-4": (1, "l4"), "g2-standard-8": (1, "l4"), "g2-standard-12": (1, "l4"), "g2-standard-16": (1, "l4"),
    "g2-standard-32": (1, "l4"), "g2-standard-24": (2, "l4"), "g2-standard-48": (4, "l4"), "g2-standard-96": (8, "l4"),
    # Azure
    "nd96isr_h100_v5": (8, "h100-sxm"), "nd96isr_h200_v5": (8, "h200"), "nd96asr_v4": (8, "a100-40gb"),
    "nd96asr_a100_v4": (8, "a100-40gb"), "nd96amsr_a100_v4": (8, "a100-80gb"), "nd96isr_mi300x_v5": (8, "mi300x"),
    "nc24ads_a100_v4": (1, "a100-80gb"), "nc48ads_a100_v4": (2, "a100-80gb"), "nc96ads_a100_v4": (4, "a100-80gb"),
    "nc40ads_h100_v5": (1, "h100-pcie"), "nc80adis_h100_v5": (2, "h100-pcie"),
}
_WORDS = {"a": 1, "an": 1, "one": 1, "single": 1, "a single": 1, "one single": 1, "two": 2, "three": 3, "four": 4,
          "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
          "a pair of": 2, "a couple of": 2}
_NAMES = "|".join(re.escape(k) for k in sorted(INSTANCE_TYPES, key=len, reverse=True))
# an optional count (digits or a small number word, "x"), the provider's prefix ("aws", "azure standard_"), the type,
# and the machine noun after it; the type's own digits never count anything else
_MENTION = re.compile(
    rf"(?:\b(?P<count>\d{{1,3}}|{'|'.join(sorted(_WORDS, key=len, reverse=True))})\s*(?:x\s*)?)?"
    rf"(?:\b(?:aws|ec2|gcp|google|azure)\s+)?(?:\bstandard_|(?<![\w.-]))(?P<type>{_NAMES})(?![\w-]|\.\w)"
    r"(?:\s+(?:instances?|vms?|machines?|nodes?|boxes|servers?|hosts))?", re.I)


# instance families named without a size ("we may only launch g5 instances", "our p4de reservation"): the card is
# known, not how many
INSTANCE_FAMILIES: dict[str, str] = {
    "g5": "a10g", "g6": "l4", "g6e": "l40s", "p4d": "a100-40gb", "p4de": "a100-80gb", "p5": "h100-sxm", "p5e": "h200",
    "p5en": "h200", "p6-b200": "b200", "a2-highgpu": "a100-40gb", "a2-ultragpu": "a100-80gb", "a3-highgpu": "h100-sxm",
    "a3-megagpu": "h100-sxm", "a3-ultragpu": "h200", "a4-highgpu": "b200", "g2-standard": "l4",
    "nd h100 v5": "h100-sxm", "nd h200 v5": "h200", "nd mi300x v5": "mi300x", "nd a100 v4": "a100-40gb",
}
_FAMILY_GPU = {re.sub(r"[^a-z0-9]", "", k): v for k, v in INSTANCE_FAMILIES.items()}
# GPUs per machine of the families that come in one size only (a count of machines is then a count of GPUs)
_FAMILY_SIZE = {"p4d": 8, "p4de": 8, "p5": 8, "p5e": 8, "p5en": 8, "p6b200": 8, "ndh100v5": 8, "ndh200v5": 8,
                "ndmi300xv5": 8, "nda100v4": 8}
_FAMILY = re.compile(rf"(?:\b(?P<count>\d{{1,3}}|{'|'.join(sorted(_WORDS, key=len, reverse=True))})\s*(?:x\s*)?"
                     r"(?P<provider>(?:aws|ec2|gcp|google|azure)\s+)?)?"
                     r"(?<![\w.-])(?P<family>" + "|".join(re.escape(k).replace(r"\ ", r"[\s_-]+") for k in
                                                         sorted(INSTANCE_FAMILIES, key=len, reverse=True)) +
                     r")(?![\w.-])(?:[\s-]+(?:series|family|families))?\s+(?:instances?|vms?|machines?|nodes?|boxes|"
                     r"servers?|hosts|reservations?|quotas?|capacity|fleet|sku)\b", re.I)


def expand_instances(text: str, f: Facts) -> str:
    """``text`` with each instance type said as the GPUs it holds; a note for the count."""
    def _say(m: re.Match) -> str:
        per, gpu = INSTANCE_TYPES[m.group("type").lower()]
        said = (m.group("count") or "").lower()
        if not said:  # the type alone ("we use g5.12xlarge"): the card is known, not how many machines
            return f"{gpu} gpus"
        count = int(said) if said.isdigit() else _WORDS[said]
        if count <= 0:
            return m.group(0)
        f.notes["max_gpus"] = f"{count} x {m.group('type')} with {per} {gpu.upper()} each = {count * per} GPUs"
        return f"{count * per} {gpu} gpus"
    text = _counted_later(text)
    text = _MENTION.sub(_say, text)
    text = _RESTATED.sub(r"\g<said>", text)
    return _FAMILY.sub(lambda m: _family_said(m, f), text)


# the machines of a type counted later in the sentence: "only p5.48xlarge (8x H100 SXM each), and at most 2 of them"
_COUNT_LATER = re.compile(rf"[^.;!?]{{0,80}}?(?P<phrase>\b(?:at\s+most|up\s+to|only|max(?:imum)?(?:\s+of)?|no\s+more\s+than)\s+"
                          rf"(?P<count>\d{{1,3}}|{'|'.join(sorted(_WORDS, key=len, reverse=True))})\s+(?:of\s+(?:them|those|these)|"
                          r"(?:instances?|vms?|machines?|nodes?|boxes|servers?))\b)", re.I)
def _counted_later(text: str) -> str:
    """'only p5.48xlarge (8x H100 SXM each), and at most 2 of them': the count said after the type, moved before it; a
    node group's size in its pasted config ('max_size = 2') counts its machines the same way."""
    for m in _MENTION.finditer(text):
        later = None if m.group("count") else _COUNT_LATER.match(text, m.end())
        if later:
            phrase = later.span("phrase")
            return f"{text[:m.start()]}{later.group('count')} {text[m.start():phrase[0]]}{text[phrase[1]:]}"
        sizes = {} if m.group("count") else {k.group("key").lower(): int(k.group("n"))
                                             for k in _GROUP_SIZE.finditer(text, m.end(), m.end() + 600)}
        size = sizes.get("max_size") or sizes.get("max_count") or next(iter(sizes.values()), 0)
        if size > 0:
            return f"{text[:m.start()]}{size} {text[m.start():]}"
    return text


# a node group's size in a pasted config (Terraform, eksctl, a cluster autoscaler): the ceiling first
_GROUP_SIZE = re.compile(r"\b(?P<key>max_size|max_count|maxSize|desired_size|desired_capacity|desiredCapacity|node_count|"
                         r"nodeCount)\b[\"']?\s*[:=]\s*(?P<n>\d{1,3})\b")


# what each machine holds, said again in brackets after the count it made: "three g5.12xlarge (4x A10G each)"
_RESTATED = re.compile(r"(?P<said>\b\d+ [a-z0-9-]+ gpus)(?P<noun>\s+(?:instances?|vms?|machines?|nodes?|boxes|servers?))?\s*"
                       r"\(\s*\d+\s*x?\s*[\w-]+(?:\s+[\w-]+)?\s+(?:each|apiece|per\s+(?:instance|machine|vm|node|box|server))\s*\)",
                       re.I)


def _family_said(m: re.Match, f: Facts) -> str:
    """A family said as its card, and a count of machines of a one-size family as that many GPUs."""
    key = re.sub(r"[^a-z0-9]", "", m.group("family").lower())
    gpu, said = _FAMILY_GPU[key], (m.group("count") or "").lower()
    count = (int(said) if said.isdigit() else _WORDS[said]) if said else 0
    per = _FAMILY_SIZE.get(key)
    provider = m.group("provider") or ""  # (still said: "azure" is the cloud's name)
    if count <= 0 or per is None:
        return f"{provider}{gpu} gpus"  # "4 g5 instances": the card, not a count of GPUs (a g5 holds 1, 4 or 8 of them)
    f.notes["max_gpus"] = f"{count} x {m.group('family')} with {per} {gpu.upper()} each = {count * per} GPUs"
    return f"{provider}{count * per} {gpu} gpus"
