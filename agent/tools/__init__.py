"""The graph's typed tools (LangChain tools executed by LangGraph's ToolNode), for both brains.

Spec: update_spec (by dialogue acts), undo_change, start_over. Planning: plan_capacity, compare_whatif, explain,
compare_options, select_option. Deploy: show_manifests, request_deployment (reaches the approval interrupt, nothing more),
validate_deployment. Lookups: predict_performance, lookup_benchmarks, similar_deployments, rank_catalog_gpus.

The list bound to the brains is agent/tools/registry.py's TOOLS; this package file imports nothing, so the constants
in agent/tools/names.py load without the tools (agent/offline reads them, and the tools import agent/offline).
"""
