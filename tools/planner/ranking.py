"""Order sized options by the user's priority, mark the Pareto frontier, and explain each choice."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from knowledge.domain import Priority, UseCase
from tools.planner.sizing import SizedOption, completed, overloaded

# Weights of (cost, latency, quality) in the score; lower score = better. Terms are on comparable scales:
# a doubling of cost or of latency-vs-target adds 1, fifteen points of benchmark quality add 1.
# "cost" means the cheapest option that meets the SLOs (quality only breaks near-ties).
WEIGHTS: dict[Priority, tuple[float, float, float]] = {
    Priority.COST: (1.0, 0.15, 0.1),
    Priority.LATENCY: (0.3, 1.0, 0.3),
    Priority.QUALITY: (0.3, 0.2, 1.0),
    Priority.BALANCED: (0.7, 0.4, 0.4),
}
QUALITY_POINTS_PER_UNIT = 15.0
COST_TIE = 0.02  # "cost first": options within 2% of each other's monthly cost are a tie that the score breaks
# Latency beyond the targets has diminishing value: anything under this share of the targets counts as ideal,
# so "latency first" buys headroom under the SLOs rather than a tiny model on the largest GPU.
LATENCY_FLOOR = 0.35


def latency_ratio(option: SizedOption) -> float:
    """Geometric mean of predicted p95 / target over the SLOs (below 1 = inside the targets)."""
    ratios = [max(c.predicted_ms, 1e-6) / c.target_ms for c in option.slo_checks]
    return math.exp(sum(math.log(r) for r in ratios) / len(ratios)) if ratios else 1.0


def quality_score(option: SizedOption, use_case: UseCase) -> float:
    q = option.candidate.quality(use_case)
    return q.score if q else 0.0


Scorer = Callable[[float, float, float], float]


def scorer(costs: list[float], latency_ratios: list[float], qualities: list[float], priority: Priority) -> Scorer:
    """The one scoring formula, normalised by the best cost, latency and quality of the options given
    (lower is better; with the normalisation fixed, the score only rises with cost and latency)."""
    w_cost, w_lat, w_q = WEIGHTS[priority]
    min_cost = min(max(c, 0.01) for c in costs)
    min_lat = min(max(r, LATENCY_FLOOR) for r in latency_ratios)
    max_q = max(qualities)

    def score(cost: float, latency_ratio: float, quality: float) -> float:
        return (w_cost * math.log2(max(cost, 0.01) / min_cost)
                + w_lat * math.log2(max(latency_ratio, LATENCY_FLOOR) / min_lat)
                + w_q * (max_q - quality) / QUALITY_POINTS_PER_UNIT)

    return score


def combined_scores(costs: list[float], latency_ratios: list[float], qualities: list[float],
                    priority: Priority) -> list[float]:
    """Scores of the options against each other (pre-screen and final ranking both use it). Lower is better."""
    if not costs:
        return []
    score = scorer(costs, latency_ratios, qualities, priority)
    return [score(c, lt, q) for c, lt, q in zip(costs, latency_ratios, qualities)]


def scores(options: list[SizedOption], priority: Priority, use_case: UseCase) -> list[float]:
    return combined_scores([o.monthly_usd for o in options], [latency_ratio(o) for o in options],
                           [quality_score(o, use_case) for o in options], priority)


def over_limits(option: SizedOption, budget: float | None, max_gpus: int | None) -> bool:
    """Over the budget or the GPUs available (capped options count: they serve less than the peak)."""
    return ((budget is not None and option.monthly_usd > budget)
            or (max_gpus is not None and (option.total_gpus > max_gpus or option.full_replicas is not None)))


def tier(option: SizedOption, budget: float | None, max_gpus: int | None) -> int:
    """0: meets everything; 1: meets the SLOs but breaks budget or fleet size; 2: misses an SLO (or meets them
    only at more replicas than the simulation confirmed: see sizing.LATENCY_BOUND)."""
    if not option.meets_slos or option.latency_bound:
        return 2
    return 1 if over_limits(option, budget, max_gpus) else 0


def worst_miss(option: SizedOption) -> float:
    return max((-c.margin_pct for c in option.slo_checks if not c.met), default=0.0)


def round_up(ms: float) -> float:
    """A round target just above ``ms`` (1, 10, 50 or 500 ms steps by size); non-finite values pass through."""
    if not math.isfinite(ms):
        return ms
    step = 1 if ms < 20 else 10 if ms < 200 else 50 if ms < 2000 else 500
    return float(math.ceil(ms / step) * step)


def relaxation(pairs: Iterable[tuple[float, float]]) -> float:
    """How far the targets must loosen for the option to meet them: the largest round target it meets / target
    over the (predicted p95, target) pairs it misses (0 when none is missed). Near misses are ordered by it, so
    options that meet the same round targets tie and the priority (cost first: the cheapest) decides among them,
    rather than a few ms of p95 bought with 8-way tensor parallelism."""
    return max((round_up(p) / t for p, t in pairs if p > t), default=0.0)


def cost_bucket(monthly_usd: float) -> int:
    """'Cost first' compares costs within COST_TIE of each other as equal (the score breaks the tie)."""
    return math.floor(math.log(max(monthly_usd, 0.01)) / math.log1p(COST_TIE))


def sort_key(option: SizedOption, score: float, priority: Priority, budget: float | None,
             max_gpus: int | None, *, tier_: int | None = None, relax: float | None = None) -> tuple:
    """The ranking's order as a key (lower first). ``score`` may come from any scorer: scores differ between
    normalisations only by a constant. ``tier_`` and ``relax`` stand in for an unverified option's lower
    bounds (search.Search.bound_key)."""
    t = tier(option, budget, max_gpus) if tier_ is None else tier_
    # over budget or fleet: the least over comes first, whatever the priority; "cost first" is the cheapest,
    # with the score (quality, latency) deciding only among options within COST_TIE of each other
    if t == 1:
        return (t, 0, 0.0, option.monthly_usd, 0.0)
    over = overload_key(option) if t == 2 and relax is None else None
    if over is not None:  # overloaded: after every other miss, the one serving most of the load first
        miss = over
    else:
        miss = (relaxation((c.predicted_ms, c.target_ms) for c in option.slo_checks) if relax is None else relax
                ) if t == 2 else 0.0
    if priority is Priority.COST:
        return (t, int(over is not None), miss, cost_bucket(option.monthly_usd), score)
    return (t, int(over is not None), miss, score, 0.0)


def overload_key(option: SizedOption) -> float | None:
    """For an overloaded option, minus the rate all its replicas serve (None when not overloaded). Its p95s are a
    burst's lower bound that grows with how long the overload lasts, so they say nothing about how near it is:
    what it serves does (4 replicas of TP1 serving 253 req/s are nearer a 1,302 req/s peak than one TP4 at 103)."""
    p = option.prediction
    if p is None or (completed(p) and not overloaded(p)):
        return None
    return -option.replicas * (p.throughput.requests_per_s if p.throughput else 0.0)


def order(options: list[SizedOption], priority: Priority, use_case: UseCase, budget: float | None,
          max_gpus: int | None) -> list[SizedOption]:
    score = dict(zip(map(id, options), scores(options, priority, use_case)))
    return sorted(options, key=lambda o: sort_key(o, score[id(o)], priority, budget, max_gpus))


def shown(ordered: list[SizedOption], top_n: int) -> list[SizedOption]:
    """The first ``top_n`` of an ordered list, one per model x GPU (its best precision and TP degree): a second
    precision of the same model on the same GPU is not a different choice to make."""
    seen: set[tuple[str, str]] = set()
    out: list[SizedOption] = []
    for o in ordered:
        group = (o.candidate.model.id, o.candidate.gpu.name)
        if group not in seen and len(out) < top_n:
            seen.add(group)
            out.append(o)
    return out


def pareto_flags(options: list[SizedOption], use_case: UseCase) -> list[bool]:
    """True where no other option is at most as costly, at most as slow and at least as good, one strictly."""
    pts = [(o.monthly_usd, latency_ratio(o), -quality_score(o, use_case)) for o in options]

    def dominated(i: int) -> bool:
        return any(all(b <= a for a, b in zip(pts[i], pts[j])) and pts[j] != pts[i] for j in range(len(pts)) if j != i)

    return [not dominated(i) for i in range(len(pts))]
