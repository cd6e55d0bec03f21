"""`compass predict` says which precision its figures are for, and why that one; it refuses requests no
deployment of the model could serve."""

from __future__ import annotations

import pytest

from knowledge.catalog import Catalog
from tests.cli.helpers import assert_clean_error, run_compass

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


@pytest.mark.parametrize("model", ["meta-llama/Llama-3.1-8B-Instruct", "RedHatAI/phi-4-FP8-dynamic"])
def test_predict_refuses_requests_longer_than_the_context_window(fresh_db_url, model):
    """A prompt + output past the model's context is refused up front (exit 2), not simulated into an overload."""
    context = Catalog.from_files().resolve_model(model).card.architecture.max_context
    prompt, output = context - 100, 101  # one token too many
    proc = run_compass("predict", "--model", model, "--gpu", "H100", "--prompt-tokens", str(prompt),
                       "--output-tokens", str(output), "--concurrency", "4",
                       env={"COMPASS_DATABASE_URL": fresh_db_url})
    assert_clean_error(proc)
    assert proc.returncode == 2
    message = " ".join(proc.stderr.split())
    assert f"({prompt:,} + {output:,} = {context + 1:,})" in message
    assert "context window of" in message and f"({context:,} tokens)" in message
    assert proc.stdout == "" and "overloaded" not in message


def test_predict_says_which_card_a_shared_gpu_name_was_read_as(fresh_db_url):
    """'H100' fits the SXM and the PCIe card: the prediction is for the catalog's reading, said on stderr and named
    in the header, as `plan` and `simulate` say it."""
    proc = run_compass("predict", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "H100", "--prompt-tokens",
                       "512", "--output-tokens", "128", "--concurrency", "2", env={"COMPASS_DATABASE_URL": fresh_db_url})
    assert proc.returncode == 0, proc.stderr
    note = " ".join(proc.stderr.split())
    assert "'H100' read as H100-SXM" in note and "H100-PCIe also fits" in note, note
    assert "on 1 x H100-SXM," in " ".join(proc.stdout.split())
