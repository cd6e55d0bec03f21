"""The graph's typed tools (LangChain tools executed by LangGraph's ToolNode), for both brains.

Spec: update_spec (by dialogue acts), undo_change, start_over. Planning: plan_capacity, compare_whatif, explain,
compare_options, select_option. Deploy: show_manifests, request_deployment (reaches the approval interrupt, nothing more),
validate_deployment. Lookups: predict_performance, lookup_benchmarks, similar_deployments, rank_catalog_gpus.
"""

from agent.tools.catalog_tools import rank_catalog_gpus
from agent.tools.deploy_tools import request_deployment, show_manifests, validate_deployment
from agent.tools.lookup_tools import lookup_benchmarks, predict_performance, similar_deployments
from agent.tools.planning_tools import compare_options, compare_whatif, explain, plan_capacity, select_option
from agent.tools.spec_tools import start_over, undo_change, update_spec

TOOLS = [update_spec, undo_change, start_over, plan_capacity, compare_whatif, explain, compare_options, select_option,
         show_manifests,
         request_deployment, validate_deployment, predict_performance, lookup_benchmarks, similar_deployments,
         rank_catalog_gpus]

__all__ = ["TOOLS"]
