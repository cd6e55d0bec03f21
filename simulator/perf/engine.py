"""Iteration-level simulation of one vLLM engine rank (continuous batching, V1 scheduler semantics).

Each iteration the scheduler gives every running decode one token, continues running chunked prefills,
then admits waiting requests first-come-first-served while the token budget (``max_num_batched_tokens``),
``max_num_seqs`` and free KV blocks allow. When the KV cache runs out, the most recently admitted running
request is preempted and later recomputed (prefilled again, including the tokens it already generated).

Speed: decoding requests are not updated one by one. A global decode-step counter G gives each one's
context as ``base + G - joined``; a heap holds the step at which each finishes. When no prefill is pending
and nothing can be admitted before the next arrival, the iterations until the next event (arrival, finish,
KV exhaustion) differ only in their growing contexts; step time is affine in the summed context, so their
total is a closed-form sum and they are advanced at once.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass
from typing import Protocol

import numpy as np


class StepCost(Protocol):
    def batch_ms(self, tokens: float, seqs: float) -> float: ...

    def decode_context_ms(self) -> tuple[float, float]: ...

    def prefill_attention_ms(self, pairs: float, pairs_window: float, kv_tokens: float,
                             q_tokens: float | None = None) -> float: ...


@dataclass(frozen=True)
class EngineLimits:
    max_num_seqs: int
    max_num_batched_tokens: int
    kv_capacity_tokens: float  # per-GPU cache / per-token bytes of the full-attention layers
    window: int | None = None  # sliding window of the window layers
    window_ratio: float = 0.0  # window layers' bytes per token / full layers' bytes per token


def sequence_usage(lim: EngineLimits, context: float) -> float:
    """Cache one sequence holds, in full-layer token units (block rounding ~ half a block)."""
    used = context + 8
    if lim.window:
        used += lim.window_ratio * min(context + 8, lim.window + 16)
    return used


@dataclass
class EngineRun:
    """Per-request times (ms, NaN where not reached) and engine counters."""

    arrival: np.ndarray
    first_token: np.ndarray
    finish: np.ndarray
    scheduled: np.ndarray
    batch_at_first: np.ndarray  # running requests when the first token was produced
    output: np.ndarray
    preemptions: int
    rejected: int
    kv_time_weighted: float  # integral of the KV usage fraction over time (ms)
    kv_max: float
    end_ms: float
    truncated: bool = False  # stopped at the iteration budget (a queue growing without bound)


class _Arrivals:
    """Open loop: fixed times. Closed loop: each finish issues that user's next request."""

    def __init__(self, arrival: np.ndarray, users: int, gap_ms: float):
        self.arrival, self.users, self.gap = arrival, users, gap_ms
        n = len(arrival)
        if users:
            self.next_id = min(users, n)
            arrival[: self.next_id] = 0.0
            self.heap = [(0.0, r) for r in range(self.next_id)]
        else:
            self.next_id = n
            self.heap = [(float(t), r) for r, t in enumerate(arrival.tolist())]
        heapq.heapify(self.heap)

    def on_finish(self, now: float) -> None:
        if self.users and self.next_id < len(self.arrival):
            r = self.next_id
            self.next_id += 1
            self.arrival[r] = now + self.gap
            heapq.heappush(self.heap, (now + self.gap, r))

    def next_time(self) -> float:
        return self.heap[0][0] if self.heap else math.inf

    def pop_until(self, now: float, waiting: deque) -> None:
        heap = self.heap
        while heap and heap[0][0] <= now:
            waiting.append(heapq.heappop(heap)[1])


class _Engine:
    def __init__(self, cost: StepCost, lim: EngineLimits, prompt: np.ndarray, output: np.ndarray,
                 arrivals: _Arrivals, watch: np.ndarray, event_skipping: bool = True, cached_prefix: int = 0):
        n = len(prompt)
        self.event_skipping = event_skipping
        self.cost, self.arrivals, self.watch = cost, arrivals, watch.tolist()
        self.a_full, self.a_win = cost.decode_context_ms()
        self.window, self.ratio = lim.window or 0, lim.window_ratio if lim.window else 0.0
        self.cap, self.budget_max = lim.kv_capacity_tokens, lim.max_num_batched_tokens
        self.max_seqs = min(lim.max_num_seqs, lim.max_num_batched_tokens)
        self.prompt, self.out = prompt.tolist(), output.tolist()
        self.pf_target = list(self.prompt)
        self.cached = max(0, cached_prefix)
        self.computed = [self.cached] * n  # for prefilling / waiting requests (a cached prefix is computed)
        if n and self.cached:
            self.computed[0] = 0  # the first request computes the shared prefix
        self.generated = [0] * n
        self.first = np.full(n, np.nan)
        self.finish = np.full(n, np.nan)
        self.sched = np.full(n, np.nan)
        self.batch_at_first = np.zeros(n)
        self.left = sum(self.watch)
        self.waiting: deque[int] = deque()
        self.run: dict[int, None] = {}  # admission order; preemption takes the newest
        self.prefilling: list[int] = []
        # decoding requests: context = cbase + G - gjoin; finish heap keyed by decode step
        self.G = 0
        self.cbase: dict[int, int] = {}
        self.gbase: dict[int, int] = {}
        self.gjoin: dict[int, int] = {}
        self.fin_heap: list[tuple[int, int]] = []
        self.s1 = 0  # sum over decoding requests of cbase - gjoin
        self.sw = 0  # sum over decoding requests of min(context at join, window)
        self.pf_ctx = 0  # sum of computed tokens of prefilling requests
        self.now = 0.0
        self.preemptions = self.rejected = 0
        self.kv_area = self.kv_max = 0.0

    # ------------------------------------------------------------------ bookkeeping

    def ctx_dec(self) -> int:
        return self.s1 + len(self.gjoin) * self.G

    def kv_used(self) -> float:
        used = self.ctx_dec() + self.pf_ctx + 8 * len(self.run)
        if self.ratio:
            used += self.ratio * (self.sw + 8 * len(self.gjoin) + sum(min(self.computed[r] + 8, self.window + 16)
                                                                      for r in self.prefilling))
        return used

    def _join_decode(self, r: int) -> None:
        c, g = self.computed[r], self.generated[r]
        self.cbase[r], self.gbase[r], self.gjoin[r] = c, g, self.G
        self.s1 += c - self.G
        self.sw += min(c, self.window)
        heapq.heappush(self.fin_heap, (self.G + self.out[r] - g, r))

    def _leave_decode(self, r: int) -> None:
        c, j = self.cbase.pop(r), self.gjoin.pop(r)
        g = self.gbase.pop(r)
        self.s1 -= c - j
        self.sw -= min(c, self.window)
        self.computed[r] = c + self.G - j
        self.generated[r] = g + self.G - j

    def _finish_due(self) -> None:
        heap = self.fin_heap
        while heap and heap[0][0] <= self.G:
            step, r = heapq.heappop(heap)
            if r not in self.gjoin or self.gjoin[r] + self.out[r] - self.gbase[r] != step:
                continue  # stale entry of a preempted request
            self._leave_decode(r)
            self._retire(r)

    def _retire(self, r: int) -> None:
        self.finish[r] = self.now
        del self.run[r]
        if self.watch[r]:
            self.left -= 1
        self.arrivals.on_finish(self.now)

    def _preempt(self) -> None:
        victim = next(reversed(self.run))
        del self.run[victim]
        if victim in self.gjoin:
            self._leave_decode(victim)
        else:
            self.prefilling.remove(victim)
            self.pf_ctx -= self.computed[victim]
        self.computed[victim] = 0 if victim == 0 else self.cached  # the shared prefix stays cached
        self.pf_target[victim] = self.prompt[victim] + self.generated[victim]
        self.waiting.appendleft(victim)
        self.preemptions += 1

    def _next_finish_step(self) -> int:
        heap = self.fin_heap
        while heap:
            step, r = heap[0]
            if r in self.gjoin and self.gjoin[r] + self.out[r] - self.gbase[r] == step:
                return step
            heapq.heappop(heap)
        return 1 << 60

    # ------------------------------------------------------------------ main loop

    def run_all(self, max_iterations: int) -> bool:
        """Run until the watched requests finish; False when the iteration budget ran out first."""
        iterations = 0
        while self.left > 0:
            iterations += 1
            if iterations > max_iterations:
                return False
            self.arrivals.pop_until(self.now, self.waiting)
            if not self.run and not self.waiting:
                t_next = self.arrivals.next_time()
                if t_next == math.inf:
                    return True
                self.now = t_next
                continue
            if self.event_skipping and self.gjoin and not self.prefilling and self._try_skip():
                continue
            if not self._iteration():
                t_next = self.arrivals.next_time()
                if t_next == math.inf:
                    return True
                self.now = max(self.now, t_next)
        return True

    def _admission_blocked(self, kv_used: float, n_dec: int) -> bool:
        if len(self.run) >= self.max_seqs or n_dec >= self.budget_max:
            return True
        r = self.waiting[0]
        c = min(self.pf_target[r] - self.computed[r], self.budget_max - n_dec)
        return kv_used + n_dec + c + 8 > self.cap

    def _try_skip(self) -> bool:
        n_dec = len(self.gjoin)
        kv_used = self.kv_used()
        blocked = bool(self.waiting) and self._admission_blocked(kv_used, n_dec)
        if self.waiting and not blocked:
            return False
        k = self._next_finish_step() - self.G
        k = min(k, int((self.cap - kv_used) // n_dec))
        d0 = self.cost.batch_ms(n_dec, n_dec) + self.a_full * (self.ctx_dec() + n_dec) + self.a_win * self.sw
        slope = self.a_full * n_dec
        if not blocked:
            k = min(k, _steps_before(self.arrivals.next_time() - self.now, d0, slope))
        if k < 2:
            return False
        total = k * d0 + slope * k * (k - 1) / 2
        self.kv_area += (kv_used + n_dec * k / 2) / self.cap * total
        self.kv_max = max(self.kv_max, (kv_used + n_dec * k) / self.cap)
        self.now += total
        self.G += k
        self._finish_due()
        return True

    def _iteration(self) -> bool:
        """Schedule and run one iteration; False when nothing could be scheduled."""
        kv_used = self.kv_used()
        preempted = False
        while self.run and kv_used + len(self.gjoin) > self.cap:
            self._preempt()
            kv_used = self.kv_used()
            preempted = True
        n_dec = len(self.gjoin)
        budget = self.budget_max - n_dec
        growth = float(n_dec)
        chunks: list[tuple[int, int]] = []
        for r in self.prefilling:
            if budget <= 0:
                break
            c = int(min(self.pf_target[r] - self.computed[r], budget, self.cap - kv_used - growth))
            if c <= 0:
                break
            chunks.append((r, c))
            budget -= c
            growth += c
        while self.waiting and budget > 0 and len(self.run) < self.max_seqs and not preempted:
            r = self.waiting[0]
            c = int(min(self.pf_target[r] - self.computed[r], budget))
            held = self.computed[r]  # a cached prefix occupies the cache from admission
            if kv_used + growth + held + c + 8 > self.cap:
                if not self.run and not chunks:  # can never fit: vLLM rejects it
                    self.waiting.popleft()
                    self.rejected += 1
                    self.finish[r] = math.nan
                    if self.watch[r]:
                        self.left -= 1
                    self.arrivals.on_finish(self.now)
                    continue
                break
            self.waiting.popleft()
            self.run[r] = None
            self.prefilling.append(r)
            self.pf_ctx += held
            chunks.append((r, c))
            budget -= c
            growth += held + c + 8
            if math.isnan(self.sched[r]):
                self.sched[r] = self.now
        if not n_dec and not chunks:
            return False
        self._advance(chunks, n_dec, kv_used, growth)
        return True

    def _advance(self, chunks: list[tuple[int, int]], n_dec: int, kv_used: float, growth: float) -> None:
        tokens, pairs, pairs_w, kv_tokens = n_dec, 0.0, 0.0, 0.0
        w = self.window
        for r, c in chunks:
            p = self.computed[r]
            tokens += c
            pairs += c * (p + c / 2)
            kv_tokens += p + c
            if w:
                pairs_w += c * min(p + c / 2, w)
        dur = self.cost.batch_ms(tokens, n_dec + len(chunks))
        if n_dec:
            dur += self.a_full * (self.ctx_dec() + n_dec) + self.a_win * self.sw
        if chunks:
            dur += self.cost.prefill_attention_ms(pairs, pairs_w, kv_tokens, tokens - n_dec)
        self.kv_area += (kv_used + growth) / self.cap * dur
        self.kv_max = max(self.kv_max, (kv_used + growth) / self.cap)
        self.now += dur
        if n_dec:
            self.G += 1
        for r, c in chunks:
            self.computed[r] += c
            self.pf_ctx += c
            if self.computed[r] >= self.pf_target[r]:
                self.generated[r] += 1
                if math.isnan(self.first[r]):
                    self.first[r] = self.now
                    self.batch_at_first[r] = len(self.run)
                self.prefilling.remove(r)
                self.pf_ctx -= self.computed[r]
                if self.generated[r] >= self.out[r]:
                    self._retire(r)
                else:
                    self._join_decode(r)
        self._finish_due()


def _steps_before(delta_ms: float, d0: float, slope: float) -> int:
    """Smallest j >= 1 whose start time j*d0 + slope*j(j-1)/2 is at or after ``delta_ms``."""
    if delta_ms == math.inf:
        return 1 << 40
    if delta_ms <= d0:
        return 1
    if slope <= 1e-12:
        return int(math.ceil(delta_ms / d0))
    b = d0 - slope / 2
    j = (-b + math.sqrt(b * b + 2 * slope * delta_ms)) / slope
    return max(1, int(math.ceil(j - 1e-9)))


def run_engine(cost: StepCost, lim: EngineLimits, prompt: np.ndarray, output: np.ndarray, *,
               arrival_ms: np.ndarray | None = None, users: int = 0, client_gap_ms: float = 0.5,
               stop_after: np.ndarray | None = None, event_skipping: bool = True,
               max_iterations: int | None = None, cached_prefix: int = 0) -> EngineRun:
    """Simulate until every request (or every request flagged in ``stop_after``) has finished.

    Open loop: ``arrival_ms`` gives each request's arrival. Closed loop: ``users`` start at time 0 and each
    sends the next request (in index order) ``client_gap_ms`` after its previous one finished.
    ``cached_prefix``: prompt tokens every request shares and prefix caching keeps; the first request computes
    them, the others start after them (their KV blocks still count per sequence: a conservative cache).
    """
    n = len(prompt)
    arrival = np.full(n, np.inf) if arrival_ms is None else arrival_ms.astype(float).copy()
    arrivals = _Arrivals(arrival, users, client_gap_ms)
    watch = stop_after if stop_after is not None else np.ones(n, bool)
    eng = _Engine(cost, lim, np.asarray(prompt, np.int64), np.asarray(output, np.int64), arrivals, watch,
                  event_skipping, cached_prefix)
    # Budget: a stable run needs a few iterations per request; thrashing overloads would need far more.
    finished = eng.run_all(max_iterations or 5 * n + 3000)
    return EngineRun(arrival=arrival, first_token=eng.first, finish=eng.finish, scheduled=eng.sched,
                     batch_at_first=eng.batch_at_first, output=np.asarray(output, np.int64),
                     preemptions=eng.preemptions, rejected=eng.rejected,
                     kv_time_weighted=eng.kv_area, kv_max=eng.kv_max, end_ms=eng.now, truncated=not finished)
