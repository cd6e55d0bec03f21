"""Request streams: prompt/output lengths and arrival times (seeded, deterministic)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from knowledge.domain import Load, LoadKind

if TYPE_CHECKING:  # annotations only: numpy loads when a function here runs, not on every start
    import numpy as np

Z90 = 1.2815515655446004  # standard normal 90th percentile


def lognormal_sigma(mean: float, p90: float | None) -> float:
    """Sigma of the lognormal with that mean and 90th percentile (0 = fixed length).

    mean = exp(mu + s^2/2) and p90 = exp(mu + z s)  =>  s^2/2 - z s + ln(p90/mean) = 0 (smaller root).
    Spreads wider than a lognormal can have (p90/mean > e^(z^2/2) ~ 2.27) are capped at that maximum.
    """
    if not p90 or p90 <= mean:
        return 0.0
    disc = Z90 * Z90 - 2.0 * math.log(p90 / mean)
    return Z90 - math.sqrt(max(disc, 0.0))


def sample_lengths(rng: np.random.Generator, n: int, mean: int, p90: int | None,
                   cap: int | None = None) -> np.ndarray:
    import numpy as np
    sigma = lognormal_sigma(mean, p90)
    if sigma == 0.0:
        out = np.full(n, float(mean))
    else:
        mu = math.log(mean) - sigma * sigma / 2
        out = rng.lognormal(mu, sigma, n)
    out = np.maximum(np.rint(out), 1)
    if cap:
        out = np.minimum(out, cap)
    return out.astype(np.int64)


def fit_to_context(prompt: np.ndarray, output: np.ndarray, max_model_len: int | None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Drawn lengths cut to what one ``max_model_len`` sequence holds (vLLM refuses a prompt of max_model_len
    tokens or one whose output would run past it): the prompt to max_model_len - 1, the output to what is left.
    The deployment is sized for the workload's long tail up to its context; longer draws are not its traffic."""
    import numpy as np
    if not max_model_len:
        return prompt, output
    prompt = np.minimum(prompt, max_model_len - 1)
    return prompt, np.minimum(output, max_model_len - prompt)


def uniform_lengths(rng: np.random.Generator, n: int, longest: int, spread: float, cap: int | None = None
                    ) -> np.ndarray:
    """A benchmark client's lengths: uniform integers in [spread x longest, longest] (spread 1: fixed)."""
    import numpy as np
    lo = max(1, int(round(spread * longest)))
    out = rng.integers(lo, longest + 1, n) if lo < longest else np.full(n, longest)
    if cap:
        out = np.minimum(out, cap)
    return out.astype(np.int64)


def interarrival_times(rng: np.random.Generator, n: int, rate: float, cv: float) -> np.ndarray:
    """Gaps (s) of a renewal process at ``rate`` per second: exponential (cv = 1), gamma (cv != 1), or
    evenly spaced (cv = 0)."""
    import numpy as np
    mean = 1.0 / rate
    if cv <= 1e-9:
        return np.full(n, mean)
    shape = 1.0 / (cv * cv)
    return rng.gamma(shape, mean / shape, n)


def arrival_times_s(rng: np.random.Generator, n: int, rate: float, cv: float) -> np.ndarray:
    """Arrival times (s, the first after one gap) of ``n`` requests at ``rate``/s: the renewal process conditioned
    on its count, i.e. gaps drawn as the process draws them, then scaled to span exactly ``n / rate`` (for Poisson
    arrivals exactly a Poisson process given n arrivals in the window). The realized rate is the offered one, less
    nothing: an unconditioned draw of a short run offers its own rate (10 requests at 0.52 req/s drew 0.44 req/s).
    The planner's simulation and the load test both draw their arrivals here."""
    import numpy as np
    gaps = interarrival_times(rng, n, rate, cv)
    gaps *= n / rate / gaps.sum()
    return np.cumsum(gaps)


def arrival_cv(load: Load) -> float:
    return load.burstiness_cv if load.kind is LoadKind.BURSTY else 1.0
