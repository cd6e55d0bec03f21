"""Whether the plan fits the hardware the user has: "can it fit on the cards we have?", "will it fit on our GPUs?",
"does that fit on the 4 A100s?".

Answered from the plan (agent/why_answers.py ``fits_owned``): the option's GPUs against the GPUs allowed and
available in the spec, with the memory per GPU.
"""

from __future__ import annotations

import re

from agent.offline.commands import option_numbers

FITS = re.compile(r"\b(?:can|will|would|does|do|could)\s+(?:it|that|this|option\s*#?\d|the\s+(?:model|plan|deployment))\s+"
                  r"(?:even\s+|actually\s+|still\s+)?(?:fit|run|go)\s+(?:on|in|into|onto|with(?:in)?)\s+(?:the\s+|our\s+|my\s+|"
                  r"those\s+|these\s+)?(?:\d+\s+)?(?:[\w-]+\s+)?(?:cards?|gpus?|hardware|boxes|servers?|machines?|nodes?|fleet|"
                  r"cluster|[a-z]{1,3}\d{1,4}[\w-]*)(?:\s+(?:we|i)\s+(?:have|own|got))?\b|\bis\s+(?:it|that)\s+enough\s+(?:gpus?|cards?|hardware)\b|"
                  r"\b(?:enough|sufficient)\s+(?:with|on)\s+(?:the|our)\s+(?:cards|gpus|hardware)\b", re.I)


def fit_question(text: str) -> int | None | bool:
    """False when ``text`` does not ask whether the plan fits the user's hardware; else the option it names."""
    if not FITS.search(text):
        return False
    options = option_numbers(text.lower())
    return options[0] if options else None
