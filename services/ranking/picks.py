"""Which papers a chat gets, best first — the one entry point the digest planner calls.

Eligible: announced in the chat's window, not had before (never the same paper twice, past the pruned history
too), replacements and cross-lists only when the chat takes them, under the first of its topics that matches
(a sentence topic by embedding similarity when an embedder is configured; what words cannot decide by the LLM's
second look, services/ranking/check.py). Ranked: how strongly each matches its topic (BM25, or the similarity)
blended with the chat's taste — its words model, and with an embedder nearness in meaning to its likes — the more
ratings, the more it weighs.
The kept ones carry a short "why" where it helps.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from services.arxiv.announcements import Announcement
from services.arxiv.ids import submitted_month
from services.i18n import t
from services.models import ChatSettings
from services.ranking.check import TopicCheck, judged
from services.ranking.embeddings import PaperEmbeddings
from services.ranking.feedback import Feedback
from services.ranking.relevance import Pick, Window, blended, normalized, spread
from services.ranking.taste import like_counts
from services.signals import Popularity, Signals
from services.store import Store
from services.topics import Match, Topic

log = logging.getLogger(__name__)

MAX_TASTE_WEIGHT = 0.8
"""However many ratings a chat gave, a paper's match with the topic still counts for a fifth of its rank."""
POPULARITY = {"off": 0.0, "low": 0.15, "high": 0.4}
"""How much what the field is reading (upvotes, stars, citations) weighs in a chat's ranking (`/settings
popularity`; "" is low)."""
TRENDING_DAYS = 7
"""A `trending` topic looks at the week's announcements."""
MEANING_RATINGS = 200
"""A chat's most recent ratings that its taste by meaning looks at (each paper embedded once)."""


@dataclass(frozen=True)
class Picks:
    """A chat's choice for its next digest."""

    newest: str
    """The newest announcement day looked at (the digest's day)."""
    kept: list[Pick]
    """At most the cap, best first, each with its "why" where it helps."""
    skipped: list[str]
    """Base IDs past the cap, in rank order ("Show N more")."""
    totals: dict[str, int] = field(default_factory=dict)
    """Papers each topic (its text) found, kept and skipped: a section says "showing N of M"."""
    revised: list[Announcement] = field(default_factory=list)
    """New versions of papers the chat already had (with `replacements on`): offered as what changed, never as
    the same card again."""


class Picker:
    def __init__(self, store: Store, clock: Callable[[], datetime], *, feedback: Feedback | None = None,
                 embeddings: PaperEmbeddings | None = None, retention_days: int = 90,
                 popularity: Popularity | None = None, check: TopicCheck | None = None) -> None:
        self._store = store
        self._check = check
        self._popularity = popularity if popularity is not None and popularity.enabled else None
        self._clock = clock
        self._feedback = feedback
        self._embeddings = embeddings
        self.retention_days = retention_days
        """How long what a chat received is kept (RETENTION_DAYS); see `_before_history`."""
        self._last_window: Window | None = None
        self._week: Window | None = None

    async def picks(self, chat: ChatSettings, topics: list[Topic], cap: int, *, ask: bool = True) -> Picks:
        """The chat's papers of its window: the best `cap` kept (with their reasons), the rest skipped. A
        `trending` topic's papers come from the week's announcements, ranked by what the field is reading.
        `ask`: the LLM's second look may be asked now (a reader waiting on /digest), else only what it said
        before counts (a scheduled digest: `warm` asked when the papers were announced)."""
        window = self._window(chat)
        about = await self._about_scores(topics, window)
        own = [tp for tp in topics if tp.kind != "trending"]
        verdicts = await self._check.verdicts(own, window, about, ask=ask) if self._check else {}
        newest, selected = self.select(chat, own, window, about, verdicts)
        trending = await self._trending(chat, [tp for tp in topics if tp.kind == "trending"], newest,
                                        {a.base_id for _, a, _ in selected})
        revised = self.revised(chat, topics, window)
        if not selected and not trending:
            return Picks(newest, [], [], revised=revised)
        ranked = await self.rank(chat, selected, window, about)
        ranked = sorted([*ranked, *trending], key=lambda p: (not p.firm, -p.score))
        kept = self._reasons(chat, ranked[:cap], window)
        return Picks(newest, kept, [p.paper.base_id for p in ranked[cap:]], dict(Counter(p.topic.text for p in ranked)),
                     revised)

    async def _trending(self, chat: ChatSettings, topics: list[Topic], newest: str, taken: set[str]) -> list[Pick]:
        """Papers of the week (up to the digest's day) on `trending` topics, the chat has not had, each with a
        signal, best first: scored by upvotes, stars and citations, 0–1 among them."""
        if not topics or not newest or self._popularity is None:
            return []
        since = (datetime.fromisoformat(newest) - timedelta(days=TRENDING_DAYS)).date().isoformat()
        count, last = self._store.announcements_version(since)
        key = (since, count, f"{last}:{newest}")
        if self._week is None or self._week.key != key:  # chats planning the same week share its window
            self._week = Window(key, self._store.announcements(since, newest))
        week = self._week
        _, found = self.select(replace(chat, last_digest_day=""), topics, week, {})
        found = [f for f in found if f[1].base_id not in taken]
        signals = await self._popularity.of([a for _, a, _ in found], today=datetime.fromisoformat(newest).date(),
                                            days=TRENDING_DAYS)
        scored = [(tp, a, signals[a.base_id]) for tp, a, _ in found if a.base_id in signals]
        values = spread([s.score for _, _, s in scored])
        return [Pick(tp, a, value, popular=sig) for (tp, a, sig), value in zip(scored, values, strict=True)]

    def revised(self, chat: ChatSettings, topics: list[Topic], window: Window) -> list[Announcement]:
        """Announced new versions of papers this chat had, on its topics, that it was not told of yet."""
        if not chat.replacements:
            return []
        delivered = self._store.delivered(chat.chat_id)
        told = self._store.told_revisions(chat.chat_id)
        found: dict[str, Announcement] = {}
        for _, paper in window.rows:
            if paper.announce_type.startswith("replace") and paper.base_id in delivered and paper.version > 1 \
                    and (paper.base_id, paper.version) not in told \
                    and any(tp.matches(paper, window.aliases) for tp in topics):
                found[paper.base_id] = paper  # the newest announced version wins
        return list(found.values())

    async def warm(self, topics: list[Topic]) -> None:
        """Ask the LLM's second look about the newest announcement day for these topics (every chat's, once each)
        before any digest needs it: scheduled digests then read its verdicts instead of waiting for them."""
        window = self._window(ChatSettings(chat_id=0, type="private"))  # a first digest's window: the newest day
        if self._check is not None and window.papers:
            await self._check.verdicts(topics, window, await self._about_scores(topics, window))

    def _window(self, chat: ChatSettings) -> Window:
        """The announcements this chat's next digest looks at; chats planning the same days share one."""
        after = chat.last_digest_day
        if not after:  # a chat's first digest starts with the newest announcement day (weekly: its week)
            days = self._store.announcement_days()
            if chat.schedule and days:
                after = (datetime.fromisoformat(days[-1]) - timedelta(days=TRENDING_DAYS)).date().isoformat()
            else:
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

    def select(self, chat: ChatSettings, topics: list[Topic], window: Window, about: dict[str, dict[str, float]],
               verdicts: dict[str, dict[str, bool]] | None = None
               ) -> tuple[str, list[tuple[Topic, Announcement, Match]]]:
        """(newest day, [(best matching topic, paper, how it matched)]) of announced papers this chat has not had.

        A paper matching several topics goes under the most specific of them — the one matching the fewest of the
        window's papers (a keyword topic before its whole category), the chat's order breaking ties — so every
        topic gets its own section instead of the first broad one taking all; a topic the paper is about goes
        before one it names only in a list. `verdicts`: what the LLM judged of the papers words could not decide
        (services/ranking/check.py)."""
        delivered = self._store.delivered(chat.chat_id)
        chosen: dict[str, tuple[list[tuple[Topic, Match]], Announcement]] = {}
        newest = chat.last_digest_day
        threshold = self._embeddings.threshold if self._embeddings else 1.0

        def matched(topic: Topic, paper: Announcement) -> Match | None:
            verdict = verdicts.get(topic.query, {}).get(paper.base_id) if verdicts else None
            if topic.kind == "about" and topic.query in about:
                close = Match(True) if about[topic.query].get(paper.base_id, 0.0) >= threshold else None
                return judged(close, verdict, topic)
            return judged(topic.match(paper, window.aliases), verdict, topic)

        for day, paper in window.rows:
            newest = max(newest, day)
            if paper.base_id in delivered or paper.base_id in chosen:
                continue
            if paper.announce_type.startswith("replace") and (not chat.replacements or self._before_history(paper)):
                continue
            if paper.announce_type in ("cross", "replace-cross") and not chat.crosslists:
                continue
            matching = [(tp, found) for tp in topics if (found := matched(tp, paper)) is not None]
            if matching:
                chosen[paper.base_id] = (matching, paper)
        counts = Counter(tp for matching, _ in chosen.values() for tp, _ in matching)
        order = {tp: i for i, tp in enumerate(topics)}
        selected = []
        for matching, paper in chosen.values():
            topic, found = min(matching, key=lambda m: (not m[1].firm, counts[m[0]], order[m[0]]))
            selected.append((topic, paper, found))
        return newest, selected

    def _before_history(self, paper: Announcement) -> bool:
        """A new version of a paper first submitted before the kept delivery history: the chat may have had it
        (its delivery was pruned), so it is not sent — never the same paper twice."""
        month = submitted_month(paper.base_id)
        horizon = (self._clock() - timedelta(days=self.retention_days)).date()
        return month is None or month < (horizon.year, horizon.month)

    async def rank(self, chat: ChatSettings, selected: list[tuple[Topic, Announcement, Match]], window: Window,
                   about: dict[str, dict[str, float]]) -> list[Pick]:
        """The chat's papers, most relevant first: how strongly each matches its topic (BM25, or the sentence
        topic's similarity) blended with what the chat taught its model — the more ratings, the more it weighs; a
        paper naming its topic only in a list after every paper about a topic."""
        lexical: dict[str, float] = {}
        for topic in dict.fromkeys(tp for tp, _, _ in selected):
            ids = [a.base_id for tp, a, _ in selected if tp == topic]
            if topic.kind == "about" and topic.query in about:
                raw = {b: about[topic.query].get(b, 0.0) for b in ids}
            else:
                raw = {b: window.corpus.bm25(topic, b) for b in ids}
            lexical.update(normalized(raw))
        model = await self._feedback.model(chat.chat_id) if self._feedback and selected else None
        taste: dict[str, float] = {}
        weight = 0.0
        if model is not None:
            rows = [window.row(a.base_id) for _, a, _ in selected]
            words = window.space.decision(model, rows)
            meaning = await self._meaning(chat, [a for _, a, _ in selected])
            taste = dict(zip((a.base_id for _, a, _ in selected),
                             blended(words, meaning) if meaning is not None else spread(words), strict=True))
            weight = min(MAX_TASTE_WEIGHT, (model.likes + model.dislikes) / (model.likes + model.dislikes + 5))
        score = {a.base_id: (1 - weight) * lexical.get(a.base_id, 0.0) + weight * taste.get(a.base_id, 0.0)
                 for _, a, _ in selected}
        lift = POPULARITY.get(chat.popularity or "low", POPULARITY["low"])
        signals: dict[str, Signals] = {}
        if lift and self._popularity is not None and selected:
            signals = await self._popularity.of([a for _, a, _ in selected], today=self._clock().date())
            popular = dict(zip(score, spread([signals[b].score if b in signals else 0.0 for b in score]),
                               strict=True))
            score = {b: (1 - lift) * value + lift * popular[b] for b, value in score.items()}
        picks = [Pick(topic, paper, score[paper.base_id], taste.get(paper.base_id), firm=found.firm,
                      aliases=found.aliases, checked=found.checked, popular=signals.get(paper.base_id))
                 for topic, paper, found in selected]
        picks.sort(key=lambda p: (not p.firm, -p.score))  # stable: equal scores keep the feed's order
        return picks

    async def _meaning(self, chat: ChatSettings, papers: list[Announcement]) -> list[float] | None:
        """How near each paper is in meaning to what the chat liked and far from what it did not (an embedder
        configured), or None: words alone then."""
        if self._embeddings is None:
            return None
        rated = [(r.base_id, r.title, r.abstract, r.vote) for r in self._store.ratings(chat.chat_id)[-MEANING_RATINGS:]]
        try:
            scores = await self._embeddings.taste(rated, [(a.base_id, a.title, a.abstract) for a in papers])
        except Exception as error:  # the embedder is down: this digest's taste goes by words
            log.warning("embeddings unavailable, taste by words: %s", error)
            return None
        return [scores.get(a.base_id, 0.0) for a in papers]

    def _reasons(self, chat: ChatSettings, picks: list[Pick], window: Window) -> list[Pick]:
        """A short "why" for the picks where it helps: the other name a paper was found by, the words an either-or
        or sentence topic matched, and how many of the chat's 👍 papers a paper resembles (when the chat's taste
        ranked it)."""
        tasted = self._feedback is not None and any(p.taste is not None for p in picks)
        liked = self._feedback.liked_papers(chat.chat_id) if self._feedback and tasted else []
        similar = like_counts(window.space, [window.row(p.paper.base_id) for p in picks], liked) if liked else []
        out = []
        for index, pick in enumerate(picks):
            parts = []
            if pick.checked:  # no words of the topic: say so, and whose reading found it
                parts.append(t(chat.language, "why_checked", topic=pick.topic.text))
            elif pick.aliases:  # by another name: say which, so a wrong one can be stopped (👎)
                parts.append(t(chat.language, "why_alias", names=", ".join(pick.aliases[:3]), topic=pick.topic.text))
            elif pick.topic.kind == "about" or (pick.topic.kind == "query" and " OR " in pick.topic.query):
                found = window.corpus.matched(pick.topic, pick.paper.base_id)
                if found:
                    parts.append(t(chat.language, "why_matches", terms=", ".join(found[:4])))
            if similar and similar[index] and (pick.taste or 0.0) >= 0.5:
                parts.append(t(chat.language, "why_liked", count=similar[index]))
            out.append(replace(pick, reason=" · ".join(parts)) if parts else pick)
        return out
