"""Daily digests: decide what each chat gets of what arXiv announced (read by services/discovery.py), queue it
in the outbox.

A chat gets each paper at most once ever, under the first of its topics that matches. Each paper is
summarized once per language however many chats get it (the card cache), so LLM calls for a day equal the
distinct (paper, language) pairs. Planning writes a chat's whole digest to SQLite in one transaction; the
outbox (services/outbox.py) then sends it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import tempfile
import zoneinfo
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from services import callback_data
from services.aliases import learn_from
from services.arxiv.announcements import Announcement, FeedReader
from services.cards.citations import bibtex_file
from services.cards.papers import PaperCard, PaperService
from services.cards.render import abs_link
from services.categories import DEFAULT_ARCHIVES
from services.digests.discovery import FeedPoller, PollReport
from services.digests.format import DigestEntry, digest_messages, overview_messages, revisions_message
from services.digests.markdown import post, slug, zip_posts
from services.i18n import t
from services.models import Button, ChatSettings, OutboxMessage, PaperMeta, PaperRef
from services.ranking.check import TopicCheck
from services.ranking.embeddings import PaperEmbeddings
from services.ranking.feedback import Feedback
from services.ranking.picks import Picker
from services.ranking.relevance import Pick
from services.store import QueuedDigest, Store, utcnow
from services.topics import Topic

log = logging.getLogger(__name__)

DAILY_CAP = 30
EXPORTS_AT_ONCE = 2
MAX_REVISED = 20
"""New versions told of in one digest (one message); more wait for the next day."""
"""Zips built at a time: ten /export at once must not take the machine's memory or the bot's cores."""
GROUP_CAP = 10
"""A group's digest is one overview a member scrolls past: its ten best papers, the rest a tap away."""
QUIET_AFTER = timedelta(hours=6)
"""A chat that asked to hear about quiet days hears it this long after its digest time, if nothing came."""
WARM_GRACE = 60.0
"""Digests due while the LLM's second look at the new announcements is still asking wait for it this long at most
(then the words decide what it has not judged yet; it goes on for the chats planned later)."""


WRITE_BATCH = 500
"""Digests planned in a run are written this many chats to a transaction: a crash loses at most a batch that
was never sent (it is planned again), and SQLite commits 100 times less often."""


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def valid_zone(name: str) -> bool:
    """An IANA zone name (`Asia/Shanghai`), not a directory of them (`America`) nor a path."""
    return name in _zones() or name == "UTC"


def local_now(chat: ChatSettings, now: datetime) -> datetime:
    zone = ZoneInfo(chat.timezone) if valid_zone(chat.timezone) else ZoneInfo("UTC")
    return now.astimezone(zone)


def _digest_moment(chat: ChatSettings, now: datetime) -> datetime:
    """Today's digest time in the chat's zone."""
    hours, minutes = (int(x) for x in chat.digest_time.split(":"))
    return local_now(chat, now).replace(hour=hours, minute=minutes, second=0, microsecond=0)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UNREAD_SHOWN = 5


def zone_clocks(zones: list[str], now: datetime) -> dict[str, tuple[str, str, str]]:
    """Each zone's (HH:MM, YYYY-MM-DD, weekday) at `now`: a chat is due when its digest time has passed today,
    today's digest is not made and — a weekly chat — today is its day (`Store.due_chats`). Computed once per zone
    (tens of thousands of chats share a few dozen zones); an unknown zone reads as UTC, as `local_now` does."""
    clocks = {}
    for zone in zones:
        moment = local_now(ChatSettings(0, "private", timezone=zone), now)
        clocks[zone] = (moment.strftime("%H:%M"), moment.date().isoformat(), WEEKDAYS[moment.weekday()])
    return clocks


class DigestService:
    def __init__(self, store: Store, feeds: FeedReader, papers: PaperService,
                 clock: Callable[[], datetime] = utcnow, *, archives: tuple[str, ...] = DEFAULT_ARCHIVES,
                 daily_cap: int = DAILY_CAP, prepare_concurrency: int = 4, feedback: Feedback | None = None,
                 embeddings: PaperEmbeddings | None = None, retention_days: int = 90,
                 check: TopicCheck | None = None) -> None:
        self._store = store
        self._check = check
        self._warming: asyncio.Task[None] | None = None
        """The LLM's second look at the newest announcements, asked right after the poll that found them."""
        self._picker = Picker(store, lambda: self.clock(), feedback=feedback, embeddings=embeddings,
                              retention_days=retention_days, popularity=papers.popularity, check=check)
        self._card_memo: dict[tuple[str, int, str], PaperCard] = {}
        """Cards of the current planning run, shared by every chat (cleared when a run ends)."""
        self._pending: list[QueuedDigest] = []
        """Digests planned by the running scheduled run and not written yet (written in batches)."""
        self._papers = papers
        self.clock = clock
        self._discovery = FeedPoller(store, feeds, lambda: self.clock(), archives)
        self._cap = daily_cap
        self._prepare = asyncio.Semaphore(prepare_concurrency)
        self._planning = asyncio.Lock()
        self._exports = asyncio.Semaphore(EXPORTS_AT_ONCE)
        self.bot_username = ""
        """Set at start-up: channel digests link to the bot so readers can open cards privately."""

    # Discovery (services/discovery.py) -------------------------------------------------------------------

    async def feeds_needed(self) -> set[str]:
        return await self._discovery.feeds_needed()

    def feeds_of(self, chat: ChatSettings) -> set[str]:
        return self._discovery.feeds_of(chat)

    async def poll(self, feeds: set[str] | None = None) -> PollReport:
        """Read the feeds; when they announced new papers, the LLM's second look at the chats' topics starts at
        once, in the background (`_warm`)."""
        report = await self._discovery.poll(feeds)
        fresh = any(report.new.values()) or self._warming is None  # new papers, or the first poll since a start
        if self._check is not None and fresh and (self._warming is None or self._warming.done()):
            self._warming = asyncio.get_running_loop().create_task(self._warm())
        return report

    async def _warm(self) -> None:
        try:
            await self._picker.warm([topic for _, topic in await self._store.active_topics()])
        except Exception:
            log.exception("the second look at the new announcements failed: digests go by the words")

    async def close(self) -> None:
        """A shutdown cuts the second look short: what it has not asked is asked after the first poll of the next
        start."""
        if self._warming is not None and not self._warming.done():
            self._warming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._warming

    # Planning ------------------------------------------------------------------------------------------

    async def plan(self, chat: ChatSettings, *, scheduled: bool = True, batch: bool = False) -> int:
        """Queue this chat's digest; returns how many papers it holds. Safe to call twice: the second finds
        nothing new."""
        async with self._planning:
            if any(d.chat_id == chat.chat_id for d in self._pending):
                self._flush()  # this chat's digest is planned but not written yet: it must count as delivered
            chat = self._store.get_chat(chat.chat_id) or chat
            now = self.clock()
            local_date = local_now(chat, now).date().isoformat() if scheduled else chat.last_digest_local
            topics = [topic for _, topic in self._store.topics(chat.chat_id)]
            chosen = await self._picker.picks(chat, topics, self._cap_of(chat), ask=not scheduled)
            newest, skipped = chosen.newest, chosen.skipped
            revised = revisions_message(chosen.revised[:MAX_REVISED], chat.language, buttons=chat.type != "channel")
            told = [(a.base_id, a.version) for a in chosen.revised[:MAX_REVISED]]
            if not chosen.kept and revised is not None:  # only new versions of papers the chat had
                self._queue(QueuedDigest(chat.chat_id, newest, local_date, [revised], [], told), batch)
                return 0
            if not chosen.kept:
                if not scheduled:
                    return 0
                if newest != chat.last_digest_day:  # arXiv announced, nothing for this chat: the day is done
                    self._queue(QueuedDigest(chat.chat_id, newest, local_date, [], []), batch)
                elif chat.quiet_note and local_now(chat, now) >= _digest_moment(chat, now) + QUIET_AFTER:
                    quiet = [OutboxMessage("text", t(chat.language, "digest_quiet"))]
                    self._queue(QueuedDigest(chat.chat_id, newest, local_date, quiet, []), batch)
                # else: today's batch may still come (feeds are rebuilt hours after 20:00 US Eastern): wait
                return 0
            kept = self._in_topic_order(topics, chosen.kept)
            popularity = self._papers.popularity
            unread = [p.paper for p in kept if p.popular is None]  # the ranking read the others already
            if popularity is not None and popularity.enabled and unread:  # one batch; each card reads the cache
                await popularity.of(unread, today=self.clock().date())
            cards = await self._cards([p.paper for p in kept], chat.language, figures=chat.mode == "full")
            failed = [p.paper.base_id for p in kept if p.paper.base_id not in cards]
            skipped = failed + skipped  # a card that could not be made now is offered by "Show N more", not lost
            messages = digest_messages(chat, newest, kept, cards, self.bot_username, chosen.totals)
            if skipped:
                more = Button(t(chat.language, "digest_more_button", count=len(skipped)),
                              callback_data.MORE.build(newest))
                messages.append(OutboxMessage("text", t(chat.language, "digest_more", count=len(skipped)),
                                              ((more,),)))
            if revised is not None:
                messages.append(revised)
            if chat.schedule and (reminder := self._unread_reminder(chat)) is not None:
                messages.append(reminder)
            names = [(p.paper.base_id, p.topic.query, "" if p.checked else p.aliases[0]) for p in kept
                     if (p.aliases or p.checked) and p.paper.base_id in cards]
            self._queue(QueuedDigest(chat.chat_id, newest, local_date, messages, skipped, told, names), batch)
            return len(kept) - len(failed)

    def _unread_reminder(self, chat: ChatSettings) -> OutboxMessage | None:
        """A weekly digest's last message: what the chat saved and has not marked read yet (the newest five),
        each a 📄 away."""
        unread = [r for r in self._store.saved(chat.chat_id) if not r.read]
        if not unread:
            return None
        shown = unread[:UNREAD_SHOWN]
        lines = [t(chat.language, "unread_reminder", count=len(unread))]
        lines += [f"{n}. {abs_link(r.versioned_id, r.title)}" for n, r in enumerate(shown, 1)]
        buttons = tuple(Button(f"📄 {n}", callback_data.CARD.build(r.versioned_id)) for n, r in enumerate(shown, 1))
        return OutboxMessage("text", "\n".join(lines), (buttons,) if chat.type != "channel" else ())

    def _queue(self, digest: QueuedDigest, batch: bool) -> None:
        """Write the digest now, or with the run's next batch of chats (one transaction for many)."""
        self._pending.append(digest)
        if not batch or len(self._pending) >= WRITE_BATCH:
            self._flush()

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        self._store.queue_digests(pending)

    async def _cards(self, papers: list[Announcement], language: str, figures: bool = False) -> dict[str, PaperCard]:
        """Cards for `papers` (metadata from the arXiv API in one batch); a paper that fails is left out.

        Cards made during one planning run are kept for the next chat that gets the same paper in the same
        language: thousands of chats share a day's few hundred cards. Figures are rendered only when asked
        (full digests, exports): an overview shows none. What this call found is its own: a run ending meanwhile
        (the scheduler's tick clears the shared memo) takes no card from a digest being planned.
        """
        memo = self._card_memo
        mine: dict[tuple[str, int, str], PaperCard] = {}
        for a in papers:
            key = (a.base_id, a.version, language)
            if (card := memo.get(key)) is not None and (not figures or card.figures or card.pdf_note):
                mine[key] = card
        wanted = [a for a in papers if (a.base_id, a.version, language) not in mine]
        if wanted:
            metas = await self._papers.lookup([PaperRef(a.base_id, a.version) for a in wanted])

            async def one(meta: PaperMeta) -> PaperCard | None:
                async with self._prepare:
                    try:
                        return await self._papers.card(meta, language, owner="digests", figures=figures)
                    except Exception:
                        log.exception("could not prepare %s for a digest", meta.versioned_id)
                        return None

            found = [m for m in metas.values() if m is not None]
            for meta, card in zip(found, await asyncio.gather(*(one(m) for m in found)), strict=True):
                if card is not None:
                    memo[(meta.base_id, meta.version, language)] = mine[(meta.base_id, meta.version, language)] = card
        return {a.base_id: card for a in papers if (card := mine.get((a.base_id, a.version, language)))}

    @staticmethod
    def _in_topic_order(topics: list[Topic], picks: list[Pick]) -> list[Pick]:
        """Grouped under the chat's topics in the order it added them, most relevant first within each."""
        position = {topic.query: i for i, topic in enumerate(topics)}
        return sorted(picks, key=lambda p: position.get(p.topic.query, len(position)))

    async def run_due(self) -> int:
        """Plan the digest of every chat whose time has come; returns how many chats got one."""
        now = self.clock()
        planned = 0
        try:
            due = await self._store.due_chats(zone_clocks(await self._store.active_zones(), now))
            if due and self._warming is not None and not self._warming.done():
                await asyncio.wait({self._warming}, timeout=WARM_GRACE)  # then what it has said so far
            for chat in due:
                try:
                    await self.plan(chat, batch=True)
                    planned += 1
                except Exception:
                    log.exception("could not plan the digest of chat %s", chat.chat_id)
                await asyncio.sleep(0)  # thousands of chats: the bot keeps answering between two plans
            self._flush()
        finally:
            self._card_memo.clear()  # the next run reads the cache again (a summary may have been redone)
            self._pending = []  # cut short (a shutdown): what was not written is planned again next time
        return planned

    @property
    def exports_busy(self) -> bool:
        """Whether an export asked now waits behind others (at most EXPORTS_AT_ONCE are built at a time)."""
        return self._exports.locked()

    @asynccontextmanager
    async def export(self, chat: ChatSettings, day: str = "") -> AsyncIterator[tuple[str, Path] | None]:
        """The chat's digest of `day` (default: its latest) as blog posts, one per topic, zipped with their
        figures into a temporary file for the caller to send, deleted after; None when there is no such digest.

        At most EXPORTS_AT_ONCE exports are made *and sent* at a time, the others wait their turn: each holds a
        digest's figures and its zip (tens of MB) until it is sent. The zip is built off the event loop, on disk.
        """
        day = day or chat.last_digest_day
        if not day or not self._store.delivered_on(chat.chat_id, day):
            yield None
            return
        async with self._exports:
            path = await self._export(chat, day)
            try:
                yield f"papergram-{day}.zip", path
            finally:
                path.unlink(missing_ok=True)

    async def _export(self, chat: ChatSettings, day: str) -> Path:
        base_ids = self._store.delivered_on(chat.chat_id, day)
        announced = {a.base_id: a for d, a in self._store.announcements(until=day) if d == day}
        papers = [announced[b] for b in base_ids if b in announced]
        cards = await self._cards(papers, chat.language, figures=True)
        topics = [topic for _, topic in self._store.topics(chat.chat_id)]
        by_topic: dict[str, list[PaperCard]] = {}
        aliases = learn_from(announced.values())
        for paper in papers:  # the topic a paper came under: by its words (sentence topics too, for the file)
            topic = next((tp for tp in topics if tp.matches(paper, aliases)), None)
            if paper.base_id in cards:
                by_topic.setdefault(topic.text if topic else "arXiv", []).append(cards[paper.base_id])
        writer = "an offline extract of each paper" if self._papers.offline else self._papers.model
        posts = []
        for topic_text, topic_cards in by_topic.items():
            text, files = post(topic_text, day, topic_cards, writer)
            posts.append((f"{day}-{slug(topic_text)}.md", text, files))
        citations = bibtex_file([c.paper for topic_cards in by_topic.values() for c in topic_cards])
        posts.append((f"{day}-papers.bib", citations.decode(), {}))
        handle, name = tempfile.mkstemp(prefix="papergram-export-", suffix=".zip")
        os.close(handle)
        try:
            return await asyncio.to_thread(zip_posts, posts, Path(name))
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise

    def _cap_of(self, chat: ChatSettings) -> int:
        return min(self._cap, GROUP_CAP) if chat.type in ("group", "supergroup") else self._cap

    async def more(self, chat_id: int, day: str) -> int:
        """The papers a capped digest left out, in its order, each section under its topic (numbering on)."""
        chat = self._store.get_chat(chat_id)
        if chat is None:
            return 0
        base_ids = self._store.skipped(chat_id, day)
        if not base_ids:
            return 0
        announced = {a.base_id: a for _, a in self._store.announcements(until=day)}
        papers = [announced[b] for b in base_ids if b in announced]
        cards = await self._cards(papers, chat.language)
        topics = [topic for _, topic in self._store.topics(chat_id)]
        sections: dict[str, list[DigestEntry]] = {}
        aliases = learn_from(announced.values())
        for paper in papers:
            card = cards.get(paper.base_id)
            if card is not None:
                topic = next((tp.text for tp in topics if tp.kind != "about" and tp.matches(paper, aliases)),
                             t(chat.language, "digest_rest"))
                sections.setdefault(topic, []).append(DigestEntry(card.paper, card.summary.one_sentence))
        first = self._cap_of(chat) + 1
        messages, number = [], first
        for topic_text, entries in sections.items():
            messages += overview_messages(topic_text, day, entries, chat.language, first_number=number)
            number += len(entries)
        self._store.requeue_skipped(chat_id, day, messages)
        return number - first
