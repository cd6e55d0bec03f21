"""CI gate: the offline brain passes the core eval suite (evals/suites/core.yaml) at >= 90%.

Runs the whole suite on a fresh database, two scenarios at a time (CI has two cores; about a minute).
Failing scenarios are printed so a red run says which conversations broke and why.
"""

from __future__ import annotations

from evals.report import render_text
from evals.runner import run_suites
from tools import deploy_path
from evals.scenario import load_suite, packaged_suites

MIN_PASS_RATE = 0.9


def test_offline_brain_passes_the_core_suite(kb, fast_local):
    report = run_suites([load_suite(packaged_suites()["core"])], kb, llm="offline", workers=2)
    print(render_text(report))
    scores = report.scores()
    assert scores["scenarios_run"] >= 60
    assert report.pass_rate >= MIN_PASS_RATE, render_text(report)
    assert scores["field_accuracy"] >= 0.9 and scores["clarification_recall"] >= 0.9
    assert deploy_path.local_target(["compass", "default"]).list() == []  # approved scenarios cleaned up
