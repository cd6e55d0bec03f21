"""Compass web UI (Chainlit): the same conversation as ``compass chat``, in a browser.

Served by ``compass ui`` (standalone) or mounted at ``/ui`` by ``compass serve`` beside the REST API. Each
Chainlit thread is a Compass session (same id, so also the LangGraph thread): a conversation reopened from
the sidebar continues the graph where it stopped. Everything goes through ``AgentService``; buttons and the
spec card's edits send ordinary messages (``ui/phrases.py``), approvals go through ``AgentService.decide``
(the approval card: ``ui/approval.py``).
"""

from __future__ import annotations

from ui.runtime import prepare_environment

prepare_environment()  # before chainlit is imported: app root and auth secret

import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import uuid  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402

import chainlit as cl  # noqa: E402
import structlog  # noqa: E402
from chainlit.data import get_data_layer  # noqa: E402
from chainlit.types import Pagination, ThreadDict, ThreadFilter  # noqa: E402
from chainlit.utils import utc_now  # noqa: E402

from agent.config import AgentSettings  # noqa: E402
from agent.session_service import AgentService, NoPendingApprovalError, SessionNotFoundError, TurnEvent  # noqa: E402
from knowledge.errors import CompassError  # noqa: E402
from ui import approval, runtime, views  # noqa: E402
from ui.auth import UserTable  # noqa: E402
from ui.bridge import iterate_in_thread  # noqa: E402
from ui.chart import cost_latency_figure, figure_json  # noqa: E402
from ui.datalayer import make_data_layer  # noqa: E402

log = structlog.get_logger("compass.ui")
USERS = UserTable.parse(os.environ.get("COMPASS_UI_USERS"))
PLAN_TOOL, WHATIF_TOOL = "plan_capacity", "compare_whatif"
RESUME_DELAY_S = 0.5  # lets Chainlit replay the saved history before the approval card is updated

STARTERS = (
    ("Support chatbot", "We need a customer support chatbot for about 5,000 employees. Fast first answers "
                        "matter most."),
    ("Code completion", "Code completion in the IDE for 400 developers, at most $6,000 a month."),
    ("RAG over documents", "RAG over our internal PDFs for 300 analysts."),
    ("Translation on our GPUs", "Translation of support tickets, 20 requests per second at peak, on L40S GPUs "
                                "we own."),
)


# ---------------------------------------------------------------------- login, history, starters

if USERS:
    @cl.password_auth_callback
    def password_login(username: str, password: str) -> cl.User | None:
        if USERS.verify(username, password):
            return cl.User(identifier=username, metadata={"provider": "password"})
        log.info("ui_login_refused", user=username[:64])  # never the password
        return None
else:
    # No users configured: a single local user (``compass ui`` refuses to listen beyond localhost like this).
    @cl.header_auth_callback
    def local_login(headers) -> cl.User | None:
        return cl.User(identifier=AgentSettings().local_user, metadata={"provider": "local"})


@cl.data_layer
def data_layer():
    return make_data_layer(runtime.get_service().kb.db.url)


@cl.on_app_startup
async def open_service() -> None:  # standalone only: mounted in the API, its lifespan opens the service
    await asyncio.to_thread(runtime.get_service)


@cl.on_app_shutdown
async def close_service() -> None:  # standalone only; Chainlit then ends the process with os._exit
    # Chainlit closes its data layer after this hook, making it first if no one connected: made now, while the
    # service and its database are still up, instead of reopening them after they were closed.
    get_data_layer()
    await asyncio.to_thread(runtime.close_service)
    await asyncio.to_thread(runtime.release_embedded_database)


@cl.set_starters
async def starters(user=None, language=None) -> list[cl.Starter]:
    return [cl.Starter(label=label, message=message) for label, message in STARTERS]


# Chainlit 2.12 also calls this callback from synchronous code in its running event loop (WebsocketSession
# .get_config, looking for config_overrides, which Compass does not use): it swallows the error, and the coroutine
# it made is reported "never awaited" on every connection. That one warning is noise.
warnings.filterwarnings("ignore", message="coroutine 'chat_profiles' was never awaited", category=RuntimeWarning)


@cl.set_chat_profiles
async def chat_profiles(user=None, language=None) -> list[cl.ChatProfile]:
    """One profile, for its place on the landing page: what Compass does, what to type, and a link back to the
    user's last conversation (a reload starts a new chat; the link opens the old one, see public/compass.js)."""
    last = None
    user_id = getattr(user, "id", None)
    if user_id:
        try:
            page = await get_data_layer().list_threads(Pagination(first=1), ThreadFilter(userId=user_id))
            last = page.data[0] if page.data else None
        except Exception:  # noqa: BLE001 - the landing page still shows without the link
            log.exception("ui_last_thread_failed")
    root = (os.environ.get("CHAINLIT_PARENT_ROOT_PATH", "") + os.environ.get("CHAINLIT_ROOT_PATH", "")).rstrip("/")
    # the icon with the mount path: Chainlit also uses it, as given, for the assistant's avatar
    return [cl.ChatProfile(name="Compass", icon=f"{root}/public/favicon.svg", default=True,
                           markdown_description=views.welcome_text(last, root))]


# ---------------------------------------------------------------------- sessions


def _owner() -> str:
    user = cl.user_session.get("user")
    return user.identifier if user else AgentSettings().local_user


async def _session() -> tuple[AgentService, uuid.UUID, str]:
    """The Compass session of this Chainlit thread, created with the thread's id on first use."""
    service, owner = runtime.get_service(), _owner()
    sid = uuid.UUID(cl.context.session.thread_id)
    if cl.user_session.get("compass_session") != str(sid):
        def ensure() -> None:
            try:
                service.view(sid, owner)
            except SessionNotFoundError:
                service.create_session(owner, None, session_id=sid)
        await asyncio.to_thread(ensure)
        cl.user_session.set("compass_session", str(sid))
    return service, sid, owner


@cl.on_chat_resume
async def on_chat_resume(thread: ThreadDict) -> None:
    cl.user_session.set("compass_session", None)
    try:
        service, sid, owner = await _session()
        view = await asyncio.to_thread(service.view, sid, owner)
    except Exception as exc:  # noqa: BLE001 - the history still shows; say why the agent cannot go on
        log.exception("ui_resume_failed")
        await cl.ErrorMessage(content=f"I could not reopen this conversation's agent state: {_brief(exc)}").send()
        return

    async def reopen_approval() -> None:
        await asyncio.sleep(RESUME_DELAY_S)
        try:
            await approval.reopen(thread, view.pending_approval, service, sid, owner)
        except Exception:  # noqa: BLE001 - typing "approve" is refused, but the card can be asked for again
            log.exception("ui_resume_approval_failed", session=str(sid))
            if view.pending_approval:
                await cl.ErrorMessage(content="A deployment is waiting for approval, but I could not show its "
                                              "buttons. Say *deploy option N* again to get them.").send()
    asyncio.create_task(reopen_approval())


# ---------------------------------------------------------------------- turns


@cl.on_message
async def on_message(message: cl.Message) -> None:
    text = message.content or ""
    await _turn(lambda svc, sid, owner: svc.send(sid, owner, text))


@cl.action_callback("approve_deploy")
async def on_approve(action: cl.Action) -> None:
    await _decide(action, True)


@cl.action_callback("reject_deploy")
async def on_reject(action: cl.Action) -> None:
    await _decide(action, False)


async def _decide(action: cl.Action, approve: bool) -> None:
    await cl.Message(content=("Approved." if approve else "Rejected."), type="user_message",
                     author=_owner()).send()
    await cl.context.emitter.task_start()
    try:
        ran = await _turn(lambda svc, sid, owner: svc.decide(sid, owner, approve))
        if ran is not False:  # None: nothing was waiting (decided elsewhere); False: failed, still pending
            await approval.settle(("approved" if approve else "rejected") if ran else "expired", _owner(),
                                  action.payload or {})
    finally:
        await cl.context.emitter.task_end()


async def _turn(call: Callable[[AgentService, uuid.UUID, str], Iterator[TurnEvent]]) -> bool | None:
    """Run one turn and show it: True when it ran, None when no approval was waiting for a decision, False when
    it failed (both said as a message)."""
    try:
        service, sid, owner = await _session()
    except Exception as exc:  # noqa: BLE001
        log.exception("ui_session_failed")
        await cl.ErrorMessage(content=f"I could not open this conversation: {_brief(exc)}").send()
        return False
    turn = Turn()
    try:
        async for event in iterate_in_thread(lambda: call(service, sid, owner)):
            await turn.on_event(event)
    except NoPendingApprovalError as exc:
        await turn.abort()
        await cl.Message(content=str(exc)).send()
        return None
    except Exception as exc:  # noqa: BLE001 - a failed turn is a message, never a stack trace in the UI
        log.exception("ui_turn_failed", session=str(sid))
        await turn.abort()
        await cl.ErrorMessage(content=f"That turn failed: {_brief(exc)}. Your conversation is saved; try again or "
                                      "rephrase.").send()
        return False
    try:
        view = await asyncio.to_thread(service.view, sid, owner)
    except Exception:  # noqa: BLE001 - the reply was shown; only the cards are missing
        log.exception("ui_view_failed", session=str(sid))
        view = None
    await turn.finish(view)
    if turn.pending:
        await approval.send(service, sid, owner, turn.pending)
    return True


def _run_id() -> str | None:
    """Chainlit's run step of this message: steps sent by hand join it, so they show before the reply."""
    current = cl.context.current_step
    return current.id if current else None


def _brief(exc: BaseException) -> str:
    if isinstance(exc, CompassError):
        return str(exc)
    return f"{type(exc).__name__}: {str(exc)[:200]}" if str(exc) else type(exc).__name__


class Turn:
    """Renders one turn's events: tokens into replies, each tool call as a step, cards at the end.

    A turn can say several things with tool calls in between (approve -> apply -> validate): each stretch of
    text becomes its own message, so steps and words keep their order.
    """

    def __init__(self) -> None:
        self.current: cl.Message | None = None  # created at its first token, so it sorts after earlier steps
        self.said: list[cl.Message] = []
        self.text = ""
        self.open_steps: list[cl.Step] = []
        self.tools_ok: set[str] = set()
        self.spec_changed = False
        self.pending: dict | None = None

    async def on_event(self, event: TurnEvent) -> None:
        data = event.data
        if event.event == "token" and data.get("text"):
            if self.current is None:
                self.current = cl.Message(content="", created_at=utc_now())
            await self.current.stream_token(data["text"])
        elif event.event == "step":
            await self._step(data)
        elif event.event == "progress" and data.get("message"):
            await self._progress(str(data["message"]))
        elif event.event == "spec":
            self.spec_changed = True
        elif event.event == "reply":
            self.text = data.get("text", "") or self.text
        elif event.event == "interrupt":
            self.pending = data

    async def _close_message(self) -> None:
        if self.current is not None:
            await self.current.send()
            self.said.append(self.current)
            self.current = None

    async def _step(self, data: dict) -> None:
        name = str(data.get("name", "tool"))
        if data.get("status") == "start":
            await self._close_message()
            step = cl.Step(name=name, type="tool", show_input="json", parent_id=_run_id())
            step.input = json.dumps(data.get("args") or {}, indent=2, default=str)
            step.start = utc_now()
            await step.send()
            self.open_steps.append(step)
            return
        step = next((s for s in reversed(self.open_steps) if s.name == name), None)
        if step is None:  # an end without a start (LLM brain tool calls): show it as one finished step
            await self._close_message()
            step = cl.Step(name=name, type="tool", parent_id=_run_id())
            step.start = utc_now()
        else:
            self.open_steps.remove(step)
        elapsed = data.get("elapsed_ms")
        step.is_error = data.get("status") == "error"
        step.output = (step.output + "\n" if step.output else "") + str(data.get("summary", "")) + (
            f"\n\n*{float(elapsed):,.0f} ms*" if elapsed is not None else "")
        step.end = utc_now()
        if not step.is_error:
            self.tools_ok.add(name)
        await (step.update() if step.persisted else step.send())

    async def _progress(self, message: str) -> None:
        if self.open_steps:  # progress of a running tool (apply, validate) streams into its step
            await self.open_steps[-1].stream_token(message + "\n")
        else:
            async with cl.Step(name="progress", type="tool", parent_id=_run_id()) as step:
                step.output = message

    async def abort(self) -> None:
        for step in self.open_steps:
            step.is_error, step.end = True, utc_now()
            await step.update()
        self.open_steps.clear()
        await self._close_message()

    async def finish(self, view) -> None:
        for step in self.open_steps:  # a step the agent never closed still gets an end time
            step.end = utc_now()
            await step.update()
        elements = self._elements(view) if view is not None else []
        rich = any(getattr(e, "name", "") in ("Recommendations", "WhatIf") for e in elements)
        if self.current is None and not self.said:  # nothing streamed (e.g. only a pending question)
            self.current = cl.Message(content=self.text)
        if rich:  # the elements show the ranked / what-if tables; the markdown copies would repeat them
            for message in self.said:
                trimmed = views.without_tables(message.content)
                if trimmed != message.content:
                    message.content = trimmed
                    await message.update()
            if self.current is not None:
                self.current.content = views.without_tables(self.current.content)
        if self.current is not None and (self.current.content or elements):
            await self.current.send()
        target = self.current or self.said[-1]
        for element in elements:  # one by one: Chainlit shows them in arrival order (card, table, chart)
            await element.send(for_id=target.id)

    def _elements(self, view) -> list:
        state = view.state
        out: list = []
        planned = PLAN_TOOL in self.tools_ok and state.plan is not None
        if self.spec_changed or planned:
            out.append(cl.CustomElement(name="SpecCard", props=views.spec_card_props(state.spec), display="inline"))
        if planned:
            out.append(cl.CustomElement(name="Recommendations", display="inline",
                                        props=views.recommendations_props(state.plan, state.selected_option)))
            chart = cl.Plotly(name="cost_vs_latency", figure=cost_latency_figure(state.plan), display="inline",
                              size="large")
            chart.content = figure_json(chart.figure)  # with Plotly's client options (no mode bar)
            out.append(chart)
        if WHATIF_TOOL in self.tools_ok and state.comparison is not None:
            out.append(cl.CustomElement(name="WhatIf", props=views.comparison_props(state.comparison),
                                        display="inline"))
        return out
