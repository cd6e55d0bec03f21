"""The typed tools bound to both brains and executed by the ToolNode, in the order the LLM sees them."""

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
