"""Errors the tools layer reports to users (subclasses of the project-wide ``CompassError``)."""

from knowledge.errors import CompassError


class PlanningError(CompassError):
    """The spec cannot be planned as given; the message says what to change."""

    exit_code = 2
