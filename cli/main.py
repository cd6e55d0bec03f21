"""The ``compass`` command line: one typer app, one module per command group."""

from __future__ import annotations

import typer

from cli import catalog, chat, deploy, evals, kb, planning, serve, simulate
from cli import ui as ui_cmd
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
    app()


if __name__ == "__main__":
    main()
