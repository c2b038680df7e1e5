"""Shared fixtures: an isolated compiled-taxonomy cache, paths to test data and the source document."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent
DATA = HERE / "data"
MIN_TAXONOMY = DATA / "taxonomy_min"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ["DOMAINCHECK_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("DOMAINCHECK_TAXONOMY", None)
    os.environ.pop("DOMAINCHECK_LANG", None)  # the messages' language: Japanese by default, as a user has it
    os.environ["COLUMNS"] = "160"


@pytest.fixture(scope="session")
def seed_lines() -> list[str]:
    """The source document's lines, from the copy shipped with the taxonomy (taxonomy/source.txt), which a test
    checks is the documented input's bytes when that is at hand (tests/test_taxonomy_source.py)."""
    return (HERE.parent / "taxonomy" / "source.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="session")
def taxonomy():  # type: ignore[no-untyped-def]
    from domaincheck.taxonomy import load

    return load()


@pytest.fixture(scope="session")
def classifier():  # type: ignore[no-untyped-def]
    from domaincheck.classify import Classifier

    return Classifier.load()


@pytest.fixture(scope="session")
def terms_classifier():  # type: ignore[no-untyped-def]
    """The packaged taxonomy without its learned model: taxonomy terms alone."""
    from domaincheck.classify import Classifier

    return Classifier.load(learned=False)


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in English (DOMAINCHECK_LANG=en), for the tests that check their English text word for word; it
    also makes English the default of --lang. tests/test_errors_ja.py checks the Japanese ones."""
    monkeypatch.setenv("DOMAINCHECK_LANG", "en")
