"""Daily digests: decide what each chat gets of what arXiv announced (read by services/discovery.py), queue it
in the outbox.

A chat gets each paper at most once ever, under the first of its topics that matches. Each paper is
summarized once per language however many chats get it (the card cache), so LLM calls for a day equal the
distinct (paper, language) pairs. Planning writes a chat's whole digest to SQLite in one transaction; the
outbox (services/outbox.py) then sends it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services import callback_data
from services.arxiv.announcements import Announcement, FeedReader
from services.arxiv.ids import submitted_month
from services.cards.citations import bibtex_file
from services.cards.papers import PaperCard, PaperService
from services.cards.render import card_messages
from services.digests.discovery import DEFAULT_ARCHIVES, FeedPoller, PollReport
from services.digests.format import DigestEntry, overview_messages, rating_buttons
from services.digests.markdown import post, slug, zip_posts
from services.i18n import t
from services.models import ChatSettings, PaperMeta, PaperRef
from services.ranking.embeddings import PaperEmbeddings
from services.ranking.feedback import Feedback
from services.ranking.relevance import Pick, Window, normalized, spread
from services.ranking.taste import like_counts
from services.store import QueuedDigest, Store, utcnow
from services.topics import Topic

log = logging.getLogger(__name__)

DAILY_CAP = 30
QUIET_AFTER = timedelta(hours=6)
"""A chat that asked to hear about quiet days hears it this long after its digest time, if nothing came."""


WRITE_BATCH = 500
"""Digests planned in a run are written this many chats to a transaction: a crash loses at most a batch that
was never sent (it is planned again), and SQLite commits 100 times less often."""
MAX_TASTE_WEIGHT = 0.8
"""However many ratings a chat gave, a paper's match with the topic still counts for a fifth of its rank."""


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


def zone_clocks(zones: list[str], now: datetime) -> dict[str, tuple[str, str]]:
    """Each zone's (HH:MM, YYYY-MM-DD) at `now`: a chat is due when its digest time has passed today and
    today's digest is not made (`Store.due_chats`). Computed once per zone (tens of thousands of chats share a
    few dozen zones); an unknown zone reads as UTC, as `local_now` does."""
    clocks = {}
    for zone in zones:
        moment = local_now(ChatSettings(0, "private", timezone=zone), now)
        clocks[zone] = (moment.strftime("%H:%M"), moment.date().isoformat())
    return clocks


class DigestService:
    def __init__(self, store: Store, feeds: FeedReader, papers: PaperService,
                 clock: Callable[[], datetime] = utcnow, *, archives: tuple[str, ...] = DEFAULT_ARCHIVES,
                 daily_cap: int = DAILY_CAP, prepare_concurrency: int = 4, feedback: Feedback | None = None,
                 embeddings: PaperEmbeddings | None = None, retention_days: int = 90) -> None:
        self._store = store
        self.retention_days = retention_days
        """How long what a chat received is kept (RETENTION_DAYS); see `_before_history`."""
        self._feedback = feedback
        self._embeddings = embeddings
        self._last_window: Window | None = None
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
        self.bot_username = ""
        """Set at start-up: channel digests link to the bot so readers can open cards privately."""

    # Discovery (services/discovery.py) -------------------------------------------------------------------

    async def feeds_needed(self) -> set[str]:
        return await self._discovery.feeds_needed()

    def feeds_of(self, chat: ChatSettings) -> set[str]:
        return self._discovery.feeds_of(chat)

    async def poll(self, feeds: set[str] | None = None) -> PollReport:
        return await self._discovery.poll(feeds)

    # Planning ------------------------------------------------------------------------------------------

    def _window(self, chat: ChatSettings) -> Window:
        """The announcements this chat's next digest looks at; chats planning the same days share one."""
        after = chat.last_digest_day
        if not after:  # a chat's first digest starts with the newest announcement day, not the archive
            days = self._store.announcement_days()
            after = days[-2] if len(days) > 1 else ""
        count, last = self._store.announcements_version(after)
        key = (after, count, str(last))
        if self._last_window is None or self._last_window.key != key:
            self._last_window = Window(key, self._store.announcements(after))
        return self._last_window

    async def _about_scores(self, topics: list[Topic], window: Window) -> dict[str, dict[str, float]]:
        """Embedding similarity of each sentence topic to each paper (empty without an embedder)."""
        if self._embeddings is None or not window.papers:
            return {}
        scores: dict[str, dict[str, float]] = {}
        papers = [(a.base_id, a.title, a.abstract) for a in window.papers.values()]
        for topic in topics:
            if topic.kind == "about" and topic.query not in scores:
                try:
                    scores[topic.query] = await self._embeddings.similarities(topic.query, papers)
                except Exception as error:  # the embedder is down: this digest matches sentences by their words
                    log.warning("embeddings unavailable, sentence topics match by words: %s", error)
        return scores

    def select(self, chat: ChatSettings, topics: list[Topic], window: Window,
               about: dict[str, dict[str, float]]) -> tuple[str, list[tuple[Topic, Announcement]]]:
        """(newest day, [(first matching topic, paper)]) of announced papers this chat has not had."""
        delivered = self._store.delivered(chat.chat_id)
        chosen: dict[str, tuple[Topic, Announcement]] = {}
        newest = chat.last_digest_day
        threshold = self._embeddings.threshold if self._embeddings else 1.0

        def matches(topic: Topic, paper: Announcement) -> bool:
            if topic.kind == "about" and topic.query in about:
                return about[topic.query].get(paper.base_id, 0.0) >= threshold
            return topic.matches(paper)

        for day, paper in window.rows:
            newest = max(newest, day)
            if paper.base_id in delivered or paper.base_id in chosen:
                continue
            if paper.announce_type.startswith("replace") and (not chat.replacements or self._before_history(paper)):
                continue
            if paper.announce_type in ("cross", "replace-cross") and not chat.crosslists:
                continue
            topic = next((tp for tp in topics if matches(tp, paper)), None)
            if topic is not None:
                chosen[paper.base_id] = (topic, paper)
        return newest, list(chosen.values())

    def _before_history(self, paper: Announcement) -> bool:
        """A new version of a paper first submitted before the kept delivery history: the chat may have had it
        (its delivery was pruned), so it is not sent — never the same paper twice."""
        month = submitted_month(paper.base_id)
        horizon = (self.clock() - timedelta(days=self.retention_days)).date()
        return month is None or month < (horizon.year, horizon.month)

    async def rank(self, chat: ChatSettings, selected: list[tuple[Topic, Announcement]], window: Window,
                   about: dict[str, dict[str, float]]) -> list[Pick]:
        """The chat's papers, most relevant first: how strongly each matches its topic (BM25, or the sentence
        topic's similarity) blended with what the chat taught its model — the more ratings, the more it weighs."""
        lexical: dict[str, float] = {}
        for topic in dict.fromkeys(tp for tp, _ in selected):
            ids = [a.base_id for tp, a in selected if tp == topic]
            if topic.kind == "about" and topic.query in about:
                raw = {b: about[topic.query].get(b, 0.0) for b in ids}
            else:
                raw = {b: window.corpus.bm25(topic, b) for b in ids}
            lexical.update(normalized(raw))
        model = await self._feedback.model(chat.chat_id) if self._feedback and selected else None
        taste: dict[str, float] = {}
        weight = 0.0
        if model is not None:
            rows = [window.row(a.base_id) for _, a in selected]
            taste = dict(zip((a.base_id for _, a in selected), spread(window.space.decision(model, rows)),
                             strict=True))
            weight = min(MAX_TASTE_WEIGHT, (model.likes + model.dislikes) / (model.likes + model.dislikes + 5))
        picks = [Pick(topic, paper, (1 - weight) * lexical.get(paper.base_id, 0.0)
                      + weight * taste.get(paper.base_id, 0.0), taste.get(paper.base_id)) for topic, paper in selected]
        picks.sort(key=lambda p: -p.score)  # stable: equal scores keep the feed's order
        return picks

    def _reasons(self, chat: ChatSettings, picks: list[Pick], window: Window) -> list[Pick]:
        """A short "why" for the picks where it helps: the words an either-or or sentence topic matched, and
        how many of the chat's 👍 papers a paper resembles (when the chat's taste ranked it)."""
        tasted = self._feedback is not None and any(p.taste is not None for p in picks)
        liked = self._feedback.liked_papers(chat.chat_id) if self._feedback and tasted else []
        similar = like_counts(window.space, [window.row(p.paper.base_id) for p in picks], liked) if liked else []
        out = []
        for index, pick in enumerate(picks):
            parts = []
            if pick.topic.kind == "about" or (pick.topic.kind == "query" and " OR " in pick.topic.query):
                found = window.corpus.matched(pick.topic, pick.paper.base_id)
                if found:
                    parts.append(t(chat.language, "why_matches", terms=", ".join(found[:4])))
            if similar and similar[index] and (pick.taste or 0.0) >= 0.5:
                parts.append(t(chat.language, "why_liked", count=similar[index]))
            out.append(replace(pick, reason=" · ".join(parts)) if parts else pick)
        return out

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
            window = self._window(chat)
            about = await self._about_scores(topics, window)
            newest, selected = self.select(chat, topics, window, about)
            if not selected:
                if not scheduled:
                    return 0
                if newest != chat.last_digest_day:  # arXiv announced, nothing for this chat: the day is done
                    self._queue(QueuedDigest(chat.chat_id, newest, local_date, [], []), batch)
                elif chat.quiet_note and local_now(chat, now) >= _digest_moment(chat, now) + QUIET_AFTER:
                    quiet = [{"kind": "text", "text": t(chat.language, "digest_quiet"), "base_ids": []}]
                    self._queue(QueuedDigest(chat.chat_id, newest, local_date, quiet, []), batch)
                # else: today's batch may still come (feeds are rebuilt hours after 20:00 US Eastern): wait
                return 0
            picks = await self.rank(chat, selected, window, about)
            kept, skipped = picks[: self._cap], [p.paper.base_id for p in picks[self._cap:]]
            kept = self._reasons(chat, kept, window)
            kept = self._in_topic_order(topics, kept)
            cards = await self._cards([p.paper for p in kept], chat.language, figures=chat.mode == "full")
            messages = self._messages(chat, newest, kept, cards)
            if skipped:
                messages.append({"kind": "text", "text": t(chat.language, "digest_more", count=len(skipped)),
                                 "base_ids": [], "buttons": [[{
                                     "text": t(chat.language, "digest_more_button", count=len(skipped)),
                                     "data": callback_data.MORE.build(newest)}]]})
            self._queue(QueuedDigest(chat.chat_id, newest, local_date, messages, skipped), batch)
            return len(kept)

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
        (full digests, exports): an overview shows none.
        """
        memo = self._card_memo
        wanted = [a for a in papers if (card := memo.get((a.base_id, a.version, language))) is None
                  or (figures and not card.figures and not card.pdf_note)]
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
                    memo[(meta.base_id, meta.version, language)] = card
        return {a.base_id: card for a in papers if (card := memo.get((a.base_id, a.version, language)))}

    @staticmethod
    def _in_topic_order(topics: list[Topic], picks: list[Pick]) -> list[Pick]:
        """Grouped under the chat's topics in the order it added them, most relevant first within each."""
        position = {topic.query: i for i, topic in enumerate(topics)}
        return sorted(picks, key=lambda p: position.get(p.topic.query, len(position)))

    def _messages(self, chat: ChatSettings, day: str, kept: list[Pick],
                  cards: dict[str, PaperCard]) -> list[dict[str, object]]:
        messages: list[dict[str, object]] = []
        channel = chat.type == "channel" and bool(self.bot_username)
        if chat.mode == "full":
            for pick in kept:
                card = cards.get(pick.paper.base_id)
                if card is None:
                    continue
                parts = card_messages(card)
                messages += [{"kind": "text", "text": p, "base_ids": [card.paper.base_id] if i == len(parts) - 1
                              else [], "buttons": [] if channel or i < len(parts) - 1 else rating_buttons(card.paper)}
                             for i, p in enumerate(parts)]
                if card.figures:
                    messages.append({"kind": "photos", "base_ids": [], "text": card.paper.versioned_id})
            return messages
        by_topic: dict[str, list[DigestEntry]] = {}
        for pick in kept:
            card = cards.get(pick.paper.base_id)
            if card is not None:
                by_topic.setdefault(pick.topic.text, []).append(
                    DigestEntry(card.paper, card.summary.one_sentence, pick.reason))
        for topic_text, entries in by_topic.items():
            messages += overview_messages(topic_text, day, entries, chat.language,
                                          bot_username=self.bot_username if channel else "")
        if channel and messages:
            messages[-1]["text"] = f'{messages[-1]["text"]}\n\n{t(chat.language, "via_bot", bot=self.bot_username)}'
        return messages

    async def run_due(self) -> int:
        """Plan the digest of every chat whose time has come; returns how many chats got one."""
        now = self.clock()
        planned = 0
        try:
            for chat in await self._store.due_chats(zone_clocks(await self._store.active_zones(), now)):
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

    async def export(self, chat: ChatSettings, day: str = "") -> tuple[str, bytes] | None:
        """The chat's digest of `day` (default: its latest) as blog posts, one per topic, zipped with their
        figures; None when there is no such digest."""
        day = day or chat.last_digest_day
        base_ids = self._store.delivered_on(chat.chat_id, day) if day else []
        if not base_ids:
            return None
        announced = {a.base_id: a for d, a in self._store.announcements(until=day) if d == day}
        papers = [announced[b] for b in base_ids if b in announced]
        cards = await self._cards(papers, chat.language, figures=True)
        topics = [topic for _, topic in self._store.topics(chat.chat_id)]
        by_topic: dict[str, list[PaperCard]] = {}
        for paper in papers:  # the topic a paper came under: by its words (sentence topics too, for the file)
            topic = next((tp for tp in topics if tp.matches(paper)), None)
            if paper.base_id in cards:
                by_topic.setdefault(topic.text if topic else "arXiv", []).append(cards[paper.base_id])
        writer = "an offline extract of each paper" if self._papers.offline else self._papers.model
        posts = []
        for topic_text, topic_cards in by_topic.items():
            text, files = post(topic_text, day, topic_cards, writer)
            posts.append((f"{day}-{slug(topic_text)}.md", text, files))
        citations = bibtex_file([c.paper for topic_cards in by_topic.values() for c in topic_cards])
        posts.append((f"{day}-papers.bib", citations.decode(), {}))
        return f"papergram-{day}.zip", zip_posts(posts)

    async def more(self, chat_id: int, day: str) -> int:
        """The papers a capped digest left out, as one more overview."""
        chat = self._store.get_chat(chat_id)
        if chat is None:
            return 0
        base_ids = self._store.skipped(chat_id, day)
        if not base_ids:
            return 0
        announced = {a.base_id: a for _, a in self._store.announcements(until=day)}
        papers = [announced[b] for b in base_ids if b in announced]
        cards = await self._cards(papers, chat.language)
        entries = [DigestEntry(c.paper, c.summary.one_sentence) for c in cards.values()]
        messages = overview_messages(t(chat.language, "digest_rest"), day, entries, chat.language,
                                     first_number=self._cap + 1)
        self._store.requeue_skipped(chat_id, day, messages)
        return len(entries)
