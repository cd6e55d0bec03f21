"""An immutable snapshot of the catalog with name resolution (ids, aliases, quantized variants).

Built from the database at run time (``knowledge.store.catalog_repo.load_catalog``) or straight from the
data files in tests and tools that run without a database.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from functools import cached_property

from knowledge.catalog_files import CatalogData, load_catalog_files
from knowledge.domain import GpuSpec, ModelCard, Precision, UseCase, UseCaseTemplate


class UnknownNameError(LookupError):
    """A model, GPU or use case name that resolves to nothing; carries the closest known names."""

    def __init__(self, kind: str, name: str, suggestions: list[str]):
        self.kind, self.name, self.suggestions = kind, name, suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"Unknown {kind} '{name}'.{hint}")

    def __reduce__(self):  # raised in a worker process, re-raised in the server (pickle needs the arguments)
        return type(self), (self.kind, self.name, self.suggestions)


class AmbiguousNameError(UnknownNameError):
    """A name that several catalog entries answer to equally (e.g. 'NVIDIA H100': the SXM and the PCIe card);
    ``suggestions`` are the candidates."""

    def __init__(self, kind: str, name: str, suggestions: list[str]):
        super().__init__(kind, name, suggestions)
        self.args = (f"The {kind} '{name}' is ambiguous: it could be {' or '.join(suggestions)}; name one of them.",)

    def __str__(self) -> str:
        return self.args[0]


def gpu_name_tokens(name: str) -> frozenset[str]:
    """The words of a GPU name, memory sizes spelled one way: 'H100-80G' and 'h100 80GB' -> {h100, 80gb}."""
    words = re.split(r"[^a-z0-9]+", name.lower())
    return frozenset(re.sub(r"^(\d+)g(i?b)?$", r"\1gb", w) for w in words if w)


def normalize_gpu_name(name: str) -> str:
    """'NVIDIA-H100-80GB-HBM3', 'h100_sxm', 'H100 SXM' -> comparable keys."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class ResolvedModel:
    card: ModelCard
    precision: Precision | None  # set when the name was a quantized variant's id


@dataclass(frozen=True)
class ResolvedGpu:
    gpu: GpuSpec
    note: str | None = None  # set when the name was read one way and other cards also answer to it


@dataclass(frozen=True)
class Catalog:
    models: tuple[ModelCard, ...]
    gpus: tuple[GpuSpec, ...]
    use_cases: tuple[UseCaseTemplate, ...]
    version: str = "files"
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_data(cls, data: CatalogData, version: str | None = None) -> "Catalog":
        return cls(tuple(data.models), tuple(data.gpus), tuple(data.use_cases), version or data.content_hash)

    @classmethod
    def from_files(cls) -> "Catalog":
        return cls.from_data(load_catalog_files())

    # ------------------------------------------------------------------ indexes

    @cached_property
    def _model_index(self) -> dict[str, ResolvedModel]:
        index: dict[str, ResolvedModel] = {}
        for m in self.models:
            index[m.id.lower()] = ResolvedModel(m, None)
            for alias in m.aliases:
                index.setdefault(alias.lower(), ResolvedModel(m, None))
            for v in m.variants:
                index.setdefault(v.hf_id.lower(), ResolvedModel(m, v.precision))
        return index

    @cached_property
    def _gpu_index(self) -> dict[str, GpuSpec]:
        index: dict[str, GpuSpec] = {}
        for g in self.gpus:
            for key in (g.name, g.node_label, *g.aliases):
                index.setdefault(normalize_gpu_name(key), g)
        return index

    def model_names(self) -> dict[str, ResolvedModel]:
        """Every lower-cased name a model answers to (ids, aliases, quantized variants)."""
        return dict(self._model_index)

    def gpu_names(self) -> dict[str, str]:
        """Every normalised GPU spelling -> canonical name."""
        return {k: g.name for k, g in self._gpu_index.items()}

    def name_conflicts(self) -> list[str]:
        """Names claimed by two different entries (the first one wins; data health reports the rest)."""
        conflicts = []
        seen_models: dict[str, str] = {}
        for m in self.models:
            for name in {m.id.lower(), *(a.lower() for a in m.aliases), *(v.hf_id.lower() for v in m.variants)}:
                if seen_models.setdefault(name, m.id) != m.id:
                    conflicts.append(f"model name '{name}' is claimed by {seen_models[name]} and {m.id}")
        seen_gpus: dict[str, str] = {}
        for g in self.gpus:
            for name in {normalize_gpu_name(n) for n in (g.name, g.node_label, *g.aliases)}:
                if seen_gpus.setdefault(name, g.name) != g.name:
                    conflicts.append(f"GPU name '{name}' is claimed by {seen_gpus[name]} and {g.name}")
        return conflicts

    # ------------------------------------------------------------------ lookups

    def resolve_model(self, name: str) -> ResolvedModel:
        key = name.strip().lower()
        if key in self._model_index:
            return self._model_index[key]
        # Bare names without the org ("phi-4", "Llama-3.1-8B-Instruct") resolve when unambiguous.
        tails = {k.split("/", 1)[-1]: v for k, v in self._model_index.items()}
        hits = {v.card.id for k, v in tails.items() if k == key.split("/", 1)[-1]}
        if len(hits) == 1:
            return tails[key.split("/", 1)[-1]]
        raise UnknownNameError("model", name, self._suggest(key, list(self._model_index), 3,
                                                             canonical=lambda k: self._model_index[k].card.id))

    def model(self, name: str) -> ModelCard:
        return self.resolve_model(name).card

    def gpu(self, name: str) -> GpuSpec:
        return self.resolve_gpu(name).gpu

    def resolve_gpu(self, name: str) -> ResolvedGpu:
        """The one rule for GPU names. A name is read as the card whose name, node label or alias it spells; when
        other cards have every word of it too ('A100': the 40GB part; 'H100-80GB': the PCIe card is 80 GB as well),
        the catalog's alias is its standard reading and the answer carries a note naming the others. A name no card
        spells but several have every word of ('NVIDIA H100') is ambiguous; one card with them all is that card."""
        key = normalize_gpu_name(name)
        words = gpu_name_tokens(name)
        sharing = [g for g in self.gpus if words and words <= self._gpu_words[g.name]]
        exact = self._gpu_index.get(key)
        if exact is not None:
            others = [g.name for g in sharing if g.name != exact.name]
            if not others or key in (normalize_gpu_name(exact.name), normalize_gpu_name(exact.node_label)):
                return ResolvedGpu(exact)
            also = f"{others[0]} also fits that name" if len(others) == 1 else \
                f"{', '.join(others[:-1])} and {others[-1]} also fit that name"
            return ResolvedGpu(exact, f"GPU '{name.strip()}' read as {exact.name}, the card the catalog means by it; "
                                      f"{also} (name it to use it instead)")
        if len(sharing) == 1:
            return ResolvedGpu(sharing[0])
        if sharing:
            raise AmbiguousNameError("GPU", name.strip(), [g.name for g in sharing])
        raise UnknownNameError("GPU", name, self._suggest(key, list(self._gpu_index), 3,
                                                           canonical=lambda k: self._gpu_index[k].name))

    @cached_property
    def _gpu_words(self) -> dict[str, frozenset[str]]:
        """Every word any of a card's names has, per card."""
        return {g.name: frozenset().union(*(gpu_name_tokens(n) for n in (g.name, g.node_label, *g.aliases)))
                for g in self.gpus}

    def use_case(self, name: str | UseCase) -> UseCaseTemplate:
        key = str(name.value if isinstance(name, UseCase) else name).strip().lower()
        for uc in self.use_cases:
            if uc.name.value == key:
                return uc
        raise UnknownNameError("use case", str(name),
                               difflib.get_close_matches(key, [u.name.value for u in self.use_cases], n=3, cutoff=0.4))

    @staticmethod
    def _suggest(key: str, keys: list[str], n: int, canonical) -> list[str]:
        """The ``n`` known names closest to a mistyped one. A typo keeps the start of a name ('H1000' is an H100
        or an H200, not an A100), so the length of the common start ranks first and similarity second; each name
        counts once, by the best of its aliases."""
        def score(k: str) -> tuple[int, float]:
            start = len(os.path.commonprefix([key, k]))
            return start, difflib.SequenceMatcher(None, key, k).ratio()

        close = [k for k in keys if key and (difflib.SequenceMatcher(None, key, k).ratio() >= 0.5
                                             or key in k or k in key or score(k)[0] >= 2)]
        names: list[str] = []
        for k in sorted(close, key=score, reverse=True):
            if canonical(k) not in names:
                names.append(canonical(k))
        return names[:n]
