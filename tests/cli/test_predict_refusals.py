"""`compass predict` refuses, in one line with exit 2, what vLLM would refuse to start: a tensor-parallel size that
does not split the model's heads or is wider than one node of the GPU."""

from __future__ import annotations

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
