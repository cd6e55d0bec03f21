"""The ``compass`` command line: one typer app, one module per command group."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from cli import catalog, chat, deploy, evals, kb, planning, serve, simulate
from cli import ui as ui_cmd
from cli.common import err_console
from knowledge.logs import configure_logging

app = typer.Typer(
    name="compass",
    help="Compass: from a business need to a right-sized LLM deployment on Kubernetes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(kb.app, name="kb")
app.command("models")(catalog.models)
app.command("gpus")(catalog.gpus)
app.command("usecases")(catalog.usecases)
app.command("predict")(planning.predict)
app.command("plan")(planning.plan)
app.command("whatif")(planning.whatif)
app.command("calibrate")(planning.calibrate)
app.command("chat")(chat.chat)
app.add_typer(chat.sessions_app, name="sessions")
app.command("api")(serve.api)
app.command("serve")(serve.serve)
app.command("ui")(ui_cmd.ui)
app.command("simulate")(simulate.simulate)
app.add_typer(deploy.deploy_app, name="deploy")
app.add_typer(evals.eval_app, name="eval")


def main() -> None:
    configure_logging()
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as exc:  # click's usage errors: one line, as every other error (README)
        sys.exit(_usage_error(exc))
    except typer.Abort:
        err_console.print("Aborted.")
        sys.exit(1)
    # not standalone, click returns typer.Exit's code, or whatever the command returned (None: success)
    sys.exit(code if isinstance(code, int) and not isinstance(code, bool) else 0)


def _usage_error(exc: typer.TyperException) -> int:
    """Print a usage error (missing option, invalid value) as one line naming the command's help; a bare group
    (`compass`, `compass kb`) prints its help, as click would."""
    ctx = getattr(exc, "ctx", None)
    code = getattr(exc, "exit_code", 2)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        typer.echo(ctx.get_help())
        return code
    message = " ".join(exc.format_message().split()) if hasattr(exc, "format_message") else str(exc)
    # a bad value's message says what is valid; a missing or unknown option is answered by the command's help
    names_options = type(exc).__name__ != "BadParameter" and ctx is not None
    hint = f" (`{ctx.command_path} --help` lists the options)" if names_options else ""
    err_console.print(f"[bold red]error:[/] {escape(message)}{escape(hint)}", highlight=False, soft_wrap=True)
    return code


if __name__ == "__main__":
    main()
