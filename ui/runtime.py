"""Process-wide pieces of the web UI: where Chainlit finds its files, the auth secret, the agent service.

Call :func:`prepare_environment` before the first ``import chainlit``: Chainlit reads its app root (config,
translations, ``public/`` custom elements) and the JWT secret from the environment when it is imported.
"""

from __future__ import annotations

import atexit
import logging
import os
import secrets
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.session_service import AgentService

# The repository root: .chainlit/config.toml, public/elements/*.jsx and app.py live there (editable install).
APP_ROOT = Path(__file__).resolve().parent.parent
APP_FILE = APP_ROOT / "app.py"
SECRET_FILE = "chainlit_auth_secret"

_lock = threading.Lock()
_service: "AgentService | None" = None
_owned = False


def compass_home() -> Path:
    from knowledge.settings import KnowledgeSettings

    return KnowledgeSettings().home


def auth_secret(home: Path) -> str:
    """This installation's JWT secret for UI logins: generated once, kept (0600) under $COMPASS_HOME/ui."""
    path = home / "ui" / SECRET_FILE
    if path.is_file() and path.read_text().strip():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return value


def prepare_environment() -> None:
    """Point Chainlit at the repository's files and make sure it has a secret; idempotent.

    Chainlit's own INFO lines are kept out of the log (its warnings and errors still show): on a first run it
    logs one line per translation file it copies, two dozen lines that tell a user nothing.
    """
    os.environ.setdefault("CHAINLIT_APP_ROOT", str(APP_ROOT))
    if os.environ.get("COMPASS_LOG_LEVEL", "").upper() != "DEBUG":
        logging.getLogger("chainlit").setLevel(logging.WARNING)
    if not os.environ.get("CHAINLIT_AUTH_SECRET"):
        os.environ["CHAINLIT_AUTH_SECRET"] = auth_secret(compass_home())


def private_files_directory() -> Path:
    """Give this process's Chainlit server a folder of its own for session files; call after importing it.

    Chainlit keeps every session's files under ``<app root>/.files`` and deletes that whole folder when its server
    stops. Two servers on one checkout (``compass serve`` beside ``compass ui``, two workers, the test suite) share
    the app root, so one stopping deleted the folder under the other's live sessions, whose next element (an approval
    card settled after a deployment) then failed with FileNotFoundError. The folder is a temporary one per process;
    Chainlit still deletes it at shutdown, now only its own. Idempotent.
    """
    import chainlit.config
    import chainlit.server

    folder = chainlit.config.FILES_DIRECTORY
    if folder.parent == Path(chainlit.config.APP_ROOT):  # still the shared default
        folder = Path(tempfile.mkdtemp(prefix="compass-ui-files-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)  # when mounted, Chainlit's shutdown never runs
        chainlit.config.FILES_DIRECTORY = chainlit.server.FILES_DIRECTORY = folder  # session.py reads the former
    return folder


def install_translations() -> None:
    """Copy Chainlit's bundled translations next to the config (from the package: nothing is downloaded)."""
    from chainlit.config import init_config

    init_config()


# ---------------------------------------------------------------------- the agent service


def set_service(service: "AgentService | None") -> None:
    """Share a service opened elsewhere (the API's lifespan) with the UI in the same process."""
    global _service, _owned
    with _lock:
        _service, _owned = service, False


def get_service() -> "AgentService":
    """The process's agent service: the injected one, else one opened on the default knowledge base."""
    global _service, _owned
    with _lock:
        if _service is None:
            from agent.config import AgentSettings
            from agent.session_service import AgentService
            from knowledge.base import get_knowledge_base

            settings = AgentSettings()
            _service = AgentService(get_knowledge_base(), llm=settings.llm, deploy_target=settings.deploy_target,
                                    allowed_namespaces=settings.namespaces)
            _owned = True
        return _service


def close_service() -> None:
    global _service, _owned
    with _lock:
        if _service is not None and _owned:
            _service.close()
        if _owned:
            _service, _owned = None, False


def release_embedded_database() -> None:
    """Stop the embedded PostgreSQL this process started when no other process uses it: the exit handlers that
    would do it never run after Chainlit's standalone shutdown (it ends the process with ``os._exit``)."""
    from knowledge.store.embedded import EmbeddedServer

    EmbeddedServer.release_all()
