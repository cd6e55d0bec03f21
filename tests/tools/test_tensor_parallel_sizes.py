"""One rule for tensor-parallel sizes: what ``compass predict`` accepts is what the planner proposes."""

from __future__ import annotations

import pytest

from tools.operations import TensorParallelError, check_tensor_parallel
from tools.planner.candidates import fitting_degrees
from tests.tools.conftest import SHIPPED

CATALOG = SHIPPED  # shared with the other planner tests of this process


def test_every_degree_the_planner_may_propose_is_one_predict_accepts_and_no_other():
    for model in CATALOG.models:
        for gpu in CATALOG.gpus:
            fitted = fitting_degrees(model, model.native_precision, gpu, 4096, None, CATALOG)
            proposed = {tp for tp, _ in fitted} if isinstance(fitted, list) else set()
            for tp in range(1, 2 * gpu.max_gpus_per_node + 1):
                try:
                    check_tensor_parallel(model, gpu, tp)
                except TensorParallelError as exc:
                    assert tp not in proposed, (model.id, gpu.name, tp)
                    assert "\n" not in str(exc) and "valid sizes: " in str(exc)


@pytest.mark.parametrize("model,gpu,tp", [
    ("meta-llama/Llama-3.1-8B-Instruct", "H100", 3),  # 32 heads
    ("meta-llama/Llama-3.1-8B-Instruct", "H100", 16),  # 16 divides the heads, but one node has 8 GPUs
    ("meta-llama/Llama-3.1-8B-Instruct", "L4", 6),
])
def test_predict_refuses_a_size_the_heads_or_the_node_do_not_allow(model, gpu, tp):
    card, spec = CATALOG.model(model), CATALOG.gpu(gpu)
    with pytest.raises(TensorParallelError, match=r"valid sizes: 1, 2, 4, 8$"):
        check_tensor_parallel(card, spec, tp)
    check_tensor_parallel(card, spec, 8)
