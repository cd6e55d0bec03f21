"""Capacity planning: from a ``DeploymentSpec`` to ranked ``Recommendation``s, and why (``explain``)."""

from tools.planner.options import HOURS_PER_MONTH, PlanOptions
from tools.planner.plan import PlanResult, WorkloadSummary, plan, plan_detailed
from tools.planner.explain import Considered, ConsideredStatus, GpuLimitOutcome, WhyNot, why_not
from tools.planner.workload import PlanningWorkload, workload_from_spec

__all__ = ["HOURS_PER_MONTH", "Considered", "ConsideredStatus", "GpuLimitOutcome", "PlanOptions", "PlanResult",
           "PlanningWorkload", "WhyNot", "WorkloadSummary", "plan", "plan_detailed", "why_not", "workload_from_spec"]
