"""How strongly a paper matches a topic (BM25 over title and abstract, the title weighing more), and the window
of announcements a digest ranks with the statistics and TF-IDF space that needs.

One `Corpus` is built per planning cycle from the announced papers; every chat's topics are scored against
it, and a topic's scores are computed once however many chats follow it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from services.aliases import Aliases, learn_from
from services.arxiv.announcements import Announcement
from services.models import PaperText
from services.ranking.taste import Space
from services.signals import Signals
from services.text_match import Analyzed, Needle, analyze
from services.topics import Announced, Topic

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3.0
"""A word in the title says more about the paper than the same word once in the abstract (BM25F)."""


class Paper(Announced, Protocol):
    @property
    def base_id(self) -> str: ...


@dataclass(frozen=True)
class _Doc:
    title: Analyzed
    abstract: Analyzed


class Corpus:
    """The papers being ranked, with the statistics BM25 needs (document frequency, average lengths)."""

    def __init__(self, papers: Iterable[Paper]) -> None:
        self._docs = {p.base_id: _Doc(analyze(p.title), analyze(p.abstract)) for p in papers}
        count = max(1, len(self._docs))
        self._avg_title = sum(len(d.title) for d in self._docs.values()) / count or 1.0
        self._avg_abstract = sum(len(d.abstract) for d in self._docs.values()) / count or 1.0
        self._idf: dict[Needle, float] = {}
        self._scores: dict[str, dict[str, float]] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def _needle_idf(self, needle: Needle) -> float:
        if needle not in self._idf:
            df = sum(1 for d in self._docs.values() if needle.count(d.title) or needle.count(d.abstract))
            n = len(self._docs)
            self._idf[needle] = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        return self._idf[needle]

    def bm25(self, topic: Topic, base_id: str) -> float:
        """The topic's BM25F score for one paper (0 for a paper not in the corpus or a category topic)."""
        doc = self._docs.get(base_id)
        if doc is None:
            return 0.0
        cached = self._scores.setdefault(topic.query, {})
        if base_id not in cached:
            cached[base_id] = self._score(topic.needles(), doc)
        return cached[base_id]

    def _score(self, wanted: Sequence[tuple[str, Needle]], doc: _Doc) -> float:
        title_norm = 1 - B + B * len(doc.title) / self._avg_title
        abstract_norm = 1 - B + B * len(doc.abstract) / self._avg_abstract
        score = 0.0
        for field, needle in wanted:
            tf = 0.0
            if field in ("ti", "all"):
                tf += TITLE_WEIGHT * needle.count(doc.title) / title_norm
            if field in ("abs", "all"):
                tf += needle.count(doc.abstract) / abstract_norm
            if tf:
                score += self._needle_idf(needle) * tf * (K1 + 1) / (tf + K1)
        return score

    def matched(self, topic: Topic, base_id: str) -> list[str]:
        """The topic's words and phrases found in the paper, as the reader wrote them."""
        doc = self._docs.get(base_id)
        if doc is None:
            return []
        found = []
        for field, needle in topic.needles():
            texts = [doc.title] if field == "ti" else [doc.abstract] if field == "abs" else [doc.title, doc.abstract]
            if any(needle.count(t) for t in texts):
                found.append(needle)
        return list(dict.fromkeys(n.label or " ".join(n.stems) for n in found))


def normalized(scores: dict[str, float]) -> dict[str, float]:
    """Scores divided by the best one, so topics of different lengths weigh alike when mixed in a digest."""
    best = max(scores.values(), default=0.0)
    return {k: (v / best if best > 0 else 0.0) for k, v in scores.items()}


@dataclass(frozen=True)
class Pick:
    """A paper chosen for a chat's digest, under its first matching topic, with its rank and reason."""

    topic: Topic
    paper: Announcement
    score: float
    taste: float | None = None
    """How much it is like what the chat liked (0–1 among its papers), when the chat has a taste model."""
    reason: str = ""
    firm: bool = True
    """The topic stands in the paper as its subject, not only as an item of a list: ranked among the firm ones."""
    aliases: tuple[str, ...] = ()
    """The other names of the topic the paper was found by (`RL`), when its own words were not there."""
    checked: bool = False
    """Found without the topic's words, by the LLM's reading of the abstract."""
    popular: Signals | None = None
    """What the field is reading of it, when that was asked (popularity in the ranking, trending topics)."""


class Window:
    """The announcements a digest looks at, with the corpus statistics and TF-IDF space ranking needs."""

    def __init__(self, key: tuple[str, int, str], rows: list[tuple[str, Announcement]]) -> None:
        self.key = key
        self.rows = rows
        self.papers = {a.base_id: a for _, a in rows}
        self.corpus = Corpus(self.papers.values())
        self._rows = {base_id: i for i, base_id in enumerate(self.papers)}
        self._space: Space | None = None
        self._aliases: Aliases | None = None

    @property
    def aliases(self) -> Aliases:
        """Other names of topics' words: the acronyms these papers define, and the standing synonyms (read once
        per window, when a topic is first matched)."""
        if self._aliases is None:
            self._aliases = learn_from(self.papers.values())
        return self._aliases

    @property
    def space(self) -> Space:
        """TF-IDF of the window's papers, made when a chat with a taste model first needs it."""
        if self._space is None:
            self._space = Space([PaperText(a.title, a.abstract, a.authors) for a in self.papers.values()])
        return self._space

    def row(self, base_id: str) -> int:
        return self._rows[base_id]


MEANING_WEIGHT = 0.5
"""The share of the meaning (embeddings) in a chat's taste when an embedder is configured: on the labelled days
(bench/relevance.py --embed) half and half beat the words alone with 5 ratings and held with 20."""


def blended(words: Any, meaning: Any) -> list[float]:
    """A chat's taste from its words model and its meaning signal (taste.by_meaning), each rescaled 0–1 among the
    day's papers."""
    return [(1 - MEANING_WEIGHT) * w + MEANING_WEIGHT * m for w, m in zip(spread(words), spread(meaning), strict=True)]


def spread(values: Any) -> list[float]:
    """Scores rescaled to 0–1 within one chat's papers (only their order matters)."""
    low, high = float(min(values, default=0.0)), float(max(values, default=0.0))
    return [(float(v) - low) / (high - low) if high > low else 0.0 for v in values]
