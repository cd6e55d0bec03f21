"""Per-scenario results, the aggregate scores, and the report as text or JSON."""

from __future__ import annotations

from statistics import mean
from typing import Any

from pydantic import BaseModel, Field

from evals.checks import Check


class TurnRecord(BaseModel):
    user: str
    reply: str
    stage: str
    latency_s: float


class ScenarioResult(BaseModel):
    id: str
    suite: str
    passed: bool
    skipped: bool = False
    skip_reason: str | None = None
    checks: list[Check] = Field(default_factory=list)
    transcript: list[TurnRecord] = Field(default_factory=list)
    latency_s: float = 0.0
    tags: list[str] = Field(default_factory=list)
    bug: str | None = None

    @property
    def failures(self) -> list[str]:
        return [f"{c.name}: {c.detail}" if c.detail else c.name for c in self.checks if not c.passed]

    @property
    def turns(self) -> int:
        return len(self.transcript)

    def count(self, *kinds: str, passed: bool | None = None) -> int:
        return sum(1 for c in self.checks if c.kind in kinds and (passed is None or c.passed == passed))

    @property
    def tools_matched(self) -> bool | None:
        tool_checks = [c for c in self.checks if c.kind == "tools"]
        return tool_checks[0].passed if tool_checks else None

    def as_json(self, transcript: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "suite": self.suite, "passed": self.passed, "skipped": self.skipped,
            "skip_reason": self.skip_reason, "failures": self.failures, "turns": self.turns,
            "latency_s": round(self.latency_s, 3), "turn_latencies_s": [round(t.latency_s, 3) for t in self.transcript],
            "checks": {"passed": self.count(*KINDS, passed=True), "total": self.count(*KINDS)},
            "spec_fields": {"correct": self.count("spec", passed=True), "expected": self.count("spec")},
            "recommendation_checks": {"passed": self.count("recommendation", passed=True),
                                      "total": self.count("recommendation")},
            "tools_matched": self.tools_matched, "tags": self.tags,
        }
        if self.bug:
            out["bug"] = self.bug
        if transcript:
            out["transcript"] = [t.model_dump() for t in self.transcript]
        return out


KINDS = ("spec", "asked", "not_asked", "stage", "recommendation", "tools", "not_tools", "reply", "deployment",
         "pending_approval", "comparison", "rubric", "error")


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


class Report(BaseModel):
    suites: list[str]
    llm: str
    workers: int
    wall_s: float = 0.0
    sample: float = 1.0  # the fraction of each suite run (runner.select)
    scenarios: list[ScenarioResult] = Field(default_factory=list)

    @property
    def ran(self) -> list[ScenarioResult]:
        return [s for s in self.scenarios if not s.skipped]

    @property
    def pass_rate(self) -> float:
        return sum(s.passed for s in self.ran) / len(self.ran) if self.ran else 0.0

    def _sum(self, *kinds: str, passed: bool | None = None) -> int:
        return sum(s.count(*kinds, passed=passed) for s in self.ran)

    @property
    def field_accuracy(self) -> float:
        return _ratio(self._sum("spec", passed=True), self._sum("spec"))

    @property
    def clarification_precision(self) -> float:
        """Of the expectation-relevant fields the agent asked about, the share it should have asked."""
        tp, fp = self._sum("asked", passed=True), self._sum("not_asked", passed=False)
        return _ratio(tp, tp + fp)

    @property
    def clarification_recall(self) -> float:
        """Of the fields it should have asked about, the share it did ask."""
        return _ratio(self._sum("asked", passed=True), self._sum("asked"))

    def scores(self) -> dict[str, Any]:
        ran = self.ran
        tools = [s.tools_matched for s in ran if s.tools_matched is not None]
        return {
            "pass_rate": round(self.pass_rate, 4),
            "field_accuracy": round(self.field_accuracy, 4),
            "clarification_precision": round(self.clarification_precision, 4),
            "clarification_recall": round(self.clarification_recall, 4),
            "recommendation_checks": {"passed": self._sum("recommendation", passed=True),
                                      "total": self._sum("recommendation")},
            "tool_trajectory_matches": {"matched": sum(tools), "total": len(tools)},
            "scenarios_total": len(self.scenarios), "scenarios_run": len(ran),
            "scenarios_passed": sum(s.passed for s in ran),
            "scenarios_skipped": len(self.scenarios) - len(ran),
            "turns_mean": round(mean(s.turns for s in ran), 2) if ran else 0.0,
            "latency_mean_s": round(mean(s.latency_s for s in ran), 3) if ran else 0.0,
            "latency_max_s": round(max((s.latency_s for s in ran), default=0.0), 3),
        }

    def by_suite(self) -> dict[str, dict[str, Any]]:
        """Each suite's own scores, so one run over several suites reports each as a run of it alone would."""
        return {name: self.model_copy(update={"suites": [name],
                                              "scenarios": [s for s in self.scenarios if s.suite == name]}).scores()
                for name in self.suites}

    def as_json(self, transcript: bool = False) -> dict[str, Any]:
        return {**self.scores(), "llm": self.llm, "suites": self.suites, "workers": self.workers, "sample": self.sample,
                "wall_s": round(self.wall_s, 2), "by_suite": self.by_suite(),
                "scenarios": [s.as_json(transcript) for s in self.scenarios]}


def render_text(report: Report, *, transcript: bool = False) -> str:
    sampled = f", the same {report.sample:.0%} of each suite every run" if report.sample < 1 else ""
    lines = [f"Suites {', '.join(report.suites)} on the {report.llm} brain "
             f"({len(report.scenarios)} scenarios{sampled}, {report.workers} in parallel)", ""]
    width = max((len(s.id) for s in report.scenarios), default=10)
    for s in report.scenarios:
        if s.skipped:
            lines.append(f"SKIP {s.id:<{width}}  skipped: {s.skip_reason}")
            continue
        lines.append(f"{'PASS' if s.passed else 'FAIL'} {s.id:<{width}}  {s.turns} turn(s), {s.latency_s:5.2f} s")
        lines += [f"       - {f}" for f in s.failures]
        if transcript:
            lines += _transcript_lines(s)
    sc = report.scores()
    rec, tools = sc["recommendation_checks"], sc["tool_trajectory_matches"]
    lines += ["", f"pass rate {sc['pass_rate']:.1%} ({sc['scenarios_passed']}/{sc['scenarios_run']}"
                  + (f", {sc['scenarios_skipped']} skipped" if sc["scenarios_skipped"] else "") + ")",
              f"spec field accuracy {sc['field_accuracy']:.1%}",
              f"clarification precision {sc['clarification_precision']:.1%}, recall {sc['clarification_recall']:.1%}",
              f"recommendation checks passed {rec['passed']}/{rec['total']}",
              f"tool trajectory matches {tools['matched']}/{tools['total']}",
              f"turns per scenario {sc['turns_mean']:.1f} on average; latency {sc['latency_mean_s']:.2f} s per "
              f"scenario on average, {sc['latency_max_s']:.2f} s at most; wall time {report.wall_s:.1f} s"]
    return "\n".join(lines)


def _transcript_lines(s: ScenarioResult, limit: int = 1200) -> list[str]:
    out = []
    for i, t in enumerate(s.transcript, 1):
        out.append(f"       [{i}] user: {t.user}")
        reply = t.reply if len(t.reply) <= limit else t.reply[:limit] + " ..."
        out += [f"           agent ({t.stage}, {t.latency_s:.2f} s): " + (reply.splitlines() or [""])[0]]
        out += [f"             {line}" for line in reply.splitlines()[1:]]
    return out
