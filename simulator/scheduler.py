"""The continuous-batching rules of one vLLM engine rank (V1 scheduler semantics), with no clock.

Each iteration every running decode gets one token, running chunked prefills continue, then waiting requests are
admitted first-come-first-served while the token budget (``max_num_batched_tokens``), ``max_num_seqs`` and free KV
blocks allow. When the cache cannot take the next decode tokens, the most recently admitted running request is
preempted: its blocks are freed and it is recomputed later (prefilled again, with the tokens it already generated).
A prompt that cannot fit even an empty cache is refused: when its first chunk does not fit, or when it alone has
filled the cache to the last token and cannot go on.

``Scheduler.schedule`` forms a batch, ``IterationCost.ms`` prices it with the step-time model, and
``Scheduler.complete`` applies it; the time in between belongs to the caller. Two clocks drive these rules, as
vLLM's EngineCore drives its Scheduler: the offline simulation behind ``compass predict`` (simulator.perf.offline_clock:
arrivals on a simulated clock, stretches of identical decode steps skipped in closed form) and the live GPU-free
server (simulator.server.live_clock: an asyncio loop sleeping each iteration's duration, with metrics).

KV accounting is in tokens of the full-attention layers: a sequence holds its context plus ``KV_BLOCK_SLACK``
(the partly filled last block, half a block on average), and sliding-window layers add ``window_ratio`` x
min(context + slack, window + 2 x slack) (a decoding sequence keeps the window share it had when it started
decoding). Decoding sequences are not updated one by one: a decode-step counter
gives each one's progress as (steps now - steps when it joined), and a heap holds the step at which each finishes,
so an iteration costs O(prefill chunks) and any number of decode-only steps O(finishes x log n).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Protocol

KV_BLOCK_SLACK = 8  # tokens per sequence for its partly filled last KV block (16-token blocks)
NO_FINISH = 1 << 60  # decode step of "never" (no sequence decoding)


class StepCost(Protocol):
    """The step-time model's pieces an iteration is priced with (simulator.perf.steptime.StepTimeModel)."""

    def batch_ms(self, tokens: float, seqs: float) -> float: ...

    def decode_context_ms(self) -> tuple[float, float]: ...

    def prefill_attention_ms(self, pairs: float, pairs_window: float, kv_tokens: float,
                             q_tokens: float | None = None) -> float: ...


@dataclass(frozen=True)
class EngineLimits:
    """What one engine rank may hold: vLLM's scheduler limits and the KV cache of the memory plan."""

    max_num_seqs: int
    max_num_batched_tokens: int
    kv_capacity_tokens: float  # per-GPU cache / per-token bytes of the full-attention layers
    window: int | None = None  # sliding window of the window layers
    window_ratio: float = 0.0  # window layers' bytes per token / full layers' bytes per token


def sequence_usage(lim: EngineLimits, context: float) -> float:
    """Cache one sequence of ``context`` tokens holds, in full-layer token units."""
    used = context + KV_BLOCK_SLACK
    if lim.window:
        used += lim.window_ratio * min(context + KV_BLOCK_SLACK, lim.window + 2 * KV_BLOCK_SLACK)
    return used


class Sequence:
    """One request as the scheduler sees it. ``key`` is its owner's handle (an index offline, the live request).

    ``computed`` and ``generated`` are current except while the sequence decodes; then they hold their values at
    the decode step ``joined``, and ``Scheduler.context`` / ``Scheduler.generated`` give the current ones.
    """

    __slots__ = ("key", "prompt_tokens", "output_tokens", "cached_tokens", "computed", "target", "generated",
                 "joined", "serial")

    def __init__(self, key: Hashable, prompt_tokens: int, output_tokens: int, cached_tokens: int = 0):
        self.key = key
        # target: tokens to prefill (the prompt, plus the generated ones after a preemption)
        self.prompt_tokens = self.target = prompt_tokens
        self.output_tokens = output_tokens  # it finishes after this many tokens
        # cached_tokens: prompt prefix the prefix cache holds; computed: tokens whose KV is in the cache
        self.cached_tokens = self.computed = cached_tokens
        self.generated = 0
        self.joined = self.serial = 0  # decode step it joined at; arrival order (ties of same-step finishes)


@dataclass(slots=True)
class Batch:
    """What one iteration runs, and what scheduling it changed."""

    chunks: list[tuple[Sequence, int]]  # prefill chunks: sequence, tokens
    decodes: int  # sequences decoding one token each
    tokens: int  # tokens of the iteration (decodes + chunks)
    decode_context: int  # summed context of the decoding sequences
    window_context: int  # summed min(context at join, window) of the decoding sequences
    kv_used: float  # cache in use before the iteration (full-layer tokens)
    kv_growth: float  # cache the iteration adds
    admitted: list[Sequence]
    refused: list[Sequence]  # can never fit: vLLM refuses them
    preempted: int

    @property
    def empty(self) -> bool:
        return not self.decodes and not self.chunks


@dataclass(slots=True)
class Completion:
    """What an iteration produced."""

    prefilled: list[tuple[Sequence, int]]  # finished their prefill and got a token (the first, or the first after a
    #                                        recompute), with the requests running then (earlier finishes excluded)
    finished: list[Sequence]  # in the order they left: prefilled ones, then decoding ones


class Scheduler:
    """Waiting, prefilling and decoding sequences of one engine rank, and the rules that move them."""

    def __init__(self, limits: EngineLimits):
        self.limits = limits
        self.cap = limits.kv_capacity_tokens
        self.budget = limits.max_num_batched_tokens
        self.max_seqs = min(limits.max_num_seqs, limits.max_num_batched_tokens)
        self.window = limits.window or 0
        self.ratio = limits.window_ratio if limits.window else 0.0
        self.waiting: deque[Sequence] = deque()
        self.running: dict[Sequence, None] = {}  # admission order; preemption takes the newest
        self.prefilling: list[Sequence] = []
        self.decoding: dict[Sequence, None] = {}
        self.steps = 0  # decode steps so far
        self.preemptions = 0
        self._finishes: list[tuple[int, int, Sequence]] = []  # (decode step it finishes at, serial, sequence)
        self._context_base = 0  # over decoding sequences: context at join - step joined
        self._window_context = 0  # over decoding sequences: min(context at join, window)
        self._prefill_context = 0  # over prefilling sequences: tokens computed
        self._serial = 0

    # ------------------------------------------------------------------ state

    def add(self, seq: Sequence) -> None:
        self._serial += 1
        seq.serial = self._serial
        self.waiting.append(seq)

    @property
    def idle(self) -> bool:
        return not self.running and not self.waiting

    def decode_context(self) -> int:
        """Summed context of the decoding sequences."""
        return self._context_base + len(self.decoding) * self.steps

    @property
    def window_context(self) -> int:
        """Summed min(context at join, window) of the decoding sequences (their window layers' share)."""
        return self._window_context

    def kv_used(self) -> float:
        """Cache in use, in full-layer tokens."""
        used = (self._context_base + len(self.decoding) * self.steps + self._prefill_context
                + KV_BLOCK_SLACK * len(self.running))
        if self.ratio:
            in_window = self.window + 2 * KV_BLOCK_SLACK
            prefilling = self.prefilling  # an int sum (0 when empty, as between prefills): the same float either way
            used += self.ratio * (self._window_context + KV_BLOCK_SLACK * len(self.decoding)
                                  + (sum(min(s.computed + KV_BLOCK_SLACK, in_window) for s in prefilling)
                                     if prefilling else 0))
        return used

    def kv_without_decode_steps(self) -> tuple[int, int]:
        """``kv_used``'s terms but the decode steps' growth and the prefilling sequences' window share: the full
        layers' (contexts, cached prefixes, slack) and the window layers' of the decoding sequences, in tokens."""
        return (self._context_base + self._prefill_context + KV_BLOCK_SLACK * len(self.running),
                self._window_context + KV_BLOCK_SLACK * len(self.decoding))

    def generated(self, seq: Sequence) -> int:
        """Tokens ``seq`` has generated so far."""
        if seq in self.decoding:
            return seq.generated + self.steps - seq.joined
        return seq.generated

    def context(self, seq: Sequence) -> int:
        """Tokens of ``seq`` whose KV is in the cache."""
        if seq in self.decoding:
            return seq.computed + self.steps - seq.joined
        return seq.computed

    # ------------------------------------------------------------------ one iteration

    def schedule(self) -> Batch:
        """Preempt while the cache cannot take the decode tokens, continue prefills, admit waiting sequences."""
        kv_used = self.kv_used()
        preempted = 0
        while self.running and kv_used + len(self.decoding) > self.cap:
            self._preempt_newest()
            kv_used = self.kv_used()
            preempted += 1
        cap, running, waiting = self.cap, self.running, self.waiting
        n_dec = len(self.decoding)
        budget = self.budget - n_dec
        growth = float(n_dec)
        chunks: list[tuple[Sequence, int]] = []
        for seq in self.prefilling:
            if budget <= 0:
                break
            c = int(min(seq.target - seq.computed, budget, cap - kv_used - growth))
            if c <= 0:
                break
            chunks.append((seq, c))
            budget -= c
            growth += c
        admitted: list[Sequence] = []
        refused: list[Sequence] = []
        while waiting and budget > 0 and len(running) < self.max_seqs and not preempted:
            seq = waiting[0]
            c = int(min(seq.target - seq.computed, budget))
            held = seq.computed  # a cached prefix occupies the cache from admission
            if kv_used + growth + held + c + KV_BLOCK_SLACK > cap:
                if not running and not chunks:  # can never fit: vLLM refuses it
                    waiting.popleft()
                    refused.append(seq)
                    continue
                break
            waiting.popleft()
            running[seq] = None
            self.prefilling.append(seq)
            self._prefill_context += held
            chunks.append((seq, c))
            budget -= c
            growth += held + c + KV_BLOCK_SLACK
            admitted.append(seq)
        if running and not chunks and not n_dec:
            # Nothing can run: a prefill filled the cache to its last token (only the newest admitted sequence can be
            # part-way through its prefill). Alone it can never fit, and is refused as vLLM refuses such a prompt.
            if len(running) > 1:
                self._preempt_newest()
                preempted += 1
            else:
                seq = next(iter(running))
                self._unschedule(seq)
                refused.append(seq)
        return Batch(chunks, n_dec, self.budget - budget, self._context_base + n_dec * self.steps,
                     self._window_context, kv_used, growth, admitted, refused, preempted)

    def complete(self, batch: Batch) -> Completion:
        """Apply an iteration: one token per decoding sequence, the prefill chunks, then the finishes."""
        if batch.decodes:
            self.steps += 1
        prefilled: list[tuple[Sequence, int]] = []
        finished: list[Sequence] = []
        for seq, c in batch.chunks:
            seq.computed += c
            self._prefill_context += c
            if seq.computed >= seq.target:
                seq.generated += 1
                prefilled.append((seq, len(self.running)))
                self.prefilling.remove(seq)
                self._prefill_context -= seq.computed
                if seq.generated >= seq.output_tokens:
                    del self.running[seq]
                    finished.append(seq)
                else:
                    self._join_decode(seq)
        if self._finishes and self._finishes[0][0] <= self.steps:
            self._finish_due(finished)
        return Completion(prefilled, finished)

    # ------------------------------------------------------------------ decode-only stretches

    def admission_blocked(self, kv_used: float) -> bool:
        """While only decodes run: True when the next iteration would admit nothing, and so would every one after
        it until a sequence finishes (max_num_seqs, the token budget or the cache holds the first in line back)."""
        n_dec = len(self.decoding)
        if len(self.running) >= self.max_seqs or n_dec >= self.budget:
            return True
        seq = self.waiting[0]
        c = min(seq.target - seq.computed, self.budget - n_dec)
        return kv_used + n_dec + seq.computed + c + KV_BLOCK_SLACK > self.cap

    def decode_only_horizon(self, kv_used: float) -> int:
        """Decode-only steps from here until a sequence finishes or the cache is full, whichever comes first."""
        return min(self.next_finish() - self.steps, int((self.cap - kv_used) // len(self.decoding)))

    def next_finish(self) -> int:
        """The decode step at which the next decoding sequence finishes (NO_FINISH when none decodes)."""
        heap, decoding = self._finishes, self.decoding
        while heap:
            step, _, seq = heap[0]
            if seq in decoding and seq.joined + seq.output_tokens - seq.generated == step:
                return step
            heapq.heappop(heap)  # stale: the sequence was preempted or aborted
        return NO_FINISH

    def advance_prefill(self, seq: Sequence, tokens: int, steps: int) -> list[Sequence]:
        """Apply iterations run outside ``schedule``/``complete`` (offline_clock's chunk stretches): ``tokens`` more
        of ``seq``'s prompt computed, none of it the last chunk, and ``steps`` decode steps, of which only the last
        may be a finish; the sequences that finished (as ``complete`` finds them)."""
        seq.computed += tokens
        self._prefill_context += tokens
        self.steps += steps
        finished: list[Sequence] = []
        if self._finishes and self._finishes[0][0] <= self.steps:
            self._finish_due(finished)
        return finished

    def skip_decode_steps(self, k: int) -> list[Sequence]:
        """Run ``k`` decode-only steps at once (nothing admitted meanwhile); the sequences that finished."""
        self.steps += k
        finished: list[Sequence] = []
        self._finish_due(finished)
        return finished

    # ------------------------------------------------------------------ leaving the batch

    def _preempt_newest(self) -> Sequence:
        """Free the newest running sequence's cache; it waits first in line to be recomputed."""
        victim = next(reversed(self.running))
        self._unschedule(victim)
        victim.computed = victim.cached_tokens  # the shared prefix stays cached
        victim.target = victim.prompt_tokens + victim.generated
        self.waiting.appendleft(victim)
        self.preemptions += 1
        return victim

    def abort(self, seq: Sequence) -> None:
        """Drop a sequence wherever it is (a client that went away)."""
        if seq in self.running:
            self._unschedule(seq)
        elif seq in self.waiting:
            self.waiting.remove(seq)

    # ------------------------------------------------------------------ bookkeeping

    def _join_decode(self, seq: Sequence) -> None:
        c = seq.computed
        seq.joined = self.steps
        self.decoding[seq] = None
        self._context_base += c - self.steps
        self._window_context += min(c, self.window)
        heapq.heappush(self._finishes, (self.steps + seq.output_tokens - seq.generated, seq.serial, seq))

    def _leave_decode(self, seq: Sequence) -> None:
        del self.decoding[seq]
        c, j = seq.computed, seq.joined
        self._context_base -= c - j
        self._window_context -= min(c, self.window)
        seq.computed = c + self.steps - j
        seq.generated += self.steps - j

    def _unschedule(self, seq: Sequence) -> None:
        del self.running[seq]
        if seq in self.decoding:
            self._leave_decode(seq)
        else:
            self.prefilling.remove(seq)
            self._prefill_context -= seq.computed

    def _finish_due(self, finished: list[Sequence]) -> None:
        heap = self._finishes
        while heap and heap[0][0] <= self.steps:
            step, _, seq = heapq.heappop(heap)
            if seq not in self.decoding or seq.joined + seq.output_tokens - seq.generated != step:
                continue  # stale entry of a preempted or aborted sequence
            self._leave_decode(seq)
            del self.running[seq]
            finished.append(seq)


class IterationCost:
    """Milliseconds a batch takes: the step-time model's pieces, priced the same under both clocks."""

    def __init__(self, cost: StepCost, limits: EngineLimits):
        self.cost = cost
        self.full_ms, self.window_ms = cost.decode_context_ms()  # per context token of a decoding sequence
        self.window = limits.window or 0

    def ms(self, batch: Batch) -> float:
        n_dec, w = batch.decodes, self.window
        pairs, pairs_w, kv_tokens = 0.0, 0.0, 0.0
        for seq, c in batch.chunks:
            p = seq.computed
            pairs += c * (p + c / 2)
            kv_tokens += p + c
            if w:
                pairs_w += c * min(p + c / 2, w)
        ms = self.cost.batch_ms(batch.tokens, n_dec + len(batch.chunks))
        if n_dec:
            ms += self.full_ms * (batch.decode_context + n_dec) + self.window_ms * batch.window_context
        if batch.chunks:
            ms += self.cost.prefill_attention_ms(pairs, pairs_w, kv_tokens, batch.tokens - n_dec)
        return ms

    def decode_steps(self, sched: Scheduler) -> tuple[float, float]:
        """Decode-only steps from here: the first one's ms and how much each next one adds (contexts grow)."""
        n_dec = len(sched.decoding)
        first = (self.cost.batch_ms(n_dec, n_dec) + self.full_ms * (sched.decode_context() + n_dec)
                 + self.window_ms * sched.window_context)
        return first, self.full_ms * n_dec
