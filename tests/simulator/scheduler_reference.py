"""Reference traces of the continuous-batching scheduler under its two clocks, and the recorded outputs.

A fixed step cost (affine in tokens, sequences and context, with prefill attention and sliding-window terms)
stands in for the calibrated step-time model, so the recorded outputs change only when scheduling does, not when
the step-time model is recalibrated. Each scenario is a trace (lengths, arrivals or users) and engine limits that
exercise one part of the rules: chunked prefill under the token budget, max_num_seqs, KV exhaustion and
preemption, sliding-window accounting, a shared cached prefix, refusal of a prompt that can never fit, open and
closed loops.

The offline engine runs every scenario; the live server runs the burst ones (every request at simulated time 0,
which its loop reproduces exactly) and must follow the same timeline.

    python -m tests.simulator.scheduler_reference   # re-record tests/simulator/scheduler_reference.json
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.perf.coefficients import EngineCoefficients
from simulator.perf.offline_clock import run_engine
from simulator.scheduler import EngineLimits
from simulator.server.live_clock import LiveEngine, SimClock, SimRequest
from simulator.server.metrics import EngineStats

REFERENCE_PATH = Path(__file__).with_name("scheduler_reference.json")
DIGITS = 6  # recorded times in ms to the nanosecond: far finer than any scheduling change, above float noise
LIVE_TIME_SCALE = 1000.0
LIVE_DEADLINE_S = 120.0


class ReferenceStep:
    """A fixed step cost in ms with every term the scheduler feeds (not a calibrated model)."""

    def batch_ms(self, tokens: float, seqs: float) -> float:
        return 4.0 + 0.02 * tokens + 0.05 * seqs

    def decode_context_ms(self) -> tuple[float, float]:
        return 2e-5, 1e-5  # per context token of the full-attention / sliding-window layers

    def prefill_attention_ms(self, pairs: float, pairs_window: float, kv_tokens: float,
                             q_tokens: float | None = None) -> float:
        return 1e-7 * pairs + 5e-8 * pairs_window + 1e-5 * kv_tokens + 2e-4 * (q_tokens or 0.0)


@dataclass(frozen=True)
class Scenario:
    limits: EngineLimits
    prompt: tuple[int, ...]
    output: tuple[int, ...]
    arrival_ms: tuple[float, ...] | None = None  # None with users == 0: every request at time 0 (a burst)
    users: int = 0
    cached_prefix: int = 0
    event_skipping: bool = True

    @property
    def burst(self) -> bool:
        return self.users == 0 and self.arrival_ms is not None and not any(self.arrival_ms)


def _lengths(seed: int, n: int, prompt: tuple[int, int], output: tuple[int, int]) -> tuple[tuple, tuple]:
    rng = np.random.default_rng(seed)
    return (tuple(int(x) for x in rng.integers(*prompt, n)), tuple(int(x) for x in rng.integers(*output, n)))


def _poisson(seed: int, n: int, mean_gap_ms: float) -> tuple[float, ...]:
    rng = np.random.default_rng(seed)
    return tuple(float(x) for x in np.round(np.cumsum(rng.exponential(mean_gap_ms, n)), 3))


def _limits(seqs: int = 256, budget: int = 2048, cap: float = 200_000.0, window: int | None = None,
            ratio: float = 0.0) -> EngineLimits:
    return EngineLimits(max_num_seqs=seqs, max_num_batched_tokens=budget, kv_capacity_tokens=cap, window=window,
                        window_ratio=ratio)


def scenarios() -> dict[str, Scenario]:
    out: dict[str, Scenario] = {}

    def burst(name: str, lim: EngineLimits, seed: int, n: int, prompt: tuple, output: tuple) -> None:
        p, o = _lengths(seed, n, prompt, output)
        out[name] = Scenario(lim, p, o, arrival_ms=(0.0,) * n)

    burst("burst-chunked-prefill", _limits(), 1, 40, (350, 700), (30, 60))
    burst("burst-kv-preemption", _limits(cap=20_000.0), 2, 16, (1500, 3000), (750, 1500))
    burst("burst-sliding-window", _limits(cap=60_000.0, window=1024, ratio=5.0), 3, 12, (1500, 3000), (20, 40))
    burst("burst-max-num-seqs", _limits(seqs=8, budget=512), 4, 30, (200, 900), (40, 120))
    burst("burst-window-preemption", _limits(cap=25_000.0, budget=1024, window=512, ratio=3.0), 5, 14,
          (800, 2400), (300, 900))
    # prompts of 2400-3400 tokens in a 3000-token cache with a 4096-token budget: those that can never fit are refused
    burst("burst-refused", _limits(cap=3000.0, budget=4096), 6, 10, (400, 3400), (5, 30))
    p, o = _lengths(7, 220, (200, 2500), (20, 600))
    out["open-poisson"] = Scenario(_limits(cap=16_000.0), p, o, arrival_ms=_poisson(7, 220, 300.0))
    out["open-poisson-no-skipping"] = Scenario(_limits(cap=16_000.0), p, o, arrival_ms=_poisson(7, 220, 300.0),
                                               event_skipping=False)
    p, o = _lengths(8, 150, (300, 1800), (50, 700))
    out["closed-loop-12-users"] = Scenario(_limits(cap=30_000.0, budget=1024), p, o, users=12)
    p, o = _lengths(9, 160, (700, 2000), (30, 400))
    out["open-cached-prefix"] = Scenario(_limits(cap=12_000.0), p, o, arrival_ms=_poisson(9, 160, 150.0),
                                         cached_prefix=500)
    p, o = _lengths(10, 160, (400, 3000), (30, 500))
    out["open-window-overload"] = Scenario(_limits(cap=30_000.0, budget=1536, window=1024, ratio=1.0), p, o,
                                           arrival_ms=_poisson(10, 160, 60.0))
    return out


def _ms(values: np.ndarray) -> list[float | None]:
    return [None if math.isnan(v) else round(float(v), DIGITS) for v in values]


def run_offline(s: Scenario) -> dict:
    n = len(s.prompt)
    run = run_engine(ReferenceStep(), s.limits, np.array(s.prompt), np.array(s.output),
                     arrival_ms=None if s.arrival_ms is None else np.array(s.arrival_ms), users=s.users,
                     event_skipping=s.event_skipping, max_iterations=100 * n + 10_000, cached_prefix=s.cached_prefix)
    return {"arrival": _ms(run.arrival), "first_token": _ms(run.first_token), "finish": _ms(run.finish),
            "scheduled": _ms(run.scheduled), "batch_at_first": [int(x) for x in run.batch_at_first],
            "preemptions": run.preemptions, "rejected": run.rejected, "truncated": run.truncated,
            "kv_time_weighted": round(run.kv_time_weighted, DIGITS), "kv_max": round(run.kv_max, 12),
            "end_ms": round(run.end_ms, DIGITS)}


class ClockAtZero(SimClock):
    """Every request arrives at simulated time 0 and the loop keeps to its intended timeline exactly."""

    def now(self) -> float:
        return 0.0


async def _live(s: Scenario) -> tuple[list[SimRequest], EngineStats]:
    stats = EngineStats(max_model_len=1 << 20)
    no_api_delay = EngineCoefficients(ttft_ms=0.0, ttft_per_seq_ms=0.0, ttft_prompt_us=0.0)  # added outside
    engine = LiveEngine(ReferenceStep(), s.limits, no_api_delay, clock=ClockAtZero(LIVE_TIME_SCALE), stats=stats)
    reqs = [SimRequest(prompt_tokens=p, output_tokens=o) for p, o in zip(s.prompt, s.output)]
    for r in reqs:
        engine.submit(r)
    task = asyncio.create_task(engine.run())
    deadline = time.monotonic() + LIVE_DEADLINE_S
    while not all(r.done for r in reqs):
        if time.monotonic() > deadline or task.done():
            task.cancel()
            raise RuntimeError("the live engine did not finish the trace")
        await asyncio.sleep(0.01)
    task.cancel()
    return reqs, stats


def run_live(s: Scenario) -> dict:
    """The live server's timeline of a burst scenario (ms, as offline) and its counters."""
    reqs, stats = asyncio.run(_live(s))

    def ms(t: float | None) -> float | None:
        return None if t is None else round(t * 1e3, DIGITS)

    return {"scheduled": [ms(r.scheduled) for r in reqs], "first_token": [ms(r.first_token) for r in reqs],
            "finish": [ms(r.finished) for r in reqs], "generated": [r.generated for r in reqs],
            "errors": [r.error for r in reqs], "iterations": stats.iterations, "preemptions": stats.preemptions,
            "iteration_tokens": stats.iteration_tokens.counts, "generation_tokens": stats.generation_tokens,
            "prompt_tokens": stats.prompt_tokens, "decode_tokens": stats.decode_tokens, "success": stats.success}


def record() -> dict:
    out: dict = {"offline": {}, "live": {}}
    for name, s in scenarios().items():
        out["offline"][name] = run_offline(s)
        if s.burst:
            out["live"][name] = run_live(s)
    return out


if __name__ == "__main__":
    REFERENCE_PATH.write_text(json.dumps(record(), indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {REFERENCE_PATH}")
