"""The typed state of a Compass conversation, checkpointed in PostgreSQL after every step.

Everything a front end or an eval needs is structured here: the spec and where each value came from, the
stage, every clarifying question (with the spec fields it was about), every tool run, the plan, the options
the user looked at, and the deployment with its approval state.
"""

from __future__ import annotations

import operator
from enum import StrEnum
from typing import Annotated, Any, Literal

from langchain_core.messages import AnyMessage
from pydantic import BaseModel, Field, model_validator

from agent.acts import Reading, SetField
from agent.redaction import redacted_messages
from agent.spec_update import Change
from k8s.bundle import ManifestBundle
from knowledge.domain import DeploymentOutcome, DeploymentSpec, SimilarDeployment
from tools.planner import PlanResult
from tools.whatif import Comparison


class Stage(StrEnum):
    CONTEXT = "context"
    CLARIFICATION = "clarification"
    RECOMMEND = "recommend"
    EXPLORE = "explore"
    DEPLOY = "deploy"
    VALIDATE = "validate"


class Question(BaseModel):
    turn: int
    fields: list[str] = Field(description="spec fields the question is about")
    text: str
    default: dict[str, Any] = Field(default_factory=dict, description="what is assumed if the user does not know")


class ToolRun(BaseModel):
    turn: int
    name: str
    args: dict[str, Any] = Field(default_factory=dict)
    ok: bool = True
    summary: str = ""
    elapsed_ms: float = 0.0


DeploymentStatus = Literal["awaiting_approval", "rejected", "applying", "applied", "failed", "validated", "stopped"]


class Deployment(BaseModel):
    option: int = Field(description="1-based rank of the recommendation deployed")
    target: str = Field(description="local, kserve, plain or simulator")
    namespace: str
    name: str
    status: DeploymentStatus
    summary: list[str] = Field(default_factory=list, description="what the manifests create, one line each")
    objects: int = 0
    bundle: ManifestBundle | None = Field(default=None, description="the manifests rendered when the deployment was "
                                          "requested: shown for approval and applied as they are, never re-rendered")
    digest: str | None = Field(default=None, description="the bundle's content digest, named in the approval")
    endpoint: str | None = None
    deployment_id: str | None = Field(default=None, description="local: what `compass deploy stop` takes")
    served_model: str | None = None
    time_scale: float = 1.0
    detail: str | None = None
    outcome: DeploymentOutcome | None = None


class SpecVersion(BaseModel):
    """The spec before one turn's change, so "undo that" can restore it."""

    turn: int
    spec: DeploymentSpec
    changes: list[Change] = Field(default_factory=list)


MAX_HISTORY = 20  # undo reaches back this many changes


def last(_old: Any, new: Any) -> Any:
    """Reducer of the fields tools write: the last write of a step wins (a brain may call tools in parallel)."""
    return new


class AgentState(BaseModel):
    # every message entering the state is redacted first (credentials never reach a checkpoint)
    messages: Annotated[list[AnyMessage], redacted_messages] = Field(default_factory=list)
    spec: Annotated[DeploymentSpec, last] = Field(default_factory=DeploymentSpec)
    stage: Annotated[Stage, last] = Stage.CONTEXT
    turn: int = 0
    questions: Annotated[list[Question], operator.add] = Field(default_factory=list)
    tool_runs: Annotated[list[ToolRun], operator.add] = Field(default_factory=list)
    plan: Annotated[PlanResult | None, last] = None
    selected_option: Annotated[int | None, last] = None
    comparison: Annotated[Comparison | None, last] = None
    deployment: Annotated[Deployment | None, last] = None
    similar: Annotated[list[SimilarDeployment], last] = Field(default_factory=list,
                                                              description="past outcomes like the plan")
    # this turn (replaced every turn): how the message was read and what it changed
    reading: Annotated[Reading | None, last] = None
    changes: Annotated[list[Change], last] = Field(default_factory=list, description="fields this turn changed")
    unchanged: Annotated[list[Change], last] = Field(default_factory=list,
                                                     description="values restated as they already were")
    turn_notes: Annotated[list[str], last] = Field(default_factory=list, description="this turn's warnings")
    spec_history: Annotated[list[SpecVersion], last] = Field(default_factory=list, description="for undo, oldest first")
    to_confirm: Annotated[list[SetField], last] = Field(default_factory=list,
                                                        description="readings asked back, applied on 'yes'")
    notices: Annotated[list[str], last] = Field(default_factory=list,
                                                description="one-time notices already given (e.g. LLM fallback)")
    declined: Annotated[list[str], last] = Field(
        default_factory=list, description="fields the user withdrew or does not know: answered, never asked again")
    reset_turn: Annotated[int, last] = Field(
        default=0, description="turn of the last 'start over': earlier questions no longer count")
    brain: str = "offline"
    fallback_turn: Annotated[int, last] = Field(
        default=0, description="turn in which the LLM failed: the offline brain finishes it")

    @model_validator(mode="before")
    @classmethod
    def _revive(cls, data: Any) -> Any:
        """Typed values a strict serde returned raw (see agent/serde.py revive_dates)."""
        if isinstance(data, dict) and isinstance(data.get("plan"), dict):
            from agent.serde import revive_dates

            data = {**data, "plan": revive_dates(PlanResult, data["plan"])}
        return data

    def asked_fields(self) -> set[str]:
        """Fields the agent asked about since the last start over."""
        return {f for q in self.questions if q.turn > self.reset_turn for f in q.fields}

    def settled_fields(self) -> set[str]:
        """Fields never to ask about again: already asked, or withdrawn / not known by the user."""
        return self.asked_fields() | set(self.declined)

    def last_question(self) -> Question | None:
        return self.questions[-1] if self.questions else None
