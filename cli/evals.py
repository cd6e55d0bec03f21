"""``compass eval run``: run agent eval suites and report the scores (registered in cli/main.py as ``eval``)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cli.common import err_console, friendly_errors
from knowledge import get_knowledge_base

eval_app = typer.Typer(help="Agent eval suites: scripted conversations with checked outcomes.",
                       no_args_is_help=True)


@eval_app.callback()
def _group() -> None:
    """Agent eval suites (evals/suites/*.yaml or your own files)."""


@eval_app.command("run")
@friendly_errors
def run(
    paths: list[str] = typer.Argument(..., help="suite files, folders, or packaged suite names (core, regressions)"),
    llm: str = typer.Option(None, "--llm", help="offline (default: COMPASS_LLM), openai:<model> or ollama:<model>"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
    out: Path = typer.Option(None, "--out", help="also write the JSON report (with transcripts) to this file"),
    min_pass: float = typer.Option(0.0, "--min-pass", min=0.0, max=1.0, help="exit 1 below this pass rate"),
    transcript: bool = typer.Option(False, "--transcript", help="show every conversation"),
    workers: int = typer.Option(None, "--workers", min=1, help="scenarios at once (offline 2, LLM 8)"),
    only: list[str] = typer.Option([], "--only", "-k", help="run scenarios whose id contains this (or with this tag)"),
    sample: float = typer.Option(1.0, "--sample", min=0.01, max=1.0,
                                 help="run this fraction of each suite, the same scenarios every time (a quicker run)"),
    deploy_target: str = typer.Option(None, "--deploy-target", help="local, kserve, plain or simulator"),
    judge: bool = typer.Option(True, "--judge/--no-judge", help="judge rubrics with the LLM (LLM brains only)"),
) -> None:
    """Run every scenario in a fresh session and check what the agent did, asked, recommended and said."""
    from agent.config import AgentSettings  # the agent stack is heavy: imported only when evals run
    from evals.report import render_text
    from evals.runner import run_suites
    from evals.scenario import load_suite, resolve_paths

    settings = AgentSettings()
    llm = llm or settings.llm
    suites = [load_suite(p) for p in resolve_paths(paths)]
    kb = get_knowledge_base()

    def progress(result) -> None:
        if not as_json:
            mark = "skip" if result.skipped else ("ok" if result.passed else "FAIL")
            err_console.print(f"[dim]  {mark:<4} {result.id}[/]", highlight=False)

    report = run_suites(suites, kb, llm=llm, workers=workers, deploy_target=deploy_target or settings.deploy_target,
                        only=only, judge=judge, progress=progress, sample=sample)
    if out:
        out.write_text(json.dumps(report.as_json(transcript=True), indent=2) + "\n", encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(report.as_json(transcript=transcript), indent=2))
    else:
        typer.echo(render_text(report, transcript=transcript))
    if report.pass_rate < min_pass:
        raise typer.Exit(1)


if __name__ == "__main__":  # python -m cli.evals run ... (same app as `compass eval`)
    from knowledge.logs import configure_logging

    configure_logging()
    eval_app()
