"""Discovery: which arXiv feeds the subscribed chats need, and reading each of them once per cycle.

A feed is read once however many chats use it; what it announced is stored with the day the feed gives, for
the digest planner (services/digests.py) to choose from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.arxiv.announcements import FeedReader, FeedUnavailable
from services.categories import DEFAULT_ARCHIVES, archive_of
from services.models import ChatSettings
from services.store import Store
from services.topics import Topic

log = logging.getLogger(__name__)

KEEP_ANNOUNCEMENTS = timedelta(days=30)
ON_DEMAND_REPOLL = timedelta(minutes=5)
"""/digest reads a chat's feeds unless they were read this recently: a busy group cannot hammer arXiv."""
STALE_AFTER = timedelta(hours=30)
"""arXiv announces five days a week; a feed with no new batch for longer than a weekend day is stalled."""


@dataclass
class PollReport:
    new: dict[str, int] = field(default_factory=dict)  # feed -> papers not seen before
    quiet: list[str] = field(default_factory=list)  # feeds that announced nothing (weekend, holiday)
    stale: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)


ARXIV_ZONE = ZoneInfo("America/New_York")
QUIET_POLL = timedelta(hours=1)


def poll_interval(now: datetime, busy: timedelta) -> timedelta:
    """How long to wait between feed reads: `busy` from 19:30 to 08:00 US Eastern, when arXiv announces
    (20:00) and rebuilds its feeds (a few hours later, sometimes late); hourly the rest of the day."""
    eastern = now.astimezone(ARXIV_ZONE).time()
    return busy if eastern >= time(19, 30) or eastern < time(8, 0) else max(busy, QUIET_POLL)


class FeedPoller:
    """The feeds the chats' topics need, read and stored; a broken, quiet or stalled feed is noted, not fatal."""

    def __init__(self, store: Store, reader: FeedReader, clock: Callable[[], datetime],
                 archives: tuple[str, ...] = DEFAULT_ARCHIVES) -> None:
        self._store = store
        self._reader = reader
        self._clock = clock
        self.archives = archives
        """The archives a chat's keyword, author and query topics search when it chose none."""

    def _chat_archives(self, chat: ChatSettings) -> tuple[str, ...]:
        return tuple(a for a in chat.archives.split(",") if a) or self.archives

    async def feeds_needed(self) -> set[str]:
        """Each feed once per cycle, however many chats use it: category feeds, and archive feeds for
        keyword, author and query topics (one query over the distinct topics, not one per chat)."""
        needed: set[str] = set()
        for chosen, topic in await self._store.active_topics():
            needed |= self._feeds_of_topic(topic, tuple(a for a in chosen.split(",") if a) or self.archives)
        archives = {f for f in needed if "." not in f}
        return {f for f in needed if "." not in f or archive_of(f) not in archives}

    def feeds_of(self, chat: ChatSettings) -> set[str]:
        needed: set[str] = set()
        for _, topic in self._store.topics(chat.chat_id):
            needed |= self._feeds_of_topic(topic, self._chat_archives(chat))
        return needed

    @staticmethod
    def _feeds_of_topic(topic: Topic, archives: tuple[str, ...]) -> set[str]:
        feeds = topic.feeds()
        return feeds if topic.kind == "category" else (feeds or set(archives))

    async def poll(self, feeds: set[str] | None = None) -> PollReport:
        """Read every needed feed once; store unseen announcements with the day the feed gives."""
        report = PollReport()
        now = self._clock()
        for name in sorted(await self.feeds_needed() if feeds is None else feeds):
            state = self._store.feed_state(name)
            polled = state.last_polled
            if feeds is not None and polled and now - datetime.fromisoformat(polled) < ON_DEMAND_REPOLL:
                continue  # /digest asked again: the feed was read moments ago
            try:
                feed = await self._reader.fetch(name)
            except FeedUnavailable as error:
                log.warning("announcement feed %s is broken: %s", name, error)
                self._store.save_feed_state(name, status="broken", last_polled=now.isoformat())
                report.broken.append(name)
                continue
            if not feed.items:
                self._store.save_feed_state(name, status="quiet", last_polled=now.isoformat())
                report.quiet.append(name)
                continue
            day = (feed.day or now.date()).isoformat()
            added = self._store.save_announcements(day, list(feed.items))
            self._store.prune_announcements((now.date() - KEEP_ANNOUNCEMENTS).isoformat())
            if added:
                self._store.save_feed_state(name, status="ok", last_day=day, last_new_at=now.isoformat(),
                                            last_polled=now.isoformat())
                report.new[name] = added
                continue
            last_new = state.last_new_at
            if last_new and now - datetime.fromisoformat(last_new) > STALE_AFTER:
                log.warning("announcement feed %s shows the same batch since %s: stalled?", name, last_new)
                self._store.save_feed_state(name, status="stale", last_polled=now.isoformat())
                report.stale.append(name)
            else:
                self._store.save_feed_state(name, last_polled=now.isoformat())
        return report
