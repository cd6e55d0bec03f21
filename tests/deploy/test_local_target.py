"""The local target for real: simulator replicas behind a round-robin front, validated, stopped."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from k8s.errors import NamespaceNotAllowedError
from knowledge.domain import DeploymentSpec, UseCase
from tools import deploy as deploy_path
from tools.planner import plan_detailed
from tools.validation import ValidationLoad, validate


def small_plan(catalog):
    spec = DeploymentSpec().with_values("stated", None, use_case=UseCase.CHATBOT_CONVERSATIONAL, users=200,
                                        gpus=["H100-SXM"], models=["meta-llama/Llama-3.1-8B-Instruct"])
    return plan_detailed(spec, catalog)


def test_deploy_validate_record_and_stop(kb, fast_local):
    catalog = kb.catalog
    result = small_plan(catalog)
    rec = result.recommendations[0].model_copy(update={"replicas": 2})  # two replicas: the front must balance
    bundle = deploy_path.render(rec, result.spec, catalog, target="local")
    assert deploy_path.problems(bundle, catalog, ["compass"]) == []
    applied = deploy_path.apply(bundle, catalog, target="local", allowed_namespaces=["compass"])
    again = deploy_path.apply(bundle, catalog, target="local", allowed_namespaces=["compass"])
    assert again.endpoint == applied.endpoint  # nothing started twice
    target = deploy_path.local_target(["compass"])
    [dep] = target.list()
    assert len(dep.replicas) == 2 and target.running(dep)
    assert dep.environment["MODEL_NAME"] == "meta-llama/Llama-3.1-8B-Instruct"  # configured as the manifest says

    w = result.workload
    load = ValidationLoad(rps=w.peak_rps, prompt_tokens=w.prompt_tokens, output_tokens=w.output_tokens,
                          prompt_tokens_p90=w.prompt_tokens_p90, output_tokens_p90=w.output_tokens_p90)
    outcome = validate(applied.endpoint, applied.model_name, result.spec, rec, load, target="local",
                       duration_s=10, time_scale=applied.time_scale)
    assert outcome.measured.requests >= 5 and outcome.measured.errors == 0
    assert {c.metric for c in outcome.slo_checks} == {"ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms"}
    assert outcome.measured.ttft_ms.p95 > 0 and outcome.measured.itl_ms.p50 > 0
    kb.record_outcome(outcome)
    similar = kb.similar_deployments(result.spec, 1)
    assert similar and similar[0].outcome.id == outcome.id

    metrics = httpx.get(applied.endpoint + "/metrics", timeout=10).text
    served = {s.labels.get("replica") for f in text_string_to_metric_families(metrics)
              for s in f.samples if f.name == "vllm:request_success"}
    assert served >= {"0", "1"}  # both replicas took requests

    assert deploy_path.stop_local(dep.id, ["compass"]) is True
    assert target.list() == [] and not target.running(dep)
    with pytest.raises(httpx.HTTPError):
        httpx.get(applied.endpoint + "/health", timeout=2)


def test_namespace_allowlist_is_enforced_in_the_apply_path(kb, fast_local):
    catalog = kb.catalog
    result = small_plan(catalog)
    bundle = deploy_path.render(result.recommendations[0], result.spec, catalog, target="local",
                                namespace="kube-system")
    with pytest.raises(deploy_path.DeployError, match="not on the allowlist"):
        deploy_path.apply(bundle, catalog, target="local", allowed_namespaces=["compass"])
    with pytest.raises(NamespaceNotAllowedError):  # the target refuses on its own too
        deploy_path.local_target(["compass"]).deploy(bundle)
    assert deploy_path.local_target(["compass"]).list() == []
