"""Which screened options to size exactly and which to simulate: branch and bound on the screen's lower bounds.

The screen gives every option a lower bound of its replicas and cost (its full-batch throughput) and its
latency with one request in flight. With the score's normalisation fixed by the screen, an option's exact score
is never below its screened one, so options are sized best-bound first until no unsized option can still enter
the shortlist or undercut the cheapest feasible cost. The same bound decides which options to simulate: the
simulation only adds replicas, so the cheapest verified option is found when no estimate is below it.
"""

from __future__ import annotations

from knowledge.catalog import Catalog
from knowledge.domain import Priority
from tools.planner import ranking
from tools.planner.options import PlanOptions
from tools.planner.sizing import (
    BenchmarkLookup, SizedOption, cap_to_gpu_limit, size, size_near_miss, verify,
)
from tools.planner.workload import PlanningWorkload

MAX_PER_MODEL = 2  # GPUs per model in the shortlist, so the options show real alternatives
EXTRA_VERIFICATIONS = 6  # simulations spent at most on finding the cheapest verified option


class Search:
    """One plan's sizing decisions over its screened options."""

    def __init__(self, screened: list[SizedOption], workload: PlanningWorkload, catalog: Catalog,
                 options: PlanOptions, benchmarks: BenchmarkLookup):
        self.screened, self.workload, self.catalog, self.options = screened, workload, catalog, options
        self.benchmarks = benchmarks
        spec = workload.spec
        self.priority = spec.priority or Priority.BALANCED
        self.budget, self.max_gpus = spec.budget_monthly_usd, spec.max_gpus
        self.use_case = workload.template.name
        light_ok = [o for o in screened if o.light_ok] or screened
        self._score = ranking.scorer([o.monthly_usd for o in light_ok],
                                     [o.light_ratio for o in light_ok],
                                     [ranking.quality_score(o, self.use_case) for o in light_ok], self.priority)

    def key(self, o: SizedOption) -> tuple[bool, float]:
        """Shortlist order: within the limits first, then the priority's score (a lower bound until sized)."""
        return (ranking.over_limits(o, self.budget, self.max_gpus),
                self._score(o.monthly_usd, o.light_ratio, ranking.quality_score(o, self.use_case)))

    # ------------------------------------------------------------------ sizing

    def size_promising(self) -> None:
        """Size the options that can make the shortlist, then those that could be the cheapest feasible."""
        k = self.options.verify_top
        candidates = [o for o in self.screened if o.light_ok]
        best: dict[tuple[str, str], tuple[bool, float]] = {}
        for o in sorted(candidates, key=self.key):
            kth = sorted(best.values())[k - 1] if len(best) >= k else None
            if kth is not None and self.key(o) > kth:
                break
            group = (o.candidate.model.id, o.candidate.gpu.name)
            if group in best and self.key(o) >= best[group]:
                continue  # cannot improve its (model, GPU) group, which is all the shortlist keeps
            size(o, self.workload, self.catalog, self.options)
            if o.slo_reachable:
                group = (o.candidate.model.id, o.candidate.gpu.name)
                best[group] = min(best.get(group, self.key(o)), self.key(o))
        cheapest = min((o.monthly_usd for o in candidates if o.sized and o.slo_reachable), default=float("inf"))
        for o in sorted((o for o in candidates if not o.sized), key=lambda o: o.monthly_usd):
            if o.monthly_usd >= cheapest:
                break
            size(o, self.workload, self.catalog, self.options)
            if o.slo_reachable:
                cheapest = min(cheapest, o.monthly_usd)

    def reachable(self) -> list[SizedOption]:
        return [o for o in self.screened if o.sized and o.slo_reachable]

    # ------------------------------------------------------------------ simulation

    def shortlist(self) -> list[SizedOption]:
        """Best option per (model, GPU), at most MAX_PER_MODEL GPUs per model, up to ``verify_top``; near misses
        (sized for throughput) fill in when too few options can meet the SLOs."""
        reachable = sorted(self.reachable(), key=self.key)
        picked = self._diverse(reachable, self.options.verify_top)
        if len(picked) < self.options.top_n:  # too few models for the cap (a model filter): more GPUs per model
            picked += self._diverse(reachable, self.options.top_n - len(picked), picked, per_model_cap=None)
        if len(picked) < self.options.top_n:
            picked += self._diverse(self._near_misses(), self.options.verify_top - len(picked), picked)
        return picked

    def _near_misses(self) -> list[SizedOption]:
        misses = [o for o in self.screened if not o.slo_reachable]
        for o in misses:
            size_near_miss(o, self.workload, self.options)
        return sorted(misses, key=lambda o: (o.worst_light_miss_pct, o.monthly_usd))

    def _diverse(self, ordered: list[SizedOption], limit: int, taken: list[SizedOption] = (),
                 per_model_cap: int | None = MAX_PER_MODEL) -> list[SizedOption]:
        groups = {(o.candidate.model.id, o.candidate.gpu.name) for o in taken}
        per_model: dict[str, int] = {}
        for o in taken:
            per_model[o.candidate.model.id] = per_model.get(o.candidate.model.id, 0) + 1
        out: list[SizedOption] = []
        for o in ordered:
            group = (o.candidate.model.id, o.candidate.gpu.name)
            if len(out) >= limit:
                break
            if group in groups or (per_model_cap is not None and per_model.get(group[0], 0) >= per_model_cap):
                continue
            groups.add(group)
            per_model[group[0]] = per_model.get(group[0], 0) + 1
            out.append(o)
        return out

    def verify(self, shortlist: list[SizedOption]) -> list[SizedOption]:
        """Simulate the shortlist, then the cheapest estimates until none can undercut the cheapest verified
        option that meets the SLOs (simulation only adds replicas, so an estimate is a lower bound)."""
        done: list[SizedOption] = []
        for o in shortlist:
            done.append(self._verify(o))
        ids = {id(o) for o in done}
        for o in sorted(self.reachable(), key=lambda o: o.monthly_usd)[:EXTRA_VERIFICATIONS + len(done)]:
            cheapest = min((v.monthly_usd for v in done if v.meets_slos), default=float("inf"))
            if o.monthly_usd >= cheapest:
                break
            if id(o) not in ids:
                done.append(self._verify(o))
                ids.add(id(o))
        return done

    def _verify(self, o: SizedOption) -> SizedOption:
        cap_to_gpu_limit(o, self.max_gpus, self.workload, self.options)
        return verify(o, self.workload, self.catalog, self.options, self.benchmarks, self.max_gpus)
