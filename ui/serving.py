"""Serving the Chainlit app: standalone (``compass ui``) or mounted in the FastAPI service (``compass serve``)."""

from __future__ import annotations

import threading

from ui.runtime import APP_FILE, install_translations, prepare_environment, private_files_directory

_lock = threading.Lock()
_mounted_at: str | None = None


def mount_ui(app, path: str = "/ui") -> None:
    """Serve the UI under ``path`` of a FastAPI app (Chainlit's ``mount_chainlit``).

    Chainlit's server is one object per process, so it is loaded and configured once; later apps in the same
    process (tests build several) mount that same server at the same path.
    """
    global _mounted_at
    prepare_environment()
    with _lock:
        if _mounted_at is None:
            from chainlit.utils import mount_chainlit

            install_translations()
            mount_chainlit(app=app, target=str(APP_FILE), path=path)
            private_files_directory()
            _mounted_at = path
            return
        if path != _mounted_at:
            raise ValueError(f"the web UI is already mounted at {_mounted_at} in this process")
        from chainlit.server import app as chainlit_app

        app.mount(path, chainlit_app)


def run_standalone(host: str, port: int) -> None:
    """Run Chainlit's own server with app.py (what ``chainlit run app.py --headless`` does, minus the CLI)."""
    prepare_environment()
    import uvicorn
    from chainlit.auth import ensure_jwt_secret
    from chainlit.config import config, load_module
    from chainlit.server import app

    install_translations()
    private_files_directory()
    config.run.host, config.run.port, config.run.headless = host, port, True
    config.run.module_name = str(APP_FILE)
    load_module(config.run.module_name)
    ensure_jwt_secret()
    # Chainlit runs on the plain asyncio loop (it may re-enter it); uvicorn would otherwise pick uvloop.
    uvicorn.run(app, host=host, port=port, log_level="warning", loop="asyncio")
