"""Deterministic guards where infrastructure is touched: a deployment needs the user's own words asking for it.

Whatever a brain decides, ``request_deployment`` checks the latest user message with the offline parser: a
deploy command in the user's own words (not inside pasted text, not next to instruction-like phrasing aimed at
the agent). Namespaces are checked against the allowlist in the deploy path itself.
"""

from __future__ import annotations

from langchain_core.messages import HumanMessage

from agent.offline import Intent, parse
from agent.offline.glossary import gloss
from agent.offline.consent import rejected_asked_again
from agent.offline.namespace_answer import namespace_answer
from knowledge.catalog import Catalog


def latest_user_text(state) -> str:
    for msg in reversed(state.messages):
        if isinstance(msg, HumanMessage):
            return msg.content if isinstance(msg.content, str) else str(msg.content)
    return ""


def deploy_requested(text: str, catalog: Catalog, state=None) -> bool:
    # read as the message was read: "Bitte in den Namespace default deployen" asks to deploy as "deploy it" does
    parsed = parse(gloss(text), catalog)
    # "default then", right after a deploy the user asked for was refused for its namespace, still asks for it
    # "go ahead with it after all", right after the user rejected the deployment, asks for it again
    return (Intent.DEPLOY in parsed.intents or (state is not None and namespace_answer(text, state) is not None)
            or rejected_asked_again(text, state))
