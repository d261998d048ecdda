"""Benchmarks a user can rerun: without ../shared, the labelled papers are fetched by arXiv ID, once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.corpus import resolve
from tests.fakes.arxiv import FakeArxiv, FakePaper
from tests.pdfs import paper_pdf


def test_a_set_is_fetched_by_arxiv_id_into_the_cache_when_shared_is_absent(
        tmp_path: Path, arxiv_fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch) -> None:
    arxiv_fake.add(FakePaper("2408.14227", "A Paper", ["A. Author"], "An abstract.", pdfs={1: paper_pdf()}))
    labels = tmp_path / "labels" / "pdfs"
    labels.mkdir(parents=True)
    (labels / "ours.figures.json").write_text(json.dumps({"pdf": "ours.pdf", "arxiv_id": "2408.14227v1", "items": []}))
    (labels / "draft.figures.json").write_text(json.dumps({"pdf": "draft.pdf", "arxiv_id": "1603.01366",
                                                           "items": []}))
    monkeypatch.setenv("ARXIV_PDF_URL", arxiv_fake.pdf_url)
    monkeypatch.setenv("ARXIV_DELAY_SECONDS", "0")

    corpus = resolve("pdfs", shared=tmp_path / "no-shared", bench=tmp_path)
    again = resolve("pdfs", shared=tmp_path / "no-shared", bench=tmp_path)

    assert corpus.papers() == [tmp_path / ".cache" / "pdfs" / "ours.pdf"]
    assert corpus.papers()[0].read_bytes().startswith(b"%PDF-")
    assert corpus.skipped == ("draft",), "an unversioned ID may not be the labelled PDF: skipped, and said"
    assert again.papers() == corpus.papers() and arxiv_fake.pdf_requests == ["2408.14227v1"], "fetched once"
