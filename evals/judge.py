"""Optional LLM-as-judge for reply quality (openevals), used only when the run has an LLM brain.

A scenario's ``rubric`` is one criterion for its last reply ("explains why no GPU meets a 5 ms TTFT and what
would"). The judge is the run's own chat model; with the offline brain rubrics are not judged (and not
counted), since there is no model to ask.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.brains import brain_for
from evals.checks import Check
from evals.report import TurnRecord

PROMPT = """You grade one reply of Compass, an assistant that sizes LLM deployments (model, GPUs, replicas, cost).

<conversation>
{inputs}
</conversation>

<reply>
{outputs}
</reply>

Criterion: {criterion}

Does the reply meet the criterion? Judge only the criterion, strictly."""


def judge_available(llm: str) -> bool:
    return getattr(brain_for(llm), "model", None) is not None


def judge_reply(llm: str, rubric: str, transcript: Sequence[TurnRecord]) -> Check:
    from openevals.llm import create_llm_as_judge

    model = getattr(brain_for(llm), "model", None)
    if model is None or not transcript:
        return Check(kind="rubric", name="rubric", passed=False, detail="no model or no reply to judge")
    conversation = "\n\n".join(f"user: {t.user}\nassistant: {t.reply}" for t in transcript[:-1])
    conversation += f"\n\nuser: {transcript[-1].user}"
    evaluator = create_llm_as_judge(prompt=PROMPT, judge=model, feedback_key="rubric")
    try:
        result = evaluator(inputs=conversation, outputs=transcript[-1].reply, criterion=rubric)
    except Exception as exc:  # noqa: BLE001 - a judge that fails is a failed check, not a crashed run
        return Check(kind="rubric", name="rubric", passed=False, detail=f"the judge failed: {type(exc).__name__}: {exc}")
    passed = bool(result.get("score"))
    return Check(kind="rubric", name="rubric", passed=passed,
                 detail="" if passed else f"judge: {str(result.get('comment') or '')[:300]}")
