"""The plans the Kubernetes tests render (real domain types, as the planner would produce them)."""

from __future__ import annotations

from dataclasses import dataclass

from k8s.options import RenderOptions
from knowledge.domain import DeploymentSpec, Precision, Recommendation, ServingConfig, UseCase
from tests.factories import recommendation


def plan(model: str, gpu: str, precision: Precision, tensor_parallel: int, replicas: int, min_replicas: int,
         max_replicas: int, max_model_len: int | None = None, max_num_seqs: int = 256) -> Recommendation:
    base = recommendation(model=model, gpu=gpu, replicas=replicas)
    config = ServingConfig(model_id=model, precision=precision, gpu=gpu, tensor_parallel=tensor_parallel,
                           max_model_len=max_model_len, max_num_seqs=max_num_seqs)
    return base.model_copy(update={"config": config, "min_replicas": min_replicas, "max_replicas": max_replicas})


@dataclass(frozen=True)
class Case:
    name: str
    rec: Recommendation
    spec: DeploymentSpec
    options: RenderOptions


def small_l4() -> Case:
    """A small model on one L4: plain Deployment + Service, one fixed replica, ServiceMonitor."""
    return Case("small-l4-plain",
                plan("meta-llama/Llama-3.1-8B-Instruct", "L4", Precision.BF16, 1, 1, 1, 1, max_model_len=8192),
                DeploymentSpec(use_case=UseCase.CHATBOT_CONVERSATIONAL, namespace="team-a"),
                RenderOptions(target="plain", autoscaler="none"))


def llama70b_h100_keda() -> Case:
    """A 70B model on 4x H100 per replica, KServe RawDeployment, KEDA 1-4 replicas, own namespace + quota,
    Ingress."""
    return Case("llama70b-4xh100-kserve-keda",
                plan("meta-llama/Llama-3.3-70B-Instruct", "H100-SXM", Precision.BF16, 4, 2, 1, 4,
                     max_model_len=16384, max_num_seqs=128),
                DeploymentSpec(use_case=UseCase.DOCUMENT_ANALYSIS_RAG, namespace="llm-prod"),
                RenderOptions(target="kserve", autoscaler="keda", create_namespace=True, resource_quota=True,
                              exposure="ingress", host="llm.example.com", ingress_class="nginx",
                              tls_secret="llm-example-tls", model_cache_storage_class="fast-rwx"))


def fp8_h200_simulator() -> Case:
    """FP8 on one H200 per replica, simulated: no GPU, scale to zero allowed, HTTPRoute."""
    return Case("fp8-h200-simulator",
                plan("meta-llama/Llama-3.3-70B-Instruct", "H200", Precision.FP8, 1, 2, 0, 3),
                DeploymentSpec(use_case=UseCase.CODE_COMPLETION, namespace="sim", allow_cold_start=True),
                RenderOptions(target="simulator", autoscaler="keda", exposure="httproute", host="sim.example.com",
                              gateway_namespace="gateways", seed=7))


CASES = (small_l4, llama70b_h100_keda, fp8_h200_simulator)
