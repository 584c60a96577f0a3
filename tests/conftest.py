from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "000_6710659f3c143ba2.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def expected() -> dict:
    return yaml.safe_load((ROOT / "tests" / "fixtures" / "sample_expected.yaml").read_text())


@pytest.fixture(scope="session")
def nlp():
    from framing.nlp import NLP

    return NLP()


@pytest.fixture(scope="session")
def lemmatizer(nlp):
    return nlp.lemmatizer


@pytest.fixture(scope="session")
def registry(lemmatizer):
    from framing.actors import ActorRegistry

    return ActorRegistry.from_yaml(ROOT / "config" / "actors.yaml", lemmatizer)


@pytest.fixture(scope="session")
def codebook(lemmatizer):
    from framing.codebook import load_codebook

    return load_codebook(ROOT / "config" / "codebook.yaml", lemmatizer)


@pytest.fixture(scope="session")
def matcher(codebook, lemmatizer):
    from framing.devices import DeviceMatcher

    return DeviceMatcher(codebook, lemmatizer)


@pytest.fixture(scope="session")
def quote_finder(registry):
    from framing.quotes import QuoteFinder, ReportingVerbs

    return QuoteFinder.for_registry(
        ReportingVerbs.from_yaml(ROOT / "config" / "reporting_verbs.yaml"), registry)


@pytest.fixture(scope="session")
def sample_article():
    from framing.ingest import read_path

    (art,) = read_path(SAMPLE)
    return art


@pytest.fixture(scope="session")
def sample_doc(nlp, sample_article):
    return nlp(sample_article)


@pytest.fixture(scope="session")
def sample_mentions(sample_doc, registry):
    from framing.actors import find_mentions

    return find_mentions(sample_doc, registry)


@pytest.fixture(scope="session")
def sample_quotes(sample_doc, sample_mentions, quote_finder):
    return quote_finder.find(sample_doc, sample_mentions)


@pytest.fixture(scope="session")
def sample_devices(sample_doc, sample_mentions, sample_quotes, matcher):
    return matcher.match_doc(sample_doc, sample_quotes, sample_mentions)


@pytest.fixture(scope="session")
def annotate(nlp):
    """Annotate a short text written in a test."""
    from framing.ingest import Article, Segment

    def run(text: str):
        art = Article(id="t", source_file="t.txt", text=text,
                      segments=[Segment("prose", text, 0, len(text))])
        return nlp(art)

    return run


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"development data {SHARED} is absent (only needed for corpus tests)")
    return SHARED
