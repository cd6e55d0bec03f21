"""The manifests behind a pending approval, as a downloadable bundle (rendering only: nothing is applied)."""

from __future__ import annotations

import structlog

from agent import deployer
from agent.context import AgentContext
from agent.service import AgentService
from knowledge.errors import CompassError

log = structlog.get_logger(__name__)


def manifest_bundle(service: AgentService, session_id, owner: str, pending: dict) -> str | None:
    """The YAML the approval is about, or None when it cannot be rendered (the approval still works)."""
    if isinstance(pending.get("yaml"), str):  # a payload that carries the manifests itself wins
        return pending["yaml"]
    try:
        state = service.view(session_id, owner).state
        option = int(pending.get("option") or 0)
        if state.plan is None or not 1 <= option <= len(state.plan.recommendations):
            return None
        d = service.defaults
        ctx = AgentContext(llm=d.llm, user=owner, deploy_target=d.deploy_target,
                           allowed_namespaces=d.allowed_namespaces, kb=service.kb)
        return deployer.preview(state.plan.recommendations[option - 1], state.spec, option, ctx).yaml
    except (CompassError, ValueError) as exc:
        log.info("manifest_bundle_unavailable", reason=str(exc))
        return None
