"""Capacity planning: from a ``DeploymentSpec`` to ranked ``Recommendation``s."""

from tools.planner.options import HOURS_PER_MONTH, PlanOptions
from tools.planner.plan import PlanResult, WorkloadSummary, plan, plan_detailed
from tools.planner.workload import PlanningWorkload, workload_from_spec

__all__ = ["HOURS_PER_MONTH", "PlanOptions", "PlanResult", "PlanningWorkload", "WorkloadSummary", "plan",
           "plan_detailed", "workload_from_spec"]
