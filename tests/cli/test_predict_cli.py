"""`compass predict` says which precision its figures are for, and why that one."""

from __future__ import annotations

import pytest

from tests.cli.helpers import run_compass

ARGS = ("--gpu", "L4", "--prompt-tokens", "512", "--output-tokens", "128", "--rps", "1")


@pytest.mark.parametrize("model,extra,said", [
    ("meta-llama/Llama-3.1-8B-Instruct", (), "at bf16 (the model's native precision; --precision picks another)"),
    ("meta-llama/Llama-3.1-8B-Instruct", ("--precision", "fp8"), "at fp8 on 1 x L4"),
    ("RedHatAI/phi-4-FP8-dynamic", (), "at fp8 (the precision of RedHatAI/phi-4-FP8-dynamic)"),
])
def test_predict_names_the_precision_it_assumed(fresh_db_url, model, extra, said):
    proc = run_compass("predict", "--model", model, *ARGS, *extra, env={"COMPASS_DATABASE_URL": fresh_db_url})
    assert proc.returncode == 0, proc.stderr
    assert said in " ".join(proc.stdout.split())
