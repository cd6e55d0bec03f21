"""Rendering: the engine arguments, GPU scheduling, autoscaling, security and outputs derived from a plan."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from k8s import constants
from k8s.errors import OutputConflictError, RenderError
from k8s.options import RenderOptions
from k8s.render import render_bundle
from k8s.manifest_checks import validate_bundle
from knowledge.domain import DeploymentSpec, Precision, UseCase
from simulator.perf.vllm_versions import NEWEST_KNOWN, check_version, release
from tests.k8s.plans import fp8_h200_simulator, llama70b_h100_keda, plan, small_l4

REPO = Path(__file__).resolve().parents[2]
SPEC = DeploymentSpec(use_case=UseCase.CHATBOT_CONVERSATIONAL, namespace="llm")


def objects(bundle, kind):
    return [o for o in bundle.objects if o["kind"] == kind]


def one(bundle, kind):
    found = objects(bundle, kind)
    assert len(found) == 1, f"expected one {kind}, got {[o['kind'] for o in bundle.objects]}"
    return found[0]


def engine_container(bundle):
    if objects(bundle, "ServingRuntime"):
        return one(bundle, "ServingRuntime")["spec"]["containers"][0]
    return one(bundle, "Deployment")["spec"]["template"]["spec"]["containers"][0]


def arg(container, flag):
    args = container.get("args") or []
    return args[args.index(flag) + 1] if flag in args else None


def render(k8s_catalog, rec=None, spec=SPEC, **options):
    rec = rec or plan("meta-llama/Llama-3.1-8B-Instruct", "L4", Precision.BF16, 1, 2, 1, 3)
    return render_bundle(rec, spec, k8s_catalog, RenderOptions(**options))


# ------------------------------------------------------------------------------------------ vLLM args


def test_vllm_arguments_follow_the_plan(k8s_catalog):
    case = llama70b_h100_keda()
    b = render_bundle(case.rec, case.spec, k8s_catalog, case.options)
    c = engine_container(b)
    assert c["command"] == ["vllm", "serve"]
    assert c["args"][0] == "meta-llama/Llama-3.3-70B-Instruct"
    assert arg(c, "--tensor-parallel-size") == "4"
    assert arg(c, "--max-model-len") == "16384"  # ServingConfig.max_model_len wins
    assert arg(c, "--max-num-seqs") == "128"
    assert arg(c, "--gpu-memory-utilization") == "0.9"
    assert arg(c, "--dtype") == "bfloat16"
    assert "--enable-prefix-caching" in c["args"]  # RAG: shared documents
    assert arg(c, "--served-model-name") == "meta-llama/Llama-3.3-70B-Instruct"


def test_max_model_len_from_the_workload_when_the_plan_has_none(k8s_catalog):
    spec = DeploymentSpec(use_case=UseCase.CHATBOT_CONVERSATIONAL, prompt_tokens=3000, output_tokens=1000)
    b = render(k8s_catalog, spec=spec)
    # (3000 + p90 output of the template) x 1.25, rounded up to 1024, never above the model's limit
    value = int(arg(engine_container(b), "--max-model-len"))
    assert value % 1024 == 0 and value >= (3000 + 1000) * 1.25
    assert any("--max-model-len" in line for line in b.summary)


def test_prefix_caching_only_where_it_helps(k8s_catalog):
    """Said either way (vLLM's V1 engine caches prefixes unless told not to), and the summary names it."""
    off = render(k8s_catalog, spec=DeploymentSpec(use_case=UseCase.TRANSLATION))
    assert "--enable-prefix-caching" not in engine_container(off)["args"]
    assert "--no-enable-prefix-caching" in engine_container(off)["args"]
    assert any(line.startswith("Prefix caching off") for line in off.summary)
    on = render(k8s_catalog, spec=DeploymentSpec(use_case=UseCase.CHATBOT_CONVERSATIONAL))
    assert "--enable-prefix-caching" in engine_container(on)["args"]
    assert any(line.startswith("Prefix caching on") and "count no cache hits" in line for line in on.summary)


def test_quantized_variant_is_served_when_the_catalog_has_one(k8s_catalog):
    rec = plan("meta-llama/Llama-3.3-70B-Instruct", "H100-SXM", Precision.FP8, 2, 1, 1, 1)
    b = render(k8s_catalog, rec=rec)
    c = engine_container(b)
    assert c["args"][0] == "RedHatAI/Llama-3.3-70B-Instruct-FP8-dynamic"
    assert arg(c, "--served-model-name") == "meta-llama/Llama-3.3-70B-Instruct"  # clients keep one name
    assert "--quantization" not in c["args"]
    assert any("pre-quantized fp8 checkpoint" in line for line in b.summary)


def test_fp8_without_a_checkpoint_quantizes_on_the_fly_and_says_so(k8s_catalog):
    card = k8s_catalog.model("meta-llama/Llama-3.1-8B-Instruct")
    no_fp8 = card.model_copy(update={"variants": [v for v in card.variants if v.precision is not Precision.FP8]})
    catalog = dataclasses.replace(k8s_catalog, models=tuple(no_fp8 if m.id == card.id else m
                                                            for m in k8s_catalog.models), _cache={})
    rec = plan(card.id, "L4", Precision.FP8, 1, 1, 1, 1)
    b = render_bundle(rec, SPEC, catalog, RenderOptions())
    c = engine_container(b)
    assert c["args"][0] == card.id and arg(c, "--quantization") == "fp8"
    assert any("quantizes" in line and "--quantization fp8" in line for line in b.summary)


def test_precision_without_checkpoint_is_a_clear_error(k8s_catalog):
    rec = plan("meta-llama/Llama-3.2-3B-Instruct", "L4", Precision.INT4, 1, 1, 1, 1)
    with pytest.raises(RenderError, match="No int4 checkpoint.*bf16, fp8, int8"):
        render(k8s_catalog, rec=rec)


def test_replica_too_big_for_a_node_is_refused(k8s_catalog):
    rec = plan("meta-llama/Llama-3.1-405B-Instruct", "L4", Precision.BF16, 16, 1, 1, 1)
    with pytest.raises(RenderError, match="exceed the largest L4 node"):
        render(k8s_catalog, rec=rec)


# ----------------------------------------------------------------------------------- GPU scheduling


def test_gpu_requests_selector_tolerations_shm_and_cache(k8s_catalog):
    case = llama70b_h100_keda()
    b = render_bundle(case.rec, case.spec, k8s_catalog, case.options)
    pred = one(b, "InferenceService")["spec"]["predictor"]
    res = pred["model"]["resources"]
    assert res["limits"]["nvidia.com/gpu"] == res["requests"]["nvidia.com/gpu"] == 4
    assert pred["nodeSelector"] == {"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"}
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in pred["tolerations"]
    volumes = {v["name"]: v for v in one(b, "ServingRuntime")["spec"]["volumes"]}
    assert volumes["dshm"]["emptyDir"]["medium"] == "Memory"
    assert volumes["model-cache"]["persistentVolumeClaim"]["claimName"] == "llama-3-3-70b-instruct-model-cache"
    pvc = one(b, "PersistentVolumeClaim")
    assert pvc["spec"]["storageClassName"] == "fast-rwx" and pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    mounts = {m["mountPath"] for m in engine_container(b)["volumeMounts"]}
    assert mounts == {"/dev/shm", "/models-cache"}


def test_amd_gpus_use_rocm_image_and_amd_labels(k8s_catalog):
    rec = plan("meta-llama/Llama-3.3-70B-Instruct", "MI300X", Precision.BF16, 1, 1, 1, 1)
    b = render(k8s_catalog, rec=rec, target="plain", autoscaler="none")
    pod = one(b, "Deployment")["spec"]["template"]["spec"]
    assert pod["containers"][0]["image"] == constants.VLLM_ROCM_IMAGE
    assert pod["containers"][0]["resources"]["limits"]["amd.com/gpu"] == 1
    assert pod["nodeSelector"] == {"amd.com/gpu.product-name": "AMD_Instinct_MI300X_OAM"}
    assert pod["tolerations"][0]["key"] == "amd.com/gpu"


def test_hf_token_is_a_secret_reference_never_a_literal(k8s_catalog):
    b = render(k8s_catalog, hf_token_secret="my-hf")
    env = {e["name"]: e for e in engine_container(b)["env"]}
    assert env["HF_TOKEN"] == {"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {
        "name": "my-hf", "key": "HF_TOKEN", "optional": True}}}
    assert not objects(b, "Secret")


def test_security_settings(k8s_catalog):
    b = render(k8s_catalog, target="plain")
    pod = one(b, "Deployment")["spec"]["template"]["spec"]
    sc = pod["containers"][0]["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False and sc["privileged"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    probes = pod["containers"][0]
    assert all(probes[p]["httpGet"]["path"] == "/health" for p in ("startupProbe", "readinessProbe", "livenessProbe"))
    assert set(probes["resources"]["limits"]) >= {"cpu", "memory"}


# ------------------------------------------------------------------------------------------ simulator


def test_simulator_mode_requests_no_gpu_and_runs_non_root(k8s_catalog):
    case = fp8_h200_simulator()
    b = render_bundle(case.rec, case.spec, k8s_catalog, case.options)
    pod = one(b, "Deployment")["spec"]["template"]["spec"]
    c = pod["containers"][0]
    assert c["image"] == constants.SIMULATOR_IMAGE
    env = {e["name"]: e.get("value") for e in c["env"]}
    assert set(env) == set(constants.SIMULATOR_ENV_VARS)
    assert env["GPU_TYPE"] == "H200" and env["PRECISION"] == "fp8" and env["TENSOR_PARALLEL_SIZE"] == "1"
    assert env["SEED"] == "7" and env["PORT"] == str(constants.SERVER_PORT)
    assert not any("gpu" in k for k in c["resources"]["limits"])
    assert "nodeSelector" not in pod and "tolerations" not in pod
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 1000
    assert not objects(b, "PersistentVolumeClaim")  # nothing to download


def test_the_simulator_times_every_engine_setting_of_the_plan(k8s_catalog):
    """A data-parallel, fp8-KV, non-default plan in simulator mode: the container's environment carries every engine
    setting, and the simulator reads back exactly the plan's configuration (the local target starts it so)."""
    from simulator.server.config import SERVING_FIELDS, SimulatorConfig

    case = fp8_h200_simulator()
    config = case.rec.config.model_copy(update={"data_parallel": 2, "kv_cache_dtype": "fp8", "async_scheduling": False,
                                                "max_num_batched_tokens": 4096, "gpu_memory_utilization": 0.85})
    rec = case.rec.model_copy(update={"config": config})
    env = {e["name"]: e["value"] for e in one(render_bundle(rec, case.spec, k8s_catalog, case.options),
                                              "Deployment")["spec"]["template"]["spec"]["containers"][0]["env"]}
    read = SimulatorConfig.from_sources(env=env)
    for name in set(SERVING_FIELDS) - {"max_model_len"}:  # the context is the rendered one (the plan's is unset)
        assert getattr(read, name) == getattr(config, name), name
    assert env["ASYNC_SCHEDULING"] == "false" and env["DATA_PARALLEL_SIZE"] == "2"


def test_simulator_image_tag_follows_the_package_version():
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert constants.SIMULATOR_IMAGE.endswith(f":{version}")


def test_vllm_image_is_pinned_in_one_place():
    assert re.fullmatch(r"v\d+\.\d+\.\d+", constants.VLLM_VERSION)
    # the image runs the release the performance engine describes: its predictions are of that engine, and
    # `compass predict --vllm-version` accepts the version a deployment runs
    assert check_version(constants.VLLM_VERSION.removeprefix("v"))
    assert release(constants.VLLM_VERSION) == NEWEST_KNOWN
    assert constants.VLLM_IMAGE.endswith(constants.VLLM_VERSION)
    hits = [p for p in (REPO / "k8s").rglob("*") if p.is_file() and p.suffix in (".py", ".j2")
            and "vllm-openai:" in p.read_text() and p.name != "constants.py"]
    assert hits == []


# ---------------------------------------------------------------------------------------- autoscaling


def test_keda_scales_between_plan_min_and_max_on_vllm_metrics(k8s_catalog):
    case = llama70b_h100_keda()
    b = render_bundle(case.rec, case.spec, k8s_catalog, case.options)
    so = one(b, "ScaledObject")["spec"]
    assert (so["minReplicaCount"], so["maxReplicaCount"]) == (1, 4)
    assert so["scaleTargetRef"]["name"] == "llama-3-3-70b-instruct-predictor"  # KServe's Deployment
    queries = [t["metadata"]["query"] for t in so["triggers"]]
    assert "vllm:num_requests_waiting" in queries[0] and "vllm:kv_cache_usage_perc" in queries[1]
    isvc = one(b, "InferenceService")
    assert isvc["metadata"]["annotations"]["serving.kserve.io/autoscalerClass"] == "external"


def test_scale_to_zero_only_when_cold_starts_are_allowed(k8s_catalog):
    rec = plan("meta-llama/Llama-3.1-8B-Instruct", "L4", Precision.BF16, 1, 2, 0, 3)
    warm = render(k8s_catalog, rec=rec, spec=DeploymentSpec(allow_cold_start=False))
    cold = render(k8s_catalog, rec=rec, spec=DeploymentSpec(allow_cold_start=True))
    assert one(warm, "ScaledObject")["spec"]["minReplicaCount"] == 1
    assert one(cold, "ScaledObject")["spec"]["minReplicaCount"] == 0
    assert "initialCooldownPeriod" in one(cold, "ScaledObject")["spec"]
    assert any("Scale to zero" in line for line in cold.summary)


def test_hpa_alternative_says_it_needs_a_metrics_adapter(k8s_catalog):
    rec = plan("meta-llama/Llama-3.1-8B-Instruct", "L4", Precision.BF16, 1, 2, 0, 3)
    b = render(k8s_catalog, rec=rec, spec=DeploymentSpec(allow_cold_start=True), target="plain", autoscaler="hpa")
    hpa_manifest = next(m for m in b.manifests if m.obj["kind"] == "HorizontalPodAutoscaler")
    assert "metrics adapter" in hpa_manifest.text  # the comment in the file
    assert any("metrics adapter" in line for line in b.summary)
    assert hpa_manifest.obj["spec"]["minReplicas"] == 1  # an HPA cannot scale to zero
    assert "replicas" not in one(b, "Deployment")["spec"]  # the HPA owns it


def test_no_autoscaler_fixes_the_planned_replicas(k8s_catalog):
    b = render(k8s_catalog, target="plain", autoscaler="none")
    assert one(b, "Deployment")["spec"]["replicas"] == 2
    assert not objects(b, "ScaledObject") and not objects(b, "HorizontalPodAutoscaler")


def test_serverless_mode_uses_knative_scaling(k8s_catalog):
    rec = plan("meta-llama/Llama-3.1-8B-Instruct", "L4", Precision.BF16, 1, 2, 0, 3)
    b = render(k8s_catalog, rec=rec, spec=DeploymentSpec(allow_cold_start=True), kserve_mode="serverless")
    isvc = one(b, "InferenceService")
    assert isvc["metadata"]["annotations"]["serving.kserve.io/deploymentMode"] == "Serverless"
    assert isvc["spec"]["predictor"]["minReplicas"] == 0
    assert isvc["spec"]["predictor"]["scaleMetric"] == "concurrency"
    assert not objects(b, "ScaledObject")
    c = engine_container(b)
    assert "livenessProbe" not in c and "startupProbe" not in c and c["ports"][0]["name"] == "http1"
    with pytest.raises(RenderError, match="Knative"):
        RenderOptions(kserve_mode="serverless", exposure="ingress")


# ----------------------------------------------------------------------------- observability & routes


def test_monitors_routes_pdb_namespace_and_quota(k8s_catalog):
    case = llama70b_h100_keda()
    b = render_bundle(case.rec, case.spec, k8s_catalog, case.options)
    assert [m.obj["kind"] for m in b.manifests] == [
        "Namespace", "ResourceQuota", "PersistentVolumeClaim", "ServingRuntime", "InferenceService",
        "PodDisruptionBudget", "ScaledObject", "PodMonitor", "Ingress"]
    quota = one(b, "ResourceQuota")["spec"]["hard"]
    assert quota["requests.nvidia.com/gpu"] == "16"  # 4 replicas x 4 GPUs
    ingress = one(b, "Ingress")["spec"]
    backend = ingress["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "llama-3-3-70b-instruct-predictor", "port": {"number": 80}}
    assert ingress["tls"][0]["secretName"] == "llm-example-tls"
    assert one(b, "Namespace")["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "baseline"
    route = render(k8s_catalog, target="plain", exposure="httproute", host="a.example.com")
    assert one(route, "HTTPRoute")["spec"]["rules"][0]["backendRefs"][0]["port"] == constants.SERVER_PORT
    assert one(route, "ServiceMonitor")["spec"]["endpoints"][0]["path"] == "/metrics"


def test_single_replica_has_no_pdb(k8s_catalog):
    case = small_l4()
    b = render_bundle(case.rec, case.spec, k8s_catalog, case.options)
    assert not objects(b, "PodDisruptionBudget")


# ------------------------------------------------------------------------------------------ outputs


def test_write_kustomize_directory(tmp_path, k8s_catalog):
    case = llama70b_h100_keda()
    b = render_bundle(case.rec, case.spec, k8s_catalog, case.options)
    written = b.write_kustomize(tmp_path / "out")
    kustomization = yaml.safe_load((tmp_path / "out" / "kustomization.yaml").read_text())
    assert kustomization["kind"] == "Kustomization"
    assert kustomization["resources"] == [m.filename for m in b.manifests]
    assert len(written) == len(b.manifests) + 1
    for m in b.manifests:
        assert yaml.safe_load((tmp_path / "out" / m.filename).read_text()) == m.obj


def test_write_kustomize_never_replaces_the_users_files(tmp_path, k8s_catalog):
    """A directory holding the user's own kustomization.yaml (or a Compass file edited since) is refused, naming
    the files, with nothing written; what Compass wrote there before, unchanged, is replaced; force overwrites."""
    case = llama70b_h100_keda()
    b = render_bundle(case.rec, case.spec, k8s_catalog, case.options)
    out = tmp_path / "out"
    out.mkdir()
    mine = "resources: [my-app.yaml]\n"
    (out / "kustomization.yaml").write_text(mine)
    with pytest.raises(OutputConflictError, match="kustomization.yaml") as refused:
        b.write_kustomize(out)
    assert refused.value.names == ["kustomization.yaml"] and "\n" not in str(refused.value)
    assert (out / "kustomization.yaml").read_text() == mine
    assert sorted(p.name for p in out.iterdir()) == ["kustomization.yaml"]  # nothing else was written either

    fresh = tmp_path / "fresh"
    b.write_kustomize(fresh)
    b.write_kustomize(fresh)  # Compass's own files, unchanged: replaced without a word
    first = b.manifests[0].filename
    (fresh / first).write_text("# tuned by hand\n")
    with pytest.raises(OutputConflictError, match=first):
        b.write_kustomize(fresh)
    assert (fresh / first).read_text() == "# tuned by hand\n"

    b.write_kustomize(out, force=True)
    assert yaml.safe_load((out / "kustomization.yaml").read_text())["kind"] == "Kustomization"
    b.write_kustomize(out)  # written by Compass now
    # `kubectl apply -f DIR` reads every .json/.yaml/.yml file: the record of what Compass wrote is none of them
    manifests = {p.name for p in out.iterdir() if p.suffix in (".json", ".yaml", ".yml")}
    assert manifests == {m.filename for m in b.manifests} | {"kustomization.yaml"}


def test_yaml_stream_round_trips(k8s_catalog):
    b = render(k8s_catalog)
    assert list(yaml.safe_load_all(b.yaml())) == b.objects


def test_names_and_options_are_checked(k8s_catalog):
    with pytest.raises(RenderError, match="DNS-1123"):
        RenderOptions(name="Bad_Name")
    with pytest.raises(RenderError, match="create_namespace"):
        RenderOptions(resource_quota=True)
    b = render(k8s_catalog, name="chat", namespace="team-b")
    assert b.name == "chat" and {o["metadata"].get("namespace") for o in b.objects} == {"team-b"}
    assert b.namespace == "team-b"


def test_unknown_model_is_a_render_error(k8s_catalog):
    rec = plan("meta-llama/Llama-3.1-8B-Instruct", "L4", Precision.BF16, 1, 1, 1, 1)
    rec = rec.model_copy(update={"config": rec.config.model_copy(update={"gpu": "TPU-v9"})})
    with pytest.raises(RenderError, match="Unknown GPU"):
        render(k8s_catalog, rec=rec)


def test_data_and_expert_parallel_and_fp8_kv_cache(k8s_catalog):
    base = plan("Qwen/Qwen3-235B-A22B", "H100-SXM", Precision.FP8, 2, 1, 1, 1)
    cfg = base.config.model_copy(update={"data_parallel": 4, "expert_parallel": True, "kv_cache_dtype": "fp8"})
    b = render(k8s_catalog, rec=base.model_copy(update={"config": cfg}), target="plain", autoscaler="none")
    c = engine_container(b)
    assert arg(c, "--tensor-parallel-size") == "2" and arg(c, "--data-parallel-size") == "4"
    assert "--enable-expert-parallel" in c["args"] and arg(c, "--kv-cache-dtype") == "fp8"
    assert c["resources"]["limits"]["nvidia.com/gpu"] == 8
    assert validate_bundle(b, k8s_catalog, {"llm"}).ok
