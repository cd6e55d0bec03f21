"""`compass serve` with agent.deployer replaced by a stub, so the browser test can drive the approval UI
(Approve / Reject, the manifest bundle, progress, re-shown buttons after a reload) whatever this build's
deployer can do. Test-only: run as `python tests/ui/stub_deploy_server.py --port N`."""

from __future__ import annotations

import time

import typer

from agent import deployer
from agent.deployer import DeployPreview, DeploymentUnavailableError
from cli.serve import serve

STUB_YAML = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: compass-opt{n}\n  namespace: compass\n"


def preview(rec, spec, option, ctx):
    return DeployPreview(name=f"compass-opt{option}", namespace="compass", target=ctx.deploy_target,
                         summary=[f"Deployment compass-opt{option} ({rec.model_id}, {rec.replicas} replica(s))",
                                  f"Service compass-opt{option}"], objects=2, yaml=STUB_YAML.format(n=option))


def apply(dep, rec, spec, ctx, progress):
    for message in ("applying 2 objects", "waiting for compass-opt1 to be ready", "ready"):
        progress(message)
        time.sleep(0.2)
    return dep.model_copy(update={"status": "applied", "endpoint": "http://127.0.0.1:9/v1", "detail": "running"})


def validate(dep, rec, spec, workload, ctx, progress):
    progress("measuring p95 latencies")
    raise DeploymentUnavailableError("the stub deployer does not measure anything")


deployer.preview, deployer.apply, deployer.validate = preview, apply, validate

if __name__ == "__main__":
    typer.run(serve)
