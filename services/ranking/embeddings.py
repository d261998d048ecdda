"""Meaning, not just words: `about:` topics matched by embedding similarity — an OpenAI-compatible embeddings
server when one is configured (a local Ollama needs no API), else Gemini embeddings with a Gemini key.

Each announced paper is embedded once (title + abstract) and stored, shared by every chat; each sentence topic
once. Without either there is no embedder and sentence topics match by their words (services/topics.py): static
embeddings that ship in a wheel (WordLlama) and TF-IDF with pseudo-relevance feedback were measured on the labelled
days and did no better than the words (docs/benchmarks.md).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import openai

from services.llm.gemini import gemini_client
from services.ranking.taste import by_meaning
from services.store import Store

log = logging.getLogger(__name__)

DIMENSIONS = 768
HELD = 4096
"""Vectors kept in memory (about 12 MB at 768 dimensions): a day's papers, read once for every chat's ranking."""
PAUSE_AFTER_FAILURE = 300.0
"""After a failed request, what is not embedded yet is not asked for this long: every chat planning meanwhile goes
by words at once instead of waiting for a server that is down."""
BATCH = 100
"""Texts per embedding request (the API's batch limit)."""


class EmbeddingsPaused(Exception):
    """The embedder failed a moment ago: not asked again yet."""


class Embedder(Protocol):
    @property
    def model(self) -> str: ...

    async def embed(self, texts: list[str], task: str) -> list[np.ndarray]:
        """Unit vectors, one per text; `task` is RETRIEVAL_DOCUMENT or RETRIEVAL_QUERY."""
        ...


class GeminiEmbedder:
    def __init__(self, api_key: str, model: str, base_url: str = "",
                 timeout: float = 60.0) -> None:
        self._model = model
        self._client = gemini_client(api_key, base_url, timeout)  # kept referenced while used

    @property
    def model(self) -> str:
        return self._model

    async def embed(self, texts: list[str], task: str) -> list[np.ndarray]:
        from google.genai import types

        vectors: list[np.ndarray] = []
        for start in range(0, len(texts), BATCH):
            response = await self._client.aio.models.embed_content(
                model=self._model, contents=texts[start:start + BATCH],
                config=types.EmbedContentConfig(task_type=task, output_dimensionality=DIMENSIONS))
            vectors += [unit(np.asarray(e.values or [], dtype=np.float32)) for e in response.embeddings or []]
        if len(vectors) != len(texts):
            raise ValueError(f"asked for {len(texts)} embeddings, got {len(vectors)}")
        return vectors


class OpenAIEmbedder:
    """Any OpenAI-compatible `/v1/embeddings` server: Ollama, vLLM, llama.cpp, OpenAI."""

    def __init__(self, base_url: str, api_key: str, model: str, timeout: float = 60.0) -> None:
        self._model = model
        self._client = openai.AsyncOpenAI(api_key=api_key or "none", base_url=base_url, timeout=timeout,
                                          max_retries=2)

    @property
    def model(self) -> str:
        return f"openai:{self._model}"

    async def embed(self, texts: list[str], task: str) -> list[np.ndarray]:
        vectors: list[np.ndarray] = []
        for start in range(0, len(texts), BATCH):
            response = await self._client.embeddings.create(model=self._model, input=texts[start:start + BATCH])
            ordered = sorted(response.data, key=lambda item: item.index)
            vectors += [unit(np.asarray(item.embedding, dtype=np.float32)) for item in ordered]
        if len(vectors) != len(texts):
            raise ValueError(f"asked for {len(texts)} embeddings, got {len(vectors)}")
        return vectors


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


class PaperEmbeddings:
    """Stored embeddings of papers and sentence topics; only what is missing is asked for."""

    def __init__(self, store: Store, embedder: Embedder, threshold: float) -> None:
        self._store = store
        self._embedder = embedder
        self.threshold = threshold
        self._held: OrderedDict[str, np.ndarray] = OrderedDict()
        self._paused_until = 0.0
        self.requested = 0
        """Texts sent to the embedder since start (the cost: distinct papers, never papers × chats)."""

    async def _vectors(self, texts: dict[str, str], task: str) -> dict[str, np.ndarray]:
        model = self._embedder.model
        held = {k: self._held[k] for k in texts if k in self._held}
        for key in held:
            self._held.move_to_end(key)
        if len(held) == len(texts):  # every chat ranking the same day: read once, not once per chat
            return held
        stored = self._store.get_embeddings([k for k in texts if k not in held], model)
        missing = [k for k in texts if k not in stored and k not in held]
        if missing:
            if time.monotonic() < self._paused_until:
                raise EmbeddingsPaused("the embedder failed a moment ago")
            self.requested += len(missing)
            try:
                fresh = await self._embedder.embed([texts[k] for k in missing], task)
            except Exception:
                self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
                raise
            blobs = {k: v.astype("<f4").tobytes() for k, v in zip(missing, fresh, strict=True)}
            self._store.save_embeddings(blobs, model)
            stored.update(blobs)
        for key, blob in stored.items():
            held[key] = self._held[key] = np.frombuffer(blob, dtype="<f4")
        while len(self._held) > HELD:
            self._held.popitem(last=False)
        return held

    async def similarities(self, query: str, papers: Sequence[tuple[str, str, str]]) -> dict[str, float]:
        """Cosine similarity of a sentence topic to each paper (base_id, title, abstract)."""
        sentence = query.split(":", 1)[-1]
        topic = (await self._vectors({f"topic:{query}": sentence}, "RETRIEVAL_QUERY"))[f"topic:{query}"]
        vectors = await self._vectors(_texts(papers), "RETRIEVAL_DOCUMENT")
        return {b: float(vectors[f"paper:{b}"] @ topic) for b, _, _ in papers if f"paper:{b}" in vectors}

    async def taste(self, ratings: Sequence[tuple[str, str, str, int]], papers: Sequence[tuple[str, str, str]]
                    ) -> dict[str, float]:
        """The meaning side of a chat's taste (`taste.by_meaning`) for each paper (base_id, title, abstract), from
        its ratings (base_id, title, abstract, vote): each paper embedded once, shared with sentence topics and 🔗."""
        vectors = await self._vectors(_texts([(b, t, a) for b, t, a, _ in ratings]) | _texts(papers),
                                      "RETRIEVAL_DOCUMENT")

        def stacked(ids: list[str]) -> np.ndarray:
            found = [vectors[f"paper:{b}"] for b in ids if f"paper:{b}" in vectors]
            return np.vstack(found) if found else np.zeros((0, 1), dtype=np.float32)

        shown = [b for b, _, _ in papers if f"paper:{b}" in vectors]
        scores = by_meaning(stacked(shown), stacked([b for b, _, _, v in ratings if v > 0]),
                            stacked([b for b, _, _, v in ratings if v < 0]))
        return dict(zip(shown, (float(s) for s in scores), strict=True))

    async def likeness(self, paper: tuple[str, str, str], others: Sequence[tuple[str, str, str]]) -> dict[str, float]:
        """Cosine similarity of a paper (base_id, title, abstract) to each of `others`: papers embedded once, as
        for sentence topics (a paper's vector serves both)."""
        vectors = await self._vectors(_texts([paper, *others]), "RETRIEVAL_DOCUMENT")
        mine = vectors[f"paper:{paper[0]}"]
        return {b: float(vectors[f"paper:{b}"] @ mine) for b, _, _ in others if f"paper:{b}" in vectors}


def _texts(papers: Sequence[tuple[str, str, str]]) -> dict[str, str]:
    """What is embedded of each paper (base_id, title, abstract), under its stored key: one text per paper, so one
    vector serves sentence topics, taste and 🔗 alike."""
    return {f"paper:{b}": f"{t}\n\n{a}" for b, t, a in papers}
