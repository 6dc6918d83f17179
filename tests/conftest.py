"""Shared fixtures: one real build of the project's data, made once per test session, and the
shapes with the small ontology of the SHACL fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from foerdergraph.core.config import Settings
from foerdergraph.validate.engine import load_shapes
from foerdergraph.workflows.build import BuildResult, build

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return load_shapes(ROOT / "shapes" / "foerdergraph.shacl.ttl")


@pytest.fixture(scope="session")
def ontology() -> Graph:
    """The ontology the SHACL fixtures (tests/fixtures/shapes) are written against."""
    return Graph().parse(ROOT / "tests" / "fixtures" / "shapes" / "ontology.ttl", format="turtle")


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The real project, building into a temporary folder (the checkout's build/ is left alone)."""
    return Settings(home=ROOT, build_dir_override=tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def built(settings: Settings) -> BuildResult:
    return build(settings)


@pytest.fixture
def project_copy(tmp_path: Path) -> Settings:
    """A throw-away copy of the project's inputs (the documents, without the large imported
    lists), for tests that build several times or break the input on purpose."""
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("imports"))
    return Settings(home=tmp_path, build_dir_override=tmp_path / "build")
