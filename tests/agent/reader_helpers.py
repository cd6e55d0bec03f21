"""What the reader-class tests of each blind round share: parse a message (with a spec it was told) and read its
updates."""

from __future__ import annotations

from agent.offline.parser import parse_strict
from agent.offline.reading import read_message
from agent.spec_update import apply_acts
from agent.state import AgentState
from knowledge.catalog import Catalog
from knowledge.domain import DeploymentSpec

CATALOG = Catalog.from_files()


def parsed(text: str, spec: DeploymentSpec | None = None):
    return parse_strict(text, CATALOG, spec=spec)


def read(text: str, spec: DeploymentSpec | None = None) -> dict:
    return {k: v for k, v in parsed(text, spec).updates.items() if k != "description"}


def held(**values) -> DeploymentSpec:
    return DeploymentSpec().with_values("stated", **values)


def after(text: str, **held) -> DeploymentSpec:
    """The spec after ``text`` is read in a conversation that holds ``held`` (stated)."""
    spec = DeploymentSpec().with_values("stated", **held)
    return apply_acts(spec, read_message(text, CATALOG, spec=spec, state=AgentState(spec=spec)).spec_acts(), CATALOG).spec
