"""🔗 Papers like this one: the nearest among what the bot has seen (announcements, papers it fetched) and what
arXiv finds for the paper's most distinctive words — each with the words it shares, so a reader sees why.

TF-IDF over title and abstract (stems, the title counted twice), document frequencies from the pool itself: a
word every paper uses says nothing, a word three papers share says much. With an embedder configured (as for
`about:` topics), TF-IDF's nearest `RERANKED` are ordered by meaning instead: embedded once each, stored.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from services.arxiv.client import ArxivClient, ArxivUnavailable
from services.models import PaperMeta
from services.ranking.embeddings import PaperEmbeddings
from services.store import Store
from services.text_match import FILLER, fold, stem, words

log = logging.getLogger(__name__)

SHOWN = 5
RERANKED = 30
"""TF-IDF's nearest papers an embedder orders by meaning (each embedded once, then read from the store)."""
POOL = 2000
"""Announcements and fetched papers compared (the newest)."""
QUERY_WORDS = 4
"""Distinctive words asked of arXiv (any of them: arXiv ranks the papers having more of them first)."""
FROM_ARXIV = 25
SHARED_SHOWN = 3
_COUNTING = frozenset("one two three four five six seven eight nine ten first second third".split())
"""Words that count rather than name: "one step" shares the step, not the one."""


@dataclass(frozen=True)
class Similar:
    """A paper like the one asked about, and the distinctive words they share (as the paper writes them)."""

    base_id: str
    title: str
    authors: tuple[str, ...]
    shares: tuple[str, ...]
    score: float


def _bag(title: str, abstract: str) -> tuple[Counter[str], dict[str, str]]:
    """Stem counts (the title twice) and, for each stem, the word as the text writes it most often."""
    counts: Counter[str] = Counter()
    surfaces: dict[str, Counter[str]] = {}
    for text, weight in ((title, 2), (abstract, 1)):
        for word in words(text):
            if word in FILLER or word in _COUNTING or len(word) < 3 or word.isdigit():
                continue
            key = stem(word)
            counts[key] += weight
            surfaces.setdefault(key, Counter())[word] += 1
    return counts, {k: c.most_common(1)[0][0] for k, c in surfaces.items()}


def _weights(bag: Counter[str], df: Counter[str], n: int) -> dict[str, float]:
    return {k: (1 + math.log(tf)) * math.log((n + 1) / (df[k] + 1)) for k, tf in bag.items()}


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values())) or 1.0


Bag = tuple[Counter[str], dict[str, str]]


def bags_of(pool: Sequence[PaperMeta], known: dict[str, Bag] | None = None) -> dict[str, Bag]:
    """Each paper's bag by base ID (those in `known` reused): stemming a pool of thousands is the costly part, done
    once for both the arXiv query and the ranking."""
    known = known or {}
    return {p.base_id: known.get(p.base_id) or _bag(p.title, p.abstract) for p in pool}


def nearest(paper: PaperMeta, pool: Sequence[PaperMeta], count: int = SHOWN,
            bags: dict[str, Bag] | None = None) -> list[Similar]:
    """The `count` papers of `pool` most like `paper` (cosine of TF-IDF), each with the words they share most."""
    others = {p.base_id: p for p in pool if p.base_id != paper.base_id and p.title}
    if not others:
        return []
    bags = bags_of(list(others.values()), bags)
    mine, surface = _bag(paper.title, paper.abstract)
    df: Counter[str] = Counter()
    for base_id in others:
        df.update(bags[base_id][0].keys())
    df.update(mine.keys())
    n = len(others) + 1
    target = _weights(mine, df, n)
    target_norm = _norm(target)
    found = []
    for base_id, p in others.items():
        weights = _weights(bags[base_id][0], df, n)
        shared = {k: target[k] * weights[k] for k in target.keys() & weights.keys()}
        score = sum(shared.values()) / (target_norm * _norm(weights))
        if score > 0:
            top = sorted(shared, key=lambda k: (-shared[k], k))[:SHARED_SHOWN]
            found.append(Similar(base_id, p.title, p.authors, tuple(surface[k] for k in top), score))
    found.sort(key=lambda s: -s.score)
    return found[:count]


def distinctive(paper: PaperMeta, pool: Sequence[PaperMeta], count: int = QUERY_WORDS,
                bags: dict[str, Bag] | None = None) -> list[str]:
    """The paper's words that the pool uses least and the paper most: what to ask arXiv for."""
    mine, surface = _bag(paper.title, paper.abstract)
    df: Counter[str] = Counter()
    for bag, _ in bags_of(pool, bags).values():
        df.update(bag.keys())
    weights = _weights(mine, df, len(pool) + 1)
    ranked = sorted(weights, key=lambda k: (-weights[k], k))
    return [fold(surface[k]) for k in ranked if surface[k].isalpha()][:count]


class SimilarPapers:
    def __init__(self, store: Store, arxiv: ArxivClient, embeddings: PaperEmbeddings | None = None) -> None:
        self._store = store
        self._arxiv = arxiv
        self._embeddings = embeddings

    async def like(self, paper: PaperMeta) -> list[Similar]:
        """Papers like `paper`: the bot's own pool and arXiv's answer for its distinctive words (arXiv down: the
        pool alone)."""
        pool: dict[str, PaperMeta] = {p.base_id: p for p in self._store.cached_papers(POOL)}
        for a in self._store.recent_announcements(POOL):
            pool.setdefault(a.base_id, PaperMeta(a.base_id, a.version, a.title, a.authors, a.abstract,
                                                 a.categories[0] if a.categories else "", a.categories))
        bags = await asyncio.to_thread(bags_of, list(pool.values()))  # pure Python over thousands: off the loop
        query = await asyncio.to_thread(distinctive, paper, list(pool.values()), QUERY_WORDS, bags)
        if query:
            try:
                for found in await self._arxiv.search(" OR ".join(f"all:{w}" for w in query), FROM_ARXIV):
                    pool.setdefault(found.base_id, found)
            except ArxivUnavailable as error:
                log.info("similar papers from the bot's own pool only: %s", error)
        papers = list(pool.values())
        count = SHOWN if self._embeddings is None else RERANKED
        candidates = await asyncio.to_thread(nearest, paper, papers, count, bags)
        if self._embeddings is None:
            return candidates
        try:
            likeness = await self._embeddings.likeness((paper.base_id, paper.title, paper.abstract),
                                                       [(c.base_id, pool[c.base_id].title, pool[c.base_id].abstract)
                                                        for c in candidates])
        except Exception as error:  # the embedder is down: TF-IDF's order stands
            log.warning("similar papers by words only: %s", error)
            return candidates[:SHOWN]
        return sorted(candidates, key=lambda c: -likeness.get(c.base_id, -1.0))[:SHOWN]
