"""Pinned versions and names the Kubernetes layer uses (each defined once, here).

Bump the images and the Kubernetes version here only; the golden manifests under ``tests/k8s/golden/``
change with them (regenerate with ``COMPASS_REGEN_GOLDEN=1``).
"""

from __future__ import annotations

# vLLM's official OpenAI-compatible server image, pinned to the release the performance engine describes: its
# kernel tables were collected with vLLM 0.24.0 (simulator/perf/vllm_versions.NEWEST_KNOWN; a test keeps the two
# in step), so the latencies a plan predicts are those of the engine this image runs. A newer image (v0.25 and
# later exist) is a different engine (Model Runner V2 by default from 0.25) that no prediction here describes:
# bump it together with the engine's tables. Pin a release tag, never ``latest``: a moving tag changes
# performance under a plan that was sized for a given engine.
VLLM_VERSION = "v0.24.0"
VLLM_IMAGE = f"docker.io/vllm/vllm-openai:{VLLM_VERSION}"
# The ROCm build of the same release, for AMD GPUs (MI300X).
VLLM_ROCM_IMAGE = f"docker.io/vllm/vllm-openai-rocm:{VLLM_VERSION}"

# The Compass simulator image: its container runs ``compass simulate`` configured by environment
# variables (SIMULATOR_ENV_VARS) and serves the same OpenAI API, /health and vllm:* metrics as vLLM.
# The tag follows the compass-llm package version (pyproject.toml); a test keeps them in step.
COMPASS_VERSION = "0.1.0"
SIMULATOR_IMAGE = f"ghcr.io/compass-llm/compass-simulator:{COMPASS_VERSION}"
# Every engine setting of the plan is one of them: a simulator that times another configuration than the plan's
# (a data-parallel-2 or fp8-KV plan served with the defaults) validates a plan nobody made.
SIMULATOR_ENV_VARS = ("MODEL_NAME", "GPU_TYPE", "TENSOR_PARALLEL_SIZE", "DATA_PARALLEL_SIZE", "ENABLE_EXPERT_PARALLEL",
                      "PRECISION", "KV_CACHE_DTYPE", "ASYNC_SCHEDULING", "MAX_NUM_SEQS", "MAX_NUM_BATCHED_TOKENS",
                      "GPU_MEMORY_UTILIZATION", "MAX_MODEL_LEN", "PORT", "SEED")
SIMULATOR_UID = 1000  # the simulator image's non-root user

# Kubernetes version the built-in kinds are validated against: the oldest minor still supported upstream
# in late 2026 (1.35 .. 1.37), so manifests that pass here apply on every supported cluster.
KUBERNETES_VERSION = "1.35.0"

# Server-side apply field manager: the name under which Compass owns the fields it sets.
FIELD_MANAGER = "compass"

# Port the inference server listens on inside the pod (vLLM's default; the simulator is told via PORT).
SERVER_PORT = 8000

# Node label keys set by GPU Feature Discovery (NVIDIA) and the AMD GPU operator's node labeller.
GPU_PRODUCT_LABEL = {"nvidia": "nvidia.com/gpu.product", "amd": "amd.com/gpu.product-name"}

# Labels on every object (app.kubernetes.io/* are the recommended common labels).
LABEL_NAME = "app.kubernetes.io/name"
LABEL_INSTANCE = "app.kubernetes.io/instance"
LABEL_COMPONENT = "app.kubernetes.io/component"
LABEL_PART_OF = "app.kubernetes.io/part-of"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
ANNOTATION_PREFIX = "compass.io/"
