"""A what-if row is named in the user's words (the table shows the label as the row's name)."""

from __future__ import annotations

import pytest

from agent.offline.parser import parse_strict
from knowledge.catalog import Catalog


@pytest.fixture(scope="module")
def catalog():
    return Catalog.from_files()


@pytest.mark.parametrize("text, label", [
    ("what if ITL could be 80 ms instead of 40?", "p95 ITL 80 ms"),
    ("what if traffic doubles?", "traffic x2"),
    ("what if the latency targets were twice as loose?", "latency targets x2"),
    ("what if we had no budget limit?", "no budget"),
])
def test_a_whatif_label_names_the_change_as_the_user_reads_it(catalog, text, label):
    whatifs = parse_strict(text, catalog).whatifs
    assert whatifs, text
    assert whatifs[0].label == label
    assert "_" not in whatifs[0].label  # never a field identifier such as itl_p95_ms
