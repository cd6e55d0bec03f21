"""The ``compass`` catalog and knowledge-base commands, run as a user would."""

from __future__ import annotations

import json
import subprocess
import tempfile

from tests.cli.helpers import COMPASS, assert_clean_error, run_compass


def test_catalog_commands_show_content(fresh_db_url):
    env = {"COMPASS_DATABASE_URL": fresh_db_url}
    models = json.loads(run_compass("models", "--json", env=env).stdout)
    assert len(models) >= 30 and all("architecture" in m for m in models)
    gpus = run_compass("gpus", env=env)
    assert gpus.returncode == 0 and "H100-SXM" in gpus.stdout and "MI300X" in gpus.stdout
    usecases = json.loads(run_compass("usecases", "--json", env=env).stdout)
    assert len(usecases) == 9
    one = json.loads(run_compass("models", "RedHatAI/phi-4-FP8-dynamic", "--json", env=env).stdout)
    assert one["model"]["id"] == "microsoft/phi-4" and one["resolved_precision"] == "fp8"
    check = run_compass("kb", "check", "--json", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert json.loads(check.stdout)["ok"] is True


def test_unknown_gpu_gets_closest_names(fresh_db_url):
    proc = run_compass("gpus", "H1OO", env={"COMPASS_DATABASE_URL": fresh_db_url})
    assert_clean_error(proc)
    assert "Unknown GPU 'H1OO'" in proc.stderr and "H100" in proc.stderr
    typo = run_compass("gpus", "H1000", env={"COMPASS_DATABASE_URL": fresh_db_url})
    said = " ".join(typo.stderr.split())
    # a typo keeps the start of the name: the H100s and the H200 come first, then where to see them all
    assert "Did you mean: H100-SXM, H100-PCIe, H200?" in said and "`compass gpus` lists them all" in said
    model = run_compass("models", "qwen3-9b", env={"COMPASS_DATABASE_URL": fresh_db_url})
    assert "Qwen/Qwen3-8B" in model.stderr and "`compass models`" in " ".join(model.stderr.split())


def test_unreachable_external_database_is_one_clear_line():
    proc = run_compass("kb", "status", env={"COMPASS_DATABASE_URL": "postgresql://u:secret@127.0.0.1:1/none",
                                            "COMPASS_DB_CONNECT_TIMEOUT_S": "2"})
    assert_clean_error(proc)
    assert "Cannot reach the database" in proc.stderr and "secret" not in proc.stderr
    assert len([line for line in proc.stderr.splitlines() if line.strip()]) <= 2


def test_two_processes_starting_the_embedded_server_at_once_both_work():
    home = tempfile.mkdtemp(prefix="compass-race-")
    env = {"COMPASS_HOME": home}
    import os

    full = {**os.environ, **env}
    full.pop("COMPASS_DATABASE_URL", None)
    procs = [subprocess.Popen([COMPASS, "kb", "status", "--json"], env=full, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=180) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert json.loads(out)["counts"]["models"] >= 30
