"""Searching arXiv for a reader (inline mode, guest queries): arXiv's own relevance order, re-ranked by BM25 over
title and abstract (arXiv matches words anywhere, a title that says them is what a reader means) and by the
chat's taste when it has one."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from services.arxiv.client import ArxivClient
from services.cards.render import shorten
from services.closeness import sentences
from services.models import PaperMeta, PaperText
from services.ranking.feedback import Feedback
from services.ranking.taste import Space, resemblance
from services.store import SearchHit
from services.text_match import stems

FETCHED = 30
"""Papers read from arXiv's relevance order for each search (the re-rank sees these; /search pages them)."""
SHOWN = 10
PAGE = 10
"""Results on a /search page: each with its 📄 button, five to a row."""
MAX_QUERY = 200
K1, B = 1.2, 0.75
TITLE_WEIGHT = 2.0
"""A title's words count twice: a paper titled with the query is about it."""
WEIGHTS = (0.5, 0.3, 0.2)
"""BM25, arXiv's order, the chat's taste (without a taste, its share goes to BM25)."""

_FIELDS = re.compile(r"\b(all|ti|abs|au|cat|co|jr|rn|id):", re.IGNORECASE)


def arxiv_query(text: str) -> str:
    """The reader's words as an arXiv query: every word must occur (`all:` … AND …); a query already in arXiv's
    syntax (`au:`, `ti:`, `cat:` …) is passed as written."""
    text = " ".join(text.split())[:MAX_QUERY]
    if _FIELDS.search(text):
        return text
    words = [w for w in re.findall(r"[\w\-]+", text) if len(w) > 1][:8]
    return " AND ".join(f"all:{w}" for w in words)


def _field_bm25(wanted: list[str], docs: list[Counter[str]]) -> list[float]:
    """Okapi BM25 of each document for the wanted words, with this field's own document frequencies."""
    average = sum(sum(d.values()) for d in docs) / len(docs) or 1.0
    having = {word: sum(1 for d in docs if word in d) for word in wanted}
    idf = {word: math.log(1 + (len(docs) - n + 0.5) / (n + 0.5)) for word, n in having.items()}
    scores = []
    for doc in docs:
        length = sum(doc.values())
        score = 0.0
        for word in wanted:
            tf = doc.get(word, 0)
            if tf:
                score += idf[word] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
        scores.append(score)
    return scores


def bm25(query: str, papers: Sequence[PaperMeta]) -> list[float]:
    """BM25 of each paper for the query's words, title and abstract scored apart (a word every abstract of the
    results has says little; the few titles that have it say much) and the title weighted higher."""
    wanted = [w for w in dict.fromkeys(stems(_FIELDS.sub(" ", query))) if w not in ("and", "or", "not")]
    if not papers or not wanted:
        return [0.0] * len(papers)
    titles = _field_bm25(wanted, [Counter(stems(p.title)) for p in papers])
    abstracts = _field_bm25(wanted, [Counter(stems(p.abstract)) for p in papers])
    return [TITLE_WEIGHT * a + b for a, b in zip(titles, abstracts, strict=True)]


def _scaled(values: Sequence[float]) -> list[float]:
    low, high = min(values, default=0.0), max(values, default=0.0)
    return [0.0 if high == low else (v - low) / (high - low) for v in values]


def reranked(query: str, papers: Sequence[PaperMeta], taste: Sequence[float] | None = None) -> list[PaperMeta]:
    """`papers` (in arXiv's relevance order) ordered by BM25, that order, and the chat's taste scores."""
    if not papers:
        return []
    lexical = _scaled(bm25(query, papers))
    position = _scaled([-float(i) for i in range(len(papers))])
    liked = _scaled(list(taste)) if taste is not None else [0.0] * len(papers)
    w_lex, w_pos, w_taste = WEIGHTS if taste is not None else (WEIGHTS[0] + WEIGHTS[2], WEIGHTS[1], 0.0)
    score = [w_lex * a + w_pos * b + w_taste * c for a, b, c in zip(lexical, position, liked, strict=True)]
    order = sorted(range(len(papers)), key=lambda i: (-score[i], i))
    return [papers[i] for i in order]


@dataclass
class SearchService:
    arxiv: ArxivClient
    feedback: Feedback

    async def search(self, text: str, chat_id: int | None = None, limit: int = SHOWN) -> list[PaperMeta]:
        """Up to `limit` papers for the reader's words. Raises `ArxivUnavailable`."""
        query = arxiv_query(text)
        if not query:
            return []
        found = await self.arxiv.search(query, FETCHED)
        taste = None
        model = await self.feedback.model(chat_id) if chat_id is not None and found else None
        texts = [PaperText(p.title, p.abstract, p.authors) for p in found]
        if model is not None:
            taste = [float(x) for x in Space(texts).decision(model)]
        elif chat_id is not None and found and (liked := self.feedback.liked_papers(chat_id)):
            taste = resemblance(texts, liked)
        return reranked(text, found, taste)[:limit]


def hit(paper: PaperMeta) -> SearchHit:
    """A result as a /search page lists it: title, authors, date, the abstract's first sentence."""
    first = (sentences(paper.abstract) or [""])[0]
    date = paper.published.date().isoformat() if paper.published else ""
    return SearchHit(paper.versioned_id, paper.title, paper.authors, date, shorten(first, 180))
