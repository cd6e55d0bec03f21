"""The session service opens without the agent's graph: listing or deleting sessions (`compass sessions list`) needs
only their rows and checkpoints, and the graph's import (the offline reader's patterns) was most of a process's start
(6 s of a 7 s `compass sessions list` here)."""

from __future__ import annotations

import subprocess
import sys


def test_the_session_service_imports_no_reader_until_a_turn_needs_the_graph():
    code = ("import sys, agent.session_service; "
            "sys.exit(1 if 'agent.offline.parser' in sys.modules or 'agent.graph' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0
