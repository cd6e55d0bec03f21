"""``compass deploy`` input checks: what the user typed is refused in one line before anything is opened."""

from __future__ import annotations

import pytest

from knowledge.catalog import Catalog
from tests.cli.helpers import assert_clean_error, run_compass
from tests.k8s.plans import small_l4
from tools import deploy_path


@pytest.mark.parametrize("namespace", ["Bad_NS!", "UPPER", "-lead", "a" * 64, "dots.are.not.labels"])
def test_a_namespace_that_is_no_kubernetes_name_is_a_usage_error(namespace):
    proc = run_compass("deploy", "--session", "00000000-0000-0000-0000-000000000000", "--target", "plain",
                       "--namespace", namespace, "--dry-run")
    assert_clean_error(proc)
    assert proc.returncode == 2, proc.stderr
    text = " ".join(proc.stderr.split())
    assert "not a valid Kubernetes namespace" in text and "unexpected" not in text, text
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_spec_namespace_that_is_no_kubernetes_name_is_the_users_error_not_an_internal_one():
    """The same check holds when the namespace comes from the spec (a file, the conversation), not the option."""
    case = small_l4()
    spec = case.spec.model_copy(update={"namespace": "Team_A"})
    with pytest.raises(deploy_path.InvalidDeployInputError, match="not a valid Kubernetes namespace") as err:
        deploy_path.render(case.rec, spec, Catalog.from_files(), target="plain")
    assert err.value.exit_code == 2
