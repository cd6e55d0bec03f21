"""pgvector similarity over stored deployment outcomes."""

from __future__ import annotations

from knowledge import similar_deployments
from knowledge.domain import DeploymentSpec, UseCase
from knowledge.embedding import DIMENSIONS, workload_vector
from tests.factories import outcome


def spec(use_case: UseCase, rps: float, prompt: int = 512, output: int = 256) -> DeploymentSpec:
    return DeploymentSpec(use_case=use_case, rps=rps, peak_rps=rps * 2, prompt_tokens=prompt, output_tokens=output,
                          ttft_p95_ms=500, itl_p95_ms=50, e2e_p95_ms=15000)


def test_workload_vector_is_deterministic_and_scale_free():
    a = workload_vector(spec(UseCase.CHATBOT_CONVERSATIONAL, 2))
    assert len(a) == DIMENSIONS and a == workload_vector(spec(UseCase.CHATBOT_CONVERSATIONAL, 2))
    d = lambda x, y: sum((p - q) ** 2 for p, q in zip(x, y)) ** 0.5  # noqa: E731
    doubled_small = d(a, workload_vector(spec(UseCase.CHATBOT_CONVERSATIONAL, 4)))
    doubled_large = d(workload_vector(spec(UseCase.CHATBOT_CONVERSATIONAL, 200)),
                      workload_vector(spec(UseCase.CHATBOT_CONVERSATIONAL, 400)))
    assert abs(doubled_small - doubled_large) < 1e-9
    other_use_case = d(a, workload_vector(spec(UseCase.CODE_COMPLETION, 2)))
    assert other_use_case > doubled_small


def test_similar_deployments_returns_the_nearest_workloads_first(kb):
    stored = {
        "chat-2": spec(UseCase.CHATBOT_CONVERSATIONAL, 2),
        "chat-50": spec(UseCase.CHATBOT_CONVERSATIONAL, 50),
        "code-2": spec(UseCase.CODE_COMPLETION, 2, 256, 32),
        "rag-3": spec(UseCase.DOCUMENT_ANALYSIS_RAG, 3, 4096, 512),
        "chat-2.5-long": spec(UseCase.CHATBOT_CONVERSATIONAL, 2.5, 2048, 256),
    }
    ids = {}
    for name, s in stored.items():
        o = outcome(s)
        ids[o.id] = name
        kb.record_outcome(o)
    found = similar_deployments(spec(UseCase.CHATBOT_CONVERSATIONAL, 2.2), k=3, kb=kb)
    names = [ids[f.outcome.id] for f in found]
    assert names == ["chat-2", "chat-2.5-long", "chat-50"]
    assert found[0].distance < found[1].distance < found[2].distance
    assert found[0].outcome.spec.rps == 2  # the full outcome comes back


def test_a_repeated_test_is_one_entry_that_counts_its_runs(kb):
    """The same plan validated three times at the same workload is one similar deployment with 3 runs (1 passed),
    not three copies crowding out the next nearest test; the nearest run (then the newest) stands for them."""
    chat = spec(UseCase.CHATBOT_CONVERSATIONAL, 2)
    repeats = [outcome(chat, passed=p) for p in (False, True, False)]
    other = outcome(spec(UseCase.CHATBOT_CONVERSATIONAL, 50))
    for o in (*repeats, other):
        kb.record_outcome(o)
    found = similar_deployments(spec(UseCase.CHATBOT_CONVERSATIONAL, 2.2), k=2, kb=kb)
    assert [f.outcome.id in {r.id for r in repeats} for f in found] == [True, False]
    assert found[1].outcome.id == other.id
    assert (found[0].runs, found[0].runs_passed, found[1].runs) == (3, 1, 1)
    assert found[0].runs_text == "3 runs of it, 1 passed" and found[1].runs_text == ""
