"""Bad input to the ``compass`` command line: malformed import files and out-of-range planning arguments.

Each case runs the real console script and must end with one clear line on stderr, no traceback, the right
exit code (2 for anything the user typed or pointed at, 0 only for a real answer), and nothing written.
The cases run a few at a time (each is a process start); the in-process fuzzing of the same code paths is in
tests/agent/test_spec_merge_fuzz.py and tests/knowledge/test_import_fuzz.py.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.cli.helpers import assert_clean_error, run_compass
from tests.dbs import scratch_database

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
PREDICT = ("predict", "--model", LLAMA, "--gpu", "H100", "--prompt-tokens", "512", "--output-tokens", "128")


@pytest.fixture(scope="module")
def db_url(pg_admin_url):
    with scratch_database(pg_admin_url, "cli") as url:
        yield url


def _files(tmp: Path) -> dict[str, Path]:
    (tmp / "folder").mkdir()
    files = {
        "truncated": b'{"benchmarks": [', "array": b"[]", "binary": bytes(range(256)) * 4, "deep": b"[" * 100_000,
        "guidellm_wrong_types": json.dumps({"benchmarks": [{"metrics": "fast", "config": 3}]}).encode(),
    }
    paths = {name: tmp / f"{name}.json" for name in files}
    for name, data in files.items():
        paths[name].write_bytes(data)
    paths["folder"] = tmp / "folder"
    paths["missing"] = tmp / "missing.json"
    return paths


# (arguments, expected exit code, a phrase the error must contain)
IMPORT_CASES = [
    ("truncated", 2, "not valid JSON"), ("array", 2, "unrecognised format"), ("binary", 2, "not a UTF-8"),
    ("deep", 2, "nested too deeply"), ("guidellm_wrong_types", 2, "guidellm_wrong_types.json"),
    ("folder", 2, "is a directory"), ("missing", 2, "no such file"),
]
ARGUMENT_CASES = [
    ((*PREDICT, "--rps", "-1"), 2, "greater than 0"),
    ((*PREDICT, "--rps", "1e300"), 2, "less than or equal"),
    ((*PREDICT, "--rps", "nan"), 2, "finite number"),
    ((*PREDICT,), 2, "exactly one of concurrency"),
    ((*PREDICT, "--rps", "2", "--concurrency", "4"), 2, "exactly one of concurrency"),
    ((*PREDICT, "--concurrency", "0", "--tp", "0"), 2, "--tp"),
    ((*PREDICT, "--concurrency", "0.5"), 2, "whole number of concurrent users"),
    (("plan", "--use-case", "chatbot", "--users", "5000", "--rps", "20"), 2, "users ignored; give only one"),
    (("predict", "--model", "nope/none", "--gpu", "H1OO", "--prompt-tokens", "5", "--output-tokens", "5",
      "--rps", "1"), 2, "Unknown"),
    (("plan", "--use-case", "chatbot_conversational", "--users", "-5"), 2, "users"),
    (("plan", "--use-case", "chatbot_conversational", "--users", str(10**15)), 2, "users"),
    (("plan", "--use-case", "chatbot_conversational", "--rps", "inf"), 2, "finite number"),
    (("plan", "--use-case", "nope", "--users", "5"), 2, "use-case"),
    (("plan", "--users", "5"), 2, "needs a use case"),
    (("plan", "--use-case", "translation"), 2, "needs a scale"),
    (("plan", "--use-case", "translation", "--users", "50", "--gpus", "H1OO"), 2, "Did you mean"),
]


def _check(proc, code: int, phrase: str, what: str) -> None:
    assert_clean_error(proc)
    assert proc.returncode == code, f"{what}: exit {proc.returncode}\n{proc.stderr}"
    assert phrase.lower() in " ".join(proc.stderr.split()).lower(), f"{what}: {proc.stderr}"
    assert "unexpected" not in proc.stderr, f"{what}: an unexpected error is a bug\n{proc.stderr}"


def _run_all(cases: list[tuple[tuple[str, ...], int, str]], env: dict[str, str]) -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        procs = list(pool.map(lambda c: run_compass(*c[0], env=env), cases))
    for (args, code, phrase), proc in zip(cases, procs):
        _check(proc, code, phrase, " ".join(args))


@pytest.mark.slow
def test_kb_import_of_malformed_files_is_a_clear_error_and_writes_nothing(db_url, tmp_path):
    env = {"COMPASS_DATABASE_URL": db_url}
    paths = _files(tmp_path)
    cases = [(("kb", "import", str(paths[name])), code, phrase) for name, code, phrase in IMPORT_CASES]
    guidellm = str(FIXTURES / "guidellm_report.json")
    cases += [
        (("kb", "import", guidellm), 2, "pass --gpu"),
        (("kb", "import", guidellm, "--gpu", "H1OO"), 2, "Did you mean"),
        (("kb", "import", guidellm, "--gpu", "H100", "--data-kind", "bogus"), 2, "measured"),
        (("kb", "import", guidellm, "--gpu", "H100", "--model", "no/such-model"), 2, "Unknown model"),
        # a malformed file after a good one: nothing from either is written
        (("kb", "import", guidellm, str(paths["truncated"]), "--gpu", "H100"), 2, "not valid JSON"),
    ]
    _run_all(cases, env)
    status = run_compass("kb", "status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["counts"]["benchmarks"] == 0


@pytest.mark.slow
def test_predict_and_plan_with_out_of_range_arguments(db_url):
    _run_all(ARGUMENT_CASES, {"COMPASS_DATABASE_URL": db_url})


def test_absurd_but_valid_values_still_answer(db_url):
    """A tiny rate used to round its derived peak to 0 and crash the planner (found by fuzzing the API)."""
    proc = run_compass("plan", "--use-case", "chatbot_conversational", "--rps", "1e-300", "--json",
                       env={"COMPASS_DATABASE_URL": db_url})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["total_gpus"] >= 1
