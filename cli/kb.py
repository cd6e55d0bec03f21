"""``compass kb``: the knowledge base (init, status, import, check, export)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cli.common import console, friendly_errors, print_json
from knowledge import get_knowledge_base
from knowledge.domain import Precision
from knowledge.importers import ImportOptions
from knowledge.importers.common import detect_and_parse

app = typer.Typer(help="The knowledge base: catalog, benchmarks and deployment outcomes.", no_args_is_help=True)


def _open():
    with console.status("Opening the knowledge base (starting the embedded PostgreSQL if needed)..."):
        return get_knowledge_base()


@app.command()
@friendly_errors
def init(force: bool = typer.Option(False, "--force", help="reload the catalog even if unchanged"),
         as_json: bool = typer.Option(False, "--json")) -> None:
    """Create or upgrade the database and load the shipped catalog."""
    kb = _open()
    reloaded = kb.sync_catalog(force=force)
    status = kb.status()
    if as_json:
        print_json({"catalog_reloaded": reloaded, **status.model_dump()})
        return
    console.print(f"[green]Knowledge base ready[/] at {status.database} (schema v{status.schema_version}).")
    console.print(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in status.counts.items()))


@app.command()
@friendly_errors
def status(as_json: bool = typer.Option(False, "--json")) -> None:
    """Where the database is, its schema version and what it holds."""
    s = _open().status()
    if as_json:
        print_json(s)
        return
    table = Table(show_header=False, box=None)
    table.add_row("database", s.database + (" (embedded)" if s.embedded else " (external)"))
    if s.data_dir:
        table.add_row("data dir", s.data_dir)
    table.add_row("schema version", str(s.schema_version))
    table.add_row("catalog", s.catalog_hash or "not loaded")
    for k, v in s.counts.items():
        table.add_row(k.replace("_", " "), str(v))
    console.print(table)


@app.command("import")
@friendly_errors
def import_(files: list[Path] = typer.Argument(..., help="GuideLLM JSON, Compass/NeuralNav benchmark JSON, or a kb export"),
            gpu: str = typer.Option(None, help="GPU the results were measured on (GuideLLM files do not say)"),
            tp: int = typer.Option(None, "--tp", min=1, max=64, help="tensor parallel size"),
            precision: Precision = typer.Option(None, help="override the precision"),
            model: str = typer.Option(None, help="override the model id"),
            data_kind: str = typer.Option(None, help="measured or simulated (default: from the file)"),
            as_json: bool = typer.Option(False, "--json")) -> None:
    """Import benchmark results; reports rows added, skipped and why. A malformed file writes nothing (of any file)."""
    if data_kind not in (None, "measured", "simulated"):
        raise typer.BadParameter("must be 'measured' or 'simulated'", param_hint="--data-kind")
    kb = _open()
    if gpu:  # a name given on the command line is checked now (closest names suggested), not row by row
        kb.catalog.gpu(gpu)
    if model:
        kb.catalog.resolve_model(model)
    options = ImportOptions(gpu=gpu, tensor_parallel=tp, precision=precision, model=model, data_kind=data_kind)
    for f in files:  # every file is read and checked before any is written: one malformed file writes nothing
        detect_and_parse(f, kb.catalog, options)
    reports = []
    for f in files:
        reports.append(kb.import_file(f, options))
    if as_json:
        print_json(reports)
        return
    for r in reports:
        console.print(f"[bold]{r.file}[/] ({r.format}): [green]{r.added} added[/], {r.skipped} skipped")
        for reason, n in sorted(r.reasons.items(), key=lambda kv: -kv[1]):
            console.print(f"  - {n} x {reason}")


@app.command()
@friendly_errors
def check(max_price_age_days: int = typer.Option(None, min=1, help="prices older than this are stale"),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Data health: missing cross-references and stale prices. Exit code 1 when errors are found."""
    report = _open().health(price_max_age_days=max_price_age_days)
    if as_json:
        print_json({"ok": report.ok, **report.model_dump(mode="json")})
    else:
        console.print(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.counts.items()))
        if not report.findings:
            console.print("[green]No findings.[/]")
        for f in report.findings:
            colour = "red" if f.severity == "error" else "yellow"
            console.print(f"[{colour}]{f.severity:7}[/] {f.check:18} {f.message}", highlight=False)
        console.print(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
@friendly_errors
def export(directory: Path = typer.Argument(..., help="folder to write into (created if missing)")) -> None:
    """Write the database's catalog, benchmarks and outcomes to files (re-importable)."""
    for path in _open().export(directory):
        console.print(f"wrote {path}")
