"""Run suites: every scenario in a fresh session on the configured brain, its turns in order, then the checks.

Scenarios run in parallel threads, each with its own session on one shared AgentService (the sessions live in
the database, so nothing is shared between them but the connection pool). The offline brain is CPU-bound, so
two at a time is enough; LLM brains mostly wait on the network, so more run at once.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import structlog

from agent.session_service import AgentService, NoPendingApprovalError
from evals.checks import Check, Observed, run_checks
from evals.judge import judge_available, judge_reply
from evals.report import Report, ScenarioResult, TurnRecord
from evals.scenario import Approval, Scenario, Suite
from knowledge.base import KnowledgeBase
from tools import deploy_path

log = structlog.get_logger(__name__)
OWNER = "compass-eval"
OFFLINE_WORKERS = 2
LLM_WORKERS = 8


def default_workers(llm: str) -> int:
    return OFFLINE_WORKERS if llm.strip() == "offline" else LLM_WORKERS


def deploy_unavailable(deploy_target: str) -> str | None:
    """Why deploying cannot work from here (tools/deploy_path.py ``available``), or None when it can."""
    return deploy_path.available(deploy_target)


def _label(turn: str | Approval) -> str:
    return f"{{approve: {'true' if turn.approve else 'false'}}}" if isinstance(turn, Approval) else turn


class Runner:
    def __init__(self, service: AgentService, *, llm: str, judge: bool = True, keep_sessions: bool = False):
        self.service, self.llm, self.keep_sessions = service, llm, keep_sessions
        self.judge = judge and judge_available(llm)
        self.deploy_reason = deploy_unavailable(service.defaults.deploy_target)

    def skip_reason(self, sc: Scenario) -> str | None:
        if "deploy" in sc.requires and self.deploy_reason:
            return f"deploy target unavailable ({self.deploy_reason})"
        return None

    def run_scenario(self, suite: str, sc: Scenario) -> ScenarioResult:
        reason = self.skip_reason(sc)
        if reason:
            return ScenarioResult(id=sc.id, suite=suite, passed=False, skipped=True, skip_reason=reason,
                                  tags=sc.tags, bug=sc.bug)
        sid = self.service.create_session(OWNER, title=f"eval {suite}/{sc.id}").id
        try:
            started = time.perf_counter()
            transcript, last, error = self._converse(sc, sid)
            elapsed = time.perf_counter() - started
            checks = self._check(sc, sid, transcript, last, error)
        finally:
            if not self.keep_sessions:
                self._stop_local_deployment(sid)
                self.service.delete_session(sid, OWNER)
        return ScenarioResult(id=sc.id, suite=suite, passed=all(c.passed for c in checks), checks=checks,
                              transcript=transcript, latency_s=elapsed, tags=sc.tags, bug=sc.bug)

    def _stop_local_deployment(self, sid) -> None:
        """A scenario that approved a local deployment leaves no simulator processes behind it."""
        dep = self.service.view(sid, OWNER).state.deployment
        if dep is not None and dep.target == "local" and dep.deployment_id:
            deploy_path.stop_local(dep.deployment_id, self.service.defaults.allowed_namespaces)

    def _converse(self, sc: Scenario, sid) -> tuple[list[TurnRecord], str, str | None]:
        """Send the turns in order; stop at the first that fails. Returns (transcript, last reply, error)."""
        svc, transcript, last = self.service, [], ""
        for i, turn in enumerate(sc.turns, 1):
            t0 = time.perf_counter()
            try:
                r = svc.approve(sid, OWNER, turn.approve) if isinstance(turn, Approval) else svc.turn(sid, OWNER, turn)
            except NoPendingApprovalError:
                return transcript, last, f"turn {i} {_label(turn)}: no deployment was waiting for approval"
            except Exception as exc:  # noqa: BLE001 - a crashing turn fails the scenario, not the run
                log.warning("eval_turn_failed", scenario=sc.id, turn=i, error=repr(exc))
                return transcript, last, f"turn {i} raised {type(exc).__name__}: {exc}"
            transcript.append(TurnRecord(user=_label(turn), reply=r.reply, stage=r.stage,
                                         latency_s=time.perf_counter() - t0))
            last = r.reply
        return transcript, last, None

    def _check(self, sc: Scenario, sid, transcript: list[TurnRecord], last: str, error: str | None) -> list[Check]:
        try:
            view = self.service.view(sid, OWNER)
        except Exception as exc:  # noqa: BLE001 - an unreadable session fails this scenario only
            return [Check(kind="error", name="conversation", passed=False,
                          detail=f"the session could not be read back: {type(exc).__name__}: {exc}")]
        seen = Observed(state=view.state, last_reply=last, pending_approval=view.pending_approval, error=error)
        checks = run_checks(sc.expect, seen)
        if sc.expect.rubric and self.judge:
            checks.append(judge_reply(self.llm, sc.expect.rubric, transcript))
        return checks


def select(suites: Sequence[Suite], only: Sequence[str] = (), sample: float = 1.0) -> list[tuple[str, Scenario]]:
    """(suite name, scenario) pairs; ``only`` keeps ids containing any of the given substrings or tags; ``sample``
    keeps that fraction of them, the same ones on every run (chosen by a hash of suite and id, so a scenario is in or
    out whatever else the suite holds): a quicker run that still covers every suite."""
    pairs = [(s.name, sc) for s in suites for sc in s.scenarios]
    if only:
        pairs = [(n, sc) for n, sc in pairs if any(o in sc.id or o in sc.tags for o in only)]
    if sample < 1.0:
        pairs = [(n, sc) for n, sc in pairs if in_sample(n, sc.id, sample)]
    return pairs


def in_sample(suite: str, scenario_id: str, fraction: float) -> bool:
    digest = hashlib.sha256(f"{suite}/{scenario_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") < fraction * 2 ** 32


def run_suites(suites: Sequence[Suite], kb: KnowledgeBase, *, llm: str = "offline", workers: int | None = None,
               deploy_target: str = "local", only: Sequence[str] = (), judge: bool = True,
               keep_sessions: bool = False, sample: float = 1.0,
               progress: Callable[[ScenarioResult], None] | None = None) -> Report:
    workers = max(1, workers or default_workers(llm))
    pairs = select(suites, only, sample)
    service = AgentService(kb, llm=llm, deploy_target=deploy_target, pool_max=workers + 2)
    started = time.perf_counter()
    try:
        runner = Runner(service, llm=llm, judge=judge, keep_sessions=keep_sessions)

        def one(pair: tuple[str, Scenario]) -> ScenarioResult:
            result = runner.run_scenario(*pair)
            if progress:
                progress(result)
            return result

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="eval") as pool:
            results = list(pool.map(one, pairs))
    finally:
        service.close()
    return Report(suites=[s.name for s in suites], llm=llm, workers=workers, scenarios=results, sample=sample,
                  wall_s=time.perf_counter() - started)
