"""`compass ui` on its own: serves the Chainlit app offline, logs in from COMPASS_UI_USERS, keeps a secret
per installation, and refuses to expose an open UI beyond localhost."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.ui.helpers import REPO, free_port

pytestmark = pytest.mark.slow
UI = [sys.executable, "-c", "import typer; from cli.ui import ui; typer.run(ui)"]
SERVE = [sys.executable, "-c", "import typer; from cli.serve import serve; typer.run(serve)"]


def _env(home, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPASS_", "CHAINLIT_"))}
    env.update(COMPASS_HOME=str(home), **extra)
    return env


def _start(home, **extra) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([*UI, "--port", str(port)], cwd=REPO, env=_env(home, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        assert proc.poll() is None, proc.stdout.read()
        try:
            if httpx.get(base + "/", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        assert time.time() < deadline, "compass ui did not start"
        time.sleep(0.3)


def test_standalone_ui_serves_logins_from_configuration(tmp_path):
    proc, base = _start(tmp_path, COMPASS_UI_USERS="alice:pw1")
    try:
        assert "<title>Compass</title>" in httpx.get(base + "/").text
        config = httpx.get(base + "/auth/config").json()
        assert config["requireLogin"] and config["passwordAuth"] and not config["headerAuth"]
        assert httpx.post(base + "/login", data={"username": "alice", "password": "nope"}).status_code == 401
        ok = httpx.post(base + "/login", data={"username": "alice", "password": "pw1"})
        assert ok.status_code == 200
        assert httpx.get(base + "/project/translations", params={"language": "en-US"}).json()["translation"]
        assert (tmp_path / "ui" / "chainlit_auth_secret").is_file()
        for _ in range(2):  # each page load asks for the settings: the readme is there, and no warning is logged
            settings = httpx.get(base + "/project/settings", params={"language": "en-US"},
                                 cookies=ok.cookies).json()
            assert "## What to type" in settings["markdown"]
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "pw1" not in out  # passwords are never logged
    assert "markdown file" not in out and "translation file" not in out, out  # a quiet start and page loads


def test_chainlit_info_lines_stay_out_of_the_log():
    import logging

    from ui.runtime import prepare_environment

    prepare_environment()
    chainlit_log = logging.getLogger("chainlit")
    assert not chainlit_log.isEnabledFor(logging.INFO) and chainlit_log.isEnabledFor(logging.WARNING)


def test_without_configured_users_the_local_user_is_logged_in(tmp_path):
    proc, base = _start(tmp_path)
    try:
        config = httpx.get(base + "/auth/config").json()
        assert config["headerAuth"] and not config["passwordAuth"]
        assert httpx.post(base + "/auth/header").status_code == 200
        assert (tmp_path / "pgdata" / "postmaster.pid").is_file()
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    # SIGTERM stops the embedded PostgreSQL the UI started (Chainlit ends its process with os._exit, which
    # skips the exit handlers: the UI's shutdown hook releases the database itself)
    assert not (tmp_path / "pgdata" / "postmaster.pid").exists()
    assert (tmp_path / "pgdata" / ".handle_pids.json").read_text().strip() == "[]"


@pytest.mark.parametrize("command,extra", [(UI, {}), (SERVE, {"COMPASS_API_KEYS": "a-sixteen-char-key-0123:alice"})])
def test_refuses_an_open_ui_beyond_localhost(tmp_path, command, extra):
    proc = subprocess.run([*command, "--host", "0.0.0.0", "--port", str(free_port())], cwd=REPO, text=True,
                          env=_env(tmp_path, **extra), capture_output=True, timeout=60)
    assert proc.returncode == 2
    assert "COMPASS_UI_USERS" in proc.stderr and "Traceback" not in proc.stderr + proc.stdout


def test_the_api_alone_does_not_serve_the_ui(kb):
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(kb=kb)) as client:
        assert client.get("/ui").status_code == 404 and client.get("/healthz").status_code == 200


def test_stopping_one_ui_leaves_the_session_files_of_another(tmp_path):
    """Chainlit deletes its whole files folder when its server stops; with the default folder (<app root>/.files)
    shared by every server on the checkout, that took the live sessions' files of another server with it (whose
    next element then failed). Each process has a folder of its own (ui/runtime.py private_files_directory)."""
    import shutil
    import uuid

    other = REPO / ".files" / f"another-server-{uuid.uuid4().hex[:8]}"  # where a second server's session kept files
    other.mkdir(parents=True)
    try:
        proc, _ = _start(tmp_path)
        proc.terminate()
        proc.communicate(timeout=30)
        assert other.is_dir(), "stopping `compass ui` deleted the shared .files folder"
    finally:
        shutil.rmtree(other, ignore_errors=True)
