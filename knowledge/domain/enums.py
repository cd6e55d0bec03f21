"""Closed vocabularies shared by every layer (one definition each)."""

from __future__ import annotations

from enum import StrEnum


class UseCase(StrEnum):
    CHATBOT_CONVERSATIONAL = "chatbot_conversational"
    CODE_COMPLETION = "code_completion"
    CODE_GENERATION_DETAILED = "code_generation_detailed"
    TRANSLATION = "translation"
    CONTENT_GENERATION = "content_generation"
    SUMMARIZATION_SHORT = "summarization_short"
    DOCUMENT_ANALYSIS_RAG = "document_analysis_rag"
    LONG_DOCUMENT_SUMMARIZATION = "long_document_summarization"
    RESEARCH_LEGAL_ANALYSIS = "research_legal_analysis"

    @property
    def label(self) -> str:
        """The name a person uses for it: what the UI and CLI show, and what every input accepts besides the value."""
        return USE_CASE_LABELS[self]

    @classmethod
    def _missing_(cls, value: object) -> "UseCase | None":
        """The one place a use case is resolved from text: by its value or its label (chatbot, RAG over documents),
        whatever the case, spaces, hyphens or underscores. Enum lookup, and so pydantic (spec files, API bodies, the
        conversation's tools) and the CLI's options, all come here."""
        if not isinstance(value, str):
            return None
        wanted = _words(value)
        exact = next((u for u in cls if wanted in (_words(u.value), _words(u.label))), None)
        if exact is not None:
            return exact
        fits = cls.matching(value)
        return fits[0] if len(fits) == 1 else None  # 'rag', 'legal'; never a guess between two ('code')

    @classmethod
    def matching(cls, value: str) -> list["UseCase"]:
        """The use cases whose value or label has every word of ``value`` ('rag' -> RAG over documents; 'code' ->
        code completion and detailed code generation)."""
        wanted = set(_words(value).split())
        return [u for u in cls if wanted and wanted <= set(_words(u.value).split()) | set(_words(u.label).split())]

    @classmethod
    def names(cls) -> str:
        """Every use case as a person may name it, for an error message."""
        return ", ".join(f"{u.label} ({u.value})" if u.label != u.value else u.value for u in cls)


def _words(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


USE_CASE_LABELS: dict[UseCase, str] = {
    UseCase.CHATBOT_CONVERSATIONAL: "chatbot", UseCase.CODE_COMPLETION: "code completion",
    UseCase.CODE_GENERATION_DETAILED: "detailed code generation", UseCase.TRANSLATION: "translation",
    UseCase.CONTENT_GENERATION: "content generation", UseCase.SUMMARIZATION_SHORT: "short summarization",
    UseCase.DOCUMENT_ANALYSIS_RAG: "RAG over documents",
    UseCase.LONG_DOCUMENT_SUMMARIZATION: "long document summarization",
    UseCase.RESEARCH_LEGAL_ANALYSIS: "legal research analysis",
}


class ExperienceClass(StrEnum):
    INSTANT = "instant"
    CONVERSATIONAL = "conversational"
    INTERACTIVE = "interactive"
    DEFERRED = "deferred"
    BATCH = "batch"


class Precision(StrEnum):
    """Weight/activation formats Compass can plan for.

    int8 means W8A8 (SmoothQuant-style), int4 means W4A16 (GPTQ/AWQ weight-only),
    fp4 means NVFP4/MXFP4 (native on Blackwell, weight-only emulation elsewhere).
    """

    BF16 = "bf16"
    FP8 = "fp8"
    INT8 = "int8"
    INT4 = "int4"
    FP4 = "fp4"

    @property
    def weight_bytes(self) -> float:
        return {"bf16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5, "fp4": 0.5}[self.value]


class AttentionKind(StrEnum):
    MHA = "mha"
    GQA = "gqa"
    MLA = "mla"


class Priority(StrEnum):
    LATENCY = "latency"
    COST = "cost"
    QUALITY = "quality"
    BALANCED = "balanced"


class CostModel(StrEnum):
    CLOUD = "cloud"
    OWNED = "owned"
    PURCHASE = "purchase"


class PriceTier(StrEnum):
    ON_DEMAND = "on_demand"
    SPOT = "spot"
    RESERVED_1Y = "reserved_1y"


class Provenance(StrEnum):
    """Where a number comes from, from most to least trustworthy."""

    MEASURED = "measured"
    INTERPOLATED = "interpolated"
    ESTIMATED = "estimated"


class LoadKind(StrEnum):
    CONCURRENCY = "concurrency"  # closed loop: N users, each sends its next request when the last ends
    RPS = "rps"  # open loop: Poisson arrivals at R requests/s
    BURSTY = "bursty"  # open loop: gamma inter-arrivals with a coefficient of variation > 1
