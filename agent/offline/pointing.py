"""A deploy that points at a row the user saw by what distinguishes it: "deploy the llama one", "ship the 8B
variant", "deploy the MI300X option".

The words between "the" and "one" are not a new preference (a model family is many models): they pick one row of
what was just shown, the what-if rows first (the latest thing on screen), then the plan's options. A what-if row is
adopted (its changes become the spec) and the option of the re-made plan with that row's configuration is deployed;
a plan option is deployed by its number. Words that match no row, or several, leave the message as it was read.
"""

from __future__ import annotations

import re
from typing import Any

from agent.acts import DeployRequest, Exclude, Include, Simple
from knowledge.domain import Recommendation

# "deploy the llama one", "ship that 8B variant", "let's launch the MI300X option"
POINTER = re.compile(r"\b(?:deploy|launch|ship|roll\s+out|spin\s+up)\s+(?:the|that)\s+((?:[\w.-]+\s+){1,3}?)"
                     r"(?:one|option|variant|version|row|config(?:uration)?|setup)\b", re.I)
# words that rank or refer rather than describe a configuration: read by the deploy command itself
_NOT_DISTINCT = {"first", "second", "third", "fourth", "fifth", "top", "best", "recommended", "cheapest", "fastest",
                 "cheaper", "faster", "selected", "chosen", "winning", "other", "same", "new", "old", "right", "last",
                 "previous", "current", "whole", "entire", "model", "gpu"}


def _words(r: Recommendation) -> str:
    c = r.config
    return " " + re.sub(r"[/_\s-]+", " ", f"{c.model_id} {c.gpu} {c.precision.value}".lower()) + " "


def _matches(r: Recommendation, tokens: list[str]) -> bool:
    said = _words(r)
    return all(f" {t}" in said or t in said.replace(" ", "") for t in tokens)


def _row(r: Recommendation) -> dict[str, str]:
    return {"model_id": r.config.model_id, "gpu": r.config.gpu, "precision": r.config.precision.value}


def pointed_deploy(text: str, acts: list[Any], state: Any, adopt) -> list[Any]:
    """The acts of a deploy that points at a row by its words; ``acts`` unchanged when it points at none (or
    several). ``adopt(state, i)`` gives the spec acts that adopt what-if variant ``i``."""
    found = POINTER.search(text)
    if found is None or state is None or not any(isinstance(a, DeployRequest) for a in acts):
        return acts
    tokens = [t for t in re.split(r"[\s-]+", found.group(1).lower().strip()) if t and t not in _NOT_DISTINCT]
    if not tokens:
        return acts
    phrase = found.group(0).lower()
    # the pointer's own words were read as a preference ("llama" = every Llama): not a spec change
    kept = [a for a in acts if not (isinstance(a, (Include, Exclude)) and (not a.span or a.span.lower() in phrase))
            and not isinstance(a, DeployRequest)]
    comparison = getattr(state, "comparison", None)
    if comparison is not None:
        rows = [i for i, v in enumerate(comparison.variants) if v.top is not None and _matches(v.top, tokens)]
        base = comparison.base.top is not None and _matches(comparison.base.top, tokens)
        if len(rows) == 1 and not base:
            adopted = adopt(state, rows[0])
            if adopted:
                return [*kept, *adopted, DeployRequest(row=_row(comparison.variants[rows[0]].top))]
    plan = getattr(state, "plan", None)
    if plan is None:
        return acts  # nothing shown yet: the words are a preference, and a plan is shown before any deploy
    options = [r for r in plan.recommendations if _matches(r, tokens)]
    if len(options) == 1:
        return [*kept, DeployRequest(option=options[0].rank)]
    return [*kept, Simple(act="which_one", note=_which(found.group(1).strip(), options))]


def _which(words: str, options: list[Recommendation]) -> str:
    """The answer when the words fit several rows, or none: which rows they fit, and how to name one."""
    if not options:
        return (f"No option of the current plan is \"the {words} one\", so I have not prepared a deployment: say "
                "*deploy option N* for the row you mean, or ask *what if* with that model or GPU first.")
    rows = "; ".join(f"option {r.rank}: {r.model_id} ({r.config.precision.value}) on {r.total_gpus} x {r.gpu}"
                     for r in options)
    return (f"\"The {words} one\" fits {len(options)} options ({rows}), so I have not prepared a deployment: say "
            "*deploy option N* for the one you mean.")
