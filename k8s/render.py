"""Render a Recommendation + DeploymentSpec into a ManifestBundle (Jinja2 templates, StrictUndefined).

Entry point: ``render_bundle(recommendation, spec, catalog, options) -> ManifestBundle``. Rendering is
pure: no cluster is contacted; validate with ``k8s.manifest_checks.validate_bundle`` and apply with
``k8s.apply.Applier``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from k8s.bundle import Manifest, ManifestBundle, PlanInfo
from k8s.constants import VLLM_VERSION
from k8s.template_values import build_context
from k8s.vllm_args import plan_engine
from k8s.options import RenderOptions
from knowledge.catalog import Catalog
from knowledge.domain import DeploymentSpec, Recommendation

TEMPLATES = Path(__file__).parent / "templates"


def _quote(value: Any) -> str:
    """A scalar as JSON, which is valid YAML and never mis-typed ('yes', '1e3', 'null' stay strings)."""
    return json.dumps(value, ensure_ascii=False)


def _to_yaml(value: Any, indent: int) -> str:
    """A structure as block YAML whose lines after the first are indented by ``indent`` spaces."""
    text = yaml.safe_dump(value, default_flow_style=False, sort_keys=False, width=10_000,
                          allow_unicode=True).rstrip("\n")
    return ("\n" + " " * indent).join(text.split("\n"))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters["q"] = _quote
    env.filters["yaml"] = _to_yaml
    return env


def _selected(ctx: dict[str, Any]) -> list[tuple[str, str]]:
    """(template, file name) pairs to render, in apply order: namespace and storage first, routes last."""
    o: RenderOptions = ctx["options"]
    s = ctx["scaling"]
    out: list[tuple[str, str]] = []
    if o.create_namespace:
        out.append(("namespace.yaml.j2", "00-namespace.yaml"))
        if o.resource_quota:
            out.append(("resourcequota.yaml.j2", "01-resourcequota.yaml"))
    if not ctx["simulated"]:
        out.append(("pvc.yaml.j2", "02-model-cache-pvc.yaml"))
    if o.uses_kserve:
        out += [("servingruntime.yaml.j2", "10-servingruntime.yaml"),
                ("inferenceservice.yaml.j2", "11-inferenceservice.yaml")]
    else:
        out += [("deployment.yaml.j2", "10-deployment.yaml"), ("service.yaml.j2", "11-service.yaml")]
    if o.pdb and s.max > 1:
        out.append(("pdb.yaml.j2", "20-poddisruptionbudget.yaml"))
    if s.kind == "KEDA ScaledObject":
        out.append(("scaledobject.yaml.j2", "30-scaledobject.yaml"))
    elif s.kind == "HorizontalPodAutoscaler":
        out.append(("hpa.yaml.j2", "30-horizontalpodautoscaler.yaml"))
    monitor = o.monitor if o.monitor != "auto" else ("podmonitor" if o.uses_kserve else "servicemonitor")
    if monitor != "none":
        out.append((f"{monitor}.yaml.j2", f"40-{monitor}.yaml"))
    if o.exposure != "none":
        out.append((f"{o.exposure}.yaml.j2", f"50-{o.exposure}.yaml"))
    return out


def render_bundle(recommendation: Recommendation, spec: DeploymentSpec, catalog: Catalog,
                  options: RenderOptions | None = None) -> ManifestBundle:
    """Render the manifests for one recommendation; raises ``RenderError`` when the plan cannot be served."""
    options = options or RenderOptions()
    engine = plan_engine(recommendation, spec, catalog, options)
    ctx = build_context(recommendation, spec, options, engine)
    env = _environment()
    manifests = [Manifest.from_text(filename, env.get_template(template).render(**ctx))
                 for template, filename in _selected(ctx)]
    cfg = recommendation.config
    plan = PlanInfo(model_id=engine.model_id, gpu=engine.gpu.name, precision=engine.precision.value,
                    tensor_parallel=cfg.tensor_parallel, data_parallel=cfg.data_parallel,
                    replicas=recommendation.replicas, min_replicas=ctx["scaling"].min,
                    max_replicas=ctx["scaling"].max, allow_cold_start=bool(spec.allow_cold_start),
                    target=options.target, simulated=options.simulated)
    return ManifestBundle(name=ctx["name"], namespace=ctx["namespace"], manifests=tuple(manifests), plan=plan,
                          summary=tuple(_summary(ctx)))


def _summary(ctx: dict[str, Any]) -> list[str]:
    o: RenderOptions = ctx["options"]
    e, s, ns, rec = ctx["engine"], ctx["scaling"], ctx["namespace"], ctx["rec"]
    per = e.gpus_per_replica
    lines = [f"{e.model_id} ({e.precision.value}) on {per}x {e.gpu.name} per replica; {rec.replicas} replica(s) "
             f"planned = {per * rec.replicas} GPU(s), at most {s.max} replica(s) = {per * s.max} GPU(s)."]
    if ctx["simulated"]:
        lines.append(f"Simulator: image {e.image}, plain Deployment + Service, no GPU requested.")
    elif o.uses_kserve:
        mode = "Serverless (Knative)" if ctx["serverless"] else "RawDeployment"
        lines.append(f"KServe {mode}: ServingRuntime {ctx['runtime_name']} (vLLM {VLLM_VERSION}, {e.image}) + "
                     f"InferenceService {ctx['name']}.")
    else:
        lines.append(f"Plain Deployment + Service (vLLM {VLLM_VERSION}, {e.image}); no KServe needed.")
    if not ctx["simulated"]:
        lines.append(_prefix_caching_line(e.prefix_caching))
    lines += _scaling_summary(ctx)
    if not ctx["simulated"]:
        c = ctx["cache"]
        lines.append(f"Model cache PVC {c['claim']}: {c['size_gi']}Gi, {c['access_note']}")
        lines.append(f"Gated models need the Hugging Face token in Secret {o.hf_token_secret} (key "
                     f"{o.hf_token_secret_key}) in namespace {ns}: kubectl -n {ns} create secret generic "
                     f"{o.hf_token_secret} --from-literal={o.hf_token_secret_key}=<your token>")
        lines.append(f"Scheduling: nodeSelector {e.node_selector}, toleration for {e.gpu.resource_name}.")
    if ctx["serverless"] and o.resource_quota:
        lines.append("The ResourceQuota sets CPU/memory limits: Knative's queue-proxy sidecar needs limits too "
                     "(config-deployment queue-sidecar-* settings) or its pods are refused.")
    if ctx["serverless"]:
        lines.append("Knative must allow PVC and emptyDir volumes, nodeSelector and tolerations "
                     "(features kubernetes.podspec-persistent-volume-claim, -persistent-volume-write, "
                     "-nodeselector, -tolerations in config-features).")
    if o.monitor != "none":
        lines.append("Metrics: needs the Prometheus Operator CRDs (ServiceMonitor/PodMonitor).")
    if o.exposure == "httproute":
        lines.append(f"HTTPRoute attaches to Gateway {o.gateway_name}; it must exist and allow routes from {ns}.")
    return lines + list(e.notes)


def _prefix_caching_line(enabled: bool) -> str:
    """What the rendered prefix-caching flag means for the plan's latencies (which count no cache hits)."""
    if enabled:
        return ("Prefix caching on (--enable-prefix-caching; this use case shares prompt prefixes): the predicted "
                "latencies count no cache hits, so shared prefixes can only lower them.")
    return ("Prefix caching off (--no-enable-prefix-caching; this use case shares few prompt prefixes), as the "
            "predicted latencies assume.")


def _scaling_summary(ctx: dict[str, Any]) -> list[str]:
    o: RenderOptions = ctx["options"]
    s = ctx["scaling"]
    if s.kind == "Knative":
        out = [f"Autoscaling: Knative on concurrency (target {s.concurrency_target} in flight per replica), "
               f"{s.isvc_min}-{s.isvc_max} replicas."]
        if o.autoscaler != "none":
            out.append(f"autoscaler={o.autoscaler} is not rendered in Serverless mode: Knative scales the pods.")
        return out
    if s.kind == "fixed":
        return [f"No autoscaler: fixed at {s.fixed} replica(s)."]
    low = s.min if s.kind == "KEDA ScaledObject" else s.hpa_min
    out = [f"Autoscaling: {s.kind}, {low}-{s.max} replicas on vLLM metrics (waiting requests > "
           f"{s.waiting_target}/replica or KV-cache usage > {s.kv_target})."]
    if s.kind == "KEDA ScaledObject":
        out.append(f"KEDA must be installed and reach Prometheus at {o.prometheus_url}.")
        if s.min == 0:
            out.append("Scale to zero allowed: add a trigger that sees requests at zero replicas (KEDA HTTP "
                       "add-on or gateway metrics); vLLM's metrics vanish with the last pod.")
    else:
        out.append("The HPA reads Pods metrics from the custom metrics API: a metrics adapter (e.g. "
                   "prometheus-adapter) must expose vllm_num_requests_waiting and vllm_kv_cache_usage_perc.")
        if s.cold_start_unavailable:
            out.append("The spec allows cold starts but an HPA cannot scale to zero; use KEDA for that.")
    return out
