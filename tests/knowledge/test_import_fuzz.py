"""Fuzzing the importers (``compass kb import``): real files of each format with random damage.

Whatever is damaged (a value replaced by a huge, negative or non-finite number, a string, a list, null; a key
removed), parsing either returns rows and skip reasons or raises ImportFormatError naming the file; nothing
else escapes, and a file that fails writes nothing.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.catalog import Catalog
from knowledge.errors import ImportFormatError
from knowledge.importers import ImportOptions
from knowledge.importers.common import detect_and_parse
from knowledge.importers.native import FORMAT as NATIVE_FORMAT
from tests.knowledge.test_import import GUIDELLM, compass_doc, compass_row


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_files()


def _native_doc(catalog: Catalog, tmp: Path) -> dict:
    path = tmp / "compass.json"
    path.write_text(json.dumps(compass_doc(compass_row(), compass_row(requests_per_second=4.0))))
    _fmt, rows = detect_and_parse(path, catalog, ImportOptions())
    return {"format": NATIVE_FORMAT, "rows": [r.row.model_dump(mode="json") for r in rows if r.row]}


def _docs(catalog: Catalog, tmp: Path) -> dict[str, dict]:
    return {"guidellm": json.loads(GUIDELLM.read_text()),
            "compass": compass_doc(compass_row(), compass_row(hardware="A100-80GB", hardware_count=2)),
            "native": _native_doc(catalog, tmp)}


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**30, max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
    | st.sampled_from([0, -1, 1e308, -1e308, "", "NaN", "1e400", "H100", "meta-llama/Llama-3.1-8B-Instruct"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def damaged(draw, doc: dict) -> dict:
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    return doc


OPTIONS = st.builds(ImportOptions, gpu=st.sampled_from([None, "H100", "L4", "nope"]),
                    tensor_parallel=st.sampled_from([None, 1, 2, 8]))


@pytest.mark.parametrize("fmt", ["guidellm", "compass", "native"])
def test_damaged_files_parse_or_fail_cleanly(catalog, tmp_path_factory, fmt):
    tmp = tmp_path_factory.mktemp(fmt)
    original = _docs(catalog, tmp)[fmt]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(doc=damaged(original), options=OPTIONS)
    def check(doc, options):
        path = tmp / f"{fmt}.json"
        path.write_text(json.dumps(doc, allow_nan=True))
        try:
            _name, rows = detect_and_parse(path, catalog, options)
        except ImportFormatError as exc:
            assert f"{fmt}.json" in str(exc)
            return
        for r in rows:
            assert (r.row is None) != (r.skip_reason is None)

    check()


def test_a_file_that_fails_writes_nothing(kb, catalog, tmp_path):
    good = compass_doc(compass_row(), compass_row(requests_per_second=4.0))
    bad = copy.deepcopy(good)
    bad["benchmarks"][1]["ttft_p95"] = "fast"
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(ImportFormatError, match="bench.json"):
        kb.import_file(path)
    assert kb.status().counts["benchmarks"] == 0
