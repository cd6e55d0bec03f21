"""Modules import on their own, in a fresh interpreter: an import cycle hidden by the order the app happens to import
in (agent/offline reading tool names while the tools import agent/offline) breaks the first script or test that
imports a module first."""

from __future__ import annotations

import subprocess
import sys

import pytest

MODULES = ["agent.offline.reading", "agent.offline.namespace_answer", "agent.guards", "agent.tools.names",
           "agent.why_answers", "agent.graph"]


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_first(module):
    proc = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
