"""What the field is reading: Hugging Face Daily Papers upvotes, the stars and last push of the code repository a
card links, Semantic Scholar's citation counts. Each source is an adapter with its own endpoint, timeout and daily
cache; any failure is "no signal", never an error shown or a card delayed past `SIGNALS_TIMEOUT`.

Only the configured hosts are fetched: a repository link from a paper is parsed for `owner/repo`, never fetched as
given.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from services.signals.github import GitHub, repository
from services.signals.huggingface import HuggingFace
from services.signals.scholar import SemanticScholar
from services.store import Store

log = logging.getLogger(__name__)

__all__ = ["GitHub", "HuggingFace", "Popularity", "SemanticScholar", "Signals", "repository"]

HF_DAYS = 3
"""Hugging Face lists a paper on the day it is submitted there, usually within days of arXiv's announcement."""
RESTING = 600.0
"""Seconds a source that failed or was late is left alone: ten thousand chats planned in a minute must not each
wait for a server that is down."""


class Announced(Protocol):
    """What signals need of a paper: its ID (and its date when arXiv gave it: `PaperMeta.published`)."""

    @property
    def base_id(self) -> str: ...


@dataclass(frozen=True)
class Signals:
    """A paper's popularity as far as it is known (None: no signal)."""

    upvotes: int | None = None
    stars: int | None = None
    pushed: str = ""
    """The repository's last push (YYYY-MM-DD)."""
    citations: int | None = None
    influential: int | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.upvotes, self.stars, self.citations))

    @property
    def score(self) -> float:
        """One number to rank by: upvotes, stars and citations on a log scale (an upvote is worth more than a
        star; a citation more than both)."""
        return (math.log1p(self.upvotes or 0) + 0.5 * math.log1p(self.stars or 0)
                + 1.5 * math.log1p(self.citations or 0) + math.log1p(self.influential or 0))


class Popularity:
    """The three sources together, each cached a day in the store and bounded by one timeout."""

    def __init__(self, store: Store, huggingface: HuggingFace | None, github: GitHub | None,
                 scholar: SemanticScholar | None, timeout: float) -> None:
        self._store = store
        self._hf = huggingface
        self._github = github
        self._scholar = scholar
        self.timeout = timeout
        self._resting: dict[str, float] = {}
        """Sources that failed or were late, and until when (monotonic seconds) they are not asked."""

    @property
    def enabled(self) -> bool:
        return any((self._hf, self._github, self._scholar))

    async def of(self, papers: Sequence[Announced], code: dict[str, str] | None = None,
                 today: date | None = None, days: int = HF_DAYS) -> dict[str, Signals]:
        """Signals of each paper (by base ID) that has any; `code`: the repository link a card shows, by base ID;
        `days`: Hugging Face days read for a paper of unknown date (announcements), back from `today`.
        Whatever is not known within the timeout is left out."""
        if not papers or not self.enabled:
            return {}
        today = today or date.today()
        recent = [today - timedelta(days=i) for i in range(days)]
        upvotes: dict[str, int] = {}
        stars: dict[str, tuple[int, str]] = {}
        cites: dict[str, tuple[int, int]] = {}

        async def from_hf() -> None:
            wanted: set[date] = set()
            for p in papers:
                published: datetime | None = getattr(p, "published", None)
                wanted.update(_days(published.date(), today) if published else recent)
            for day in sorted(wanted):
                upvotes.update(await self._cached("hf", day.isoformat(), self._hf_day, day))

        async def from_github() -> None:
            for base_id, url in (code or {}).items():
                name = repository(url)
                if name:
                    found = await self._cached("github", name, self._repo, name)
                    if found:
                        stars[base_id] = (int(found["stars"]), str(found["pushed"]))

        async def from_scholar() -> None:
            wanted = [p.base_id for p in papers]
            known = self._store.signals("s2", wanted, _stamp())
            missing = [b for b in wanted if b not in known]
            if missing and self._scholar is not None:
                fresh = await self._scholar.citations(missing)
                # a paper Semantic Scholar does not know yet is remembered as such for the day: not asked again
                answered = {b: ({"c": fresh[b][0], "i": fresh[b][1]} if b in fresh else {}) for b in missing}
                self._store.save_signals("s2", _stamp(), answered)
                known.update(answered)
            cites.update({b: (int(v["c"]), int(v["i"])) for b, v in known.items() if v})

        now = time.monotonic()
        jobs = (("hf", from_hf, self._hf), ("github", from_github, self._github), ("s2", from_scholar, self._scholar))
        sources = [(name, job) for name, job, source in jobs
                   if source is not None and self._resting.get(name, 0.0) <= now]
        tasks = {asyncio.ensure_future(self._quiet(name, job())): name for name, job in sources}
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=self.timeout)
            for task in late:
                task.cancel()
                self._rest(tasks[task])
            if late:
                log.info("popularity: %s slower than %.1f s, left out", ", ".join(tasks[t] for t in late),
                         self.timeout)
        found = {}
        for p in papers:
            star = stars.get(p.base_id)
            cite = cites.get(p.base_id)
            signals = Signals(upvotes.get(p.base_id), star[0] if star else None, star[1] if star else "",
                              cite[0] if cite else None, cite[1] if cite else None)
            if signals:
                found[p.base_id] = signals
        return found

    async def _quiet(self, name: str, job: Awaitable[None]) -> None:
        try:
            await job
        except Exception as error:  # a source down or answering nonsense: no signal from it, for a while
            log.info("popularity source %s failed: %s", name, error)
            self._rest(name)

    def _rest(self, name: str) -> None:
        self._resting[name] = time.monotonic() + RESTING

    async def _cached(self, source: str, key: str, fetch: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        stored = self._store.signals(source, [key], _stamp())
        if key in stored:
            return stored[key]
        value = await fetch(*args)
        self._store.save_signals(source, _stamp(), {key: value})
        return value

    async def _hf_day(self, day: date) -> dict[str, int]:
        assert self._hf is not None
        return await self._hf.upvotes(day)

    async def _repo(self, name: str) -> dict[str, Any]:
        assert self._github is not None
        found = await self._github.repo(name)
        return {"stars": found[0], "pushed": found[1]} if found else {}


def _days(published: date, today: date) -> list[date]:
    return [d for d in (published + timedelta(days=i) for i in range(HF_DAYS)) if d <= today]


def _stamp() -> str:
    """The cache's day: signals are read at most once a UTC day per paper, repository or HF day."""
    return date.today().isoformat()
