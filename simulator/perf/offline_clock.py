"""The offline clock of the scheduler: iteration-level simulation of one vLLM engine rank behind ``compass predict``.

The scheduling rules (continuous batching, chunked prefill, admission, preemption, KV accounting) are
``simulator.scheduler``'s; this module feeds it arrivals (open loop at fixed times, or a closed loop of users each
sending the next request when the last one finished) and runs it on a simulated clock, recording each request's
scheduling, first-token and finish times.

Speed: when no prefill is pending and nothing can be admitted before the next arrival, the iterations until the
next event (arrival, finish, KV exhaustion) differ only in their growing contexts; step time is affine in the
summed context, so their total is a closed-form sum and they are advanced at once. When one long prompt's prefill
takes every token the decodes leave, chunk after chunk, nothing can be admitted either: those iterations are priced
one by one with the scheduler's own arithmetic but without its pass per step (the same floats, far faster).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator.scheduler import (
    KV_BLOCK_SLACK, EngineLimits, IterationCost, Scheduler, Sequence, StepCost, sequence_usage,
)

if TYPE_CHECKING:  # annotations only: numpy loads when a function here runs, not on every start
    import numpy as np

__all__ = ["EngineLimits", "EngineRun", "StepCost", "run_engine", "sequence_usage"]


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

    def pop_until(self, now: float) -> list[int]:
        """The requests that arrived by ``now``, in arrival order."""
        heap, out = self.heap, []
        while heap and heap[0][0] <= now:
            out.append(heapq.heappop(heap)[1])
        return out


class _Engine:
    """The offline clock: arrivals and simulated time around the scheduler, decode-only stretches skipped."""

    def __init__(self, cost: StepCost, lim: EngineLimits, prompt: np.ndarray, output: np.ndarray,
                 arrivals: _Arrivals, watch: np.ndarray, event_skipping: bool = True, cached_prefix: int = 0):
        n = len(prompt)
        self.event_skipping = event_skipping
        self.arrivals, self.watch = arrivals, watch.tolist()
        self.sched = Scheduler(lim)
        self.price = IterationCost(cost, lim)
        self.prompt, self.output = prompt.tolist(), output.tolist()
        self.cached = max(0, cached_prefix)
        # per request: plain lists while running (an element of a list is read and written several times faster
        # than one of a numpy array), numpy arrays of the same values at the end (``arrays``)
        self.first = [math.nan] * n
        self.finish = [math.nan] * n
        self.scheduled = [math.nan] * n
        self.batch_at_first = [0.0] * n
        self.left = sum(self.watch)
        self.refusals_count = True  # a refused request leaves ``left`` as a finish does (not when counting finishes)
        self.now = 0.0
        self.rejected = 0
        self.kv_area = self.kv_max = 0.0

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """First-token, finish and first-scheduled times and the batch at the first token, as float arrays."""
        import numpy as np
        return (np.array(self.first, float), np.array(self.finish, float), np.array(self.scheduled, float),
                np.array(self.batch_at_first, float))

    def _retire(self, seq: Sequence) -> None:
        r = seq.key
        self.finish[r] = self.now
        if self.watch[r]:
            self.left -= 1
        self.arrivals.on_finish(self.now)

    def _refuse(self, seq: Sequence) -> None:
        self.rejected += 1
        if self.watch[seq.key] and self.refusals_count:
            self.left -= 1
        self.arrivals.on_finish(self.now)

    def run_all(self, max_iterations: int) -> bool:
        """Run until the watched requests finish; False when the iteration budget ran out first."""
        iterations = 0
        sched, arrivals, prompt, output, cached = self.sched, self.arrivals, self.prompt, self.output, self.cached
        heap, waiting, running, decoding, prefilling = (arrivals.heap, sched.waiting, sched.running, sched.decoding,
                                                        sched.prefilling)
        skipping, iteration, try_skip, add = self.event_skipping, self._iteration, self._try_skip, sched.add
        chunks = self._run_chunk_stretch
        while self.left > 0:
            iterations += 1
            if iterations > max_iterations:
                return False
            if heap and heap[0][0] <= self.now:
                for r in arrivals.pop_until(self.now):  # the first request computes a shared prefix for the others
                    add(Sequence(r, prompt[r], output[r], cached if r else 0))
            if not running and not waiting:
                t_next = arrivals.next_time()
                if t_next == math.inf:
                    return True
                self.now = t_next
                continue
            if skipping and decoding and not prefilling and try_skip():
                continue
            if skipping and len(prefilling) == 1 and (k := chunks(max_iterations - iterations)):
                iterations += k - 1  # each step it ran counts, as when run one by one
                continue
            iteration()  # when nothing ran, the scheduler refused or preempted: schedule again
        return True

    def _try_skip(self) -> bool:
        """Advance the decode-only iterations until the next event (arrival, finish, KV exhaustion) at once."""
        sched = self.sched
        n_dec = len(sched.decoding)
        kv_used = sched.kv_used()
        blocked = bool(sched.waiting) and sched.admission_blocked(kv_used)
        if sched.waiting and not blocked:
            return False
        k = sched.decode_only_horizon(kv_used)
        if k < 2:  # an event within the next step: nothing to skip (and no step to price)
            return False
        d0, slope = self.price.decode_steps(sched)
        if not blocked:
            k = min(k, _steps_before(self.arrivals.next_time() - self.now, d0, slope))
            if k < 2:
                return False
        total = k * d0 + slope * k * (k - 1) / 2
        self.kv_area += (kv_used + n_dec * k / 2) / sched.cap * total
        self.kv_max = max(self.kv_max, (kv_used + n_dec * k) / sched.cap)
        self.now += total
        for seq in sched.skip_decode_steps(k):
            self._retire(seq)
        return True

    def _run_chunk_stretch(self, allowed: int) -> int:
        """Run the iterations in which one long prompt's prefill takes every token the decodes leave, chunk after
        chunk, until its last chunk, a decode's finish (that step included) or a cache too full for a whole chunk;
        the number run (0: none here, or too few to be worth it). Nothing can be admitted meanwhile (the budget is
        spent), so arrivals wait as they would; each step is priced and accounted with the same arithmetic as
        ``_iteration``, so the times are the same floats, only without a scheduler pass per step (a 150,000-token
        prompt is tens of such steps, and a saturated engine is prefilling one almost all the time)."""
        sched, price = self.sched, self.price
        seq = sched.prefilling[0]
        n_dec = len(sched.decoding)
        c = sched.budget - n_dec
        left = seq.target - seq.computed
        if c <= 0 or left <= 2 * c:  # fewer than two whole chunks before the last one
            return 0
        finish = sched.next_finish() - sched.steps if n_dec else 1 << 60  # the step a decode finishes at, included
        k_max = min((left - 1) // c, finish, allowed)
        if k_max < 2:
            return 0
        cap, slack, ratio, steps0 = sched.cap, KV_BLOCK_SLACK, sched.ratio, sched.steps
        base, window_fixed = sched.kv_without_decode_steps()
        in_window = sched.window + 2 * slack
        context0 = sched.decode_context()
        step_ms = price.cost.batch_ms(sched.budget, n_dec + 1)
        full_ms, window_ms, w = price.full_ms, price.window_ms, price.window
        wc = sched.window_context
        attention = price.cost.prefill_attention_ms
        p, steps, now, area, kv_max = seq.computed, steps0, self.now, self.kv_area, self.kv_max
        k = 0
        while k < k_max:
            kv_used = base + n_dec * steps + (p - seq.computed)  # Scheduler.kv_used with the chunks so far
            if ratio:
                kv_used += ratio * (window_fixed + min(p + slack, in_window))
            if cap - kv_used - n_dec < c:  # the chunk would shrink (or a decode be preempted): schedule it
                break
            ms = step_ms
            if n_dec:
                ms += full_ms * (context0 + n_dec * (steps - steps0) + n_dec) + window_ms * wc
            ms += attention(0.0 + c * (p + c / 2), (0.0 + c * min(p + c / 2, w)) if w else 0.0, 0.0 + (p + c), c)
            growth = float(n_dec)
            growth += c
            share = (kv_used + growth) / cap
            area += share * ms
            if share > kv_max:
                kv_max = share
            now += ms
            if n_dec:
                steps += 1
            p += c
            k += 1
        if k:
            self.now, self.kv_area, self.kv_max = now, area, kv_max
            for done in sched.advance_prefill(seq, p - seq.computed, steps - steps0):  # its last step's finishes
                self._retire(done)
        return k

    def _iteration(self) -> None:
        """Schedule and run one iteration."""
        sched = self.sched
        batch = sched.schedule()
        for seq in batch.refused:
            self._refuse(seq)
        if batch.admitted:
            scheduled, now = self.scheduled, self.now
            for seq in batch.admitted:
                if math.isnan(scheduled[seq.key]):
                    scheduled[seq.key] = now
        if not batch.decodes and not batch.chunks:
            return
        dur = self.price.ms(batch)
        kv = batch.kv_used + batch.kv_growth
        share = kv / sched.cap
        self.kv_area += share * dur
        if share > self.kv_max:
            self.kv_max = share
        self.now += dur
        done = sched.complete(batch)
        if done.prefilled:
            first, at_first, now = self.first, self.batch_at_first, self.now
            for seq, running in done.prefilled:
                if math.isnan(first[seq.key]):
                    first[seq.key] = now
                    at_first[seq.key] = running
        for seq in done.finished:
            self._retire(seq)


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
               max_iterations: int | None = None, cached_prefix: int = 0,
               finishes: int | None = None) -> EngineRun:
    """Simulate until every request (or every request flagged in ``stop_after``) has finished.

    Open loop: ``arrival_ms`` gives each request's arrival. Closed loop: ``users`` start at time 0 and each
    sends the next request (in index order) ``client_gap_ms`` after its previous one finished.
    ``cached_prefix``: prompt tokens every request shares and prefix caching keeps; the first request computes
    them, the others start after them (their KV blocks still count per sequence: a conservative cache).
    ``finishes``: stop once that many requests have finished (a rate timed up to a finish quantile needs no drain
    after it; the finishes before it are the same floats as in a run to the end).
    """
    import numpy as np
    n = len(prompt)
    arrival = np.full(n, np.inf) if arrival_ms is None else arrival_ms.astype(float).copy()
    arrivals = _Arrivals(arrival, users, client_gap_ms)
    watch = stop_after if stop_after is not None else np.ones(n, bool)
    eng = _Engine(cost, lim, np.asarray(prompt, np.int64), np.asarray(output, np.int64), arrivals, watch,
                  event_skipping, cached_prefix)
    if finishes is not None:
        eng.left, eng.refusals_count = min(finishes, n), False
    # Budget: a stable run needs a few iterations per request; thrashing overloads would need far more.
    finished = eng.run_all(max_iterations or 5 * n + 3000)
    first, finish, scheduled, batch_at_first = eng.arrays()
    return EngineRun(arrival=arrival, first_token=first, finish=finish, scheduled=scheduled,
                     batch_at_first=batch_at_first, output=np.asarray(output, np.int64),
                     preemptions=eng.sched.preemptions, rejected=eng.rejected,
                     kv_time_weighted=eng.kv_area, kv_max=eng.kv_max, end_ms=eng.now, truncated=not finished)
