"""CI gate: the offline brain passes the dev half of the blind paraphrase suite (evals/suites/blind-dev.yaml) at
>= 90%.

The suite was written by people who never saw agent/ (phrasings not tuned to the parser). Only its dev half is
developed against and gated here; the held-out half is run and reported by the lead, never here.
"""

from __future__ import annotations

from evals.report import render_text
from evals.runner import run_suites
from evals.scenario import load_suite, packaged_suites
from tools import deploy_path

MIN_PASS_RATE = 0.9


def test_offline_brain_passes_the_blind_dev_suite(kb, fast_local):
    report = run_suites([load_suite(packaged_suites()["blind-dev"])], kb, llm="offline", workers=2)
    print(render_text(report))
    scores = report.scores()
    assert scores["scenarios_run"] >= 150
    assert report.pass_rate >= MIN_PASS_RATE, render_text(report)
    assert scores["field_accuracy"] >= 0.9
    assert deploy_path.local_target(["compass", "default"]).list() == []  # approved scenarios cleaned up
