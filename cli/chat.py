"""``compass chat`` (terminal conversation) and ``compass sessions``."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from cli.common import console, err_console, friendly_errors, print_json
from cli.render import comparison_table, options_table
from knowledge import get_knowledge_base

sessions_app = typer.Typer(help="Saved conversations.", no_args_is_help=True)
HELP = ("Commands: /approve and /reject answer a pending deployment, /spec shows what I know, /sessions lists "
        "your sessions, /new starts a new session, /quit leaves (the session is saved).")


def _service(llm: str | None = None):
    from agent.config import AgentSettings  # imported here: the agent stack is heavy and only chat needs it
    from agent.session_service import AgentService

    settings = AgentSettings()
    with console.status("Opening the knowledge base..."):
        kb = get_knowledge_base()
        service = AgentService(kb, llm=llm or settings.llm, deploy_target=settings.deploy_target,
                               allowed_namespaces=settings.namespaces)
    return service, settings.local_user


PLAN_TOOL, WHATIF_TOOL = "plan_capacity", "compare_whatif"


def _turn(service, sid, user: str, events) -> dict | None:
    """Show a turn as it happens: each step and progress line when it comes (a validation's load test reports
    while it runs), then the reply. The options and what-if tables are drawn to fit the terminal instead of as
    the reply's markdown tables. Returns the pending approval, if any; a failed turn is one line."""
    pending, tools_ok, reply = None, set(), ""
    try:
        for e in events:
            if e.event == "step" and e.data.get("status") in ("end", "error"):
                colour = "red" if e.data["status"] == "error" else "dim"
                if e.data["status"] == "end":
                    tools_ok.add(e.data.get("name"))
                console.print(f"[{colour}]  {escape('[' + e.data['name'] + ']')} {escape(str(e.data.get('summary', '')))}"
                              f" ({e.data.get('elapsed_ms', 0):.0f} ms)[/]", highlight=False)
            elif e.event == "step":
                console.print(f"[dim]  {escape('[' + e.data['name'] + ']')} running...[/]", highlight=False)
            elif e.event == "progress":
                console.print(f"[dim]  {escape(str(e.data.get('message')))}[/]", highlight=False)
            elif e.event == "reply":
                reply = e.data.get("text") or ""
            elif e.event == "interrupt":
                pending = e.data
    except Exception as exc:  # noqa: BLE001 - the conversation must survive any single failed turn
        from agent.session_service import NoPendingApprovalError  # imported here: the agent stack is heavy

        if isinstance(exc, NoPendingApprovalError):
            # not a failure: /approve or /reject with nothing waiting is answered in one calm line
            console.print(f"{escape(str(exc).rstrip('.'))}; ask me to deploy an option first (for example: deploy "
                          "option 1).", soft_wrap=True)
            return None
        err_console.print(f"[red]That turn failed: {escape(str(exc))}. Your session is intact; try again or "
                          "rephrase.[/]", soft_wrap=True)
        return None
    _show_reply(service, sid, user, reply, tools_ok)
    if pending:
        console.print("[bold yellow]Waiting for your decision:[/] /approve or /reject")
    return pending


def _markdown(text: str):
    from rich.markdown import Markdown  # imported here: markdown-it is only needed to show a conversation

    return Markdown(text)


def _show_reply(service, sid, user: str, reply: str, tools_ok: set) -> None:
    state = None
    if tools_ok & {PLAN_TOOL, WHATIF_TOOL}:
        try:
            state = service.view(sid, user).state
        except Exception:  # noqa: BLE001 - the reply's own tables are shown instead
            state = None
    planned = state is not None and PLAN_TOOL in tools_ok and state.plan is not None
    compared = state is not None and WHATIF_TOOL in tools_ok and state.comparison is not None
    if not (planned or compared):
        if reply:
            console.print(_markdown(reply))
        return
    from ui.views import split_at_tables  # the same cut the web UI makes for its richer elements

    before, after = split_at_tables(reply)
    if before:
        console.print(_markdown(before))
    if planned:
        options_table(state.plan)
    if compared:
        comparison_table(state.comparison)
    if after:
        console.print(_markdown(after))


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
            console.print(f"Session saved. Resume with: [bold]compass chat --session {sid}[/]", soft_wrap=True)
            return
        if command == "/help":
            console.print(HELP)
        elif command == "/sessions":
            _sessions_table(service.list_sessions(user))
        elif command == "/new":
            sid = service.create_session(user).id
            console.print(f"New session [bold]{sid}[/].")
        elif command in ("/approve", "/reject"):
            _turn(service, sid, user, service.decide(sid, user, command == "/approve"))
        elif command == "/spec":
            _turn(service, sid, user, service.send(sid, user, "show the spec"))
        elif text.strip():
            _turn(service, sid, user, service.send(sid, user, text))


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
        console.print(_markdown(m["content"]))


@sessions_app.command("delete")
@friendly_errors
def sessions_delete(session: str) -> None:
    """Delete a session and its checkpoints."""
    service, user = _service()
    service.delete_session(session, user)
    console.print(f"Deleted session {session}.")
