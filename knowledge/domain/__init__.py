"""Domain types shared by every layer: one definition each."""

from knowledge.domain.benchmark import BenchmarkRow, ImportReport, LatencyFigures
from knowledge.domain.catalog import (
    ApiPrice, GpuPrice, GpuSpec, LengthDistribution, ModelArchitecture, ModelCard, QualityScore, QuantizedVariant,
    TrafficShape, UseCaseTemplate,
)
from knowledge.domain.enums import (
    AttentionKind, CostModel, ExperienceClass, LoadKind, Precision, PriceTier, Priority, Provenance, UseCase,
)
from knowledge.domain.outcome import DeploymentOutcome, MeasuredPerformance, SimilarDeployment
from knowledge.domain.prediction import (
    LatencyStats, Load, MemoryBreakdown, Prediction, ServingConfig, Throughput,
)
from knowledge.domain.recommendation import BindingConstraint, CostEstimate, Recommendation, SloCheck
from knowledge.domain.spec import (
    DEFAULT_NAMESPACE, EXPERIENCE_TARGETS, MAX_RPS_PER_USER, SPEC_FIELDS, DeploymentSpec, FieldSource, average_rps_for_users, fill_defaults,
    derived_from_stated, ignored_rate_sources, implausible_rate_per_user, is_batch, max_model_len_for, max_model_len_words, p90_of,
)

__all__ = [
    "ApiPrice", "AttentionKind", "BenchmarkRow", "BindingConstraint", "CostEstimate", "CostModel", "DeploymentOutcome", "DeploymentSpec",
    "ExperienceClass", "FieldSource", "GpuPrice", "GpuSpec", "ImportReport", "LatencyFigures", "LatencyStats",
    "LengthDistribution", "Load", "LoadKind", "MeasuredPerformance", "MemoryBreakdown", "ModelArchitecture",
    "ModelCard", "Precision", "Prediction", "PriceTier", "Priority", "Provenance", "QualityScore",
    "QuantizedVariant", "Recommendation", "SPEC_FIELDS", "ServingConfig", "SimilarDeployment", "SloCheck",
    "Throughput", "TrafficShape", "UseCase", "UseCaseTemplate", "average_rps_for_users", "derived_from_stated", "fill_defaults", "ignored_rate_sources", "implausible_rate_per_user", "is_batch",
    "DEFAULT_NAMESPACE", "EXPERIENCE_TARGETS", "MAX_RPS_PER_USER", "max_model_len_for", "max_model_len_words", "p90_of",
]
