"""A chat's 👍 / 👎, its liked papers, and the taste model trained from them.

Ratings are the truth and live in SQLite; a model is derived from them, stored beside them so a restart does not
retrain every chat, and trained again (in a thread, off the event loop) whenever the ratings changed.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from services.models import PaperMeta, PaperRef, PaperText
from services.ranking.taste import MIN_LIKES, Rated, TasteModel, ratings_version, train
from services.store import Store
from services.text_match import fold

log = logging.getLogger(__name__)

BACKGROUND_PAPERS = 300
"""Recent announcements a model learns to rank below the chat's likes."""
CACHED_MODELS = 2000
RETRAIN_DELAY = 2.0
"""Seconds to wait after a rating before training: a reader rating five papers in a row trains once."""
MAX_LIKED_IDS = 200
"""arXiv IDs looked up from one /like or .bib (metadata in batches of `LOOKUP_BATCH`)."""
LOOKUP_BATCH = 50

Lookup = Callable[[Sequence[PaperRef]], Awaitable[dict[PaperRef, PaperMeta | None]]]


@dataclass(frozen=True)
class LikeReport:
    arxiv: int
    """arXiv IDs that arXiv knows."""
    titled: int
    """Entries liked by their title (a .bib entry without an arXiv ID)."""
    new: int


@dataclass(frozen=True)
class Liked:
    base_id: str
    paper: PaperText


class NotReceived(Exception):
    """The chat never got this paper, so it may not rate it (a forged or stale button)."""


class Feedback:
    def __init__(self, store: Store, retrain_delay: float = RETRAIN_DELAY) -> None:
        self._store = store
        self._delay = retrain_delay
        self._models: OrderedDict[int, TasteModel | None] = OrderedDict()
        self._versions: dict[int, str] = {}
        self._pending: dict[int, asyncio.Task[None]] = {}
        self.trainings = 0

    def rate(self, chat_id: int, base_id: str, vote: int) -> tuple[int, int]:
        """Record 👍 (vote 1) or 👎 (-1) of a paper the chat received; returns the chat's (likes, dislikes)."""
        if vote not in (1, -1):
            raise ValueError(vote)
        if not self._store.received(chat_id, base_id):
            raise NotReceived(base_id)
        text = self._store.paper_text(base_id) or PaperText(title="")
        self._store.save_rating(chat_id, base_id, vote, "button", text.title, text.abstract, text.authors)
        self._schedule(chat_id)
        return self._store.rating_counts(chat_id)

    def like(self, chat_id: int, papers: list[Liked], source: str) -> int:
        """Mark papers as liked (`/like`, a .bib file); returns how many were new to the chat's likes."""
        before = self._store.rating_counts(chat_id)[0]
        for liked in papers:
            self._store.save_rating(chat_id, liked.base_id, 1, source, liked.paper.title, liked.paper.abstract,
                                    liked.paper.authors)
        self._schedule(chat_id)
        return self._store.rating_counts(chat_id)[0] - before

    async def like_library(self, chat_id: int, refs: Sequence[PaperRef], titled: Sequence[PaperText], source: str,
                           lookup: Lookup) -> LikeReport:
        """Like arXiv papers (their metadata looked up, so the model reads their abstracts) and titled entries."""
        metas: dict[PaperRef, PaperMeta | None] = {}
        refs = list(refs)[:MAX_LIKED_IDS]
        for start in range(0, len(refs), LOOKUP_BATCH):
            metas.update(await lookup(refs[start:start + LOOKUP_BATCH]))
        liked = [Liked(m.base_id, PaperText(m.title, m.abstract, m.authors)) for m in metas.values() if m]
        liked += [Liked("title:" + hashlib.sha1(" ".join(fold(p.title).split()).encode()).hexdigest()[:16], p)
                  for p in titled]
        new = self.like(chat_id, liked, source) if liked else 0
        return LikeReport(arxiv=len(liked) - len(titled), titled=len(titled), new=new)

    def _schedule(self, chat_id: int) -> None:
        """Train the chat's model soon, in the background; ratings arriving meanwhile join the same training."""
        running = self._pending.get(chat_id)
        if running is not None and not running.done():
            return
        self._pending[chat_id] = asyncio.get_running_loop().create_task(self._train_later(chat_id))

    async def _train_later(self, chat_id: int) -> None:
        await asyncio.sleep(self._delay)
        try:
            await self.model(chat_id)
        except Exception:
            log.exception("could not train the taste model of chat %s", chat_id)

    async def model(self, chat_id: int) -> TasteModel | None:
        """The chat's current model (None while it has too few likes), trained now if the ratings changed."""
        ratings = self._store.ratings(chat_id)
        version = ratings_version([(r.base_id, r.vote) for r in ratings])
        if self._versions.get(chat_id) == version:
            self._models.move_to_end(chat_id)
            return self._models[chat_id]
        stored = self._store.get_model(chat_id) if ratings else None
        model = TasteModel.from_json(stored) if stored else None
        likes = sum(1 for r in ratings if r.vote > 0)
        if likes < MIN_LIKES:
            model = None  # too few likes for a taste: nothing to train, nothing to read
        elif model is None or model.version != version:
            rated = [Rated(PaperText(r.title, r.abstract, r.authors), r.vote > 0) for r in ratings]
            rated_ids = {r.base_id for r in ratings}
            background = [PaperText(a.title, a.abstract, a.authors)
                          for a in self._store.recent_announcements(BACKGROUND_PAPERS + len(rated_ids))
                          if a.base_id not in rated_ids][:BACKGROUND_PAPERS]
            model = await asyncio.to_thread(train, rated, background, version)
            self.trainings += 1
            if model is not None:
                self._store.save_model(chat_id, model.to_json())
        self._models[chat_id] = model
        self._versions[chat_id] = version
        self._models.move_to_end(chat_id)
        while len(self._models) > CACHED_MODELS:
            old, _ = self._models.popitem(last=False)
            self._versions.pop(old, None)
        return model

    def liked_papers(self, chat_id: int, limit: int = 200) -> list[PaperText]:
        """The chat's most recent likes, for "like N papers you rated 👍"."""
        return [PaperText(r.title, r.abstract, r.authors)
                for r in self._store.ratings(chat_id) if r.vote > 0][-limit:]

    def rating_count(self, chat_id: int) -> int:
        return sum(self._store.rating_counts(chat_id))

    async def close(self) -> None:
        for task in self._pending.values():
            task.cancel()
        await asyncio.gather(*self._pending.values(), return_exceptions=True)
