"""What a chat likes, learned from its 👍 and 👎: the arxiv-sanity recipe, per chat. CPU work, no I/O.

Features are TF-IDF over the title (twice), the abstract, word pairs and the authors' surnames, hashed into a
fixed space so that a model's weights mean the same thing on any day's papers. A linear SVM separates the
chat's 👍 papers from its 👎 ones and, weakly, from recent announcements it did not rate (that is what lets a
handful of likes rank a whole day). The model is small (its strongest weights only) and stored as numbers,
never pickled; it can always be trained again from the ratings.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp

from services.models import PaperText
from services.text_match import FILLER, fold, stems

FEATURE_VERSION = 1
"""Part of a stored model: bump when `_analyzer` changes, and models are trained again."""
N_FEATURES = 2**18
KEPT_WEIGHTS = 4000
MIN_LIKES = 2
"""A chat's model starts with its second 👍 (or liked paper): one paper is an anecdote, not a taste."""
BACKGROUND_WEIGHT = 0.15
"""Unrated announcements count as mild dislikes; an explicit 👎 counts fully."""
LIKE_SIMILARITY = 0.25
"""Cosine similarity above which a paper is "like" a paper the chat rated 👍 (for the reason line)."""


@dataclass(frozen=True)
class Rated:
    paper: PaperText
    liked: bool


@functools.lru_cache(maxsize=20000)
def paper_terms(text: str) -> tuple[str, ...]:
    """A paper's terms, cached: the same announcements are the background of every chat's training."""
    return tuple(_analyzer(text))


def _analyzer(text: str) -> list[str]:
    title, _, rest = text.partition("\x1f")
    abstract, _, authors = rest.partition("\x1f")
    title_stems = [s for s in stems(title) if s not in FILLER]
    body = [s for s in stems(abstract) if s not in FILLER]
    pairs = [f"{a}_{b}" for words in (title_stems, body) for a, b in itertools.pairwise(words)]
    names = [f"au:{fold(name).split()[-1]}" for name in authors.split("\x1e") if name.strip()]
    return title_stems * 2 + body + pairs + names


@functools.cache
def _hasher() -> Any:
    """scikit-learn is imported when a chat's taste is first needed (~130 MB and a second at start-up
    otherwise, for a bot whose chats may never rate a paper)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer=paper_terms, n_features=N_FEATURES, alternate_sign=False, norm=None)


def counts(papers: Sequence[PaperText]) -> sp.csr_matrix:
    """Hashed term counts, one row per paper."""
    docs = [f"{p.title}\x1f{p.abstract}\x1f{chr(0x1e).join(p.authors)}" for p in papers]
    return _hasher().transform(docs).tocsr()


class Space:
    """TF-IDF over a set of papers (the announcements being ranked): one per planning cycle, shared."""

    def __init__(self, papers: Sequence[PaperText]) -> None:
        from sklearn.feature_extraction.text import TfidfTransformer

        raw = counts(papers)
        self._tfidf = TfidfTransformer(sublinear_tf=True).fit(raw) if papers else None
        self.matrix = self.transform(raw)
        self._columns = np.unique(self.matrix.indices)
        self._compact = self.matrix[:, self._columns].tocsr()
        """The matrix over only the terms these papers use: scoring a chat's model is then a small product."""

    def transform(self, raw: sp.csr_matrix) -> sp.csr_matrix:
        if self._tfidf is None:
            return raw
        return self._tfidf.transform(raw).tocsr()

    def decision(self, model: TasteModel, rows: Sequence[int] | None = None) -> np.ndarray:
        """The model's score for each paper (or the given rows): higher is more like what the chat liked."""
        position = np.searchsorted(self._columns, model.indices)
        inside = position < len(self._columns)
        known = np.zeros(len(model.indices), dtype=bool)
        known[inside] = self._columns[position[inside]] == model.indices[inside]
        weights = np.zeros(len(self._columns), dtype=np.float64)
        weights[position[known]] = model.weights[known]
        matrix = self._compact if rows is None else self._compact[list(rows)]
        return np.asarray(matrix @ weights).ravel() + model.intercept


@dataclass(frozen=True)
class TasteModel:
    indices: np.ndarray
    weights: np.ndarray
    intercept: float
    likes: int
    dislikes: int
    version: str
    """Which ratings it was trained on: a model whose version differs from the chat's ratings is stale."""

    def to_json(self) -> str:
        return json.dumps({
            "feature_version": FEATURE_VERSION, "version": self.version, "intercept": self.intercept,
            "likes": self.likes, "dislikes": self.dislikes,
            "indices": base64.b64encode(self.indices.astype("<i4").tobytes()).decode(),
            "weights": base64.b64encode(self.weights.astype("<f4").tobytes()).decode(),
        })

    @staticmethod
    def from_json(text: str) -> TasteModel | None:
        """The stored model, or None when it is unreadable or from other features (then it is retrained)."""
        try:
            data = json.loads(text)
            if data.get("feature_version") != FEATURE_VERSION:
                return None
            indices = np.frombuffer(base64.b64decode(data["indices"]), dtype="<i4").astype(np.int32)
            weights = np.frombuffer(base64.b64decode(data["weights"]), dtype="<f4").astype(np.float32)
            if len(indices) != len(weights) or (len(indices) and (indices.min() < 0 or indices.max() >= N_FEATURES)):
                return None
            return TasteModel(indices, weights, float(data["intercept"]), int(data["likes"]), int(data["dislikes"]),
                              str(data["version"]))
        except (ValueError, KeyError, TypeError):
            return None


def ratings_version(rated: Sequence[tuple[str, int]]) -> str:
    """A fingerprint of (paper, vote) pairs: equal ratings, equal model."""
    digest = hashlib.sha256(json.dumps(sorted(rated)).encode()).hexdigest()
    return f"{FEATURE_VERSION}:{digest[:16]}"


def train(rated: Sequence[Rated], background: Sequence[PaperText], version: str) -> TasteModel | None:
    """A model from the chat's ratings, or None while it has too few likes."""
    likes = sum(1 for r in rated if r.liked)
    if likes < MIN_LIKES:
        return None
    dislikes = len(rated) - likes
    if not dislikes and not background:
        return None  # nothing to tell the likes from (no 👎, nothing announced yet): `resemblance` serves then
    papers = [r.paper for r in rated] + list(background)
    space = Space(papers)
    labels = np.array([1 if r.liked else 0 for r in rated] + [0] * len(background))
    weights = np.array([1.0] * len(rated) + [BACKGROUND_WEIGHT] * len(background))
    from sklearn.svm import LinearSVC

    classifier = LinearSVC(C=0.1, class_weight="balanced", max_iter=5000)
    classifier.fit(space.matrix, labels, sample_weight=weights)
    coef = classifier.coef_.ravel()
    kept = np.argsort(-np.abs(coef))[:KEPT_WEIGHTS]
    kept = kept[coef[kept] != 0]
    return TasteModel(kept.astype(np.int32), coef[kept].astype(np.float32), float(classifier.intercept_[0]),
                      likes, dislikes, version)


def like_counts(space: Space, rows: Sequence[int], liked: Sequence[PaperText]) -> list[int]:
    """For each row of the space, how many liked papers it closely resembles (for "like 2 papers you 👍")."""
    if not liked or not rows:
        return [0] * len(rows)
    liked_matrix = space.transform(counts(liked))
    similarity = space.matrix[list(rows)] @ liked_matrix.T
    return [int(n) for n in np.asarray((similarity >= LIKE_SIMILARITY).sum(axis=1)).ravel()]


def resemblance(papers: Sequence[PaperText], liked: Sequence[PaperText]) -> list[float]:
    """How much each paper resembles the closest liked one (TF-IDF cosine, 0–1): a taste before a model can be
    trained — a chat that liked papers but never disliked one, with nothing announced yet to contrast them."""
    if not papers or not liked:
        return [0.0] * len(papers)
    space = Space([*papers, *liked])
    similarity = space.matrix[:len(papers)] @ space.matrix[len(papers):].T
    return [float(x) for x in np.asarray(similarity.max(axis=1).todense()).ravel()]


DISLIKED_WEIGHT = 0.5
"""How much being like the chat's 👎 papers counts against a paper, against being like its 👍 ones."""


def by_meaning(papers: np.ndarray, liked: np.ndarray, disliked: np.ndarray) -> np.ndarray:
    """How near each paper's unit vector (a row) is to the centroid of the chat's 👍 papers, less half its nearness
    to the centroid of its 👎 ones (Rocchio): what words miss — two papers on one problem in other words."""
    if not len(papers) or not len(liked):
        return np.zeros(len(papers))
    score = papers @ liked.mean(axis=0)
    if len(disliked):
        score = score - DISLIKED_WEIGHT * (papers @ disliked.mean(axis=0))
    return np.asarray(score, dtype=np.float64)
