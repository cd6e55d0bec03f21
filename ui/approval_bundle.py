"""The manifests behind a pending approval, as a downloadable bundle (nothing is rendered or applied here)."""

from __future__ import annotations

from agent.session_service import AgentService


def manifest_bundle(service: AgentService, session_id, owner: str, pending: dict) -> str | None:
    """The YAML the approval is about: the payload carries the manifests rendered when the deployment was requested,
    the very ones approving applies (tools/deploy_path.py); None for a payload without them (the approval still works)."""
    return pending["yaml"] if isinstance(pending.get("yaml"), str) else None
