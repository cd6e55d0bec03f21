"""Tool names: stable, because transcripts, evals and the UI refer to them."""

UPDATE_SPEC = "update_spec"
UNDO_CHANGE = "undo_change"
START_OVER = "start_over"
PLAN_CAPACITY = "plan_capacity"
SIMILAR_DEPLOYMENTS = "similar_deployments"
COMPARE_WHATIF = "compare_whatif"
EXPLAIN = "explain"
COMPARE_OPTIONS = "compare_options"
SELECT_OPTION = "select_option"
PREDICT_PERFORMANCE = "predict_performance"
LOOKUP_BENCHMARKS = "lookup_benchmarks"
RANK_CATALOG_GPUS = "rank_catalog_gpus"
REQUEST_DEPLOYMENT = "request_deployment"
SHOW_MANIFESTS = "show_manifests"
VALIDATE = "validate_deployment"
RENDER_MANIFESTS = "render_manifests"  # a step of request_deployment and show_manifests
APPLY_MANIFESTS = "apply_manifests"  # a step of the graph's apply node, after approval

# the key of a request_deployment refusal's ToolMessage artifact (data the brain's model is never sent): the
# namespaces the refusal offered, when it refused the namespace as off the allowlist
OFFERED_NAMESPACES = "offered_namespaces"
