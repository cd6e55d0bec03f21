"""Sessions and turns: the one entry point every front end (terminal, REST API, UI, evals) uses.

A session is a LangGraph thread (thread id = session id) whose checkpoints live in PostgreSQL, plus a row in
``sessions`` naming its owner. Nothing is kept in process memory between calls, so any Compass process sharing
the database can serve any session. Turns of one session are serialised across processes by an advisory lock.
"""

from __future__ import annotations

import functools
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import structlog
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langgraph.types import Command
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool
from pydantic import BaseModel, Field

from agent.run_config import DEFAULT_ALLOWED_NAMESPACES, AgentContext
from agent.serde import checkpoint_serde
from agent.state import AgentState
from knowledge.base import KnowledgeBase
from knowledge.errors import CompassError
from knowledge.secrets import redact
from knowledge.store import sessions_repo
from knowledge.store.checkpoints import ContentStore, ContentStoringSaver
from knowledge.store.database import connection_label
from knowledge.store.sessions_repo import SessionRecord

log = structlog.get_logger(__name__)
MAX_MESSAGE_CHARS = 100_000


class SessionNotFoundError(CompassError):
    exit_code = 4


class NoPendingApprovalError(CompassError):
    exit_code = 2


class SessionTooLargeError(CompassError):
    """The session's stored conversation reached COMPASS_SESSION_MAX_BYTES."""

    exit_code = 2


class TurnEvent(BaseModel):
    event: str = Field(description="token, step, spec, progress, approval_request, reply, interrupt, done, error")
    data: dict[str, Any] = Field(default_factory=dict)


class SessionView(BaseModel):
    session: SessionRecord
    state: AgentState
    pending_approval: dict[str, Any] | None = None
    messages: list[dict[str, str]] = Field(default_factory=list, description="role + content, oldest first")


class TurnResult(BaseModel):
    session_id: uuid.UUID
    reply: str
    stage: str
    pending_approval: dict[str, Any] | None = None
    events: list[TurnEvent] = Field(default_factory=list)


SECRET_REMOVED = ("I removed what looks like a credential from your message before storing it. Compass never needs "
                  "one in chat: gated models read the token from the Kubernetes Secret named in the manifests, and "
                  "the cluster is reached through KUBECONFIG.")


def _storable(text: str | None) -> str | None:
    """What may be stored of a message or title: no NUL characters (PostgreSQL text cannot hold them) and no
    credentials (a pasted token would otherwise live on in checkpoints, titles and logs)."""
    return redact(text.replace("\x00", "")) if isinstance(text, str) else text


def _role(m: BaseMessage) -> str:
    return "user" if isinstance(m, HumanMessage) else "assistant" if isinstance(m, AIMessage) else m.type


_FINISHED = object()


class _Decision(BaseModel):
    """An approval or rejection, checked against what is pending only once the session lock is held."""

    approve: bool


class _DetachedRun:
    """One turn run on a thread of its own, so it ends the same whether or not anyone is still listening.

    A client that goes away mid-stream (a dropped SSE connection, a closed browser tab) only stops reading:
    an approved apply and the validation after it still run to completion and are checkpointed. The caller
    gets the events through a queue; ``events()`` can be abandoned at any point.
    """

    def __init__(self, work: Callable[["_DetachedRun"], None], name: str, on_done: Callable[["_DetachedRun"], None]):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._work, self._on_done = work, on_done
        self._admitted = threading.Event()
        self._refusal: BaseException | None = None
        self.thread = threading.Thread(target=self._main, name=name, daemon=True)

    def emit(self, event: TurnEvent) -> None:
        self._queue.put(event)

    def admit(self) -> None:
        """The run got its session lock and its input was accepted: the caller may start streaming."""
        self._admitted.set()

    def wait_admitted(self) -> None:
        """Block until the run is admitted; raise what refused it (e.g. nothing left to approve)."""
        self._admitted.wait()
        if self._refusal is not None:
            raise self._refusal

    def _main(self) -> None:
        try:
            self._work(self)
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, who reports it
            if self._admitted.is_set():
                log.error("turn_failed", thread=self.thread.name, error_type=type(exc).__name__, error=str(exc)[:300])
            else:
                self._refusal = exc
            self._queue.put(exc)
        finally:
            self._admitted.set()
            self._queue.put(_FINISHED)
            self._on_done(self)

    def events(self) -> Iterator[TurnEvent]:
        while (item := self._queue.get()) is not _FINISHED:
            if isinstance(item, BaseException):
                raise item
            yield item


class AgentService:
    @functools.cached_property
    def graph(self):
        """The compiled state machine, built on first use: listing or deleting sessions needs only their rows and
        checkpoints, and the graph's import (the offline reader's patterns) is most of a process's start."""
        from agent.graph import build_graph

        return build_graph(self.saver)

    def __init__(self, kb: KnowledgeBase, *, llm: str = "offline", deploy_target: str = "local",
                 allowed_namespaces: tuple[str, ...] = DEFAULT_ALLOWED_NAMESPACES, pool_max: int = 10):
        self.kb = kb
        self.defaults = AgentContext(llm=llm, deploy_target=deploy_target, allowed_namespaces=allowed_namespaces, kb=kb)
        self.pool = ConnectionPool(kb.db.url, min_size=1, max_size=pool_max, open=True, name="checkpoints",
                                   timeout=kb.db.timeout_s, check=ConnectionPool.check_connection,
                                   kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row,
                                           **connection_label(kb.db.url, "compass-checkpoints")})
        # A turn holds a pooled connection for its session lock and uses more while it runs. At most half the
        # knowledge-base pool runs turns at once, so lock holders never take every connection (under load,
        # turns queue here holding nothing, instead of timing out on the pool).
        self._turn_slots = threading.BoundedSemaphore(max(1, kb.db.pool.max_size // 2))
        # each message's text is stored once (knowledge/store/checkpoints.py), not again after every step
        self.saver = ContentStoringSaver(self.pool, serde=checkpoint_serde(), contents=ContentStore(kb.db))
        self._setup_checkpoint_tables(kb)
        self._runs: set[_DetachedRun] = set()
        self._runs_lock = threading.Lock()

    def _setup_checkpoint_tables(self, kb: KnowledgeBase) -> None:
        """Processes starting together on a new database: one creates the checkpoint tables, the others wait.

        The wait polls ``pg_try_advisory_lock`` instead of blocking in ``pg_advisory_lock``: a blocked call is
        an open transaction, and the saver's ``CREATE INDEX CONCURRENTLY`` waits for every open transaction to
        end, so the lock holder and the waiters would wait on each other for ever.
        """
        key = "compass:checkpoint-setup"
        with kb.db.connection() as conn:
            while not conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()[0]:
                time.sleep(0.05)
            try:
                self.saver.setup()
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))

    def close(self, wait_s: float = 25.0) -> None:
        """Let runs in flight finish (up to ``wait_s``; a run cut short is finished by the next process that
        opens its session), then close the pool."""
        deadline = time.monotonic() + wait_s
        with self._runs_lock:
            runs = list(self._runs)
        for run in runs:
            run.thread.join(max(0.0, deadline - time.monotonic()))
        if unfinished := [r.thread.name for r in runs if r.thread.is_alive()]:
            log.warning("closing_with_runs_in_flight", runs=unfinished)
        self.pool.close()

    # ------------------------------------------------------------------ sessions

    def create_session(self, owner: str, title: str | None = None,
                       session_id: uuid.UUID | None = None) -> SessionRecord:
        with self.kb.db.connection() as conn:
            return sessions_repo.create(conn, owner, _storable(title), session_id)

    def adopt_sessions(self, from_owner: str, to_owner: str) -> int:
        """Give ``from_owner``'s sessions to ``to_owner`` (an owner name no caller has any more); how many moved."""
        with self.kb.db.connection() as conn:
            return sessions_repo.reassign_owner(conn, from_owner, to_owner)

    def list_sessions(self, owner: str) -> list[SessionRecord]:
        with self.kb.db.connection() as conn:
            return sessions_repo.list_for(conn, owner)

    def _record(self, session_id: uuid.UUID | str, owner: str) -> SessionRecord:
        # Whose sessions were searched is said (sessions belong to one user: an API key's, or the local user's), but
        # another owner's session looks exactly like a missing one.
        missing = f"No session '{session_id}' among the sessions of user '{owner}'."
        try:
            sid = uuid.UUID(str(session_id))
        except ValueError:
            raise SessionNotFoundError(missing) from None
        with self.kb.db.connection() as conn:
            record = sessions_repo.get(conn, sid)
        if record is None or record.owner != owner:
            raise SessionNotFoundError(missing)
        return record

    def delete_session(self, session_id: uuid.UUID | str, owner: str) -> None:
        """Delete the session and everything of its thread. The row goes first (new turns answer 404, and a
        turn in progress, in any process, runs no further step); the thread's checkpoints go under the session
        lock, once that turn has stopped, so it cannot write after them."""
        record = self._record(session_id, owner)
        with self.kb.db.connection() as conn:
            sessions_repo.delete(conn, record.id)
        with self._session_lock(record.id):
            self.saver.delete_thread(str(record.id))

    def view(self, session_id: uuid.UUID | str, owner: str) -> SessionView:
        record = self._record(session_id, owner)
        snapshot = self.graph.get_state(self._config(record.id))
        state = AgentState.model_validate(snapshot.values) if snapshot.values else AgentState()
        pending = snapshot.interrupts[0].value if snapshot.interrupts else None
        messages = [{"role": _role(m), "content": str(m.content)} for m in state.messages
                    if isinstance(m, HumanMessage) or (isinstance(m, AIMessage) and m.content and not m.tool_calls)]
        return SessionView(session=record, state=state, pending_approval=pending, messages=messages)

    # ------------------------------------------------------------------ turns

    @staticmethod
    def _config(session_id: uuid.UUID) -> dict:
        return {"configurable": {"thread_id": str(session_id)}}

    def _context(self, owner: str) -> AgentContext:
        d = self.defaults
        return AgentContext(llm=d.llm, user=owner, deploy_target=d.deploy_target,
                            allowed_namespaces=d.allowed_namespaces, kb=self.kb)

    @contextmanager
    def _session_lock(self, session_id: uuid.UUID):
        """One turn at a time per session, across every process sharing the database."""
        with self.kb.db.connection() as conn:
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (str(session_id),))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (str(session_id),))

    def send(self, session_id: uuid.UUID | str, owner: str, text: str) -> Iterator[TurnEvent]:
        """Stream one user message through the graph. A message sent while an approval is pending answers it
        (and never approves); whether one is pending is decided under the session lock, so a message racing an
        approval is new input either way, never dropped."""
        record = self._record(session_id, owner)
        stored = _storable(text)
        if isinstance(text, str) and stored != text.replace("\x00", ""):
            yield TurnEvent(event="progress", data={"message": SECRET_REMOVED})
        if not isinstance(stored, str) or not stored.strip():
            yield TurnEvent(event="reply", data={"text": "Your message was empty. Tell me what you need to deploy."})
            yield TurnEvent(event="done", data={"stage": record.stage})
            return
        text = stored[:MAX_MESSAGE_CHARS]
        self._ensure_room(record, len(text.encode()))
        yield from self._start(record, owner, {"messages": [HumanMessage(content=text)]}, title=text[:80]).events()

    def decide(self, session_id: uuid.UUID | str, owner: str, approve: bool) -> Iterator[TurnEvent]:
        """Answer the pending deployment approval (the only way a deployment is ever approved); raises
        NoPendingApprovalError on first use when nothing is pending (see ``begin_decision``)."""
        yield from self.begin_decision(session_id, owner, approve)

    def begin_decision(self, session_id: uuid.UUID | str, owner: str, approve: bool) -> Iterator[TurnEvent]:
        """Start answering the pending approval; return its events once the decision holds the session lock
        with an approval still pending there. Raises at once (before any event) for an unknown session or
        NoPendingApprovalError when nothing is pending, or a racing decision took it first: a server can answer
        409 before it starts streaming."""
        record = self._record(session_id, owner)
        run = self._start(record, owner, _Decision(approve=approve))
        run.wait_admitted()
        return run.events()

    def turn(self, session_id: uuid.UUID | str, owner: str, text: str) -> TurnResult:
        return self._collect(session_id, self.send(session_id, owner, text))

    def approve(self, session_id: uuid.UUID | str, owner: str, approve: bool = True) -> TurnResult:
        return self._collect(session_id, self.decide(session_id, owner, approve))

    @staticmethod
    def _collect(session_id, events: Iterator[TurnEvent]) -> TurnResult:
        collected = list(events)
        reply = next((e.data.get("text", "") for e in reversed(collected) if e.event == "reply"), "")
        done = next((e.data for e in reversed(collected) if e.event == "done"), {})
        pending = next((e.data for e in reversed(collected) if e.event == "interrupt"), None)
        return TurnResult(session_id=uuid.UUID(str(session_id)), reply=reply, stage=done.get("stage", ""),
                          pending_approval=pending, events=collected)

    def _deleted(self, session_id: uuid.UUID) -> bool:
        with self.kb.db.connection() as conn:
            return sessions_repo.get(conn, session_id) is None

    def _stream(self, payload: Any, config: dict, owner: str, replies: list[str],
                stop: Callable[[], bool] = lambda: False, durability: str = "async") -> Iterator[TurnEvent]:
        """The run's events; ``stop`` is asked after each step (a deleted session runs no further step).
        ``durability``: LangGraph's checkpointing of the run ("async": after every step; "exit": once, when the
        run ends or pauses on the approval gate)."""
        for mode, chunk in self.graph.stream(payload, config, context=self._context(owner), durability=durability,
                                             stream_mode=["custom", "updates"]):
            if mode == "updates" and stop():
                return
            if mode == "custom" and isinstance(chunk, dict):
                yield TurnEvent(event=chunk.get("event", "custom"), data={k: v for k, v in chunk.items() if k != "event"})
            elif mode == "updates" and isinstance(chunk, dict):
                for node, update in chunk.items():
                    if node == "__interrupt__":
                        continue
                    for m in (update or {}).get("messages", []) if isinstance(update, dict) else []:
                        if isinstance(m, AIMessage) and m.content and not m.tool_calls:  # not a tool-call step
                            replies.append(str(m.content))

    def _finish_interrupted_run(self, config: dict, owner: str, replies: list[str],
                                snapshot: Any = None) -> Iterator[TurnEvent]:
        """A run cut short by a crash (a step not yet committed, no interrupt) is finished before the next input.

        Under the session lock, uncommitted tasks mean the process running them died (a live one would hold the
        lock). They are read from the snapshot's tasks, not its ``next``: ``next`` leaves out tasks whose writes
        were saved before the crash, and new input on top of them would silently drop those writes (an applied
        deployment would stay "applying" for ever). Finishing them keeps what the user confirmed: an approved
        deployment is applied (the deploy path is idempotent: a local deployment already running under the
        same id is reused, server-side apply is declarative) and validated.
        """
        snapshot = snapshot or self.graph.get_state(config)
        if not snapshot.tasks or snapshot.interrupts:
            return
        steps = ", ".join(t.name for t in snapshot.tasks)
        log.warning("resuming_interrupted_run", thread=config["configurable"]["thread_id"], steps=steps)
        yield TurnEvent(event="progress", data={"message": f"Finishing the step that was interrupted ({steps})."})
        try:
            yield from self._stream(None, config, owner, replies)
        except Exception as exc:  # noqa: BLE001 - a step that fails again must not block the session for good
            log.error("resume_failed", thread=config["configurable"]["thread_id"], error=repr(exc))
            replies.append(f"I could not finish the interrupted step ({steps}): {type(exc).__name__}.")

    def _start(self, record: SessionRecord, owner: str, payload: Any, title: str | None = None) -> _DetachedRun:
        """Start the turn on a thread of its own (see ``_DetachedRun``)."""
        run = _DetachedRun(lambda r: self._run_locked(record, owner, payload, title, r), f"turn-{record.id}",
                           on_done=self._forget)
        with self._runs_lock:
            self._runs.add(run)
        run.thread.start()
        return run

    def stored_bytes(self, session_id: uuid.UUID) -> int:
        """Bytes the session's checkpoints hold (after pruning: about its whole conversation, stored once)."""
        with self.kb.db.connection() as conn:
            return conn.execute(
                "SELECT (SELECT coalesce(sum(octet_length(blob)), 0) FROM checkpoint_blobs WHERE thread_id = %(t)s)"
                " + (SELECT coalesce(sum(octet_length(blob)), 0) FROM checkpoint_writes WHERE thread_id = %(t)s)"
                " + (SELECT coalesce(sum(octet_length(checkpoint::text)), 0) FROM checkpoints WHERE thread_id = %(t)s)"
                " + (SELECT coalesce(sum(octet_length(content)), 0) FROM checkpoint_contents WHERE thread_id = %(t)s)",
                {"t": str(session_id)}).fetchone()[0]

    def _ensure_room(self, record: SessionRecord, adding: int) -> None:
        limit = self.kb.settings.session_max_bytes
        held = self.stored_bytes(record.id)
        if held + adding > limit:
            raise SessionTooLargeError(
                f"This session already holds {held / 1e6:.1f} MB of conversation (the limit is {limit / 1e6:.1f} MB, "
                "COMPASS_SESSION_MAX_BYTES); start a new session to go on, nothing here was changed.")

    def _prune(self, session_id: uuid.UUID) -> None:
        """Keep only the thread's latest checkpoint (with its pending writes): crash recovery resumes from it and
        undo lives in the state, so older ones only made storage grow with the square of the conversation."""
        try:
            self.saver.prune([str(session_id)], strategy="keep_latest")
        except Exception as exc:  # noqa: BLE001 - the turn is saved; pruning is retried after the next one
            log.warning("checkpoint_prune_failed", session=str(session_id), error=str(exc)[:200])

    def _forget(self, run: _DetachedRun) -> None:
        with self._runs_lock:
            self._runs.discard(run)

    def _run_locked(self, record: SessionRecord, owner: str, payload: Any, title: str | None,
                    run: _DetachedRun) -> None:
        config = self._config(record.id)
        replies: list[str] = []
        started = time.perf_counter()
        emit = run.emit
        with self._turn_slots, self._session_lock(record.id):
            snapshot = self.graph.get_state(config)
            if snapshot.tasks and not snapshot.interrupts:  # a run cut short by a crash: finished first
                for event in self._finish_interrupted_run(config, owner, replies, snapshot):
                    emit(event)
                snapshot = self.graph.get_state(config)
            pending = bool(snapshot.interrupts)  # read under the lock: races are decided here
            # New input with no approval open is checkpointed once, when the run ends (or pauses on the approval
            # gate): a crash before then loses only the unanswered message, which the client sees fail. A run
            # resuming the gate (a decision, or a message answering it) goes on into apply and validate, where
            # crash recovery needs every step's checkpoint.
            durability = "exit" if not pending and not isinstance(payload, _Decision) else "async"
            if isinstance(payload, _Decision):
                if not pending:
                    raise NoPendingApprovalError("There is no deployment waiting for approval in this session.")
                payload = Command(resume={"decision": "approve" if payload.approve else "reject"})
            elif pending:  # a message while the approval gate is open answers it (never approves)
                payload = Command(resume={"message": str(payload["messages"][0].content)})
            run.admit()
            for event in self._stream(payload, config, owner, replies, stop=lambda: self._deleted(record.id),
                                      durability=durability):
                emit(event)
            if self._deleted(record.id):
                log.info("turn_stopped_session_deleted", session=str(record.id))
                emit(TurnEvent(event="reply", data={"text": "This session was deleted; the rest of the turn was not "
                                                            "run."}))
                emit(TurnEvent(event="done", data={"stage": "deleted"}))
                return
            self._prune(record.id)
            snapshot = self.graph.get_state(config)
        state = AgentState.model_validate(snapshot.values)
        pending = snapshot.interrupts[0].value if snapshot.interrupts else None
        with self.kb.db.connection() as conn:
            sessions_repo.update(conn, record.id, stage=state.stage.value, turns=state.turn,
                                 pending_approval=pending is not None, title=title)
        log.info("turn", session=str(record.id), user=owner, stage=state.stage.value, turn=state.turn,
                 pending_approval=pending is not None, elapsed_ms=round((time.perf_counter() - started) * 1000, 1))
        reply = "\n\n".join(replies)
        if pending and not replies:
            reply = pending.get("question", "")
        emit(TurnEvent(event="reply", data={"text": reply}))
        if pending:
            emit(TurnEvent(event="interrupt", data=pending))
        emit(TurnEvent(event="done", data={"stage": state.stage.value, "turn": state.turn}))
