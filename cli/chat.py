"""``compass chat`` (terminal conversation) and ``compass sessions``."""

from __future__ import annotations

import typer
from rich.markdown import Markdown
from rich.markup import escape
from rich.table import Table

from cli.common import console, err_console, friendly_errors, print_json
from knowledge import get_knowledge_base

sessions_app = typer.Typer(help="Saved conversations.", no_args_is_help=True)
HELP = ("Commands: /approve and /reject answer a pending deployment, /spec shows what I know, /sessions lists "
        "your sessions, /new starts a new session, /quit leaves (the session is saved).")


def _service(llm: str | None = None):
    from agent.config import AgentSettings  # imported here: the agent stack is heavy and only chat needs it
    from agent.service import AgentService

    settings = AgentSettings()
    with console.status("Opening the knowledge base..."):
        kb = get_knowledge_base()
        service = AgentService(kb, llm=llm or settings.llm, deploy_target=settings.deploy_target,
                               allowed_namespaces=settings.namespaces)
    return service, settings.local_user


def _render(events, *, quiet_tokens: bool = True) -> dict | None:
    """Show steps as they run and the reply as markdown; returns the pending approval, if any."""
    pending = None
    for e in events:
        if e.event == "step" and e.data.get("status") in ("end", "error"):
            colour = "red" if e.data["status"] == "error" else "dim"
            console.print(f"[{colour}]  {escape('[' + e.data['name'] + ']')} {escape(str(e.data.get('summary', '')))} "
                          f"({e.data.get('elapsed_ms', 0):.0f} ms)[/]", highlight=False)
        elif e.event == "step":
            console.print(f"[dim]  {escape('[' + e.data['name'] + ']')} running...[/]", highlight=False)
        elif e.event == "progress":
            console.print(f"[dim]  {escape(str(e.data.get('message')))}[/]", highlight=False)
        elif e.event == "reply" and e.data.get("text"):
            console.print(Markdown(e.data["text"]))
        elif e.event == "interrupt":
            pending = e.data
            console.print("[bold yellow]Waiting for your decision:[/] /approve or /reject")
    return pending


def _events_or_error(gen) -> list:
    try:
        return list(gen)
    except Exception as exc:  # noqa: BLE001 - the conversation must survive any single failed turn
        err_console.print(f"[red]That turn failed: {exc}. Your session is intact; try again or rephrase.[/]")
        return []


@friendly_errors
def chat(session: str = typer.Option(None, "--session", help="resume a saved session by id"),
         llm: str = typer.Option(None, help="offline (default), openai:<model> or ollama:<model>")) -> None:
    """Talk to Compass in the terminal. Sessions are saved; resume with --session ID."""
    service, user = _service(llm)
    if session:
        view = service.view(session, user)
        sid = view.session.id
        console.print(f"Resuming session [bold]{sid}[/] ({view.session.turns} turns, stage {view.state.stage.value}).")
        for m in view.messages[-4:]:
            console.print(f"[dim]{m['role']}:[/] " + (m["content"][:300] + ("..." if len(m["content"]) > 300 else "")))
        if view.pending_approval:
            console.print("[bold yellow]A deployment is waiting for your decision:[/] /approve or /reject")
    else:
        sid = service.create_session(user).id
        console.print(f"New session [bold]{sid}[/]. Describe what you need; {HELP}")
    while True:
        try:
            text = console.input("[bold cyan]you>[/] ")
        except (EOFError, KeyboardInterrupt):
            text = "/quit"
        command = text.strip().lower()
        if command in ("/quit", "/exit"):
            console.print(f"Session saved. Resume with: [bold]compass chat --session {sid}[/]")
            return
        if command == "/help":
            console.print(HELP)
        elif command == "/sessions":
            _sessions_table(service.list_sessions(user))
        elif command == "/new":
            sid = service.create_session(user).id
            console.print(f"New session [bold]{sid}[/].")
        elif command in ("/approve", "/reject"):
            _render(_events_or_error(service.decide(sid, user, command == "/approve")))
        elif command == "/spec":
            _render(_events_or_error(service.send(sid, user, "show the spec")))
        elif text.strip():
            _render(_events_or_error(service.send(sid, user, text)))


def _sessions_table(records) -> None:
    table = Table(title="your sessions")
    for col in ("id", "title", "stage", "turns", "pending approval", "updated"):
        table.add_column(col)
    for r in records:
        table.add_row(str(r.id), (r.title or "")[:50], r.stage, str(r.turns), "yes" if r.pending_approval else "",
                      r.updated_at.strftime("%Y-%m-%d %H:%M"))
    console.print(table)


@sessions_app.command("list")
@friendly_errors
def sessions_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """Your saved sessions, most recent first."""
    service, user = _service()
    records = service.list_sessions(user)
    if as_json:
        print_json(records)
    else:
        _sessions_table(records)


@sessions_app.command("show")
@friendly_errors
def sessions_show(session: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """A session's spec, stage and conversation."""
    service, user = _service()
    view = service.view(session, user)
    if as_json:
        print_json({"session": view.session, "stage": view.state.stage, "spec": view.state.spec,
                    "pending_approval": view.pending_approval, "messages": view.messages})
        return
    console.print(f"[bold]{view.session.id}[/] stage {view.state.stage.value}, {view.session.turns} turns")
    for m in view.messages:
        console.print(f"[bold]{m['role']}:[/]")
        console.print(Markdown(m["content"]))


@sessions_app.command("delete")
@friendly_errors
def sessions_delete(session: str) -> None:
    """Delete a session and its checkpoints."""
    service, user = _service()
    service.delete_session(session, user)
    console.print(f"Deleted session {session}.")
