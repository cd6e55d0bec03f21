"""Golden files: the manifests of three plans, byte for byte.

A deliberate change to templates, engine arguments or pinned images changes these files. Regenerate
them with ``COMPASS_REGEN_GOLDEN=1 python -m pytest tests/k8s/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from k8s.render import render_bundle
from k8s.manifest_checks import validate_bundle
from tests.k8s.plans import CASES

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("COMPASS_REGEN_GOLDEN") == "1"


def golden_text(bundle) -> str:
    header = "".join(f"# {line}\n" for line in bundle.summary)
    return header + bundle.yaml()


@pytest.mark.parametrize("make_case", CASES, ids=lambda f: f.__name__)
def test_manifests_match_golden(make_case, k8s_catalog):
    case = make_case()
    bundle = render_bundle(case.rec, case.spec, k8s_catalog, case.options)
    path = GOLDEN / f"{case.name}.yaml"
    text = golden_text(bundle)
    if REGEN:
        path.write_text(text)
    assert path.exists(), f"missing {path}; run with COMPASS_REGEN_GOLDEN=1 to create it"
    assert text == path.read_text(), f"{path.name} changed; review and regenerate with COMPASS_REGEN_GOLDEN=1"


@pytest.mark.parametrize("make_case", CASES, ids=lambda f: f.__name__)
def test_golden_plans_pass_validation(make_case, k8s_catalog):
    case = make_case()
    bundle = render_bundle(case.rec, case.spec, k8s_catalog, case.options)
    report = validate_bundle(bundle, k8s_catalog, allowed_namespaces={bundle.namespace})
    assert report.ok, report.describe()
    assert not report.warnings, report.describe()
