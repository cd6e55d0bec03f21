"""The approval card of a pending deployment (``public/elements/Approval.jsx``): shown, settled, reopened.

Approve / Reject are real buttons on a custom element (Chainlit's message actions are small links beside the
feedback icons). The element is saved with the conversation and updated in place when the decision is made, so
a reopened thread shows what was decided; a thread reopened while the agent still waits shows live buttons again.

Nothing about a card is kept in this process: its button sends the card's own element and message ids (the
props' ``payload``), and the card's props are read back from the conversation's store. So the card a click
came from is the card that shows the decision, whatever happened to the socket in between (Chainlit ends and
restores a chat session when the connection drops, and a busy machine drops it), and any process serving the
conversation can settle it. Import only from the Chainlit app (it needs Chainlit's context).
"""

from __future__ import annotations

import asyncio
import uuid

import chainlit as cl
import structlog
from chainlit.data import get_data_layer

from agent.session_service import AgentService
from ui import views
from ui.approval_bundle import manifest_bundle

log = structlog.get_logger("compass.ui")
ELEMENT = "Approval"


def _element(props: dict, element_id: str, for_id: str | None) -> cl.CustomElement:
    element = cl.CustomElement(name=ELEMENT, props=props, display="inline")
    element.id = element_id
    element.for_id = for_id
    return element


async def _restate(element: cl.CustomElement, state: str, by: str | None = None) -> None:
    element.props = {**element.props, "state": state, "by": by}
    element.content = views.json_props(element.props)  # the stored copy, read back when the thread is reopened
    await element.update()


def _with_ids(props: dict, card_id: str, message_id: str | None) -> dict:
    """The props whose buttons name their own card and message (the click's payload)."""
    return {**props, "payload": {**(props.get("payload") or {}), "card": card_id, "message": message_id}}


def _open_cards(thread: dict | None) -> list[dict]:
    """The thread's approval cards still offering buttons, in the order their messages were sent."""
    if not thread:
        return []
    order = {step.get("id"): i for i, step in enumerate(thread.get("steps") or [])}
    cards = [e for e in thread.get("elements") or []
             if e.get("name") == ELEMENT and (e.get("props") or {}).get("state") is None]
    return sorted(cards, key=lambda e: order.get(e.get("forId"), len(order)))


async def _stored_thread() -> dict | None:
    data_layer = get_data_layer()
    return await data_layer.get_thread(cl.context.session.thread_id) if data_layer else None


async def _expire(cards: list[dict]) -> None:
    for saved in cards:
        await _restate(_element(saved.get("props") or {}, saved["id"], saved.get("forId")), "expired")


async def send(service: AgentService, sid: uuid.UUID, owner: str, pending: dict) -> None:
    """The approval card with the manifests to download; an earlier card of this chat stops offering buttons."""
    try:
        await _expire(_open_cards(await _stored_thread()))
    except Exception:  # noqa: BLE001 - an old card's buttons only answer that nothing waits for them
        log.exception("ui_approval_expire_failed", session=str(sid))
    view = await asyncio.to_thread(service.view, sid, owner)
    bundle = await asyncio.to_thread(manifest_bundle, service, sid, owner, pending)
    name = f"compass-option-{pending.get('option')}-{pending.get('namespace')}.yaml"
    message = cl.Message(content="")  # the card says it all; the file is named
    card_id = str(uuid.uuid4())
    props = {**views.approval_props(pending, view.state.plan, str(sid)), "file": name if bundle else None}
    message.elements = [_element(_with_ids(props, card_id, message.id), card_id, None)]
    if bundle:
        message.elements.append(cl.File(name=name, content=bundle.encode("utf-8"), mime="application/x-yaml",
                                        display="inline"))
    await message.send()


async def settle(decision: str, by: str, payload: dict) -> None:
    """Show on the card that was clicked what was decided ('approved', 'rejected', or 'expired' when nothing was
    waiting any more)."""
    card_id, message_id = payload.get("card"), payload.get("message")
    if not card_id:
        log.warning("ui_approval_card_unknown", payload=sorted(payload))
        return
    # (the data layer's get_element cannot read the props column back: asyncpg hands jsonb over as a dict)
    thread = await _stored_thread()
    saved = next((e for e in (thread or {}).get("elements") or [] if e.get("id") == card_id), None)
    if not saved:  # the store writes a card in the background; one clicked before it was written stays as it is
        log.warning("ui_approval_card_not_stored", card=card_id)
        return
    await _restate(_element(saved.get("props") or {}, card_id, saved.get("forId") or message_id), decision, by)


async def reopen(thread: dict, pending: dict | None, service: AgentService, sid: uuid.UUID, owner: str) -> None:
    """On a reopened thread while the agent waits: the latest card still offering buttons stays live (its buttons
    name it), earlier ones say they no longer wait (asked again since). While nothing waits, open cards are left
    as they are: a decision may be running (the socket can drop and the chat be resumed while the click's turn
    deploys, and that turn then settles the card); a click on a card nothing waits for says so and settles it."""
    if not pending:
        return
    cards = _open_cards(thread)
    live = cards[-1] if cards else None
    await _expire(cards[:-1])
    if live is None:  # waiting, but for an approval asked elsewhere (the terminal, the API): ask here too
        await send(service, sid, owner, pending)
        return
    props = live.get("props") or {}
    if (props.get("payload") or {}).get("card") != live["id"]:  # a card saved before its buttons named it
        element = _element(_with_ids(props, live["id"], live.get("forId")), live["id"], live.get("forId"))
        element.content = views.json_props(element.props)
        await element.update()
