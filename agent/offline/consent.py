"""Consent given again after a rejection: "alright, go ahead with it after all" asks for the deployment the user just
rejected, once more. It is prepared and shown for approval again (the consent is to prepare it; applying still takes
the user's approval). Read here for both the offline brain (reading.py) and the deploy guard (agent/guards.py), so the
two cannot disagree."""

from __future__ import annotations

import re
from typing import Any

# consent given again after a rejection, naming nothing new: "alright, go ahead with it after all", "ok, do it anyway",
# "on second thought, proceed"
_GO_AHEAD_AFTER_ALL = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|alright|all\s+right|fine|actually|on\s+second\s+thoughts?|hmm+|well|sorry|so|you\s+know\s+what|"
    r"(?:i\s+)?changed\s+my\s+mind|never\s*mind|yes|yeah|yep)\W+)*(?:please\s+)?(?:(?:let'?s\s+)?go\s+ahead(?:\s+with\s+"
    r"(?:it|that|this|the\s+deploy(?:ment)?|the\s+rollout))?|(?:let'?s\s+)?do\s+it|proceed(?:\s+with\s+(?:it|that|the\s+"
    r"deploy(?:ment)?))?|let'?s\s+go|deploy\s+it|ship\s+it)(?:\s+(?:after\s+all|anyway|then|now|again))*(?:\W+please)?\W*$", re.I)


def rejected_asked_again(text: str, state: Any) -> bool:
    """The message consents, naming nothing new, right after the user rejected a prepared deployment."""
    deployment = getattr(state, "deployment", None) if state is not None else None
    return deployment is not None and deployment.status == "rejected" and bool(_GO_AHEAD_AFTER_ALL.match(text))
