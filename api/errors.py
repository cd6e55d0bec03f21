"""Every error as JSON ``{"error": {"type", "message"}}`` with the right status; never a traceback."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
import psycopg
from psycopg_pool import PoolTimeout
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent.session_service import NoPendingApprovalError, SessionNotFoundError, SessionTooLargeError
from knowledge.catalog import UnknownNameError
from knowledge.domain.problems import field_problems
from knowledge.errors import CompassError, DatabaseUnavailableError
from knowledge.store.database import first_line

log = structlog.get_logger(__name__)


# FastAPI answers a body it cannot decode (not UTF-8) with this bare 400 detail; we say what to send instead.
_UNPARSABLE_BODY = "There was an error parsing the body"


# The errors section of the API documentation (the OpenAPI description): which status each error type has.
API_ERRORS = """
**Errors.** Every error is `{"error": {"type", "message"}}`; the type fixes the status:

* `invalid_request` (422): the body does not match the schema of `/openapi.json` (a field missing, of the wrong
  type or out of range); `problems` names each invalid field, all of them at once.
* `bad_request` (400): the body matches the schema (or is not JSON at all) but cannot be served as asked: a rule
  the schema cannot state (a vLLM release the engine does not know, values that cannot go together, a rate given
  two ways; `problems` lists them), a plan that cannot be made, a body that is not JSON or not UTF-8.
* `unknown_name` (400): a model, GPU or use case the catalog does not know, or a name several GPUs fit;
  `suggestions` are the closest names or the candidates.
* `unauthorized` (401), `not_found` (404), `conflict` (409), `too_large` (413), `rate_limited` (429, Retry-After),
  `unavailable` (503), `internal` (500).
"""


class ErrorDetail(BaseModel):
    type: str = Field(description="machine-readable kind: invalid_request, not_found, conflict, unknown_name, "
                                  "bad_request, unauthorized, too_large, rate_limited, unavailable, internal")
    message: str = Field(min_length=1, description="what is wrong and what to do about it, in words")
    problems: list[str] | None = Field(default=None, description="invalid_request (and a bad_request of values that "
                                                                  "cannot go together): one line per invalid field")
    suggestions: list[str] | None = Field(default=None, description="unknown_name: the closest known names")


class ErrorBody(BaseModel):
    """Every error response: ``{"error": {"type", "message"}}``."""

    error: ErrorDetail


def _documented(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


# OpenAPI ``responses`` for the errors any authenticated endpoint can answer with.
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _documented("bad_request or unknown_name: well-formed but not servable as asked (unknown names, no use "
                     "case, values that cannot go together), or a body that is not JSON"),
    401: _documented("An API key is required (always beyond localhost; everywhere once keys are configured)"),
    413: _documented("The request body is larger than COMPASS_API_MAX_BODY_BYTES"),
    422: _documented("invalid_request: the body does not match the schema; `problems` names each invalid field"),
    429: {**_documented("Rate limit exceeded; the Retry-After header says when to try again"),
          "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}},
    503: {**_documented("The database is unreachable, or every connection stayed busy (Retry-After)"),
          "headers": {"Retry-After": {"description": "seconds to wait (when busy)", "schema": {"type": "integer"}}}},
}
SESSION_ERRORS: dict[int | str, dict[str, Any]] = {
    **COMMON_ERRORS,
    404: _documented("No such session for this user (another user's session looks exactly like a missing one)"),
}


def error_body(kind: str, message: str, **extra) -> dict:
    return {"error": {"type": kind, "message": message, **extra}}


def _problems(errors: list[dict]) -> list[str]:
    return [p.replace("input: ", "body: ", 1) if p.startswith("input: ") else p for p in field_problems(errors)]


def _not_json(errors: list[dict]) -> str | None:
    """What is wrong with a body that is not JSON at all, in words (FastAPI reports it as a field error at the
    character position: "0: JSON decode error")."""
    for err in errors:
        if err.get("type") == "json_invalid":
            reason = (err.get("ctx") or {}).get("error") or "it cannot be decoded"
            loc = tuple(err.get("loc", ()))
            at = f" at character {loc[1]}" if len(loc) > 1 and isinstance(loc[1], int) else ""
            return f"The body is not valid JSON: {reason}{at}. Send a JSON object (Content-Type: application/json)."
    return None


def _beyond_schema(error: dict) -> bool:
    """A rule of Compass's own (a validator's ValueError: a vLLM release it knows, values that cannot go together),
    which the JSON Schema cannot state: the body matched /openapi.json, Compass cannot serve it as asked."""
    return error.get("type") == "value_error"


def _unparsable(cause: BaseException | None) -> str:
    """Why FastAPI could not parse a body (it keeps the reason as the exception's cause), said to the client."""
    if isinstance(cause, RecursionError):
        return "The request body is nested too deeply to read; send a flatter JSON document."
    if isinstance(cause, ValueError) and "digits" in str(cause):
        return f"A number in the request body has too many digits ({cause}); send numbers of sensible size."
    return "The request body could not be read: send JSON encoded as UTF-8."


_HTTP_KINDS = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "too_large",
               429: "rate_limited"}


def install(app: FastAPI) -> None:
    @app.exception_handler(SessionNotFoundError)
    async def _not_found(_r: Request, exc: SessionNotFoundError):
        return JSONResponse(error_body("not_found", str(exc)), status_code=404)

    @app.exception_handler(NoPendingApprovalError)
    async def _conflict(_r: Request, exc: NoPendingApprovalError):
        return JSONResponse(error_body("conflict", str(exc)), status_code=409)

    @app.exception_handler(SessionTooLargeError)
    async def _full(_r: Request, exc: SessionTooLargeError):
        return JSONResponse(error_body("too_large", str(exc)), status_code=413)

    @app.exception_handler(UnknownNameError)
    async def _unknown(_r: Request, exc: UnknownNameError):
        return JSONResponse(error_body("unknown_name", str(exc), suggestions=exc.suggestions), status_code=400)

    @app.exception_handler(DatabaseUnavailableError)
    async def _db(_r: Request, exc: DatabaseUnavailableError):
        return JSONResponse(error_body("unavailable", str(exc)), status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(psycopg.OperationalError)
    async def _db_lost(request: Request, exc: psycopg.OperationalError):
        # the server went away mid-request (killed, restarted, out of disk, shutting down): say so in a line
        log.warning("database_operational_error", path=request.url.path, error=first_line(exc))
        return JSONResponse(error_body("unavailable", f"The database could not complete the request: "
                                                      f"{first_line(exc)}. Retry shortly."),
                            status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(psycopg.Error)
    async def _db_error(request: Request, exc: psycopg.Error):
        code = getattr(exc, "sqlstate", None) or "no SQLSTATE"
        log.error("database_error", path=request.url.path, sqlstate=code, error=first_line(exc))
        return JSONResponse(error_body("internal", f"The database refused the request ({code}): {first_line(exc)}"),
                            status_code=500)

    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, exc: PoolTimeout):
        log.warning("database_pool_exhausted", path=request.url.path, error=str(exc))
        return JSONResponse(error_body("unavailable", "The server is busy: no database connection became free in "
                                                      "time. Retry shortly; nothing was changed."),
                            status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(CompassError)
    async def _compass(_r: Request, exc: CompassError):
        return JSONResponse(error_body("bad_request", str(exc)), status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_r: Request, exc: RequestValidationError):
        # The rule (API_ERRORS): invalid_request is always 422, a body that does not match the schema; a body that
        # cannot be read, or that matches the schema but breaks a rule of Compass's own the schema cannot state
        # (a release it does not know, values that cannot go together), is a 400 bad_request.
        errors = list(exc.errors())
        if why := _not_json(errors):
            return JSONResponse(error_body("bad_request", why), status_code=400)
        problems = _problems(errors) or ["body: invalid"]
        if errors and all(_beyond_schema(e) for e in errors):
            return JSONResponse(error_body("bad_request", "; ".join(problems), problems=problems), status_code=400)
        return JSONResponse(error_body("invalid_request", "; ".join(problems), problems=problems), status_code=422)

    @app.exception_handler(ValidationError)
    async def _invalid_values(request: Request, exc: ValidationError):
        # A value that passed the request schema but not a domain model further in (e.g. a derived rate that
        # rounds to zero, half a concurrent user): the caller's input is at fault, so say which field, never a 500;
        # the schema allowed it, so it is a 400 like every other request that cannot be served as asked.
        log.warning("domain_validation_error", path=request.url.path, error=str(exc))
        problems = _problems(list(exc.errors())) or ["invalid value"]
        return JSONResponse(error_body("bad_request", "; ".join(problems), problems=problems), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_r: Request, exc: StarletteHTTPException):
        message = str(exc.detail)
        if exc.status_code == 400 and message == _UNPARSABLE_BODY:
            message = _unparsable(exc.__cause__)
        kind = "bad_request" if exc.status_code == 400 else _HTTP_KINDS.get(exc.status_code, "http_error")
        return JSONResponse(error_body(kind, message), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.error("unhandled_error", path=request.url.path, error_type=type(exc).__name__, error=str(exc))
        return JSONResponse(error_body("internal", f"Internal error ({type(exc).__name__}); the server log has "
                                                   "the details."), status_code=500)
