"""Deploy and validate through the conversation: approval gate, rejection, re-ask, outcome fed back."""

from __future__ import annotations

from tools import deploy_path


def test_reject_applies_nothing_and_messages_reask(service, session, fast_local):
    service.turn(session, "alice", "support chatbot for 200 users, only H100s")
    r = service.turn(session, "alice", "deploy option 1")
    assert r.pending_approval and r.pending_approval["type"] == "approval" and r.stage == "deploy"
    r = service.turn(session, "alice", "approve, yes, go ahead and deploy it")  # text never approves
    view = service.view(session, "alice")
    assert view.pending_approval is not None and view.state.deployment.status == "awaiting_approval"
    assert "waiting for your decision" in r.reply
    assert view.messages[-2]["content"].startswith("approve, yes")  # the message is kept, not lost
    r = service.approve(session, "alice", approve=False)
    view = service.view(session, "alice")
    assert view.pending_approval is None and view.state.deployment.status == "rejected"
    assert "nothing was applied" in r.reply.lower()
    assert deploy_path.local_target(["compass"]).list() == []


def test_approve_deploys_locally_validates_and_learns(service, session, fast_local, kb):
    service.turn(session, "alice", "support chatbot for 200 users, only H100s, Llama 3.1 8B")
    service.turn(session, "alice", "deploy option 1")
    r = service.approve(session, "alice", approve=True)
    state = service.view(session, "alice").state
    assert state.deployment.status == "validated" and r.stage == "validate"
    assert "Validation" in r.reply and "measured ms" in r.reply
    assert [t.name for t in state.tool_runs][-3:] == ["render_manifests", "apply_manifests", "validate_deployment"]
    assert state.deployment.outcome is not None and kb.status().counts["deployment_outcomes"] == 1
    [dep] = deploy_path.local_target(["compass"]).list()
    assert dep.id == state.deployment.deployment_id
    other = service.create_session("alice").id
    r = service.turn(other, "alice", "support chatbot for 220 users")
    assert "Similar past deployments" in r.reply  # the stored outcome informs the next plan
    assert state.deployment.outcome.verdict in r.reply  # with the verdict computed from its figures


def test_show_yaml_renders_without_deploying(service, session, fast_local):
    service.turn(session, "alice", "support chatbot for 200 users")
    r = service.turn(session, "alice", "show the YAML")
    assert "kind: Deployment" in r.reply and "MODEL_NAME" in r.reply
    assert service.view(session, "alice").pending_approval is None


def test_compass_deploy_output_writes_valid_kustomize_dir(service, session, fresh_db_url, kb, tmp_path):
    from k8s import Manifest, validate_manifests
    from tests.cli.helpers import run_compass

    service.turn(session, "alice", "RAG over our PDFs for 300 analysts")
    env = {"COMPASS_DATABASE_URL": fresh_db_url, "COMPASS_USER": "alice"}
    out = tmp_path / "gitops"
    proc = run_compass("deploy", "--session", str(session), "--option", "1", "--target", "kserve",
                       "--output", str(out), env=env)
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in out.iterdir())
    assert "kustomization.yaml" in files and any("inferenceservice" in f for f in files)
    manifests = [Manifest.from_text(p.name, p.read_text()) for p in sorted(out.glob("*.yaml"))
                 if p.name != "kustomization.yaml"]
    report = validate_manifests(manifests, catalog=kb.catalog, allowed_namespaces={"compass"})
    assert report.ok, report.describe()
    missing = run_compass("deploy", "--session", str(session), "--option", "9", env=env)
    assert missing.returncode == 2 and "no option 9" in missing.stderr


def test_the_approved_bundle_is_applied_as_rendered_and_a_later_change_cannot_slip_in(service, session, fast_local,
                                                                                       monkeypatch):
    """One hand-off (issue 17 item 3): rendered once for the preview, carried in the approval, applied as is."""
    import dataclasses

    renders = []
    real_render = deploy_path.render

    def counted(*args, **kwargs):
        renders.append(kwargs.get("target"))
        return real_render(*args, **kwargs)

    monkeypatch.setattr(deploy_path, "render", counted)
    service.turn(session, "alice", "support chatbot for 200 users, only H100s")
    r = service.turn(session, "alice", "deploy option 1")
    pending, dep = r.pending_approval, service.view(session, "alice").state.deployment
    assert len(renders) == 1 and dep.bundle is not None
    assert pending["digest"] == dep.digest == dep.bundle.digest and pending["yaml"] == dep.bundle.yaml()

    def changed(*args, **kwargs):  # whatever would render differently now (a new catalog, template or plan)
        bundle = real_render(*args, **kwargs)
        return dataclasses.replace(bundle, plan=dataclasses.replace(bundle.plan, replicas=bundle.plan.replicas + 2))

    monkeypatch.setattr(deploy_path, "render", changed)
    service.approve(session, "alice", approve=True)
    state = service.view(session, "alice").state
    assert state.deployment.status == "validated" and state.deployment.digest == pending["digest"]
    [running] = deploy_path.local_target(["compass"]).list()
    assert len(running.replicas) == dep.bundle.plan.replicas  # the approved bundle, not a new rendering
    apply_run = next(t for t in state.tool_runs if t.name == "apply_manifests")
    assert apply_run.args["digest"] == pending["digest"]


def test_a_bundle_that_is_not_the_approved_one_is_refused_before_anything_runs(service, session, catalog):
    import dataclasses

    import pytest

    service.turn(session, "alice", "support chatbot for 200 users")
    state = service.view(session, "alice").state
    bundle = deploy_path.render(state.plan.recommendations[0], state.spec, catalog, target="local")
    approved = bundle.digest
    tampered = dataclasses.replace(bundle, manifests=bundle.manifests[:-1])
    with pytest.raises(deploy_path.DeployError, match="not the ones approved"):
        deploy_path.apply_approved(tampered, approved, catalog, target="local", allowed_namespaces=["compass"])
    with pytest.raises(deploy_path.DeployError, match="No approved manifests"):
        deploy_path.apply_approved(None, None, catalog, target="local", allowed_namespaces=["compass"])
    assert deploy_path.local_target(["compass"]).list() == []


def test_an_approval_naming_other_manifests_approves_nothing():
    from agent.nodes.approval import decision_of

    assert decision_of({"approve": True, "digest": "sha256:aaa"}, "sha256:aaa") == ("approve", None)
    assert decision_of({"approve": True, "digest": "sha256:bbb"}, "sha256:aaa") == ("stale", None)
    assert decision_of({"approve": True}, "sha256:aaa") == ("approve", None)
