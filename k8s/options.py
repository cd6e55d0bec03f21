"""How to render a plan into manifests: target platform, autoscaler, exposure, storage, images.

Everything here is a choice about the cluster, not about the workload; the workload comes from the
Recommendation and the DeploymentSpec.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from k8s.errors import RenderError

Target = Literal["kserve", "plain", "simulator"]
KServeMode = Literal["raw", "serverless"]
Autoscaler = Literal["keda", "hpa", "none"]
Monitor = Literal["auto", "servicemonitor", "podmonitor", "none"]
Exposure = Literal["none", "ingress", "httproute"]

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
# Derived names add at most this suffix ("-predictor"), and names must stay <= 63 characters.
MAX_NAME_LEN = 63 - len("-predictor")


def namespace_problem(namespace: str) -> str | None:
    """Why ``namespace`` cannot name a Kubernetes namespace, or None: the one check every front end asks first."""
    if DNS_LABEL.match(namespace) and len(namespace) <= 63:
        return None
    return (f"namespace {namespace!r} is not a valid Kubernetes namespace: use at most 63 lower-case letters, digits "
            "and '-', starting and ending with a letter or digit (e.g. 'compass', 'team-a')")


class RenderOptions(BaseModel):
    """Cluster-side choices. Defaults render KServe RawDeployment with KEDA autoscaling."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: Target = Field(default="kserve", description="kserve: ServingRuntime + InferenceService; plain: "
                           "Deployment + Service; simulator: plain shape with the simulator image, no GPUs")
    kserve_mode: KServeMode = Field(default="raw", description="raw (Standard) or serverless (Knative)")
    autoscaler: Autoscaler = Field(default="keda", description="KEDA ScaledObject, HPA (needs a metrics "
                                   "adapter), or a fixed replica count")
    monitor: Monitor = Field(default="auto", description="auto: PodMonitor for kserve, ServiceMonitor otherwise")
    exposure: Exposure = Field(default="none", description="optional Ingress or Gateway API HTTPRoute")
    host: str | None = Field(default=None, max_length=253, description="public host name for the route")
    ingress_class: str | None = None
    tls_secret: str | None = Field(default=None, description="TLS Secret for the Ingress host")
    gateway_name: str = Field(default="compass-gateway", description="Gateway the HTTPRoute attaches to")
    gateway_namespace: str | None = None

    name: str | None = Field(default=None, description="base name of the objects; default from the model id "
                             "(with the instance and configuration fingerprint when an instance is given)")
    instance: str | None = Field(default=None, max_length=200, description="who owns the deployment (a session "
                                 "id): hashed with the configuration into the default name, so deployments of "
                                 "different sessions or configurations never share (or overwrite) objects")
    namespace: str | None = Field(default=None, description="default: spec.namespace, else 'compass'")
    create_namespace: bool = False
    resource_quota: bool = Field(default=False, description="with create_namespace: a ResourceQuota sized "
                                 "to the plan at max replicas")

    hf_token_secret: str = Field(default="hf-token", description="existing Secret holding the Hugging Face "
                                 "token (referenced, never copied into a manifest)")
    hf_token_secret_key: str = "HF_TOKEN"
    model_cache_size_gi: int | None = Field(default=None, gt=0, description="PVC size; default from the "
                                            "checkpoint size")
    model_cache_storage_class: str | None = None
    model_cache_access_mode: Literal["ReadWriteOnce", "ReadWriteMany"] | None = Field(
        default=None, description="default: ReadWriteMany when replicas can exceed 1 (pods may land on "
                                  "different nodes), else ReadWriteOnce")

    prometheus_url: str = Field(default="http://prometheus-operated.monitoring.svc:9090",
                                description="Prometheus that KEDA queries for the vLLM metrics")
    scale_waiting_per_replica: float = Field(default=5.0, gt=0, description="queued requests per replica "
                                             "above which the autoscaler adds replicas")
    scale_kv_cache_usage: float = Field(default=0.8, gt=0, le=1, description="KV-cache usage (0-1) above "
                                        "which the autoscaler adds replicas")
    pdb: bool = Field(default=True, description="PodDisruptionBudget (maxUnavailable 1) when >1 replica")

    vllm_image: str | None = Field(default=None, description="override of constants.VLLM_IMAGE")
    simulator_image: str | None = Field(default=None, description="override of constants.SIMULATOR_IMAGE")
    runtime_class_name: str | None = Field(default=None, description="e.g. 'nvidia' where the GPU runtime "
                                           "is not the default")
    seed: int = Field(default=0, ge=0, description="simulator random seed")
    extra_labels: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> "RenderOptions":
        if self.name is not None and not (DNS_LABEL.match(self.name) and len(self.name) <= MAX_NAME_LEN):
            raise RenderError(f"name {self.name!r} must be a DNS-1123 label (lower-case letters, digits, '-') "
                              f"of at most {MAX_NAME_LEN} characters")
        if self.namespace is not None and (problem := namespace_problem(self.namespace)):
            raise RenderError(problem)
        if self.target == "kserve" and self.kserve_mode == "serverless" and self.exposure != "none":
            raise RenderError("KServe Serverless mode is exposed through Knative's own ingress (status.url); "
                              "use exposure='none' or kserve_mode='raw'")
        if self.resource_quota and not self.create_namespace:
            raise RenderError("resource_quota needs create_namespace (the quota belongs to a namespace "
                              "Compass creates, not to one shared with others)")
        return self

    @property
    def uses_kserve(self) -> bool:
        return self.target == "kserve"

    @property
    def simulated(self) -> bool:
        return self.target == "simulator"
