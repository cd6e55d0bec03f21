"""The scheduler core on its own: admission, the chunked-prefill token budget, max_num_seqs, KV accounting,
preemption, refusal, and the decode-only stretches the offline clock skips."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.scheduler import (
    KV_BLOCK_SLACK, EngineLimits, IterationCost, Scheduler, Sequence, sequence_usage,
)
from tests.simulator.scheduler_reference import ReferenceStep


def _limits(seqs: int = 8, budget: int = 1000, cap: float = 1e6, **kw) -> EngineLimits:
    return EngineLimits(max_num_seqs=seqs, max_num_batched_tokens=budget, kv_capacity_tokens=cap, **kw)


def _add(sched: Scheduler, *lengths: tuple[int, int], cached: int = 0) -> list[Sequence]:
    seqs = [Sequence(i, p, o, cached) for i, (p, o) in enumerate(lengths)]
    for s in seqs:
        sched.add(s)
    return seqs


def _step(sched: Scheduler):
    batch = sched.schedule()
    return batch, sched.complete(batch)


def test_prefill_chunks_share_the_token_budget_first_come_first_served():
    sched = Scheduler(_limits(budget=1000))
    a, b, c = _add(sched, (600, 3), (600, 3), (600, 3))
    batch, done = _step(sched)
    assert batch.chunks == [(a, 600), (b, 400)] and batch.tokens == 1000 and batch.admitted == [a, b]
    assert done.prefilled == [(a, 2)] and list(sched.decoding) == [a]
    batch, done = _step(sched)  # the decode takes its token first; b finishes, c is admitted with the rest
    assert batch.decodes == 1 and batch.chunks == [(b, 200), (c, 600)] and batch.tokens == 801
    assert [s for s, _ in done.prefilled] == [b, c] and sched.generated(a) == 2
    batch, done = _step(sched)
    assert batch.decodes == 3 and not batch.chunks and done.finished == [a]
    assert [sched.generated(s) for s in (a, b, c)] == [3, 2, 2]


@pytest.mark.parametrize("seqs,budget,admitted", [(2, 10_000, 2), (256, 3, 3)])
def test_max_num_seqs_and_the_budget_cap_the_running_requests(seqs, budget, admitted):
    sched = Scheduler(_limits(seqs=seqs, budget=budget))
    _add(sched, *[(1, 50)] * 5)
    batch = sched.schedule()
    assert len(batch.admitted) == len(sched.running) == admitted == min(seqs, budget)


def test_admission_waits_for_kv_blocks_and_never_skips_the_queue():
    sched = Scheduler(_limits(budget=4096, cap=1000.0))
    a, b, c = _add(sched, (500, 100), (600, 100), (10, 5))
    batch = sched.schedule()
    assert batch.admitted == [a]  # b needs 500 + 8 + 600 + 8 > 1000 tokens; c would fit but waits behind b
    assert list(sched.waiting) == [b, c] and batch.kv_growth == 500 + KV_BLOCK_SLACK


def test_the_newest_request_is_preempted_and_recomputed_with_what_it_generated():
    sched = Scheduler(_limits(budget=4096, cap=250.0))
    a, b = _add(sched, (100, 60), (100, 60))
    _step(sched)  # both prefilled: 2 x (100 + 8) tokens, then each decode step adds 2
    for _ in range(17):
        batch, _ = _step(sched)
        assert not batch.preempted
    batch, _ = _step(sched)  # 216 + 2 x 17 + 2 > 250
    assert batch.preempted == 1 and not batch.admitted and list(sched.running) == [a]
    assert list(sched.waiting) == [b] and b.computed == 0 and sched.generated(b) == 18 and b.target == 118
    recomputed = []
    while sched.running or sched.waiting:
        _, done = _step(sched)
        recomputed += [s for s, _ in done.prefilled]
    assert recomputed == [b] and sched.generated(a) == sched.generated(b) == 60 and sched.preemptions == 1


def test_a_prompt_whose_first_chunk_cannot_fit_an_empty_cache_is_refused():
    sched = Scheduler(_limits(budget=4096, cap=500.0))
    a, b = _add(sched, (600, 5), (100, 5))
    batch = sched.schedule()
    assert batch.refused == [a] and batch.admitted == [b]


def test_a_prompt_that_fills_the_cache_alone_is_refused_and_the_next_one_served():
    sched = Scheduler(_limits(budget=256, cap=500.0))
    a, b = _add(sched, (800, 5), (100, 5))
    batch = sched.schedule()
    assert batch.chunks == [(a, 256)]
    sched.complete(batch)
    batches = []
    while sched.running or sched.waiting:
        batch, _ = _step(sched)
        batches.append(batch)
    refused = [s for batch in batches for s in batch.refused]
    assert refused == [a] and sched.generated(b) == 5 and sched.preemptions == 0


def test_kv_in_use_is_each_sequences_context_plus_its_last_block():
    sched = Scheduler(_limits(budget=300, cap=1e6))
    _add(sched, (250, 40), (400, 30), (90, 70), (500, 20))
    mixed = 0
    for _ in range(12):
        _step(sched)
        assert sched.kv_used() == sum(sequence_usage(sched.limits, sched.context(s)) for s in sched.running)
        mixed += bool(sched.prefilling and sched.decoding)
    assert mixed  # prefilling and decoding sequences were counted together


def test_sliding_window_layers_add_their_share_of_a_prefill():
    lim = _limits(budget=600, window=128, window_ratio=3.0)
    sched = Scheduler(lim)
    (a,) = _add(sched, (1000, 5))
    _step(sched)
    assert a.computed == 600 and sched.kv_used() == sequence_usage(lim, 600) == 608 + 3.0 * (128 + 16)


def test_a_cached_prefix_is_held_from_admission_and_kept_through_a_preemption():
    sched = Scheduler(_limits(budget=4096, cap=836.0))
    a, b = _add(sched, (400, 100), (400, 100), cached=300)
    batch = sched.schedule()
    assert batch.chunks == [(a, 100), (b, 100)] and batch.kv_growth == 2 * (300 + 100 + KV_BLOCK_SLACK)
    sched.complete(batch)
    while not sched.waiting:  # 816 tokens, 2 more per decode step
        _step(sched)
    assert list(sched.waiting) == [b] and b.computed == 300 and b.target == 400 + sched.generated(b) == 411


def test_an_aborted_request_frees_its_cache_and_never_finishes():
    sched = Scheduler(_limits(budget=4096))
    a, b, c = _add(sched, (100, 10), (200, 10), (50, 10))
    _step(sched)
    sched.abort(b)
    assert sched.kv_used() == sum(sequence_usage(sched.limits, sched.context(s)) for s in (a, c))
    sched.abort(c)
    d = _add(sched, (10, 3))[0]
    sched.abort(d)
    finished = []
    while sched.running or sched.waiting:
        finished += _step(sched)[1].finished
    assert finished == [a] and not sched.waiting


def test_a_decode_only_batch_costs_what_its_stretch_starts_at():
    price = IterationCost(ReferenceStep(), _limits())
    sched = Scheduler(_limits())
    _add(sched, (300, 50), (700, 50))
    _step(sched)
    first, slope = price.decode_steps(sched)
    batch = sched.schedule()
    assert batch.decodes == 2 and price.ms(batch) == pytest.approx(first, rel=1e-12)
    sched.complete(batch)
    assert price.decode_steps(sched)[0] == pytest.approx(first + slope, rel=1e-12)


_traces = st.lists(st.tuples(st.integers(1, 900), st.integers(1, 80)), min_size=1, max_size=14)


@settings(max_examples=60, deadline=None)
@given(trace=_traces, seqs=st.integers(1, 6), budget=st.integers(16, 1200), cap=st.integers(200, 4000),
       cached=st.integers(0, 40), k_max=st.integers(2, 40))
def test_skipped_decode_stretches_are_the_iterations_they_replace(trace, seqs, budget, cap, cached, k_max):
    """Where only decodes run and nothing can be admitted, ``admission_blocked`` says so exactly, and running
    ``skip_decode_steps(k)`` up to the horizon equals k iterations: same finishes, contexts and cache."""
    sched = Scheduler(_limits(seqs=seqs, budget=budget, cap=float(cap)))
    _add(sched, *trace, cached=min(cached, min(p for p, _ in trace) - 1))
    for _ in range(400):
        if not sched.running and not sched.waiting:
            break
        if sched.decoding and not sched.prefilling:
            kv = sched.kv_used()
            if sched.waiting and kv + len(sched.decoding) <= sched.cap:
                probe = copy.deepcopy(sched)
                assert sched.admission_blocked(kv) == (not probe.schedule().admitted)
            k = min(sched.decode_only_horizon(kv), k_max)
            if k >= 2 and (not sched.waiting or sched.admission_blocked(kv)):
                stepped = copy.deepcopy(sched)
                skipped_finishes = [s.key for s in sched.skip_decode_steps(k)]
                stepped_finishes = []
                for _ in range(k):
                    batch, done = _step(stepped)
                    assert not batch.chunks and not batch.preempted and batch.decodes
                    stepped_finishes += [s.key for s in done.finished]
                assert skipped_finishes == stepped_finishes
                assert sched.kv_used() == stepped.kv_used() and sched.steps == stepped.steps
                assert ({s.key: sched.context(s) for s in sched.running}
                        == {s.key: stepped.context(s) for s in stepped.running})
                continue
        _step(sched)
