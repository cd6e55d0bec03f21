"""`compass gpus NAME`: how a name was read is said, an ambiguous one is refused in one line."""

from __future__ import annotations

import json

import pytest

from tests.cli.helpers import assert_clean_error, run_compass


@pytest.fixture(scope="module")
def env(pg_admin_url):
    from tests.dbs import scratch_database

    with scratch_database(pg_admin_url, "catalog_cli") as url:
        yield {"COMPASS_DATABASE_URL": url}


def test_a_gpu_name_other_cards_fit_is_shown_with_how_it_was_read(env):
    proc = run_compass("gpus", "A100", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["name"] == "A100-80GB"  # stdout stays JSON; the note goes to stderr
    note = " ".join(proc.stderr.split())
    assert "read as A100-80GB" in note and "A100-40GB" in note


def test_an_ambiguous_gpu_name_names_the_candidates_in_one_line(env):
    proc = run_compass("gpus", "NVIDIA H100", env=env)
    assert_clean_error(proc)
    assert proc.returncode == 2
    line = " ".join(proc.stderr.split())
    assert "ambiguous" in line and "H100-SXM" in line and "H100-PCIe" in line
