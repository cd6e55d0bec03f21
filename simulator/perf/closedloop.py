"""Fast analytic approximation of a closed loop (N users back to back) on one engine rank.

Used where thousands of evaluations are needed (calibration's optimiser); the event simulation stays the
reference, and calibration corrects this approximation by its ratio to the simulation at the fitted point.

Steady state: each request lives q prefill steps plus O - 1 decode steps; its users' prefills arrive about
n / S per step, so a fraction f of steps carry prefill chunks ("mixed" steps, slower). A request's time per
output token is the mean of the steps during its decode; its first-token time is the step in progress when it
arrives, queueing behind other prefills, and its own prefill steps. A benchmark client that starts all users
at once adds a first wave in which all prompts are prefilled back to back at the full token budget.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simulator.perf.offline_clock import EngineLimits, StepCost, sequence_usage


@dataclass(frozen=True)
class ClosedLoopEstimate:
    ttft_ms: float
    tpot_ms: float
    running: float  # requests in the engine (KV and max_num_seqs limited)
    step_ms: float  # mean step time in steady state


def _step(cost: StepCost, a_full: float, pf_tokens: float, pf_pairs: float, n_dec: float, ctx: float) -> float:
    t = cost.batch_ms(pf_tokens + n_dec, n_dec + (1 if pf_tokens else 0)) + a_full * n_dec * ctx
    if pf_tokens:
        t += cost.prefill_attention_ms(pf_pairs, 0.0, pf_tokens)
    return t


def closed_loop(cost: StepCost, lim: EngineLimits, users: float, prompt: float, output: float,
                ttft_overhead_ms: float = 0.0, requests_per_user: int | None = None,
                ttft_per_seq_ms: float = 0.0, synchronized: bool = False) -> ClosedLoopEstimate:
    """Mean TTFT and time per output token. ``synchronized``: fixed lengths, where users that start
    together finish together and keep arriving in groups (one prefill step per group); otherwise arrivals
    are spread (random lengths desynchronize the users)."""
    a_full, _ = cost.decode_context_ms()
    budget = lim.max_num_batched_tokens
    occupancy = sequence_usage(lim, prompt + output / 2)
    n = max(1.0, min(users, lim.max_num_seqs, lim.kv_capacity_tokens / occupancy))
    ctx = prompt + output / 2
    # Fixed point on the decoding count (it sets the budget left for prefill chunks).
    n_dec = n * (output - 1) / (output + 1)
    for _ in range(4):
        q = max(1.0, prompt / max(budget - n_dec, 1.0))
        steps = q + output - 1
        n_dec = n * (output - 1) / steps
    lam = n / steps  # prefills starting per step
    if synchronized:
        group = max(1.0, min(n, math.floor(max(budget - n_dec, 1.0) / prompt)))
        f = min(1.0, math.ceil(n / group) * q / steps)
    else:
        group = 1.0
        f = min(1.0, -math.expm1(-lam * q))  # share of steps carrying prefill
    pf_per_mixed = min(lam * prompt / f, budget - n_dec)
    pairs_per_mixed = lam * prompt * prompt / 2 / f
    t_dec = _step(cost, a_full, 0.0, 0.0, n_dec, ctx)
    t_mix = _step(cost, a_full, pf_per_mixed, pairs_per_mixed, n_dec, ctx)
    mean_step = f * t_mix + (1 - f) * t_dec
    mixed_in_decode = max(f * steps - q, 0.0)
    tpot = (mixed_in_decode * t_mix + (output - 1 - mixed_in_decode) * t_dec) / max(output - 1, 1)
    u = 0.0 if synchronized else min(lam * q, 0.95)  # prefill "server" utilisation, in steps
    wait = u / (2 * (1 - u)) * q * t_mix
    ttft_overhead_ms += ttft_per_seq_ms * n
    # The step in progress when a request arrives: with fixed lengths the groups' prefills run back to back
    # (a "train": whoever finished just before is being prefilled), otherwise an average step.
    current = (t_mix if math.ceil(n / group) >= 2 else t_dec) if synchronized else mean_step
    ttft = ttft_overhead_ms + current + wait + q * t_mix
    if users > n:  # KV or max_num_seqs bound: the others wait for a slot (Little's law over the cycle)
        service = q * t_mix + (output - 1) * tpot
        ttft = ttft_overhead_ms + users / n * service - (output - 1) * tpot
    if not requests_per_user:
        return ClosedLoopEstimate(ttft, tpot, n, mean_step)
    # First wave: all prompts arrive at once and are prefilled back to back at the full budget.
    wave_dec = n / 2
    fill_tokens = max(budget - wave_dec, 1.0)
    fill_steps = max(n * prompt / fill_tokens, q)
    chunk_pairs = fill_tokens * min(prompt, fill_tokens) / 2
    t_fill = _step(cost, a_full, fill_tokens, chunk_pairs, wave_dec, prompt)
    ttft_1 = ttft_overhead_ms + t_fill * (fill_steps + q) / 2
    if users > n:
        ttft_1 = max(ttft_1, ttft)
    tpot_1 = tpot + fill_steps / 2 * max(t_fill - t_dec, 0.0) / max(output - 1, 1)
    k = requests_per_user
    return ClosedLoopEstimate((ttft_1 + (k - 1) * ttft) / k, (tpot_1 + (k - 1) * tpot) / k, n, mean_step)
