"""The Compass REST API (FastAPI): sessions with streamed turns, approvals, stateless planning, the catalog."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from agent.config import AgentSettings
from agent.session_service import AgentService
from api import errors
from api.compute import ComputePool
from api.routes import planning, sessions
from api.security import BodySizeLimit
from api.unicode_check import RejectInvalidText
from api.settings import ApiSettings
from knowledge.base import KnowledgeBase, open_knowledge_base
from knowledge.settings import KnowledgeSettings
from knowledge.store.embedded import EmbeddedServer
from tools.planner import warm_start

VERSION = "0.1.0"
# Who a loopback caller of the API without keys was before it became the local user (COMPASS_USER, else the OS
# user, as the terminal and the web UI are): such sessions are the local user's and are handed over at start.
LEGACY_LOCAL_OWNER = "local"
log = structlog.get_logger(__name__)
UI_PATH = "/ui"


def create_app(*, kb: KnowledgeBase | None = None, api_settings: ApiSettings | None = None,
               agent_settings: AgentSettings | None = None, ui: bool = False) -> FastAPI:
    """The API; with ``ui`` also the web UI (Chainlit, app.py) at /ui, sharing this process's agent service."""
    api_settings = api_settings or ApiSettings()
    agent_settings = agent_settings or AgentSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_kb = kb is None
        app.state.kb = kb or open_knowledge_base(KnowledgeSettings())
        app.state.agent = AgentService(app.state.kb, llm=agent_settings.llm, deploy_target=agent_settings.deploy_target,
                                       allowed_namespaces=agent_settings.namespaces)
        _adopt_legacy_local_sessions(app.state.agent, api_settings, agent_settings)
        app.state.agent.graph  # built before the first request, not during it
        warm_start.restore(app.state.kb.catalog)  # the engine results `compass api` prepared: no cold first plans
        app.state.compute = ComputePool(app.state.kb.db.url, workers=api_settings.api_compute_workers,
                                        timeout_s=api_settings.api_compute_timeout_s)
        if ui:
            from ui.runtime import set_service

            set_service(app.state.agent)
        try:
            yield
        finally:
            if ui:
                set_service(None)
            app.state.compute.close()
            app.state.agent.close()
            if own_kb:
                app.state.kb.close()

    app = FastAPI(title="Compass API", version=VERSION, lifespan=lifespan,
                  description="From a business need to a right-sized LLM deployment. Sessions hold a multi-turn "
                              "conversation; stateless endpoints plan, predict and compare directly.\n"
                              + errors.API_ERRORS)
    app.state.api_settings = api_settings
    app.state.local_user = agent_settings.local_user  # who a loopback caller is when no API keys are configured
    # Starlette runs the last added outermost: the size limit first, then the text check on what it let in.
    app.add_middleware(RejectInvalidText)
    app.add_middleware(BodySizeLimit, max_bytes=api_settings.api_max_body_bytes)
    if api_settings.cors_origins:  # closed by default
        app.add_middleware(CORSMiddleware, allow_origins=api_settings.cors_origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])
    errors.install(app)
    app.include_router(sessions.router)
    app.include_router(planning.router)

    @app.get("/healthz", tags=["health"], responses={503: errors.COMMON_ERRORS[503]})
    def healthz() -> dict:
        """Ok only when the database takes a new connection (an embedded one is restarted if it died) and a
        pooled one answers: a load balancer stops sending requests this process could not serve."""
        db = app.state.kb.db
        db.ensure_available()
        with db.connection() as conn:
            conn.execute("SELECT 1")
        return {"status": "ok", "version": VERSION}

    if ui:
        from fastapi.responses import RedirectResponse

        from ui.serving import mount_ui

        mount_ui(app, UI_PATH)

        @app.get("/", include_in_schema=False)
        def root() -> RedirectResponse:
            return RedirectResponse(UI_PATH)

    return app


def _adopt_legacy_local_sessions(agent: AgentService, api_settings: ApiSettings, agent_settings: AgentSettings) -> None:
    """On a single-user install (no API keys) the sessions the API made as 'local' become the local user's, so
    `compass sessions list`, the web UI and the API show them again. With keys, 'local' could be a key's user: left."""
    local_user = agent_settings.local_user
    if api_settings.keys() or local_user == LEGACY_LOCAL_OWNER:
        return
    moved = agent.adopt_sessions(LEGACY_LOCAL_OWNER, local_user)
    if moved:
        log.info("sessions adopted", count=moved, owner=local_user,
                 why=f"the API without keys used to save them as '{LEGACY_LOCAL_OWNER}'")


def exit_cleanly_on_sigterm() -> None:
    """Make SIGTERM (systemd, Docker, Kubernetes) end the process like Ctrl-C does: uvicorn shuts down
    gracefully, restores this handler and raises the signal again; SystemExit then runs the exit handlers that
    stop the embedded database and release the process's place in it (the default handler would skip them)."""
    def _exit(_signum, _frame) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _exit)


def worker_app() -> FastAPI:
    """The app of one ``compass api --workers N`` worker process (uvicorn calls this in each of them).

    SIGTERM is left to uvicorn here: it loads the app after installing its own graceful handler, so replacing that
    handler made the signal raise SystemExit wherever the worker was (mid-import, mid-request); such a worker could
    hang and the supervisor wait for it for ever. After a graceful shutdown uvicorn ends the worker with the
    signal's default action, which skips exit handlers: the lifespan gives up the worker's place in the embedded
    database instead (the last user out stops it)."""
    from knowledge.logs import configure_logging

    configure_logging("INFO")
    app = create_app()
    serve = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan_then_release(app: FastAPI) -> AsyncIterator[None]:
        try:
            async with serve(app):
                yield
        finally:
            EmbeddedServer.release_all()

    app.router.lifespan_context = lifespan_then_release
    return app
