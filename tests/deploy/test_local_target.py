"""The local target for real: simulator replicas behind a round-robin front, validated, stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import httpx
import psutil
import pytest
from prometheus_client.parser import text_string_to_metric_families

from k8s.errors import NamespaceNotAllowedError
from knowledge.domain import DeploymentSpec, UseCase
from tests.cli.helpers import run_compass
from tests.conftest import REPO
from tools import deploy_path
from tools.planner import plan_detailed
from tools.validation import ValidationLoad, validate


def small_plan(catalog):
    spec = DeploymentSpec().with_values("stated", None, use_case=UseCase.CHATBOT_CONVERSATIONAL, users=200,
                                        gpus=["H100-SXM"], models=["meta-llama/Llama-3.1-8B-Instruct"])
    return plan_detailed(spec, catalog)


def test_deploy_validate_record_and_stop(kb, fast_local):
    catalog = kb.catalog
    result = small_plan(catalog)
    rec = result.recommendations[0].model_copy(update={"replicas": 2})  # two replicas: the front must balance
    bundle = deploy_path.render(rec, result.spec, catalog, target="local")
    assert deploy_path.problems(bundle, catalog, ["compass"]) == []
    applied = deploy_path.apply(bundle, catalog, target="local", allowed_namespaces=["compass"])
    again = deploy_path.apply(bundle, catalog, target="local", allowed_namespaces=["compass"])
    assert again.endpoint == applied.endpoint  # nothing started twice
    target = deploy_path.local_target(["compass"])
    [dep] = target.list()
    assert len(dep.replicas) == 2 and target.running(dep)
    assert dep.environment["MODEL_NAME"] == "meta-llama/Llama-3.1-8B-Instruct"  # configured as the manifest says

    w = result.workload
    load = ValidationLoad(rps=w.peak_rps, prompt_tokens=w.prompt_tokens, output_tokens=w.output_tokens,
                          prompt_tokens_p90=w.prompt_tokens_p90, output_tokens_p90=w.output_tokens_p90)
    outcome = validate(applied.endpoint, applied.model_name, result.spec, rec, load, target="local",
                       duration_s=10, time_scale=applied.time_scale)
    assert outcome.measured.requests >= 5 and outcome.measured.errors == 0
    assert {c.metric for c in outcome.slo_checks} == {"ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms"}
    assert outcome.measured.ttft_ms.p95 > 0 and outcome.measured.itl_ms.p50 > 0
    kb.record_outcome(outcome)
    similar = kb.similar_deployments(result.spec, 1)
    assert similar and similar[0].outcome.id == outcome.id

    metrics = httpx.get(applied.endpoint + "/metrics", timeout=10).text
    served = {s.labels.get("replica") for f in text_string_to_metric_families(metrics)
              for s in f.samples if f.name == "vllm:request_success"}
    assert served >= {"0", "1"}  # both replicas took requests

    assert deploy_path.stop_local(dep.id, ["compass"]) is True
    assert target.list() == [] and not target.running(dep)
    with pytest.raises(httpx.HTTPError):
        httpx.get(applied.endpoint + "/health", timeout=2)


def test_namespace_allowlist_is_enforced_in_the_apply_path(kb, fast_local):
    catalog = kb.catalog
    result = small_plan(catalog)
    bundle = deploy_path.render(result.recommendations[0], result.spec, catalog, target="local",
                                namespace="kube-system")
    with pytest.raises(deploy_path.DeployError, match="not on the allowlist"):
        deploy_path.apply(bundle, catalog, target="local", allowed_namespaces=["compass"])
    with pytest.raises(NamespaceNotAllowedError):  # the target refuses on its own too
        deploy_path.local_target(["compass"]).deploy(bundle)
    assert deploy_path.local_target(["compass"]).list() == []



def test_a_name_already_running_with_another_configuration_is_refused(kb, fast_local):
    """An explicit name shared by two configurations never hands one user the other's replicas."""
    catalog = kb.catalog
    result = small_plan(catalog)
    rec = result.recommendations[0]
    first = deploy_path.render(rec, result.spec, catalog, target="local", name="shared")
    deploy_path.apply(first, catalog, target="local", allowed_namespaces=["compass"])
    wider = deploy_path.render(rec.model_copy(update={"replicas": rec.replicas + 1}), result.spec, catalog,
                               target="local", name="shared")
    with pytest.raises(deploy_path.DeployError, match="already running with another configuration"):
        deploy_path.apply(wider, catalog, target="local", allowed_namespaces=["compass"])
    [dep] = deploy_path.local_target(["compass"]).list()
    assert len(dep.replicas) == rec.replicas  # the running one is untouched

# A process that applies a local deployment of three replicas, printing the target's progress lines.
_APPLY_SCRIPT = """
import sys
from knowledge.base import open_knowledge_base
from knowledge.domain import DeploymentSpec, UseCase
from knowledge.settings import KnowledgeSettings
from tools import deploy_path
from tools.planner import plan_detailed

kb = open_knowledge_base(KnowledgeSettings(database_url=sys.argv[1]), sync=False)
spec = DeploymentSpec().with_values("stated", None, use_case=UseCase.CHATBOT_CONVERSATIONAL, users=200,
                                    gpus=["H100-SXM"], models=["meta-llama/Llama-3.1-8B-Instruct"])
result = plan_detailed(spec, kb.catalog)
rec = result.recommendations[0].model_copy(update={"replicas": 3})
bundle = deploy_path.render(rec, result.spec, kb.catalog, target="local")
deploy_path.apply(bundle, kb.catalog, target="local", allowed_namespaces=["compass"],
                  progress=lambda m: print(m, flush=True))
"""


def _processes_logging_under(home) -> list[psutil.Process]:
    """Simulator replicas and fronts whose output goes to a log under ``home`` (however they were started)."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.status() != psutil.STATUS_ZOMBIE and any(f.path.startswith(str(home)) for f in proc.open_files()):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def _kill_apply_at(env, db_url: str, line_prefix: str, settle_s: float = 0.0) -> None:
    proc = subprocess.Popen([sys.executable, "-c", _APPLY_SCRIPT, db_url], env=env, stdout=subprocess.PIPE,
                            text=True, cwd=REPO)
    try:
        for line in proc.stdout:
            if line.startswith(line_prefix):
                time.sleep(settle_s)
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)


@pytest.mark.slow
def test_a_deploy_killed_midway_leaves_a_record_that_stop_and_the_next_apply_can_reach(kb, fresh_db_url,
                                                                                       fast_local, tmp_path):
    """kill -9 while replicas start: they are recorded with their PIDs as they are spawned, so `compass deploy
    stop` reaches every one, and the next apply of the same deployment replaces the leftovers."""
    env = {**os.environ, "COMPASS_HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    home = {"COMPASS_HOME": str(tmp_path)}
    try:
        _kill_apply_at(env, fresh_db_url, "starting replica 3/3", settle_s=1.0)  # all spawned, none healthy yet
        assert len(_processes_logging_under(tmp_path)) >= 3, "the killed apply started its replicas"
        listed = json.loads(run_compass("deploy", "list", "--json", env=home).stdout)
        assert len(listed) == 1, "the killed apply left no record of what it started"
        [record] = listed
        assert record["running"] is False and len(record["replicas"]) == 3
        stopped = run_compass("deploy", "stop", record["id"], env=home)
        assert stopped.returncode == 0, stopped.stderr
        assert _processes_logging_under(tmp_path) == [], "replicas the killed apply started are still running"

        # killed again midway, then applied again: the leftovers are stopped, the new replicas are all there is
        _kill_apply_at(env, fresh_db_url, "starting replica 2/3")
        again = subprocess.run([sys.executable, "-c", _APPLY_SCRIPT, fresh_db_url], env=env, capture_output=True,
                               text=True, cwd=REPO, timeout=300)
        assert again.returncode == 0, again.stderr[-2000:]
        live = _processes_logging_under(tmp_path)
        assert len(live) == 4, [p.cmdline() for p in live]  # three replicas and the front, nothing left over
        assert run_compass("deploy", "stop", record["id"], env=home).returncode == 0
        assert _processes_logging_under(tmp_path) == []
    finally:
        for leftover in _processes_logging_under(tmp_path):
            leftover.kill()


def test_the_local_target_refuses_more_replicas_than_its_cap_before_starting_any(kb, fast_local, monkeypatch):
    catalog = kb.catalog
    result = small_plan(catalog)
    huge = result.recommendations[0].model_copy(update={"replicas": 19_532})
    bundle = deploy_path.render(huge, result.spec, catalog, target="local")
    assert deploy_path.problems(bundle, catalog, ["compass"]) == []  # valid manifests: too big for here only
    [problem] = deploy_path.target_limits(bundle, "local", ["compass"])
    assert "19532" in problem and "COMPASS_LOCAL_MAX_REPLICAS" in problem
    with pytest.raises(deploy_path.DeployError, match="at most 16"):
        deploy_path.apply(bundle, catalog, target="local", allowed_namespaces=["compass"])
    assert deploy_path.local_target(["compass"]).list() == []  # nothing started, nothing recorded

    monkeypatch.setenv("COMPASS_LOCAL_MAX_REPLICAS", "1")
    two = deploy_path.render(result.recommendations[0].model_copy(update={"replicas": 2}), result.spec, catalog,
                             target="local")
    with pytest.raises(deploy_path.DeployError, match="at most 1 "):
        deploy_path.apply(two, catalog, target="local", allowed_namespaces=["compass"])


@pytest.mark.slow
def test_approving_a_plan_too_big_for_this_machine_is_refused_in_the_conversation(service, session, fast_local):
    service.turn(session, "alice", "support chatbot for 100 million users, Llama 3.1 8B")
    r = service.turn(session, "alice", "deploy option 1")
    assert r.pending_approval is None and "COMPASS_LOCAL_MAX_REPLICAS" in r.reply, r.reply
    assert "did not pass validation" not in r.reply  # the manifests are valid: this machine is too small
    assert deploy_path.local_target(["compass"]).list() == []
