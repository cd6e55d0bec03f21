"""The live continuous-batching loop: one asyncio task per engine rank advancing simulated time iteration by iteration.

Scheduling follows ``simulator.perf.engine`` (vLLM V1 semantics, so ``compass predict`` and the live server
agree): each iteration every running decode gets one token, running chunked prefills continue, then waiting
requests are admitted first-come-first-served while the token budget (``max_num_batched_tokens``),
``max_num_seqs`` and free KV-cache blocks allow; when the cache runs out the newest running request is
preempted and recomputed later. An iteration's duration comes from ``StepTimeModel``'s pieces, exactly as in
the offline simulation.

Time: simulated time runs ``time_scale`` times faster than the wall clock. The loop computes an iteration,
sleeps until the wall-clock time of its end, then hands out that iteration's tokens and wakes the waiting
streams (one wake-up per request per iteration: no per-token timers). Iterations are scheduled back to back
on the intended timeline, so a late wake-up is caught up by the next sleep; only when the loop falls more than
``LAG_SLACK_S`` behind does it give the lost time up (counted in ``compass_simulator_skipped_seconds``).

The API server's own share of the first-token latency (``ttft_ms`` + ``ttft_per_seq_ms`` x running requests,
calibrated with the step-time model) is spent before the request reaches the scheduler, which shifts TTFT and
end-to-end latency as the offline simulation does and leaves the inter-token gaps alone.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import random
import time
from collections import deque
from dataclasses import dataclass, field

from simulator.perf.coefficients import EngineCoefficients
from simulator.perf.engine import EngineLimits
from simulator.perf.steptime import StepTimeModel
from simulator.server.metrics import EngineStats

LAG_SLACK_S = 0.2  # wall seconds the loop may run behind and still catch up (bursts of arrivals)
KV_BLOCK_SLACK = 8  # tokens per running sequence for the partly filled last block (as in simulator.perf.engine)


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
    computed: int = 0  # tokens whose KV is in the cache
    pf_target: int = 0  # tokens to prefill (prompt, plus generated ones after a preemption)
    generated: int = 0
    sw_join: int = 0
    done: bool = False
    aborted: bool = False
    error: str | None = None
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
    def __init__(self, step: StepTimeModel, limits: EngineLimits, coefficients: EngineCoefficients, *,
                 clock: SimClock, stats: EngineStats, jitter: float = 0.0, seed: int = 0, max_waiting: int = 4096):
        self.step, self.clock, self.stats = step, clock, stats
        self.a_full, self.a_win = step.decode_context_ms()
        self.cap = limits.kv_capacity_tokens
        self.budget_max = limits.max_num_batched_tokens
        self.max_seqs = min(limits.max_num_seqs, limits.max_num_batched_tokens)
        self.window = limits.window or 0
        self.ratio = limits.window_ratio if limits.window else 0.0
        self.api_ms, self.api_per_seq_ms = coefficients.ttft_ms, coefficients.ttft_per_seq_ms
        self.jitter, self.rng = jitter, random.Random(seed)
        self.max_waiting = max_waiting
        self.pending: list[tuple[float, int, SimRequest]] = []  # in the API server, not yet scheduled
        self.waiting: deque[SimRequest] = deque()
        self.running: dict[SimRequest, None] = {}  # admission order; preemption takes the newest
        self.decoding: dict[SimRequest, None] = {}
        self.prefilling: list[SimRequest] = []
        self.ctx_dec = 0  # sum of decoding requests' contexts
        self.sw = 0  # sum of min(context at join, window) over decoding requests
        self.pf_ctx = 0  # tokens computed so far by prefilling requests
        self.t: float | None = None  # intended end of the last iteration (simulated s); None when idle
        self._seq = itertools.count()
        self._wakeup = asyncio.Event()
        self._aborted: list[SimRequest] = []

    # ------------------------------------------------------------------ API for the HTTP layer

    @property
    def num_running(self) -> int:
        return len(self.running)

    @property
    def num_waiting(self) -> int:
        return len(self.waiting)

    @property
    def load(self) -> int:
        return len(self.running) + len(self.waiting) + len(self.pending)

    def kv_usage(self) -> float:
        return min(1.0, self.kv_used() / self.cap) if self.cap > 0 else 0.0

    def submit(self, req: SimRequest) -> None:
        # requests that will find a free slot as soon as they reach the scheduler are not queued
        queued = len(self.waiting) + len(self.pending) - max(0, self.max_seqs - len(self.running))
        if queued >= self.max_waiting:
            raise QueueFullError(f"the waiting queue is full ({self.max_waiting} requests)")
        now = self.clock.now()
        req.arrival = now
        req.pf_target = req.prompt_tokens
        ready = now + (self.api_ms + self.api_per_seq_ms * len(self.running)) / 1e3
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
            if not self.running and not self.waiting:
                self.t = None
                await self._idle()
                continue
            batch = self._schedule(start)
            if batch is None:
                # Only rejections, or prefills that filled the cache to the last token: free the newest.
                if self.running:
                    self._preempt()
                self.t = None
                await asyncio.sleep(0)
                continue
            dur = self._duration(*batch)
            end = start + dur
            delay = self.clock.wall(end) - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self.stats.lateness.observe(max(0.0, time.monotonic() - self.clock.wall(end)))
            self.stats.intended_gap_s += dur * batch[1]
            self.stats.decode_tokens += batch[1]
            self._apply(batch[0], batch[1], end)
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
                self.waiting.append(req)

    # ------------------------------------------------------------------ bookkeeping

    def kv_used(self) -> float:
        used = self.ctx_dec + self.pf_ctx + KV_BLOCK_SLACK * len(self.running)
        if self.ratio:
            used += self.ratio * (self.sw + KV_BLOCK_SLACK * len(self.decoding)
                                  + sum(min(r.computed + 8, self.window + 16) for r in self.prefilling))
        return used

    def _join_decode(self, r: SimRequest) -> None:
        self.decoding[r] = None
        self.ctx_dec += r.computed
        r.sw_join = min(r.computed, self.window)
        self.sw += r.sw_join

    def _leave_decode(self, r: SimRequest) -> None:
        del self.decoding[r]
        self.ctx_dec -= r.computed
        self.sw -= r.sw_join

    def _unschedule(self, r: SimRequest) -> None:
        """Take a running request out of the batch (its KV is freed)."""
        del self.running[r]
        if r in self.decoding:
            self._leave_decode(r)
        else:
            self.prefilling.remove(r)
            self.pf_ctx -= r.computed

    def _drop_aborted(self) -> None:
        for r in self._aborted:
            if r in self.running:
                self._unschedule(r)
            elif r in self.waiting:
                self.waiting.remove(r)
            if not r.done:
                self._retire(r, self.clock.now(), "abort")
        self._aborted.clear()

    def _preempt(self) -> None:
        victim = next(reversed(self.running))
        self._unschedule(victim)
        victim.computed = 0
        victim.pf_target = victim.prompt_tokens + victim.generated
        self.waiting.appendleft(victim)
        self.stats.preemptions += 1

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

    def _schedule(self, start: float) -> tuple[list[tuple[SimRequest, int]], int] | None:
        """Preempt if the cache is full, continue prefills, admit waiting requests (simulator.perf rules)."""
        kv_used = self.kv_used()
        preempted = False
        while self.running and kv_used + len(self.decoding) > self.cap:
            self._preempt()
            kv_used = self.kv_used()
            preempted = True
        n_dec = len(self.decoding)
        budget = self.budget_max - n_dec
        growth = float(n_dec)
        chunks: list[tuple[SimRequest, int]] = []
        for r in self.prefilling:
            if budget <= 0:
                break
            c = int(min(r.pf_target - r.computed, budget, self.cap - kv_used - growth))
            if c <= 0:
                break
            chunks.append((r, c))
            budget -= c
            growth += c
        while self.waiting and budget > 0 and len(self.running) < self.max_seqs and not preempted:
            r = self.waiting[0]
            c = int(min(r.pf_target - r.computed, budget))
            if kv_used + growth + c + KV_BLOCK_SLACK > self.cap:
                if not self.running and not chunks:  # can never fit: vLLM refuses it
                    self.waiting.popleft()
                    r.error = "the prompt does not fit in the KV cache"
                    self._retire(r, start, "abort")
                    continue
                break
            self.waiting.popleft()
            self.running[r] = None
            self.prefilling.append(r)
            chunks.append((r, c))
            budget -= c
            growth += c + KV_BLOCK_SLACK
            if r.scheduled is None:
                r.scheduled = start
        if not n_dec and not chunks:
            return None
        return chunks, n_dec

    def _duration(self, chunks: list[tuple[SimRequest, int]], n_dec: int) -> float:
        """Simulated seconds of one iteration (the pieces of simulator.perf.engine._Engine._advance)."""
        tokens, pairs, pairs_w, kv_tokens = n_dec, 0.0, 0.0, 0.0
        w = self.window
        for r, c in chunks:
            p = r.computed
            tokens += c
            pairs += c * (p + c / 2)
            kv_tokens += p + c
            if w:
                pairs_w += c * min(p + c / 2, w)
        ms = self.step.batch_ms(tokens, n_dec + len(chunks))
        if n_dec:
            ms += self.a_full * (self.ctx_dec + n_dec) + self.a_win * self.sw
        if chunks:
            ms += self.step.prefill_attention_ms(pairs, pairs_w, kv_tokens, tokens - n_dec)
        if self.jitter:
            ms *= math.exp(self.rng.gauss(0.0, self.jitter) - self.jitter**2 / 2)  # mean 1
        self.stats.iteration_tokens.observe(tokens)
        return ms / 1e3

    def _apply(self, chunks: list[tuple[SimRequest, int]], n_dec: int, end: float) -> None:
        s = self.stats
        s.iterations += 1
        itl = s.itl
        done: list[SimRequest] = []
        for r in self.decoding:
            r.computed += 1
            r.generated += 1
            itl.observe(end - r.last_token)
            r.last_token = end
            if r.generated >= r.output_tokens:
                done.append(r)
            else:
                r.wake()
        self.ctx_dec += n_dec
        produced = n_dec
        for r in done:
            self._leave_decode(r)
            del self.running[r]
            self._retire(r, end)
        for r, c in chunks:
            r.computed += c
            self.pf_ctx += c
            if r.computed < r.pf_target:
                continue
            r.generated += 1
            produced += 1
            if r.first_token is None:
                r.first_token = end
                s.ttft.observe(end - r.arrival)
                s.prompt_tokens += r.prompt_tokens
            else:  # recomputed after a preemption
                itl.observe(end - r.last_token)
            r.last_token = end
            self.prefilling.remove(r)
            self.pf_ctx -= r.computed
            if r.generated >= r.output_tokens:
                del self.running[r]
                self._retire(r, end)
            else:
                self._join_decode(r)
                r.wake()
        s.generation_tokens += produced
