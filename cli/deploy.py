"""``compass deploy``: render a session's recommendation, validate it, and apply it (or write it for GitOps)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cli.common import console, fail, friendly_errors, print_json

deploy_app = typer.Typer(help="Deploy a recommendation: local simulator, KServe, plain Kubernetes, or files.",
                         invoke_without_command=True)


def _context():
    from agent.config import AgentSettings
    from agent.session_service import AgentService
    from knowledge import get_knowledge_base

    settings = AgentSettings()
    with console.status("Opening the knowledge base..."):
        kb = get_knowledge_base()
    return kb, settings, AgentService(kb, deploy_target=settings.deploy_target,
                                      allowed_namespaces=settings.namespaces)


@deploy_app.callback()
@friendly_errors
def deploy(ctx: typer.Context,
           session: str = typer.Option(None, "--session", help="the session whose plan to deploy"),
           option: int = typer.Option(None, "--option", min=1, help="which recommendation (default: the selected one, else 1)"),
           target: str = typer.Option(None, help="local | kserve | plain | simulator (default: COMPASS_DEPLOY_TARGET)"),
           namespace: str = typer.Option(None, help="namespace (default: the spec's, else 'compass')"),
           dry_run: bool = typer.Option(False, "--dry-run", help="validate (and server dry-run) without applying"),
           output: Path = typer.Option(None, "--output", help="write a kustomize directory instead of applying"),
           force: bool = typer.Option(False, "--force", help="with --output: overwrite files Compass did not write "
                                                               "there (by default it refuses and names them)"),
           validate: bool = typer.Option(True, help="after a local deploy, load-test it against the SLOs")) -> None:
    """Deploy option N of a session's plan. Typing this command is the approval; the agent asks in chat."""
    if ctx.invoked_subcommand:
        return
    if not session:
        raise fail("--session ID is required (see `compass sessions list`)", 2)
    from k8s.options import namespace_problem
    from tools import deploy_path

    if namespace is not None and (problem := namespace_problem(namespace)):
        raise fail(f"--namespace: {problem}", 2)  # checked before anything opens: a typo, not an internal error

    kb, settings, service = _context()
    view = service.view(session, settings.local_user)
    plan = view.state.plan
    if plan is None:
        raise fail("that session has no plan yet: describe the need in `compass chat --session ID` first", 2)
    n = option or view.state.selected_option or 1
    if n > len(plan.recommendations):
        raise fail(f"there is no option {n}; the plan has options 1 to {len(plan.recommendations)}", 2)
    rec = plan.recommendations[n - 1]
    chosen = target or settings.deploy_target
    bundle = deploy_path.render(rec, plan.spec, kb.catalog, target=chosen, namespace=namespace,
                                instance=str(view.session.id))
    problems = deploy_path.problems(bundle, kb.catalog, settings.namespaces)
    for line in bundle.summary:
        console.print(f"- {line}", highlight=False)
    if problems:
        raise fail("the manifests did not pass validation:\n" + "\n".join(f"  {p}" for p in problems), 1)
    if output:
        for path in deploy_path.write_output(bundle, output, force=force):
            console.print(f"wrote {path}")
        return
    applied = deploy_path.apply(bundle, kb.catalog, target=chosen, allowed_namespaces=settings.namespaces,
                                progress=lambda m: console.print(f"[dim]  {m}[/]", highlight=False), dry_run=dry_run)
    console.print(f"[green]{applied.detail}[/]")
    if chosen == "local" and not dry_run:
        console.print(f"Endpoint: {applied.endpoint}/v1 (model {applied.model_name}). "
                      f"Stop it with: compass deploy stop {applied.id}")
        if validate:
            _validate_local(kb, plan, rec, applied)


def _validate_local(kb, plan, rec, applied) -> None:
    from tools import deploy_path
    from tools.validation import report_text

    outcome = deploy_path.validate(applied.endpoint, applied.model_name, plan.spec, rec, plan.workload,
                                   target="local", time_scale=applied.time_scale,
                                   progress=lambda m: console.print(f"[dim]  {m}[/]", highlight=False))
    kb.record_outcome(outcome)
    from rich.markdown import Markdown

    console.print(Markdown(report_text(outcome)))


@deploy_app.command("stop")
@friendly_errors
def stop(deployment_id: str = typer.Argument(..., help="the id `compass deploy list` shows")) -> None:
    """Stop a local deployment (its simulator replicas and front)."""
    from agent.config import AgentSettings
    from tools import deploy_path

    if not deploy_path.stop_local(deployment_id, AgentSettings().namespaces):
        raise fail(f"no local deployment '{deployment_id}' (see `compass deploy list`)", 4)
    console.print(f"Stopped {deployment_id}.")


@deploy_app.command("list")
@friendly_errors
def list_(as_json: bool = typer.Option(False, "--json")) -> None:
    """Local deployments on this machine."""
    from agent.config import AgentSettings
    from tools import deploy_path

    target = deploy_path.local_target(AgentSettings().namespaces)
    deployments = target.list()
    if as_json:
        print_json([{**d.model_dump(mode="json"), "running": target.running(d)} for d in deployments])
        return
    table = Table(title="local deployments")
    for col in ("id", "model", "replicas", "endpoint", "running", "since"):
        table.add_column(col)
    for d in deployments:
        state = "yes" if target.running(d) else "starting" if d.status == "starting" else "no"
        table.add_row(d.id, d.model_name, str(len(d.replicas)), d.endpoint or "-", state,
                      d.created_at.strftime("%Y-%m-%d %H:%M"))
    console.print(table)
