"""`compass predict` fails with exit 2 where vLLM would refuse to start: a tensor-parallel size that does not split
the model's heads or is wider than one node of the GPU (one line), a configuration whose memory does not hold it
(its memory and one sentence on what is missing)."""

from __future__ import annotations

import json
import re

import pytest

from tests.cli.helpers import assert_clean_error, run_compass

LOAD = ("--prompt-tokens", "100", "--output-tokens", "100", "--rps", "1")


@pytest.mark.parametrize("tp,why", [
    ("3", "divide the model's 32 attention heads"),
    ("16", "one H100-SXM node has 8 GPUs"),
])
def test_predict_refuses_a_tensor_parallel_size_vllm_would_refuse(fresh_db_url, tp, why):
    proc = run_compass("predict", "--model", "llama-3.1-8b", "--gpu", "H100", "--tp", tp, *LOAD,
                       env={"COMPASS_DATABASE_URL": fresh_db_url})
    assert_clean_error(proc)
    assert proc.returncode == 2 and proc.stdout == ""
    message = " ".join(proc.stderr.split())
    assert f"tensor parallel size {tp} is not valid" in message and why in message
    assert message.endswith("valid sizes: 1, 2, 4, 8")


def test_predict_of_a_configuration_that_does_not_fit_says_so_once_without_negative_memory(fresh_db_url):
    args = ("predict", "--model", "llama-3.1-405b", "--gpu", "L4", *LOAD)
    proc = run_compass(*args, env={"COMPASS_DATABASE_URL": fresh_db_url})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    text = " ".join(proc.stdout.split())
    assert text.count("does not fit") == 1 and "GB per GPU short" in text
    assert "KV cache 0.0 GB" in text and not re.search(r"(^|\s)-\d", text)  # no negative figure
    assert "the fewest GPUs that would: " in text  # no tensor-parallel size of one L4 node holds 405B at bf16
    as_json = run_compass(*args, "--json", env={"COMPASS_DATABASE_URL": fresh_db_url})
    assert as_json.returncode == 2
    body = json.loads(as_json.stdout)
    assert body["fits"] is False and body["ttft_ms"] is None
    assert all(v >= 0 for v in body["memory"].values())


def test_a_precision_the_model_has_no_variant_of_is_refused_in_one_line_naming_those_it_has(fresh_db_url):
    """whatif and the planner never serve gpt-oss-20b in int8 (its card lists fp4 and bf16); predict did, silently."""
    proc = run_compass("predict", "--model", "openai/gpt-oss-20b", "--gpu", "H100-SXM", "--precision", "int8",
                       "--rps", "1", "--prompt-tokens", "512", "--output-tokens", "256",
                       env={"COMPASS_DATABASE_URL": fresh_db_url})
    assert_clean_error(proc)
    assert proc.returncode == 2 and proc.stdout == ""
    [line] = proc.stderr.strip().splitlines()
    assert line == "error: openai/gpt-oss-20b has no int8 variant (it is served in fp4, bf16)", line
