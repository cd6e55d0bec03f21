"""Structured logging for every Compass process (structlog over the standard library).

``COMPASS_LOG_LEVEL`` (default WARNING for the CLI, INFO for servers) and ``COMPASS_LOG_FORMAT`` (``console`` or
``json``). Secrets never reach the logs: known secret-bearing keys are masked before rendering.
"""

from __future__ import annotations

import logging
import os
import re
import sys

import structlog

from knowledge.secrets import redact

_SECRET_KEYS = re.compile(r"(token|password|secret|api_key|apikey|authorization|kubeconfig)", re.I)


def _mask_secrets(_logger, _method, event_dict):
    for key, value in list(event_dict.items()):
        if _SECRET_KEYS.search(key):
            event_dict[key] = "***"
        elif isinstance(value, str):
            event_dict[key] = redact(value)
    return event_dict


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is at the time of writing, not the stream that was current when logging
    was configured: test harnesses and some servers swap (and close) the stream they replaced."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(default_level: str = "WARNING") -> None:
    level_name = os.environ.get("COMPASS_LOG_LEVEL", default_level).upper()
    level = getattr(logging, level_name, logging.WARNING)
    as_json = os.environ.get("COMPASS_LOG_FORMAT", "console").lower() == "json"
    logging.basicConfig(level=level, stream=_CurrentStderr(), format="%(message)s", force=True)
    # httpx/httpcore log every request at INFO: a validation load test alone is a hundred lines of noise
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(max(level, logging.WARNING) if level > logging.DEBUG else level)
    renderer = structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.format_exc_info,  # a traceback is text too: masked like any other value
            _mask_secrets,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),
        cache_logger_on_first_use=False,
    )
