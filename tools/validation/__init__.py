"""Measure a deployment against its SLOs and its prediction (health, smoke request, short load test)."""

from tools.validation.loadtest import LoadTestPlan, run_load_test
from tools.validation.outcome import (
    DeploymentValidationError, ValidationLoad, build_outcome, check_health, measured_from_guidellm, report_text, validate,
)

__all__ = ["LoadTestPlan", "DeploymentValidationError", "ValidationLoad", "build_outcome", "check_health",
           "measured_from_guidellm", "report_text", "run_load_test", "validate"]
