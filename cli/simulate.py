"""``compass simulate``: a GPU-free vLLM (OpenAI API, /metrics, modelled latency) for one model/GPU/TP."""

from __future__ import annotations

import os

import typer

from cli.common import console, fail, friendly_errors, require_free_port, say_gpu_readings
from knowledge.domain import Precision
from knowledge.logs import configure_logging

LOCAL_HOST = "127.0.0.1"


@friendly_errors
def simulate(
    model: str = typer.Option(None, help="model id, alias or quantized variant id (env MODEL_NAME)"),
    gpu: str = typer.Option(None, help="GPU name or alias (env GPU_TYPE)"),
    tp: int = typer.Option(None, "--tp", min=1, help="tensor parallel size (env TENSOR_PARALLEL_SIZE; default 1)"),
    dp: int = typer.Option(None, "--dp", min=1, help="data-parallel engine ranks (env DATA_PARALLEL_SIZE; default 1)"),
    precision: Precision = typer.Option(None, help="bf16|fp8|int8|int4|fp4 (env PRECISION; default: native)"),
    max_num_seqs: int = typer.Option(None, min=1, help="vLLM --max-num-seqs (env MAX_NUM_SEQS; default 256)"),
    max_model_len: int = typer.Option(None, min=1, help="vLLM --max-model-len (env MAX_MODEL_LEN)"),
    max_num_batched_tokens: int = typer.Option(None, min=64, help="chunked-prefill budget per step "
                                                                  "(env MAX_NUM_BATCHED_TOKENS; default 8192)"),
    gpu_memory_utilization: float = typer.Option(None, help="vLLM --gpu-memory-utilization "
                                                            "(env GPU_MEMORY_UTILIZATION; default 0.9)"),
    host: str = typer.Option(None, help="interface to listen on (env HOST; default 127.0.0.1, this machine only: "
                                        "--host 0.0.0.0 serves other machines too, as the container image does)"),
    port: int = typer.Option(None, min=0, max=65535, help="port (env PORT; default 8000)"),
    seed: int = typer.Option(None, help="seed of the canned answers and jitter (env SEED; default 0)"),
    jitter: float = typer.Option(None, min=0.0, max=1.0,
                                 help="relative std-dev of each iteration's duration (env JITTER; default 0)"),
    time_scale: float = typer.Option(None, min=0.001, max=1000.0,
                                     help="simulated seconds per wall second; >1 runs faster than real time, "
                                          "metrics still report simulated seconds (env TIME_SCALE; default 1)"),
    max_waiting: int = typer.Option(None, min=0, help="queued requests beyond this get 503 (env MAX_WAITING)"),
    tokenizer: str = typer.Option(None, help="local tokenizer.json or its directory for token counts "
                                             "(env TOKENIZER; needs the 'tokenizers' package)"),
    served_model_name: str = typer.Option(None, help="serve under this name (env SERVED_MODEL_NAME)"),
    expert_parallel: bool = typer.Option(None, "--enable-expert-parallel/--no-enable-expert-parallel",
                                         help="vLLM expert parallelism for MoE layers (env ENABLE_EXPERT_PARALLEL)"),
    kv_cache_dtype: str = typer.Option(None, help="auto|fp8: vLLM --kv-cache-dtype (env KV_CACHE_DTYPE)"),
    async_scheduling: bool = typer.Option(None, "--async-scheduling/--no-async-scheduling",
                                          help="vLLM async scheduling (env ASYNC_SCHEDULING; default on)"),
) -> None:
    """Serve an OpenAI-compatible API that answers like vLLM would on that hardware (no GPU needed).

    Every option can also come from the environment variable named in its help (how the container is configured);
    options win over the environment.
    """
    from simulator.server import ConfigurationError, SimulatorConfig, resolve, run_server

    if host is None and not os.environ.get("HOST"):
        host = LOCAL_HOST  # like `compass api`: nothing beyond this machine unless asked for

    for value, option, var in ((model, "--model", "MODEL_NAME"), (gpu, "--gpu", "GPU_TYPE")):
        if value is None and not os.environ.get(var):
            raise fail(f"{option} (or the environment variable {var}) is required", 2)

    flags = {"model": model, "gpu": gpu, "tensor_parallel": tp, "data_parallel": dp, "precision": precision,
             "max_num_seqs": max_num_seqs, "max_model_len": max_model_len,
             "max_num_batched_tokens": max_num_batched_tokens, "gpu_memory_utilization": gpu_memory_utilization,
             "host": host, "port": port, "seed": seed, "jitter": jitter, "time_scale": time_scale,
             "max_waiting": max_waiting, "tokenizer": tokenizer, "served_model_name": served_model_name,
             "expert_parallel": expert_parallel, "kv_cache_dtype": kv_cache_dtype, "async_scheduling": async_scheduling}
    config = SimulatorConfig.from_sources(flags)
    try:
        setup = resolve(config)
    except ConfigurationError as exc:
        raise fail(str(exc), 2) from None
    from knowledge.catalog import Catalog

    say_gpu_readings(Catalog.from_files(), [config.gpu])  # 'A100' is timed as the 80GB card: said, not silent
    if config.port:  # 0 asks the system for any free port
        require_free_port(config.host, config.port, make_target=False)
    configure_logging("INFO")
    console.print(f"Compass simulator on http://{config.host}:{config.port}/v1 - {setup.summary()}", highlight=False)
    for note in setup.notes:
        console.print(f"- {note}", highlight=False)
    run_server(setup)
