"""``compass predict``, ``compass plan``, ``compass whatif``, ``compass calibrate``."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

from cli.common import USE_CASE_HELP, console, fail, friendly_errors, print_json, say_gpu_readings, use_case_of
from cli.render import (
    comparison_table, past_outcomes_lines, precision_said, prediction_table, recommendations_table,
)
from knowledge import get_knowledge_base
from knowledge.domain import (
    SPEC_FIELDS, CostModel, DeploymentSpec, ExperienceClass, Precision, PriceTier, Priority, UseCase,
)
from knowledge.domain.problems import field_problems
from knowledge.domain.spec import ignored_rate_sources
from knowledge.errors import CompassError
from tools.planner import PlanOptions, warm_start
from tools.operations import PredictRequest, WhyNotRequest, run_compare, run_plan, run_predict, run_why_not
from tools.whatif import Variant, parse_assignment, variant_errors


def _kb():
    with console.status("Opening the knowledge base..."):
        return get_knowledge_base()


@friendly_errors
def predict(model: str = typer.Option(..., help="model id, alias or quantized variant id"),
            gpu: str = typer.Option(..., help="GPU name or alias"),
            tp: int = typer.Option(1, "--tp", help="tensor parallel size"),
            precision: Precision = typer.Option(None, help="bf16|fp8|int8|int4|fp4 (default: native)"),
            prompt_tokens: int = typer.Option(..., help="prompt tokens per request"),
            output_tokens: int = typer.Option(..., help="output tokens per request"),
            concurrency: float = typer.Option(None, help="closed loop: this many concurrent users"),
            rps: float = typer.Option(None, help="open loop: Poisson arrivals at this many requests/s"),
            requests_per_user: int = typer.Option(None, help="benchmark replay: N requests per user back to back, "
                                                             "all measured, warm-up included (with --concurrency)"),
            length_spread: float = typer.Option(None, help="benchmark replay: lengths uniform in [R x L, L]"),
            max_num_seqs: int = typer.Option(256, help="vLLM --max-num-seqs"),
            max_num_batched_tokens: int = typer.Option(8192, help="vLLM --max-num-batched-tokens"),
            max_model_len: int = typer.Option(None, help="vLLM --max-model-len (default: what the requests need)"),
            kv_cache_dtype: str = typer.Option("auto", help="vLLM --kv-cache-dtype: auto|fp8"),
            prefix_caching: bool = typer.Option(False, "--prefix-caching/--no-prefix-caching",
                                                help="vLLM --enable-prefix-caching"),
            shared_prefix_tokens: int = typer.Option(0, help="prompt tokens every request shares (system prompt)"),
            vllm_version: str = typer.Option(None, help="vLLM release the deployment runs (e.g. 0.18.0, nightly); "
                                                        "default: today's"),
            as_json: bool = typer.Option(False, "--json")) -> None:
    """Predict latency percentiles, throughput and memory for one configuration under load."""
    try:
        req = PredictRequest(model=model, gpu=gpu, tp=tp, precision=precision, prompt_tokens=prompt_tokens,
                             output_tokens=output_tokens, concurrency=concurrency, rps=rps,
                             requests_per_user=requests_per_user, length_spread=length_spread,
                             max_num_seqs=max_num_seqs, max_num_batched_tokens=max_num_batched_tokens,
                             max_model_len=max_model_len, kv_cache_dtype=kv_cache_dtype,
                             enable_prefix_caching=prefix_caching, shared_prefix_tokens=shared_prefix_tokens,
                             vllm_version=vllm_version)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(map(str, err["loc"]))
        raise fail(f"{'--' + where.replace('_', '-') + ': ' if where else ''}{err['msg'].removeprefix('Value error, ')}", 2) from None
    kb = _kb()
    say_gpu_readings(kb.catalog, [req.gpu])  # 'H100' is timed as the SXM card: said, not silent
    prediction = run_predict(kb, req)
    if as_json:
        print_json(prediction)
    else:
        prediction_table(prediction, req, precision_said(kb.catalog, req), kb.catalog.resolve_gpu(req.gpu).gpu.name)
    if not prediction.fits:  # vLLM would not start: the memory and the sentence above say why; the command fails
        raise typer.Exit(2)


class SpecFileError(CompassError):
    exit_code = 2  # a usage error, like an invalid option


def _spec_from_options(spec_file: Path | None, **opts) -> DeploymentSpec:
    values = {}
    if spec_file:
        try:
            loaded = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise SpecFileError(f"cannot read spec file {spec_file}: {exc}") from None
        if not isinstance(loaded, dict):
            raise SpecFileError(f"{spec_file}: expected a mapping of spec fields")
        values.update(loaded)
    values.update({k: v for k, v in opts.items() if v not in (None, [], "")})
    values.pop("sources", None)
    unknown = sorted(str(k) for k in values if k not in SPEC_FIELDS)
    known = {k: v for k, v in values.items() if k in SPEC_FIELDS}
    problems = [f"unknown spec field(s) {', '.join(unknown)} (the fields are: {', '.join(SPEC_FIELDS)})"] \
        if unknown else []
    try:
        spec = DeploymentSpec().with_values("stated", "given on the command line", **known)
    except ValidationError as exc:  # every problem of the file at once, as the API lists a body's
        problems += field_problems(exc.errors(), skip=())
    else:
        if why := ignored_rate_sources(spec):
            problems.append(why)
    if problems:
        raise SpecFileError(f"{spec_file or 'the options'}: {'; '.join(problems)}")
    return spec


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


@friendly_errors
def plan(spec_file: Path = typer.Option(None, "--spec", help="YAML file with DeploymentSpec fields"),
         use_case: UseCase = typer.Option(None, "--use-case", parser=use_case_of, help=USE_CASE_HELP),
         users: int = typer.Option(None, help="number of users"),
         rps: float = typer.Option(None, help="average requests/s"),
         peak_rps: float = typer.Option(None, help="peak requests/s"),
         prompt_tokens: int = typer.Option(None), output_tokens: int = typer.Option(None),
         ttft_p95: float = typer.Option(None, help="p95 time to first token, ms"),
         itl_p95: float = typer.Option(None, help="p95 inter-token latency, ms"),
         e2e_p95: float = typer.Option(None, help="p95 end-to-end latency, ms"),
         priority: Priority = typer.Option(None), budget: float = typer.Option(None, help="USD per month"),
         gpus: str = typer.Option(None, help="allowed GPUs, comma-separated"),
         models: str = typer.Option(None, help="preferred models, comma-separated"),
         precision: Precision = typer.Option(None), cost_model: CostModel = typer.Option(None),
         max_gpus: int = typer.Option(None, help="GPUs available (owned fleet): the best plan within them"),
         exclude_gpus: str = typer.Option(None, help="GPUs not to use, comma-separated"),
         price_tier: PriceTier = typer.Option(None, help="on_demand (default), spot or reserved_1y rental"),
         window_hours: float = typer.Option(None, help="traffic runs this many hours a day (business hours, a "
                                                       "nightly batch window)"),
         window_requests: int = typer.Option(None, help="requests to serve within one window"),
         experience: ExperienceClass = typer.Option(None, "--experience",
                                                    help="overrides the use case's latency class (batch: latency "
                                                         "does not matter)"),
         scale_to_zero: bool = typer.Option(None, "--scale-to-zero/--no-scale-to-zero",
                                            help="replicas may stop when idle (cold starts)"),
         top: int = typer.Option(5, min=1, max=50),
         why_not: str = typer.Option(None, "--why-not",
                                     help="why option 1 rather than this: 'gpu=L4', 'model=Qwen/Qwen3-32B tp=4', "
                                          "'precision=fp8', 'option=3'"),
         as_json: bool = typer.Option(False, "--json")) -> None:
    """Find the cheapest (or fastest, or best) configurations that meet the SLOs."""
    spec = _spec_from_options(
        spec_file, use_case=use_case, users=users, rps=rps, peak_rps=peak_rps, prompt_tokens=prompt_tokens,
        output_tokens=output_tokens, ttft_p95_ms=ttft_p95, itl_p95_ms=itl_p95, e2e_p95_ms=e2e_p95,
        priority=priority, budget_monthly_usd=budget, gpus=_split(gpus), models=_split(models),
        precision=precision, cost_model=cost_model, max_gpus=max_gpus, exclude_gpus=_split(exclude_gpus),
        price_tier=price_tier, window_hours=window_hours, window_requests=window_requests,
        experience_class=experience, allow_cold_start=scale_to_zero)
    if why_not is not None:
        question = _why_not_question(why_not)
        with console.status("Planning the alternative..."):
            answer = run_why_not(_kb(), spec, question, PlanOptions(top_n=top))
        if as_json:
            print_json(answer)
        else:
            console.print(escape(answer.reason), highlight=False)
        return
    with console.status("Planning over the catalog..."):
        kb = _kb()
        say_gpu_readings(kb.catalog, [*spec.gpus, *spec.exclude_gpus])
        result = run_plan(kb, spec, PlanOptions(top_n=top))
        warm_start.save(kb.catalog, new_verifications=True)  # the same question again simulates nothing
    if as_json:
        print_json(result.recommendations)
        return
    recommendations_table(result)
    top_rec = result.recommendations[0]
    if top_rec.sized_by is not None:
        console.print(f"[bold]Option 1's size[/]: {escape(top_rec.sized_by.text)}")
    for alt in result.api_comparison:
        console.print(f"[bold]Hosted API[/]: {escape(alt.text)}")
    for line in past_outcomes_lines(result.recommendations, _past_outcomes(kb, result.spec)):
        console.print(f"[bold]Validated before[/]: {escape(line)}", highlight=False)


def _past_outcomes(kb, spec: DeploymentSpec) -> list:
    """The stored validation outcomes nearest this workload (none stored: no query, and no numpy import)."""
    from knowledge.store import outcomes_repo

    with kb.db.connection() as conn:
        stored = outcomes_repo.count(conn)
    return kb.similar_deployments(spec, min(stored, 50)) if stored else []


def _why_not_question(text: str) -> WhyNotRequest:
    """'gpu=L4 tp=4' -> WhyNotRequest; a bad question is one line."""
    values = {}
    for part in text.split():
        key, sep, value = part.partition("=")
        if not sep or key not in ("gpu", "model", "precision", "tp", "option"):
            raise fail(f"--why-not: '{part}' is not gpu=, model=, precision=, tp= or option=", 2)
        values[key] = value
    try:
        return WhyNotRequest(**values)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise fail(f"--why-not: {err['msg'].removeprefix('Value error, ')}", 2) from None


@friendly_errors
def whatif(spec_file: Path = typer.Option(..., "--spec", help="YAML file with DeploymentSpec fields"),
           changes: list[str] = typer.Option(..., "--set", help="a variant: 'rps=2x', 'gpu=L4 precision=fp8' ..."),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """Compare the base plan with variants side by side (deltas in cost, GPUs, p95 latency, quality)."""
    spec = _spec_from_options(spec_file)
    variants = []
    kb = _kb()
    for text in changes:
        assignments = dict(parse_assignment(part) for part in text.split())
        variants.append(Variant(label=text, changes=assignments))
    errors = variant_errors(spec, variants, kb.catalog)
    if errors:  # values the spec cannot take are input errors: said, one line each, before anything is planned
        for line in errors[:-1]:
            fail(line, 2)
        raise fail(errors[-1], 2)
    with console.status(f"Planning the base and {len(variants)} variant(s)..."):
        comparison = run_compare(kb, spec, variants)
    if as_json:
        print_json(comparison)
    else:
        comparison_table(comparison)
        for row in comparison.variants:  # what each variant kept from the base, or could not keep, and why
            for note in row.notes:
                console.print(f"{escape(row.label)}: {escape(note)}", highlight=False)
    failed = [row for row in (comparison.base, *comparison.variants) if row.error]
    if failed:  # the rows that could be planned are shown; a row that could not fails the command, in one line each
        for row in failed[:-1]:
            fail(f"{row.label}: {row.error}", 2)
        raise fail(f"{failed[-1].label}: {failed[-1].error}", 2)


@friendly_errors
def calibrate(csv: Path = typer.Argument(..., help="measured fixed-concurrency CSV (aiconfigurator sample format)"),
              kernels: Path = typer.Option(None, help="measured kernel tables (aiconfigurator layout, e.g. "
                                                       "../shared/data/kernels); without them the kernel level "
                                                       "keeps its priors"),
              out: Path = typer.Option(None, help="coefficients file to write (default: the shipped one)"),
              cross_validate: bool = typer.Option(True, "--cross-validate/--no-cross-validate",
                                                  help="leave-one-model-out refits for honest error bands")) -> None:
    """Fit the performance model: kernel efficiencies from kernel tables, then end-to-end overheads."""
    from simulator.perf import DEFAULT_COEFFICIENTS_PATH, calibrate as fit

    for path in (csv, kernels):
        if path is not None and not path.exists():
            raise fail(f"no such file or directory: {path}", 2)
    with console.status("Calibrating (kernel tables, then end-to-end overheads per GPU family)..."):
        report = fit(csv, out or DEFAULT_COEFFICIENTS_PATH, kernels_dir=kernels, cross_validate=cross_validate)
    table = Table(title=f"calibration written to {out or DEFAULT_COEFFICIENTS_PATH}")
    for col in ("GPU family", "rows", "TTFT median error", "TPOT median error", "leave one model out"):
        table.add_column(col)
    for fam in report.families.values():
        lomo = fam.leave_one_model_out
        table.add_row(fam.family, str(fam.rows), f"{fam.in_sample.ttft_median_ape:.1%}",
                      f"{fam.in_sample.tpot_median_ape:.1%}",
                      f"TTFT {lomo.ttft_median_ape:.1%}, TPOT {lomo.tpot_median_ape:.1%}" if lomo else "-")
    console.print(table)
    if not kernels:
        console.print("no kernel tables given: kernel efficiencies are priors (--kernels DIR to fit them)")
