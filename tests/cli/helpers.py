"""Run the real ``compass`` console script in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

COMPASS = shutil.which("compass") or str(Path(sys.executable).parent / "compass")


def run_compass(*args: str, env: dict[str, str] | None = None, timeout: float = 120,
                input: str | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "COLUMNS": "80", **(env or {})}  # a narrow terminal or a pipe
    return subprocess.run([COMPASS, *args], capture_output=True, text=True, env=full_env, timeout=timeout,
                          input=input)


def assert_clean_error(proc: subprocess.CompletedProcess) -> None:
    """A failure says what is wrong in a line or two, never with a Python traceback."""
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.strip(), "an error needs a message"
