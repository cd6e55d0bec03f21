"""The agent's bridge to ``k8s/``: preview (render + validate), apply after approval, validate a deployment."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field

from agent.context import AgentContext
from agent.state import Deployment
from knowledge.domain import DeploymentOutcome, DeploymentSpec, Recommendation
from knowledge.errors import CompassError


class DeployPreview(BaseModel):
    name: str
    namespace: str
    target: str
    summary: list[str]
    objects: int
    yaml: str
    problems: list[str] = Field(default_factory=list)


class DeploymentUnavailableError(CompassError):
    pass


_NOT_YET = ("Deploying is not available in this build yet: the Kubernetes manifests and the local simulator "
            "target are still being built. Nothing was deployed.")


def preview(rec: Recommendation, spec: DeploymentSpec, option: int, ctx: AgentContext) -> DeployPreview:
    raise DeploymentUnavailableError(_NOT_YET)


def apply(dep: Deployment, rec: Recommendation, spec: DeploymentSpec, ctx: AgentContext,
          progress: Callable[[str], None]) -> Deployment:
    raise DeploymentUnavailableError(_NOT_YET)


def validate(dep: Deployment, rec: Recommendation, spec: DeploymentSpec, ctx: AgentContext,
             progress: Callable[[str], None]) -> DeploymentOutcome:
    raise DeploymentUnavailableError(_NOT_YET)


def report_text(outcome: DeploymentOutcome) -> str:
    raise DeploymentUnavailableError(_NOT_YET)
