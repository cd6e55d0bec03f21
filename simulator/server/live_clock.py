"""The live clock of the scheduler: one asyncio task per engine rank advancing simulated time iteration by iteration.

The scheduling rules (continuous batching, chunked prefill, admission, preemption, KV accounting) are
``simulator.scheduler``'s, the same that ``compass predict`` simulates offline, so the two agree; an iteration's
duration is its price under the step-time model there too (times a log-normal jitter when asked for). This module
owns the wall clock, the requests' streams and the metrics.

Time: simulated time runs ``time_scale`` times faster than the wall clock. The loop schedules an iteration,
sleeps until the wall-clock time of its end, then hands out that iteration's tokens and wakes the waiting
streams (one wake-up per request per iteration: no per-token timers). Iterations are scheduled back to back
on the intended timeline, so a late wake-up is caught up by the next sleep; only when the loop falls more than
``LAG_SLACK_S`` behind does it give the lost time up (counted in ``compass_simulator_skipped_seconds``).

The API server's own share of the first-token latency (``EngineCoefficients.api_ms``: a constant, the prompt's
tokenization and a share per running request, calibrated with the step-time model) is spent before the request reaches the scheduler, which shifts TTFT and
end-to-end latency as the offline simulation does and leaves the inter-token gaps alone.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import random
import time
from dataclasses import dataclass, field

from simulator.perf.coefficients import EngineCoefficients
from simulator.scheduler import Batch, EngineLimits, IterationCost, Scheduler, Sequence, StepCost
from simulator.server.metrics import EngineStats

LAG_SLACK_S = 0.2  # wall seconds the loop may run behind and still catch up (bursts of arrivals)


class QueueFullError(RuntimeError):
    pass


class SimClock:
    """Simulated seconds since start = wall seconds x ``scale``."""

    def __init__(self, scale: float = 1.0):
        self.scale = scale
        self.t0 = time.monotonic()

    def now(self) -> float:
        return (time.monotonic() - self.t0) * self.scale

    def wall(self, sim_s: float) -> float:
        return self.t0 + sim_s / self.scale


@dataclass(eq=False)
class SimRequest:
    """One request as the engine sees it; the HTTP handler waits on it for tokens."""

    prompt_tokens: int
    output_tokens: int  # how many tokens it will produce (after max_tokens, stop strings, natural end)
    finish_reason: str = "length"  # when it finishes normally
    max_tokens_param: int | None = None
    arrival: float = 0.0
    scheduled: float | None = None
    first_token: float | None = None
    last_token: float = 0.0
    finished: float | None = None
    generated: int = 0  # tokens handed out so far
    done: bool = False
    aborted: bool = False
    error: str | None = None
    seq: Sequence = field(init=False, repr=False)  # the scheduler's view, from submission on
    _waiter: asyncio.Future | None = field(default=None, repr=False)

    def wake(self) -> None:
        w = self._waiter
        if w is not None and not w.done():
            w.set_result(None)

    async def wait(self) -> None:
        """Until the engine produced something new for this request (or it ended)."""
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None


class LiveEngine:
    def __init__(self, step: StepCost, limits: EngineLimits, coefficients: EngineCoefficients, *,
                 clock: SimClock, stats: EngineStats, jitter: float = 0.0, seed: int = 0, max_waiting: int = 4096):
        self.clock, self.stats = clock, stats
        self.sched = Scheduler(limits)
        self.price = IterationCost(step, limits)
        self.coefficients = coefficients  # its api_ms: the API server's share of the first-token latency
        self.jitter, self.rng = jitter, random.Random(seed)
        self.max_waiting = max_waiting
        self.pending: list[tuple[float, int, SimRequest]] = []  # in the API server, not yet scheduled
        self.t: float | None = None  # intended end of the last iteration (simulated s); None when idle
        self._seq = itertools.count()
        self._wakeup = asyncio.Event()
        self._aborted: list[SimRequest] = []

    # ------------------------------------------------------------------ API for the HTTP layer

    @property
    def num_running(self) -> int:
        return len(self.sched.running)

    @property
    def num_waiting(self) -> int:
        return len(self.sched.waiting)

    @property
    def load(self) -> int:
        return len(self.sched.running) + len(self.sched.waiting) + len(self.pending)

    def kv_usage(self) -> float:
        cap = self.sched.cap
        return min(1.0, self.sched.kv_used() / cap) if cap > 0 else 0.0

    def submit(self, req: SimRequest, arrived: float | None = None) -> None:
        """``arrived``: when the HTTP request reached the server (simulated s; default now). The API server's
        modelled share of the first-token latency runs from then: the simulator's own wall time reading, parsing
        and counting the prompt is inside that share, not on top of it (counted twice it was the largest part of
        a small TTFT's error against the model at a time scale above 1)."""
        sched = self.sched
        # requests that will find a free slot as soon as they reach the scheduler are not queued
        queued = len(sched.waiting) + len(self.pending) - max(0, sched.max_seqs - len(sched.running))
        if queued >= self.max_waiting:
            raise QueueFullError(f"the waiting queue is full ({self.max_waiting} requests)")
        now = self.clock.now()
        req.arrival = now if arrived is None else min(arrived, now)
        req.seq = Sequence(req, req.prompt_tokens, req.output_tokens)
        ready = req.arrival + self.coefficients.api_ms(len(sched.running), req.prompt_tokens) / 1e3
        heapq.heappush(self.pending, (ready, next(self._seq), req))
        self._wakeup.set()

    def abort(self, req: SimRequest) -> None:
        if not req.done and not req.aborted:
            req.aborted = True
            self._aborted.append(req)
            req.wake()

    # ------------------------------------------------------------------ the loop

    async def run(self) -> None:
        while True:
            now = self.clock.now()
            start = now
            if self.t is not None and now - self.t <= LAG_SLACK_S * self.clock.scale:
                start = self.t  # on schedule (or slightly late): continue the intended timeline
            elif self.t is not None:
                self.stats.skipped_s += now - self.t
            self._release(start)
            self._drop_aborted()
            if self.sched.idle:
                self.t = None
                await self._idle()
                continue
            batch = self._schedule(start)
            if batch.empty:  # the scheduler only refused or preempted: again, now
                self.t = start
                await asyncio.sleep(0)
                continue
            dur = self._duration(batch)
            end = start + dur
            delay = self.clock.wall(end) - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self.stats.lateness.observe(max(0.0, time.monotonic() - self.clock.wall(end)))
            self.stats.intended_gap_s += dur * batch.decodes
            self.stats.decode_tokens += batch.decodes
            self._apply(batch, end)
            self.t = end

    async def _idle(self) -> None:
        self._wakeup.clear()
        if self.pending:
            timeout = max(0.0, self.clock.wall(self.pending[0][0]) - time.monotonic())
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout)
            except TimeoutError:
                pass
        else:
            await self._wakeup.wait()

    def _release(self, now: float) -> None:
        while self.pending and self.pending[0][0] <= now:
            req = heapq.heappop(self.pending)[2]
            if not req.aborted:
                self.sched.add(req.seq)

    def _drop_aborted(self) -> None:
        for r in self._aborted:
            self.sched.abort(r.seq)
            if not r.done:
                self._retire(r, self.clock.now(), "abort")
        self._aborted.clear()

    def _emitted(self, r: SimRequest, end: float, still_running: bool) -> None:
        """A token of ``r`` went out at ``end``: its stream wakes, or the request retires if it finished."""
        r.last_token = end
        if still_running:
            r.wake()
        else:
            self._retire(r, end)

    def _retire(self, r: SimRequest, end: float, reason: str | None = None) -> None:
        r.finished, r.done = end, True
        s = self.stats
        s.success[reason or r.finish_reason] += 1
        if reason is None:
            s.e2e.observe(end - r.arrival)
            s.request_prompt_tokens.observe(r.prompt_tokens)
            s.request_generation_tokens.observe(r.generated)
            if r.max_tokens_param is not None:
                s.max_tokens_param.observe(r.max_tokens_param)
            s.n_param.observe(1)
            if r.scheduled is not None and r.first_token is not None:
                s.queue.observe(r.scheduled - r.arrival)
                s.inference.observe(end - r.scheduled)
                s.prefill.observe(r.first_token - r.scheduled)
                s.decode.observe(end - r.first_token)
        r.wake()

    # ------------------------------------------------------------------ one iteration

    def _schedule(self, start: float) -> Batch:
        """The scheduler's next batch; refused prompts end here, admitted requests are stamped."""
        batch = self.sched.schedule()
        self.stats.preemptions += batch.preempted
        for seq in batch.refused:
            r = seq.key
            r.error = "the prompt does not fit in the KV cache"
            self._retire(r, start, "abort")
        for seq in batch.admitted:
            if seq.key.scheduled is None:
                seq.key.scheduled = start
        return batch

    def _duration(self, batch: Batch) -> float:
        """Simulated seconds of one iteration: its price under the step-time model, jittered."""
        ms = self.price.ms(batch)
        if self.jitter:
            ms *= math.exp(self.rng.gauss(0.0, self.jitter) - self.jitter**2 / 2)  # mean 1
        self.stats.iteration_tokens.observe(batch.tokens)
        return ms / 1e3

    def _apply(self, batch: Batch, end: float) -> None:
        """Hand out the iteration's tokens: one to every decoding request, one to each finished prefill; the
        scheduler says which requests finished (those no longer running)."""
        s, sched = self.stats, self.sched
        s.iterations += 1
        itl = s.itl
        decoded = list(sched.decoding)
        done = sched.complete(batch)
        running = sched.running
        for seq in decoded:
            r = seq.key
            r.generated += 1
            itl.observe(end - r.last_token)
            self._emitted(r, end, seq in running)
        for seq, _ in done.prefilled:
            r = seq.key
            r.generated += 1
            if r.first_token is None:
                r.first_token = end
                s.ttft.observe(end - r.arrival)
                s.prompt_tokens += r.prompt_tokens
            else:  # recomputed after a preemption
                itl.observe(end - r.last_token)
            self._emitted(r, end, seq in running)
        s.generation_tokens += batch.decodes + len(done.prefilled)
