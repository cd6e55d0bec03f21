"""`compass plan` as people run it: at 80 columns (a pipe, a narrow terminal) and narrower, by the UI's names."""

from __future__ import annotations

import json

import pytest

from tests.cli.helpers import run_compass

ARGS = ("plan", "--use-case", "chatbot", "--users", "5000")


@pytest.fixture(scope="module")
def plan(pg_admin_url):
    from tests.dbs import scratch_database

    with scratch_database(pg_admin_url, "plan_cli") as url:
        env = {"COMPASS_DATABASE_URL": url}
        options = json.loads(run_compass(*ARGS, "--json", env=env).stdout)
        yield env, options


def test_at_80_columns_each_option_is_one_row_with_its_gpus_and_cost(plan):
    env, options = plan
    lines = run_compass(*ARGS, env=env).stdout.splitlines()
    for option in options:
        model = option["config"]["model_id"].split("/")[-1]
        cost = f"{option['cost']['monthly_usd']:,.0f}"
        assert any(model in line and option["gpu"] in line and cost in line for line in lines), model


@pytest.mark.parametrize("columns", [80, 40])
def test_the_plan_fits_the_terminal_without_breaking_words(plan, columns):
    env, options = plan
    proc = run_compass(*ARGS, env={**env, "COLUMNS": str(columns)})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= columns
    for option in options:  # every option's model and GPU are there whole, never split across lines
        model = option["config"]["model_id"].split("/")[-1]
        assert any(model in line for line in lines) and any(option["gpu"] in line for line in lines), model
    assert "Pareto-optimal" in proc.stdout and "TTFT" in proc.stdout


def test_columns_left_out_at_80_move_onto_each_options_line(plan):
    env, options = plan
    wide = run_compass(*ARGS, env={**env, "COLUMNS": "200"}).stdout
    narrow = run_compass(*ARGS, env=env).stdout
    lines = wide.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.strip().startswith("───"))
    header = " ".join(lines[rule - 2:rule])  # a header may take two lines (no wider than its column)
    assert "quality" in header and "$/M" in header and "out" in header
    first = options[0]
    cost = f"{first['cost']['usd_per_million_output_tokens']:,.2f}"
    assert cost in wide and cost in narrow  # shown at both widths: a column at 200, on option 1's line at 80
    flowing = " ".join(narrow.split())  # the terminal wraps lines wherever a word ends
    assert f"quality {first['quality']['score']:.1f}" in flowing and "Intelligence Index score, 0-100" in flowing


def test_use_case_by_the_name_the_ui_shows(plan):
    env, options = plan
    by_value = json.loads(run_compass("plan", "--use-case", "chatbot_conversational", "--users", "5000", "--json",
                                      env=env).stdout)
    assert [o["config"] for o in by_value] == [o["config"] for o in options]
    rag = run_compass("plan", "--use-case", "RAG over documents", "--users", "300", "--json", env=env)
    assert rag.returncode == 0, rag.stderr
    wrong = run_compass("plan", "--use-case", "chatbots", "--users", "5", env=env)
    assert wrong.returncode == 2 and "chatbot (chatbot_conversational)" in " ".join(wrong.stderr.split())


def test_a_question_asked_again_finds_its_verifications_kept(plan, tmp_path):
    """The engine results are kept on disk (tools/planner/warm_start.py); a shape screened by another question
    lacks this question's verifications: the first process asking it writes them, the next computes nothing new
    (so writes nothing)."""
    env = {**plan[0], "XDG_CACHE_HOME": str(tmp_path)}
    assert run_compass(*ARGS, env=env).returncode == 0  # screens the shape, verifies 5,000 users' options
    kept = next((tmp_path / "compass").glob("planner-*.pickle"))
    other = ("plan", "--use-case", "chatbot", "--users", "700")  # the same shape: only verifications are new
    written = kept.stat().st_mtime_ns
    first = run_compass(*other, env=env)
    assert first.returncode == 0, first.stderr
    assert kept.stat().st_mtime_ns > written
    written = kept.stat().st_mtime_ns
    again = run_compass(*other, env=env)
    assert again.returncode == 0 and again.stdout == first.stdout
    assert kept.stat().st_mtime_ns == written


def test_a_spec_file_takes_the_use_case_names_the_options_take_and_lists_every_problem(plan, tmp_path):
    env, options = plan
    by_name = tmp_path / "chatbot.yaml"
    by_name.write_text("use_case: chatbot\nusers: 5000\n")  # the catalog's short name, as --use-case takes it
    proc = run_compass("plan", "--spec", str(by_name), "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert [o["config"] for o in json.loads(proc.stdout)] == [o["config"] for o in options]

    bad = tmp_path / "bad.yaml"
    bad.write_text("use_case: chatbot\nusers: -5\nprompt_tokens: lots\nbudget_monthly_usd: free\nbogus: 1\n")
    proc = run_compass("plan", "--spec", str(bad), env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    text = " ".join(proc.stderr.split())
    for field in ("bogus", "users", "prompt_tokens", "budget_monthly_usd"):  # all of them, not the first
        assert field in text, (field, text)


def test_whatif_values_the_spec_cannot_take_fail_the_command_before_anything_is_planned(plan, tmp_path):
    env, _options = plan
    spec = tmp_path / "spec.yaml"
    spec.write_text("use_case: chatbot\nusers: 5000\n")
    proc = run_compass("whatif", "--spec", str(spec), "--set", "rps=2x", "--set", "rps=abc", "--set", "model=foo",
                       env=env)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and "rps=abc:" in errors[0] and "model=foo: Unknown model 'foo'" in errors[1], errors
    assert proc.stdout == ""  # an input error, not a row of a table: nothing was planned
    good = run_compass("whatif", "--spec", str(spec), "--set", "rps=2x", "--json", env=env)
    assert good.returncode == 0, good.stderr


@pytest.mark.parametrize("args,phrase", [
    (("whatif", "--spec", "x.yaml"), "Missing option '--set'"),
    (("usecases", "nope"), "'nope' is not a use case"),
    (("usecases", "code"), "'code' fits several use cases: code completion, detailed code generation"),
    (("plan", "--users", "many"), "'--users'"),
    (("nosuch",), "No such command"),
])
def test_a_usage_error_is_one_line_not_a_box(args, phrase):
    proc = run_compass(*args)
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and phrase in lines[0], proc.stderr
    assert "╭" not in proc.stderr and "Usage:" not in proc.stderr


def test_a_plan_shows_what_an_earlier_validation_of_its_configuration_showed(plan):
    """`compass deploy` says the outcome it stores will show in later plans: `compass plan` shows it, with its date,
    what ran it and the verdict computed from the figures (here: the SLOs met, the planned load not reached)."""
    from knowledge.domain import DeploymentSpec, LatencyFigures, MeasuredPerformance, Recommendation
    from tests.conftest import settings_for
    from knowledge import open_knowledge_base
    from tools.validation import build_outcome

    env, options = plan
    rec = Recommendation.model_validate(options[0])
    fig = LatencyFigures(mean=80, p50=70, p90=100, p95=120, p99=150)
    measured = MeasuredPerformance(ttft_ms=fig, itl_ms=fig, e2e_ms=fig, requests=200, errors=0,
                                   requests_per_s=11.2, duration_s=20, tool="compass-loadtest")
    spec = DeploymentSpec(use_case="chatbot", users=5000, ttft_p95_ms=500, itl_p95_ms=200, e2e_p95_ms=20_000)
    outcome = build_outcome(spec, rec, measured, target="local", target_rps=13)
    kb = open_knowledge_base(settings_for(env["COMPASS_DATABASE_URL"]))
    try:
        kb.record_outcome(outcome)
        proc = run_compass(*ARGS, env={**env, "COLUMNS": "400"})
    finally:
        with kb.db.connection() as conn:  # the module's other tests plan on a database without outcomes
            conn.execute("DELETE FROM deployment_outcomes")
        kb.close()
    assert proc.returncode == 0, proc.stderr
    line = next(line for line in proc.stdout.splitlines() if "Validated before" in line)
    assert f"Option 1 ({rec.model_id}" in line and f"on {outcome.created_at:%Y-%m-%d}" in line, line
    assert "load not reached (11.2 of 13 req/s): the SLOs were met at the load reached" in line, line
    assert "simulated on the GPU-free simulator" in line and "TTFT 120 ms" in line, line
