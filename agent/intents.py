"""Pick the one intent a turn acts on, and the node that handles it."""

from __future__ import annotations

from agent.offline.contract import Intent, ParseResult

# Highest first: a message that both states facts and asks to deploy is a deploy request.
PRECEDENCE = (
    Intent.START_OVER, Intent.DEPLOY, Intent.VALIDATE, Intent.SHOW_YAML, Intent.WHATIF, Intent.COMPARE,
    Intent.SELECT, Intent.WHY, Intent.CHEAPER, Intent.FASTER, Intent.SHOW_SPEC, Intent.RECOMMEND,
    Intent.DONT_KNOW, Intent.HELP, Intent.GREETING, Intent.DESCRIBE,
)
EXPLORE = {Intent.WHATIF, Intent.COMPARE, Intent.SELECT, Intent.WHY, Intent.CHEAPER, Intent.FASTER}
RESPOND = {Intent.START_OVER, Intent.HELP, Intent.GREETING, Intent.SHOW_SPEC, Intent.SHOW_YAML}


def primary_intent(parsed: ParseResult) -> Intent:
    found = set(parsed.intents)
    if parsed.updates or parsed.cleared:
        found -= {Intent.GREETING, Intent.HELP}  # "hi, we need a chatbot for 500 users" is a description
        found.add(Intent.DESCRIBE)
    for intent in PRECEDENCE:
        if intent in found:
            return intent
    return Intent.DESCRIBE
