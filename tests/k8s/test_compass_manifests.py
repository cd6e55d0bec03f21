"""k8s/compass: the manifests that run Compass itself on a cluster (external PostgreSQL, least privilege)."""

from __future__ import annotations

import itertools
from pathlib import Path

import yaml

from k8s.bundle import Manifest
from k8s.options import RenderOptions
from k8s.render import render_bundle
from k8s.manifest_checks import schema_issues
from knowledge.domain import DeploymentSpec, Precision, UseCase
from tests.k8s.plans import plan

COMPASS_DIR = Path(__file__).resolve().parents[2] / "k8s" / "compass"
WRITE_VERBS = {"create", "patch", "delete"}


def _objects() -> list[dict]:
    kustomization = yaml.safe_load((COMPASS_DIR / "kustomization.yaml").read_text())
    out = []
    for name in kustomization["resources"]:
        out += [o for o in yaml.safe_load_all((COMPASS_DIR / name).read_text()) if o]
    return out


def _of_kind(kind: str) -> list[dict]:
    return [o for o in _objects() if o["kind"] == kind]


def _resource(kind: str) -> str:
    lower = kind.lower()
    return lower + ("es" if lower.endswith("s") else "s")


def _group(api_version: str) -> str:
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def test_every_file_is_listed_and_valid_against_the_schemas():
    listed = set(yaml.safe_load((COMPASS_DIR / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in COMPASS_DIR.glob("*.yaml")} - {"kustomization.yaml"}
    for obj in _objects():
        issues = schema_issues(Manifest(f"{obj['kind']}.yaml", yaml.safe_dump(obj), obj))
        assert issues == [], (obj["kind"], [str(i) for i in issues])


def test_compass_runs_non_root_read_only_without_capabilities_and_reads_secrets_from_a_secret():
    [deployment] = _of_kind("Deployment")
    pod = deployment["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "compass" and pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    for c in pod["containers"]:
        sc = c["securityContext"]
        assert sc["allowPrivilegeEscalation"] is False and sc["readOnlyRootFilesystem"] is True
        assert sc.get("privileged") is not True and sc["capabilities"]["drop"] == ["ALL"]
        env = {e["name"]: e for e in c["env"]}
        for secret in ("COMPASS_DATABASE_URL", "COMPASS_API_KEYS", "COMPASS_UI_USERS", "CHAINLIT_AUTH_SECRET"):
            assert "secretKeyRef" in env[secret]["valueFrom"] and "value" not in env[secret]
        assert env["COMPASS_ALLOWED_NAMESPACES"]["value"] == "compass"
    assert deployment["spec"]["replicas"] >= 2  # stateless processes: more than one replica is the point


def test_rbac_is_least_privilege():
    rules = [(r, role) for role in _of_kind("Role") + _of_kind("ClusterRole") for r in role["rules"]]
    for rule, role in rules:
        assert "*" not in rule["verbs"] + rule["resources"] + rule["apiGroups"], role["metadata"]["name"]
        assert "secrets" not in rule["resources"] and "escalate" not in rule["verbs"]
        assert not {"bind", "impersonate"} & set(rule["verbs"])
    [cluster_role] = _of_kind("ClusterRole")
    assert cluster_role["rules"] == [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get"]}]
    [role] = _of_kind("Role")
    assert role["metadata"]["namespace"] == "compass"
    bound = {b["roleRef"]["name"]: b["subjects"] for b in _of_kind("RoleBinding") + _of_kind("ClusterRoleBinding")}
    assert bound.keys() == {"compass-deployer", "compass-namespace-reader"}
    assert all(s == [{"kind": "ServiceAccount", "name": "compass", "namespace": "compass-system"}]
               for s in bound.values())


def test_the_role_covers_every_kind_compass_renders(k8s_catalog):
    """The Role cannot fall behind the templates: every kind of every rendering choice may be written."""
    [role] = _of_kind("Role")
    allowed = {(g, r) for rule in role["rules"] if WRITE_VERBS <= set(rule["verbs"])
               for g in rule["apiGroups"] for r in rule["resources"]}
    readable = {(g, r) for rule in role["rules"] for g in rule["apiGroups"] for r in rule["resources"]}
    assert {("", "pods"), ("", "events")} <= readable  # readiness reads pod states and events
    rec = plan("meta-llama/Llama-3.1-8B-Instruct", "L4", Precision.BF16, 1, 2, 1, 3)
    spec = DeploymentSpec(use_case=UseCase.CHATBOT_CONVERSATIONAL, namespace="compass")
    choices = itertools.product(["kserve", "plain", "simulator"], ["keda", "hpa", "none"],
                                ["auto", "servicemonitor", "podmonitor"], ["none", "ingress", "httproute"])
    kinds: set[tuple[str, str]] = set()
    for target, autoscaler, monitor, exposure in choices:
        options = RenderOptions(target=target, autoscaler=autoscaler, monitor=monitor, exposure=exposure,
                                host="llm.example.com" if exposure != "none" else None)
        kinds |= {(o["apiVersion"], o["kind"]) for o in render_bundle(rec, spec, k8s_catalog, options).objects}
    assert len(kinds) >= 11
    missing = sorted(k for k in kinds if (_group(k[0]), _resource(k[1])) not in allowed)
    assert missing == []


def test_the_image_holds_every_package_and_matches_the_version_deployed():
    import re
    import tomllib

    root = COMPASS_DIR.parents[1]
    dockerfile = (root / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (\S+) \1$", dockerfile, re.M))
    project = tomllib.loads((root / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    assert packages <= copied and all((root / p).exists() for p in copied)
    [deployment] = _of_kind("Deployment")
    image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image.endswith(":" + project["project"]["version"])
    assert "USER 10001" in dockerfile and "runAsUser: 10001" in (COMPASS_DIR / "deployment.yaml").read_text()
