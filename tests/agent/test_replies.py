"""agent/replies.py: what a what-if comparison says beside its table."""

from __future__ import annotations

from agent.replies import comparison_text
from knowledge.catalog import Catalog
from knowledge.domain import DeploymentSpec
from tools.whatif import Variant, compare


def test_what_a_variant_kept_or_could_not_keep_reaches_the_reader():
    """tools/whatif.py notes what each variant kept from the base plan and what it could not keep (a model with
    no FP8 variant is replaced by the nearest that has one): said where users read the comparison, or the swap
    reads as if the named change alone made the difference."""
    spec = DeploymentSpec().with_values("stated", "test", use_case="chatbot_conversational", users=5000)
    comparison = compare(spec, [Variant(label="fp8", changes={"precision": "fp8"}),
                                Variant(label="L40S", changes={"gpu": "L40S"})], Catalog.from_files())
    text = comparison_text(comparison)
    for variant in comparison.variants:
        assert variant.notes  # each variant says at least what it kept
        for note in variant.notes:
            assert note.rstrip(".")[1:] in text


def test_why_so_many_gpus_names_what_sets_the_size_in_a_sentence_for_every_kind():
    """The binding constraint's text starts 'sized by', 'capped by' or 'one replica is the minimum': the answer
    introduces it so each reads as a sentence (it read 'It is one replica is the minimum ...')."""
    from agent.why_answers import why_gpu_count
    from tools.planner import plan_detailed

    catalog = Catalog.from_files()
    kinds = set()
    for users in (50, 5000, 200_000):
        spec = DeploymentSpec().with_values("stated", "test", use_case="chatbot_conversational", users=users)
        result = plan_detailed(spec, catalog)
        r = result.recommendations[0]
        kinds.add(r.sized_by.kind)
        assert f"- What sets its size: {r.sized_by.text}" in why_gpu_count(result, r)
    assert len(kinds) >= 2  # more than one kind of constraint was read


def test_the_deploy_step_line_says_what_was_rendered_not_a_repr():
    """The terminal and the UI show each tool step's summary: a rendered deployment read
    'Prepared(bundle=ManifestBundle(name=..., manifests=(Manifest(filename ...'."""
    from agent.tools.common import summarize
    from tools import deploy_path
    from tools.planner import plan_detailed

    catalog = Catalog.from_files()
    spec = DeploymentSpec().with_values("stated", "test", use_case="chatbot_conversational", users=500)
    rec = plan_detailed(spec, catalog).recommendations[0]
    prepared = deploy_path.prepare(rec, spec, catalog, target="local", allowed_namespaces=["compass"])
    line = summarize(prepared)
    assert line.startswith(f"{len(prepared.bundle.manifests)} manifest(s) for {prepared.bundle.name} in compass")
