"""Sessions, messages (JSON or Server-Sent Events) and deployment approvals."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field, StrictBool
from sse_starlette.sse import EventSourceResponse

from agent.session_service import AgentService, TurnEvent, TurnResult
from api.deps import get_service
from api.errors import COMMON_ERRORS, SESSION_ERRORS, ErrorBody
from api.security import rate_limited_user
from knowledge.domain import DeploymentSpec
from knowledge.errors import CompassError
from knowledge.store.database import first_line
from knowledge.store.sessions_repo import SessionRecord

router = APIRouter(prefix="/v1/sessions", tags=["sessions"], responses=COMMON_ERRORS)

# OpenAPI links: what a client (or a stateful fuzzer) can do with a session it has just created.
_SESSION_ID = {"session_id": "$response.body#/id"}
SESSION_LINKS = {
    "GetSession": {"operationId": "get_session", "parameters": _SESSION_ID},
    "PostMessage": {"operationId": "post_message", "parameters": _SESSION_ID},
    "PostApproval": {"operationId": "post_approval", "parameters": _SESSION_ID},
    "DeleteSession": {"operationId": "delete_session", "parameters": _SESSION_ID},
}
_NOT_FOUND = {404: SESSION_ERRORS[404]}
# A session id is a UUID; any other string is answered like an unknown session (404), so it stays a string.
SessionId = Annotated[str, Path(description="the session's id (a UUID)", json_schema_extra={"format": "uuid"})]


class CreateSession(BaseModel):
    title: str | None = Field(default=None, max_length=200)


class MessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=100_000, description="what the user says")


class ApprovalIn(BaseModel):
    # strict: 1, "on", "y" or "true" are not a decision to deploy anything
    approve: StrictBool = Field(description="true approves the pending deployment, false rejects it (JSON booleans "
                                            "only)")


class SessionDetail(BaseModel):
    session: SessionRecord
    stage: str
    spec: DeploymentSpec
    plan: dict[str, Any] | None
    deployment: dict[str, Any] | None
    pending_approval: dict[str, Any] | None
    questions: list[dict[str, Any]]
    tools: list[str]
    messages: list[dict[str, str]]


def _wants_stream(request: Request, stream: bool) -> bool:
    return stream or "text/event-stream" in request.headers.get("accept", "")


def _sse(events: Iterator[TurnEvent]):
    def gen():
        try:
            for e in events:
                yield {"event": e.event, "data": json.dumps(e.data, default=str)}
        except CompassError as exc:  # the stream reports the failure instead of dropping silently
            yield {"event": "error", "data": json.dumps({"message": str(exc)})}
        except Exception as exc:  # noqa: BLE001
            yield {"event": "error", "data": json.dumps({"message": f"{type(exc).__name__}: {first_line(exc)}"})}
    return EventSourceResponse(gen())


@router.post("", status_code=201, response_model=SessionRecord, operation_id="create_session",
             responses={201: {"description": "The new session", "links": SESSION_LINKS}})
def create_session(body: CreateSession | None = None, user: str = Depends(rate_limited_user),
                   service: AgentService = Depends(get_service)) -> SessionRecord:
    return service.create_session(user, body.title if body else None)


@router.get("", response_model=list[SessionRecord], operation_id="list_sessions")
def list_sessions(user: str = Depends(rate_limited_user), service: AgentService = Depends(get_service)):
    return service.list_sessions(user)


@router.get("/{session_id}", response_model=SessionDetail, operation_id="get_session", responses=_NOT_FOUND)
def get_session(session_id: SessionId, user: str = Depends(rate_limited_user),
                service: AgentService = Depends(get_service)) -> SessionDetail:
    view = service.view(session_id, user)
    s = view.state
    return SessionDetail(
        session=view.session, stage=s.stage.value, spec=s.spec,
        plan=s.plan.model_dump(mode="json") if s.plan else None,
        deployment=s.deployment.model_dump(mode="json") if s.deployment else None,
        pending_approval=view.pending_approval, questions=[q.model_dump() for q in s.questions],
        tools=[t.name for t in s.tool_runs], messages=view.messages)


@router.delete("/{session_id}", status_code=204, operation_id="delete_session", responses=_NOT_FOUND)
def delete_session(session_id: SessionId, user: str = Depends(rate_limited_user),
                   service: AgentService = Depends(get_service)) -> Response:
    service.delete_session(session_id, user)
    return Response(status_code=204)


@router.post("/{session_id}/messages", response_model=TurnResult, operation_id="post_message",
             responses={200: {"content": {"text/event-stream": {}}}, **_NOT_FOUND})
def post_message(session_id: SessionId, body: MessageIn, request: Request, stream: bool = False,
                 user: str = Depends(rate_limited_user), service: AgentService = Depends(get_service)):
    """Send a message; the reply as JSON, or as Server-Sent Events with ?stream=true / Accept: text/event-stream."""
    if _wants_stream(request, stream):
        # the first event is taken here, so an unknown session (404) or a full one (413) is answered before
        # the stream starts
        events = service.send(session_id, user, body.text)
        first = next(events)
        return _sse(itertools.chain([first], events))
    return service.turn(session_id, user, body.text)


@router.post("/{session_id}/approval", response_model=TurnResult, operation_id="post_approval",
             responses={200: {"content": {"text/event-stream": {}}}, **_NOT_FOUND,
                        409: {"model": ErrorBody, "description": "No deployment is waiting for approval"}})
def post_approval(session_id: SessionId, body: ApprovalIn, request: Request, stream: bool = False,
                  user: str = Depends(rate_limited_user), service: AgentService = Depends(get_service)):
    """Approve or reject the pending deployment (the only way a deployment is approved).

    An approval applies the deployment and then validates it with a load test against the SLOs. As JSON the answer
    comes when both are done (tens of seconds); with ?stream=true or Accept: text/event-stream each step streams as
    it happens, and the record is kept even if the client goes away."""
    if _wants_stream(request, stream):
        # begin_decision() returns once the decision holds the session lock with an approval pending there, so
        # 404 and 409 are answered before the stream starts; then apply and validation progress streams live
        return _sse(service.begin_decision(session_id, user, body.approve))
    return service.approve(session_id, user, body.approve)
