"""``python -m simulator.server [flags]``: the simulator without the Compass CLI (what the container image runs).

Same flags and environment variables as ``compass simulate``; see ``simulator.server.config.ENV_VARS``.
"""

from __future__ import annotations

import argparse
import sys

from pydantic import ValidationError

from knowledge.catalog import UnknownNameError
from knowledge.domain.problems import field_problems
from knowledge.logs import configure_logging
from simulator.server.config import ENV_VARS, ConfigurationError, SimulatorConfig
from simulator.server.process import run_server

_TYPES = {"tensor_parallel": int, "data_parallel": int, "max_num_seqs": int, "max_model_len": int, "port": int,
          "seed": int, "max_waiting": int, "max_num_batched_tokens": int, "jitter": float, "time_scale": float,
          "gpu_memory_utilization": float}
_FLAGS = {"tensor_parallel": "--tp", "data_parallel": "--dp", "expert_parallel": "--enable-expert-parallel"}
_SWITCHES = {"expert_parallel", "async_scheduling"}  # --x / --no-x, as vLLM's own flags


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulator.server",
                                     description="A GPU-free vLLM: OpenAI API, vllm:* metrics, modelled timing.")
    for name, var in ENV_VARS.items():
        flag = _FLAGS.get(name, "--" + name.replace("_", "-"))
        if name in _SWITCHES:
            parser.add_argument(flag, dest=name, action=argparse.BooleanOptionalAction, default=None,
                                help=f"(env {var})")
        else:
            parser.add_argument(flag, dest=name, type=_TYPES.get(name, str), default=None, help=f"(env {var})")
    return parser


def parse_args(argv: list[str]) -> SimulatorConfig:
    return SimulatorConfig.from_sources(vars(build_parser().parse_args(argv)))


def main(argv: list[str] | None = None) -> int:
    configure_logging("INFO")
    try:
        config = parse_args(sys.argv[1:] if argv is None else argv)
        run_server(config)
    except ValidationError as exc:  # a bad flag or variable: one line naming every field, as `compass simulate` says it
        print("error: invalid " + "; ".join(field_problems(exc.errors(), skip=())), file=sys.stderr)
        return 2
    except (UnknownNameError, ConfigurationError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
