"""Catalog content, loading into the database, and name resolution."""

from __future__ import annotations

import pytest

from knowledge.catalog import AmbiguousNameError, Catalog, UnknownNameError
from knowledge.catalog_files import load_catalog_files
from knowledge.domain import Precision, UseCase
from knowledge.store.catalog_repo import read_catalog

REQUIRED_MODELS = """meta-llama/Llama-3.1-8B-Instruct meta-llama/Llama-3.1-70B-Instruct meta-llama/Llama-3.3-70B-Instruct
meta-llama/Llama-3.1-405B-Instruct meta-llama/Llama-4-Scout-17B-16E-Instruct meta-llama/Llama-4-Maverick-17B-128E-Instruct
Qwen/Qwen2.5-7B-Instruct Qwen/Qwen2.5-72B-Instruct Qwen/Qwen2.5-Coder-32B-Instruct Qwen/Qwen3-8B Qwen/Qwen3-32B
Qwen/Qwen3-235B-A22B mistralai/Mistral-7B-Instruct-v0.3 mistralai/Mistral-Small-24B-Instruct-2501
mistralai/Mistral-Small-3.1-24B-Instruct-2503 mistralai/Mixtral-8x7B-Instruct-v0.1 microsoft/phi-4
ibm-granite/granite-3.1-8b-instruct google/gemma-3-27b-it openai/gpt-oss-20b openai/gpt-oss-120b
deepseek-ai/DeepSeek-V3 deepseek-ai/DeepSeek-R1 deepseek-ai/DeepSeek-R1-Distill-Llama-70B HuggingFaceTB/SmolLM3-3B
nvidia/Llama-3.1-Nemotron-70B-Instruct-HF MiniMaxAI/MiniMax-M2.5 moonshotai/Kimi-K2.5 zai-org/GLM-4.5-Air
meta-llama/Llama-3.2-3B-Instruct""".split()
REQUIRED_GPUS = ["L4", "A10G", "L40S", "A100-40GB", "A100-80GB", "H100-SXM", "H100-PCIe", "H200", "B200", "MI300X"]


@pytest.fixture(scope="module")
def files_catalog() -> Catalog:
    return Catalog.from_files()


def test_shipped_catalog_has_the_required_entries(files_catalog):
    ids = {m.id for m in files_catalog.models}
    assert set(REQUIRED_MODELS) <= ids
    assert set(REQUIRED_GPUS) <= {g.name for g in files_catalog.gpus}
    assert {u.name for u in files_catalog.use_cases} == set(UseCase)
    assert files_catalog.name_conflicts() == []


def test_every_model_has_quality_for_every_use_case_with_a_source(files_catalog):
    for m in files_catalog.models:
        assert set(m.quality) == set(UseCase), m.id
        assert all(q.source and q.benchmark for q in m.quality.values()), m.id


def test_every_gpu_has_two_priced_providers_and_a_node_label(files_catalog):
    for g in files_catalog.gpus:
        assert len({p.provider for p in g.prices}) >= 2, g.name
        assert g.node_label and g.purchase_usd > 0


@pytest.mark.parametrize("alias,canonical", [
    ("h100", "H100-SXM"), ("H100", "H100-SXM"), ("h100_sxm", "H100-SXM"), ("NVIDIA-H100-80GB-HBM3", "H100-SXM"),
    ("A100-80", "A100-80GB"), ("a100_sxm", "A100-80GB"), ("l4", "L4"), ("NVIDIA-L4", "L4"), ("mi300x", "MI300X"),
    ("h200_sxm", "H200"), ("b200_sxm", "B200"),
])
def test_gpu_aliases_resolve(files_catalog, alias, canonical):
    assert files_catalog.gpu(alias).name == canonical


@pytest.mark.parametrize("name,read_as,also", [
    ("A100", "A100-80GB", ["A100-40GB"]), ("H100", "H100-SXM", ["H100-PCIe"]),
    ("H100-80GB", "H100-SXM", ["H100-PCIe"]), ("h100 80G", "H100-SXM", ["H100-PCIe"]),
])
def test_a_name_other_cards_also_fit_is_read_the_catalogs_way_with_a_note(files_catalog, name, read_as, also):
    resolved = files_catalog.resolve_gpu(name)
    assert resolved.gpu.name == read_as
    assert resolved.note and all(other in resolved.note for other in also) and "\n" not in resolved.note


@pytest.mark.parametrize("name", ["H100-SXM", "H100-PCIe", "h100 pcie", "A100-40GB", "A100-80GB", "L4", "L40S",
                                  "NVIDIA-H100-80GB-HBM3", "HGX-H100", "B200"])
def test_a_name_only_one_card_fits_resolves_without_a_note(files_catalog, name):
    assert files_catalog.resolve_gpu(name).note is None


@pytest.mark.parametrize("name,candidates", [("NVIDIA H100", {"H100-SXM", "H100-PCIe"}), ("24GB", {"L4", "A10G"})])
def test_a_name_several_cards_fit_and_none_spells_is_ambiguous_in_one_line(files_catalog, name, candidates):
    with pytest.raises(AmbiguousNameError) as err:
        files_catalog.gpu(name)
    assert set(err.value.suggestions) == candidates and "ambiguous" in str(err.value)
    assert isinstance(err.value, UnknownNameError) and "\n" not in str(err.value)  # every handler of names says it
    import pickle

    assert str(pickle.loads(pickle.dumps(err.value))) == str(err.value)  # raised in an API worker process


def test_model_ids_resolve_case_insensitively_and_through_variants(files_catalog):
    assert files_catalog.model("META-LLAMA/llama-3.1-8b-instruct").id == "meta-llama/Llama-3.1-8B-Instruct"
    resolved = files_catalog.resolve_model("RedHatAI/phi-4-FP8-dynamic")
    assert resolved.card.id == "microsoft/phi-4" and resolved.precision is Precision.FP8
    assert files_catalog.model("meta-llama/Llama-3.1-70B").id == "meta-llama/Llama-3.1-70B-Instruct"


def test_unknown_names_suggest_the_closest_known(files_catalog):
    with pytest.raises(UnknownNameError) as err:
        files_catalog.gpu("H10")
    assert "H100-SXM" in err.value.suggestions
    with pytest.raises(UnknownNameError) as err:
        files_catalog.model("meta-llama/Llama-3.1-8B-Instrct")
    assert "meta-llama/Llama-3.1-8B-Instruct" in err.value.suggestions
    assert "Did you mean" in str(err.value)


def test_database_holds_the_same_catalog_and_reload_is_idempotent(kb):
    data = load_catalog_files()
    assert kb.sync_catalog(data) is False  # already loaded at open
    with kb.db.connection() as conn:
        stored = read_catalog(conn)
        assert {m.id for m in stored.models} == {m.id for m in data.models}
        assert stored.gpu("a100_sxm").name == "A100-80GB"
        precision = conn.execute(
            "SELECT precision FROM model_names WHERE name = lower('RedHatAI/phi-4-FP8-dynamic')").fetchone()[0]
        assert precision == "fp8"
    assert kb.sync_catalog(data, force=True) is True
    assert kb.status().counts["models"] == len(data.models)


def test_a_use_case_is_named_by_its_value_or_its_label_everywhere():
    """One resolution (UseCase): the CLI's options, spec files, API bodies and the conversation's tools all take
    'chatbot' as the catalog's short name for chatbot_conversational; a name that is neither is still refused."""
    import pydantic

    from knowledge.domain import DeploymentSpec, UseCase

    for use_case in UseCase:
        for name in (use_case.value, use_case.label, use_case.label.upper(), use_case.value.replace("_", "-")):
            assert UseCase(name) is use_case
            assert DeploymentSpec(use_case=name).use_case is use_case
            assert DeploymentSpec.model_validate_json(f'{{"use_case": "{name}"}}').use_case is use_case
    with pytest.raises(pydantic.ValidationError):
        DeploymentSpec(use_case="chat")
    with pytest.raises(ValueError):
        UseCase("nope")
    # a word of one name only names it ('rag', 'legal'); a word of several names none ('code', 'summarization')
    assert (UseCase("rag"), UseCase("Legal")) == (UseCase.DOCUMENT_ANALYSIS_RAG, UseCase.RESEARCH_LEGAL_ANALYSIS)
    for shared in ("code", "summarization"):
        with pytest.raises(ValueError):
            UseCase(shared)
        assert len(UseCase.matching(shared)) == 2


def test_a_request_rate_given_two_ways_is_named_and_concurrency_is_whole_users():
    from knowledge.domain import DeploymentSpec, Load, LoadKind, ignored_rate_sources

    assert ignored_rate_sources(DeploymentSpec(users=5000, peak_rps=20)) is None  # an average and a peak
    assert ignored_rate_sources(DeploymentSpec(rps=20)) is None
    derived = DeploymentSpec(users=5000).with_values("assumed", "from the users", rps=5.2)
    assert ignored_rate_sources(derived) is None  # a filled spec sent back: the rate was derived, not given
    for values, used, ignored in (({"users": 5000, "rps": 20}, "rps", "users"),
                                  ({"users": 5000, "concurrent_users": 50}, "concurrent_users", "users"),
                                  ({"window_requests": 300_000, "rps": 4}, "rps", "window_requests")):
        why = ignored_rate_sources(DeploymentSpec(**values))
        assert why and f"{used} would be used and {ignored} ignored" in why and "\n" not in why, why
    for value in (0.5, 1.5, 2.25):
        with pytest.raises(ValueError, match="whole number"):
            Load(kind=LoadKind.CONCURRENCY, value=value, prompt_tokens=10, output_tokens=10)
    assert Load(kind=LoadKind.CONCURRENCY, value=3.0, prompt_tokens=10, output_tokens=10).value == 3
    assert Load(kind=LoadKind.RPS, value=0.5, prompt_tokens=10, output_tokens=10).value == 0.5  # a rate may be
