"""Which screened options to size exactly and which to simulate: branch and bound on the screen's lower bounds.

The screen gives every option a lower bound of its replicas and cost (its full-batch throughput) and its
latency with one request in flight. With the score's normalisation fixed by the screen, an option's exact score
is never below its screened one, so options are sized best-bound first until no unsized option can still enter
the shortlist or undercut the cheapest feasible cost. The same bound decides which options to simulate: the
simulation only adds replicas, so the cheapest verified option is found when no estimate is below it, and the
options shown are complete when no unverified option's bound ranks above the last one shown (``complete``).
"""

from __future__ import annotations

import heapq

from knowledge.catalog import Catalog
from knowledge.domain import Priority
from tools.planner import ranking
from tools.planner.options import PlanOptions
from tools.planner.sizing import (
    SLO_METRICS, BenchmarkLookup, SizedOption, cap_to_gpu_limit, size, size_near_miss, verify,
)
from tools.planner.workload import PlanningWorkload

EXTRA_VERIFICATIONS = 6  # simulations spent at most on finding the cheapest verified option
# simulations spent at most on making the options shown complete (``complete``); past it the plan says how many
# unverified configurations could still rank above its last option
MAX_COMPLETIONS = 40


class Search:
    """One plan's sizing decisions over its screened options."""

    max_completions = MAX_COMPLETIONS

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
        self.width = max(options.verify_top, options.top_n)  # (model, GPU) groups the shortlist fills
        self.unchecked: list[SizedOption] = []  # could still rank above the last option shown (not simulated)

    def key(self, o: SizedOption) -> tuple[bool, float]:
        """Shortlist order: within the limits first, then the priority's score (a lower bound until sized)."""
        return (ranking.over_limits(o, self.budget, self.max_gpus),
                self._score(o.monthly_usd, o.light_ratio, ranking.quality_score(o, self.use_case)))

    # ------------------------------------------------------------------ sizing

    def size_promising(self) -> None:
        """Size the options that can make the shortlist, then those that could be the cheapest feasible."""
        k = self.width
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
        """Best option per (model, GPU), up to ``width`` of them; near misses (sized for throughput) fill in
        when too few options can meet the SLOs."""
        picked = self._diverse(sorted(self.reachable(), key=self.key), self.width)
        if len(picked) < self.options.top_n:
            picked += self._diverse(self._near_misses(), self.width - len(picked), picked)
        return picked

    def _near_misses(self) -> list[SizedOption]:
        misses = [o for o in self.screened if not o.slo_reachable]
        for o in misses:
            size_near_miss(o, self.workload, self.options)
        return sorted(misses, key=self.bound_key)

    @staticmethod
    def _diverse(ordered: list[SizedOption], limit: int, taken: list[SizedOption] = ()) -> list[SizedOption]:
        groups = {(o.candidate.model.id, o.candidate.gpu.name) for o in taken}
        out: list[SizedOption] = []
        for o in ordered:
            group = (o.candidate.model.id, o.candidate.gpu.name)
            if len(out) >= limit:
                break
            if group not in groups:
                groups.add(group)
                out.append(o)
        return out

    def verify(self, shortlist: list[SizedOption]) -> list[SizedOption]:
        """Simulate the shortlist, then the cheapest estimates until none can undercut the cheapest verified
        option that meets the SLOs (simulation only adds replicas, so an estimate is a lower bound), then
        whatever could still rank among the options shown (``complete``)."""
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
        return self.complete(done)

    # ------------------------------------------------------------------ completeness

    def rank_key(self, o: SizedOption) -> tuple:
        """A verified option's place in the ranking's own order (ranking.sort_key)."""
        return ranking.sort_key(o, self._score(o.monthly_usd, ranking.latency_ratio(o),
                                               ranking.quality_score(o, self.use_case)),
                                self.priority, self.budget, self.max_gpus)

    def bound_key(self, o: SizedOption) -> tuple:
        """The best place an unverified option can reach: its cost so far is a lower bound (the simulation only
        adds replicas), and over the limits it stays over them. Latency is the analytic p95 with one request in
        flight: the simulation under load is higher as a rule but can come out a few percent lower, so for the
        latency terms (and a near miss's relaxation) the bound is an estimate, not a proof."""
        if o.light_ok:
            tier, relax = (1 if ranking.over_limits(o, self.budget, self.max_gpus) else 0), 0.0
        else:
            light, targets = o.light, o.targets
            tier, relax = 2, ranking.relaxation(
                (getattr(light, m), getattr(targets, m)) for m in SLO_METRICS if getattr(targets, m) is not None)
        return ranking.sort_key(o, self._score(o.monthly_usd, o.light_ratio, ranking.quality_score(o, self.use_case)),
                                self.priority, self.budget, self.max_gpus, tier_=tier, relax=relax)

    def complete(self, done: list[SizedOption]) -> list[SizedOption]:
        """Simulate, best bound first, every option that could still rank among the options shown or ahead of
        its (model, GPU) group's verified option, until none can (or ``max_completions`` simulations were spent:
        ``unchecked`` keeps those left). So the plan never leaves out a configuration that beats one it shows."""
        ids = {id(o) for o in done}
        spent = 0
        threshold, group_best = self._thresholds(done)
        # a miss with one request in flight ranks below anything that can meet the SLOs: only bounded when the
        # options shown already include near misses (the threshold only falls from here)
        heap = [(self.bound_key(o), i, o) for i, o in enumerate(self.screened)
                if id(o) not in ids and (o.light_ok or threshold[0] >= 2)]
        heapq.heapify(heap)
        while heap:
            key, i, o = heapq.heappop(heap)
            if key >= threshold:
                break
            if key >= group_best.get((o.candidate.model.id, o.candidate.gpu.name), threshold):
                continue
            if not o.sized:  # the analytic size first: cheap, and it tightens the bound
                if o.light_ok:
                    size(o, self.workload, self.catalog, self.options)
                else:
                    size_near_miss(o, self.workload, self.options)
                if self.bound_key(o) > key:
                    heapq.heappush(heap, (self.bound_key(o), i, o))
                    continue
            if spent >= self.max_completions:
                self.unchecked = [o] + [x for k, _, x in heap if k < group_best.get(
                    (x.candidate.model.id, x.candidate.gpu.name), threshold) and k < threshold]
                break
            done.append(self._verify(o))
            spent += 1
            threshold, group_best = self._thresholds(done)
        return done

    def _thresholds(self, done: list[SizedOption]) -> tuple[tuple, dict[tuple[str, str], tuple]]:
        """The key of the last option shown (any key while fewer than top_n are shown) and each group's best."""
        keyed = sorted(((self.rank_key(o), i, o) for i, o in enumerate(done) if o.completed), key=lambda x: x[:2])
        group_best: dict[tuple[str, str], tuple] = {}
        for key, _, o in keyed:
            group_best.setdefault((o.candidate.model.id, o.candidate.gpu.name), key)
        if len(group_best) < self.options.top_n:
            return (float("inf"),), group_best
        return sorted(group_best.values())[self.options.top_n - 1], group_best

    def _verify(self, o: SizedOption) -> SizedOption:
        cap_to_gpu_limit(o, self.max_gpus, self.workload, self.options)
        return verify(o, self.workload, self.catalog, self.options, self.benchmarks, self.max_gpus)
