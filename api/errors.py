"""Every error as JSON ``{"error": {"type", "message"}}`` with the right status; never a traceback."""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent.service import NoPendingApprovalError, SessionNotFoundError
from knowledge.catalog import UnknownNameError
from knowledge.errors import CompassError, DatabaseUnavailableError

log = structlog.get_logger(__name__)


def error_body(kind: str, message: str, **extra) -> dict:
    return {"error": {"type": kind, "message": message, **extra}}


def install(app: FastAPI) -> None:
    @app.exception_handler(SessionNotFoundError)
    async def _not_found(_r: Request, exc: SessionNotFoundError):
        return JSONResponse(error_body("not_found", str(exc)), status_code=404)

    @app.exception_handler(NoPendingApprovalError)
    async def _conflict(_r: Request, exc: NoPendingApprovalError):
        return JSONResponse(error_body("conflict", str(exc)), status_code=409)

    @app.exception_handler(UnknownNameError)
    async def _unknown(_r: Request, exc: UnknownNameError):
        return JSONResponse(error_body("unknown_name", str(exc), suggestions=exc.suggestions), status_code=400)

    @app.exception_handler(DatabaseUnavailableError)
    async def _db(_r: Request, exc: DatabaseUnavailableError):
        return JSONResponse(error_body("unavailable", str(exc)), status_code=503)

    @app.exception_handler(CompassError)
    async def _compass(_r: Request, exc: CompassError):
        return JSONResponse(error_body("bad_request", str(exc)), status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_r: Request, exc: RequestValidationError):
        problems = []
        for err in exc.errors()[:10]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
            problems.append(f"{where}: {str(err.get('msg', 'invalid')).removeprefix('Value error, ')}")
        return JSONResponse(error_body("invalid_request", "; ".join(problems), problems=problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_r: Request, exc: StarletteHTTPException):
        return JSONResponse(error_body("http_error", str(exc.detail)), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.error("unhandled_error", path=request.url.path, error_type=type(exc).__name__, error=str(exc))
        return JSONResponse(error_body("internal", f"Internal error ({type(exc).__name__}); your session is intact."),
                            status_code=500)
