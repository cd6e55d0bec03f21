"""Starting the simulator as a process (as the local deployment target and the container do), and keeping its
configuration surface consistent with the Kubernetes manifests, the CLI and the image."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import httpx
import pytest
import typer

from cli.simulate import simulate
from k8s.constants import COMPASS_VERSION, SIMULATOR_ENV_VARS, SIMULATOR_UID
from simulator.server import SimulatorConfig, SimulatorProcess
from simulator.server.__main__ import build_parser, parse_args
from simulator.server.config import ENV_VARS
from tests.simulator.conftest import MODEL

REPO = Path(__file__).resolve().parents[2]
CLI_COMMAND = [sys.executable, "-c", "import typer; from cli.simulate import simulate; typer.run(simulate)"]


def _generate(base_url: str, model: str) -> dict:
    r = httpx.post(f"{base_url}/completions", json={"model": model, "prompt": "hello", "max_tokens": 3}, timeout=30)
    r.raise_for_status()
    return r.json()


@pytest.mark.parametrize("command", [None, CLI_COMMAND], ids=["module", "cli"])
def test_subprocess_serves_and_stops(tmp_path, command):
    config = SimulatorConfig(model=MODEL, gpu="H100", max_model_len=4096, time_scale=10.0)
    with SimulatorProcess(config, command=command, log_path=tmp_path / "sim.log") as sim:
        assert sim.healthy()
        assert _generate(sim.base_url, MODEL)["usage"]["completion_tokens"] == 3
    assert sim.proc.returncode is not None
    assert not sim.healthy()


def test_configured_by_the_manifests_environment(tmp_path):
    """Exactly the variables the simulator-mode Deployment sets (tests/k8s/golden/fp8-h200-simulator.yaml)."""
    env = {"MODEL_NAME": "meta-llama/Llama-3.3-70B-Instruct", "GPU_TYPE": "H200", "TENSOR_PARALLEL_SIZE": "1",
           "DATA_PARALLEL_SIZE": "1", "ENABLE_EXPERT_PARALLEL": "false", "PRECISION": "fp8", "KV_CACHE_DTYPE": "auto",
           "ASYNC_SCHEDULING": "true", "MAX_NUM_SEQS": "256", "MAX_NUM_BATCHED_TOKENS": "8192",
           "GPU_MEMORY_UTILIZATION": "0.9", "MAX_MODEL_LEN": "4096", "PORT": "8000", "SEED": "7"}
    assert set(env) == set(SIMULATOR_ENV_VARS)
    config = SimulatorConfig.from_sources(env=env)
    assert (config.model, config.gpu, config.precision.value, config.max_model_len, config.seed) == \
        ("meta-llama/Llama-3.3-70B-Instruct", "H200", "fp8", 4096, 7)
    with SimulatorProcess(config, log_path=tmp_path / "sim.log") as sim:  # port replaced by a free one
        assert _generate(sim.base_url, "meta-llama/Llama-3.3-70B-Instruct")["model"] == env["MODEL_NAME"]


def test_flags_win_over_environment():
    config = SimulatorConfig.from_sources({"gpu": "L4", "port": None}, env={"GPU_TYPE": "H100", "MODEL_NAME": MODEL,
                                                                           "PORT": "9000"})
    assert (config.gpu, config.port, config.model) == ("L4", 9000, MODEL)


def test_manifest_variables_are_all_read():
    assert set(SIMULATOR_ENV_VARS) <= set(ENV_VARS.values())


def test_cli_and_module_take_the_same_options():
    """``compass simulate`` (typer) and ``python -m simulator.server`` (the image's entry point) agree."""
    app = typer.Typer(add_completion=False)
    app.command()(simulate)
    cli_options = {o for p in typer.main.get_command(app).params for o in (*p.opts, *getattr(p, "secondary_opts", ()))
                   if o.startswith("--")}
    module_options = {o for a in build_parser()._actions for o in a.option_strings if o != "--help"} - {"-h"}
    assert cli_options == module_options
    assert parse_args(["--model", MODEL, "--gpu", "L4", "--tp", "2"]).tensor_parallel == 2


def test_cli_reports_bad_configuration():
    runner = pytest.importorskip("typer.testing").CliRunner()
    app = typer.Typer()
    app.command()(simulate)
    # Llama 3.1 8B at its full 128k context does not fit an L4's KV cache: asked for explicitly, vLLM would refuse
    # to start, and so does the simulator, naming the longest length that fits (without the option it starts
    # with that length: tests/simulator/test_config.py)
    result = runner.invoke(app, ["--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--port", "1",
                                 "--max-model-len", "131072"])
    assert result.exit_code == 2
    assert "the longest that fits is --max-model-len" in result.output


def test_dockerfile_matches_the_project():
    text = (REPO / "Dockerfile.simulator").read_text()
    assert text.splitlines()[-1] == 'ENTRYPOINT ["compass", "simulate"]'
    assert f"USER {SIMULATOR_UID}:{SIMULATOR_UID}" in text
    assert "FROM python:3.11-slim" in text
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["version"] == COMPASS_VERSION
    pinned = {re.split(r"[\[=]", d)[0].lower(): d.split("==")[1] for d in project["dependencies"]}
    for name, version in re.findall(r'"?([A-Za-z][\w.-]*)(?:\[\w+\])?==([\w.]+)"?', text):
        expected = pinned.get(name.lower()) or metadata.version(name)  # not pinned directly: what runs here
        assert version == expected, f"{name}=={version} in the image, {expected} in the project"


def test_the_image_entry_point_refuses_a_bad_setting_in_one_line(monkeypatch, capsys):
    """`python -m simulator.server` (the container) on a bad variable: exit 2 and one line naming the field, as
    `compass simulate` says it, not pydantic's multi-line report."""
    from simulator.server.__main__ import main

    for var, value in {"MODEL_NAME": MODEL, "GPU_TYPE": "L4", "KV_CACHE_DTYPE": "bogus"}.items():
        monkeypatch.setenv(var, value)
    assert main(["--port", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: invalid kv_cache_dtype: Input should be 'auto' or 'fp8'", err
