"""The approval card of a pending deployment (``public/elements/Approval.jsx``): shown, settled, reopened.

Approve / Reject are real buttons on a custom element (Chainlit's message actions are small links beside the
feedback icons). The element is saved with the conversation and updated in place when the decision is made, so
a reopened thread shows what was decided; a thread reopened while the agent still waits shows live buttons again.
Import only from the Chainlit app (it needs Chainlit's context).
"""

from __future__ import annotations

import asyncio
import uuid

import chainlit as cl
import structlog

from agent.session_service import AgentService
from ui import views
from ui.approval_bundle import manifest_bundle

log = structlog.get_logger("compass.ui")
ELEMENT = "Approval"
# The approval card on screen, per Chainlit session (not in cl.user_session: Chainlit saves that into the
# thread's metadata as JSON, and an element is not data).
_LIVE: dict[str, cl.CustomElement] = {}


def _element(props: dict, element_id: str | None = None, for_id: str | None = None) -> cl.CustomElement:
    element = cl.CustomElement(name=ELEMENT, props=props, display="inline")
    if element_id:
        element.id = element_id
    element.for_id = for_id
    return element


async def _restate(element: cl.CustomElement, state: str, by: str | None = None) -> None:
    element.props = {**element.props, "state": state, "by": by}
    element.content = views.json_props(element.props)  # the stored copy, read back when the thread is reopened
    await element.update()


async def send(service: AgentService, sid: uuid.UUID, owner: str, pending: dict) -> None:
    """The approval card with the manifests to download; an earlier card of this chat stops offering buttons."""
    stale = _LIVE.pop(cl.context.session.id, None)
    if stale is not None:
        await _restate(stale, "expired")
    view = await asyncio.to_thread(service.view, sid, owner)
    bundle = await asyncio.to_thread(manifest_bundle, service, sid, owner, pending)
    name = f"compass-option-{pending.get('option')}-{pending.get('namespace')}.yaml"
    card = _element({**views.approval_props(pending, view.state.plan, str(sid)), "file": name if bundle else None})
    elements: list = [card]
    if bundle:
        elements.append(cl.File(name=name, content=bundle.encode("utf-8"), mime="application/x-yaml",
                                display="inline"))
    await cl.Message(content="", elements=elements).send()  # the card says it all; the file is named
    _LIVE[cl.context.session.id] = card


async def settle(decision: str, by: str) -> None:
    """Show on the card what was decided ('approved', 'rejected', or 'expired' when nothing was waiting)."""
    card = _LIVE.pop(cl.context.session.id, None)
    if card is not None:
        await _restate(card, decision, by)


async def reopen(saved_elements: list[dict], pending: dict | None, service: AgentService, sid: uuid.UUID,
                 owner: str) -> None:
    """On a reopened thread: the latest saved card becomes live again while the agent still waits; any other
    card still offering buttons says it no longer waits (decided elsewhere, or asked again since)."""
    open_cards = [e for e in saved_elements if e.get("name") == ELEMENT and (e.get("props") or {}).get("state") is None]
    live = open_cards[-1] if pending and open_cards else None
    for saved in open_cards:
        if saved is not live:
            await _restate(_element(saved["props"], saved["id"], saved.get("forId")), "expired")
    if live is not None:
        _LIVE[cl.context.session.id] = _element(live["props"], live["id"], live.get("forId"))
    elif pending:  # waiting, but for an approval asked elsewhere (the terminal, the API): ask here too
        await send(service, sid, owner, pending)


def forget() -> None:
    _LIVE.pop(cl.context.session.id, None)
