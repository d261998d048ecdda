"""A second look by the configured LLM at the papers words cannot decide: is this paper about the topic?

Why: words plateau. On the labelled days (docs/benchmarks.md) the matching rules find ~0.9 of what readers of a
keyword topic want, at ~0.9 precision, and what is left is meaning: a paper that uses a VLM to caption its dataset
is not about vision-language models; one on memory for "AI agents" evaluated on LLM benchmarks is about LLM agents.
Local embeddings did no better than the words there. A reader of the abstract tells at once, and so does an LLM.

What is asked: for each keyword or query topic of a window, the papers it matched only in passing (not in the
title, in at most `PASSING` sentences, or only by another name or in a list) and the near misses (some of its
words, the best `MAX_NEAR` by BM25), at most `MAX_PER_TOPIC`; for a sentence topic, its best `MAX_ABOUT` candidates (by
embedding similarity with an embedder, else by BM25). A yes makes a paper firm (a near miss joins the topic), a no
ranks it below the papers about the topic; for a sentence topic the verdict decides. Verdicts are stored per topic
and paper and shared by every chat, so a day costs a few calls per topic, never per chat; they are asked when the
feeds announce new papers (`Picker.warm`), so scheduled digests read them rather than wait. Offline, past the day's
LLM budget, on a timeout or a failed call, the words (or the similarity threshold) decide.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from services.arxiv.announcements import Announcement
from services.closeness import sentences
from services.llm.port import Summarizer, SummaryFailed
from services.ranking.relevance import Window
from services.store import Store
from services.topics import Match, Topic, TopicError, parse_topic

log = logging.getLogger(__name__)

BATCH = 20
"""Papers judged in one call: short enough for a small model to keep track of the numbers."""
MAX_PER_TOPIC = 40
"""Papers of one topic judged per window: passing mentions first, then near misses."""
MAX_NEAR = 10
"""Near misses asked about per topic, best by BM25: most are not wanted, and each answer a model gets wrong there
is a paper too many (with a reader wrong one time in twenty, 40 of them cost more precision than they bring)."""
MAX_ABOUT = 30
"""Candidates of a sentence topic judged per window, closest first (the closest 30 held 70–96% of what the labelled
days' readers wanted)."""
PASSING = 2
"""Sentences (title aside) a topic may stand in and still be only a passing mention."""
ABSTRACT_CHARS = 900
CALL_TIMEOUT = 40.0
MEMO = 512
"""(window, topic) verdicts kept in memory: every chat planning the same window reads them without a query."""
CONCURRENT = 4
"""Topics asked about at once (each its batches in turn): a thousand topics after an announcement do not make a
thousand requests at once."""
PAUSE_AFTER_FAILURE = 600.0
"""After a failed call, digests go by the words for this long rather than wait for a provider that is down."""

SYSTEM = ("You screen new arXiv papers for a researcher who follows one topic. A paper is wanted when it studies, "
          "builds, improves or evaluates what the topic names (by any name), not when it only mentions it, uses it "
          "as a minor tool, or lists it among others. Answer with the numbers of the wanted papers separated by "
          "commas, or none. Nothing else.")


@dataclass(frozen=True)
class Doubt:
    """A paper the words could not decide for a topic, and what they said (None: a near miss)."""

    topic: Topic
    paper: Announcement
    found: Match | None


def passing(topic: Topic, paper: Announcement, found: Match) -> bool:
    """Whether a keyword or query topic stands in the paper only in passing: not firm, by another name only, or
    not in the title and in at most `PASSING` sentences of the abstract."""
    if not found.firm or found.aliases:
        return True
    if topic.match(_Line(paper.title, paper.categories)) is not None:
        return False
    return sum(1 for s in sentences(paper.abstract) if topic.match(_Line(s, paper.categories))) <= PASSING


@dataclass(frozen=True)
class _Line:
    """A paper of one line (its title, or one sentence of its abstract): where a topic stands in it."""

    title: str
    categories: tuple[str, ...]
    abstract: str = ""
    authors: tuple[str, ...] = ()


def doubts(topic: Topic, window: Window, found: dict[str, Match], similar: dict[str, float] | None = None
           ) -> list[Doubt]:
    """What to ask of one topic: its passing matches, then its near misses (some of its words, best by BM25), at
    most `MAX_PER_TOPIC`. `found`: how each paper of the window matched by words. A sentence topic: its best
    `MAX_ABOUT` candidates — by embedding similarity (`similar`) when there is an embedder, else by BM25."""
    if topic.kind == "about":
        def score(b: str) -> float:
            return similar.get(b, -1.0) if similar is not None else window.corpus.bm25(topic, b)
        ranked = sorted(window.papers, key=lambda b: -score(b))
        ids = [b for b in ranked if similar is not None or b in found or score(b) > 0][:MAX_ABOUT]
        return [Doubt(topic, window.papers[b], found.get(b)) for b in ids]
    if not judgeable(topic):
        return []
    doubtful = [Doubt(topic, window.papers[b], m) for b, m in found.items() if passing(topic, window.papers[b], m)]
    words = loose(topic)
    near = sorted((b for b in window.papers if b not in found and window.corpus.bm25(words, b) > 0),
                  key=lambda b: -window.corpus.bm25(words, b))
    doubtful += [Doubt(topic, window.papers[b], None) for b in near[:MAX_NEAR]]
    return doubtful[:MAX_PER_TOPIC]


def loose(topic: Topic) -> Topic:
    """The topic's words, each on its own: what ranks its near misses ("medical" without "imaging", "agents"
    without "LLM")."""
    text = re.sub(r"\b\w+:", " ", topic.text)
    words = [w for w in re.findall(r"\w[\w\-]*", text) if w.upper() not in ("AND", "OR", "NOT", "ANDNOT")]
    try:
        return parse_topic(" OR ".join(dict.fromkeys(words)))
    except TopicError:
        return topic


def judgeable(topic: Topic) -> bool:
    """Keyword, query and sentence topics; not categories or authors, nor a query naming them (exact)."""
    if topic.kind == "about":
        return True
    return topic.kind in ("keyword", "query") and not re.search(r"\b(cat|au):", topic.query)


def prompt(topic: Topic, papers: Iterable[Announcement]) -> str:
    lines = [f"Topic: {topic.text.removeprefix('about:').strip()}", ""]
    for number, paper in enumerate(papers, 1):
        abstract = " ".join(paper.abstract.split())
        if len(abstract) > ABSTRACT_CHARS:
            abstract = abstract[:ABSTRACT_CHARS].rsplit(" ", 1)[0] + " …"
        lines += [f"{number}. {' '.join(paper.title.split())}", abstract, ""]
    return "\n".join(lines).strip()


def parse_verdict(text: str, count: int) -> set[int] | None:
    """The numbers (1…count) an answer names; an empty set for "none"; None for an answer that is neither. Models
    that think aloud are read by their last line ("The wanted papers are:\n2, 5"), their <think> block dropped."""
    text = re.sub(r"(?s)<think>.*?</think>", "", text).strip()
    lines = [line for line in text.splitlines() if line.strip()]
    for candidate in dict.fromkeys([text, *lines[-1:]]):
        plain = re.sub(r"[*_`.]", "", candidate).strip().lower()
        if plain in ("none", "no", "0"):
            return set()
        numbers = re.findall(r"\d+", plain)
        if numbers and not re.search(r"[a-z]{4,}", plain):
            return {int(n) for n in numbers if 1 <= int(n) <= count}
    return None


def judged(found: Match | None, verdict: bool | None, topic: Topic) -> Match | None:
    """A paper's match once its verdict is known: a yes makes it firm (a near miss joins the topic, `checked`,
    unless the chat keeps the topic to its words), a no ranks it below the papers about the topic — or drops it
    from a sentence topic."""
    kind = topic.kind
    if verdict is None:
        return found
    if verdict:
        if found is None and topic.words_only and kind != "about":
            return None
        return Match(True, found.aliases if found else (), checked=found is None and kind != "about")
    if kind == "about" or found is None:
        return None
    return Match(False, found.aliases)


class TopicCheck:
    """The verdicts of the configured LLM on a window's doubtful papers, asked once per topic and paper."""

    def __init__(self, store: Store, llm: Summarizer, budget: int = 0, timeout: float = CALL_TIMEOUT) -> None:
        self._store = store
        self._llm = llm
        self._budget = budget
        """The day's LLM budget: checks stop at half of it, so they never leave cards without."""
        self._timeout = timeout
        self._locks: dict[str, asyncio.Lock] = {}
        self._memo: dict[tuple[tuple[str, int, str], str], dict[str, bool]] = {}
        self._asked: dict[tuple[tuple[str, int, str], str], list[Doubt]] = {}
        self._paused_until = 0.0
        self._calls = asyncio.Semaphore(CONCURRENT)
        self.calls = 0
        """LLM calls made since start (the cost: batches of papers per topic, never per chat)."""

    async def verdicts(self, topics: list[Topic], window: Window, similar: dict[str, dict[str, float]] | None = None,
                       *, ask: bool = True) -> dict[str, dict[str, bool]]:
        """topic query → base ID → wanted, for the doubtful papers of each topic in the window: those judged
        before and, with `ask`, those asked now — at most `CONCURRENT` calls at a time. `similar`: sentence
        topics' embedding similarities, when there is an embedder."""
        asked = [tp for tp in dict.fromkeys(topics) if judgeable(tp)]
        found = await asyncio.gather(*(self._topic(tp, window, (similar or {}).get(tp.query), ask) for tp in asked))
        return {tp.query: known for tp, known in zip(asked, found, strict=True) if known}

    async def _topic(self, topic: Topic, window: Window, similar: dict[str, float] | None, ask: bool
                     ) -> dict[str, bool]:
        memo = (window.key, topic.query)
        if memo in self._memo:
            return self._memo[memo]
        if not ask:  # a scheduled digest reads what was said, never waits for the asking under way
            return self._known(topic, window, similar)[1]
        async with self._locks.setdefault(topic.query, asyncio.Lock()):  # chats with one topic ask once
            if memo in self._memo:
                return self._memo[memo]
            asked, known = self._known(topic, window, similar)
            missing = [d for d in asked if d.paper.base_id not in known]
            if missing and time.monotonic() >= self._paused_until:
                async with self._calls:
                    known.update(await self._ask(topic, missing))
            if len(known) == len(asked):  # all decided: the next chat planning this window reads it here
                self._memo[memo] = known
            return known

    def _known(self, topic: Topic, window: Window, similar: dict[str, float] | None
               ) -> tuple[list[Doubt], dict[str, bool]]:
        """The topic's doubtful papers in the window (found once per window and topic) and the verdicts stored."""
        memo = (window.key, topic.query)
        asked = self._asked.get(memo)
        if asked is None:
            if len(self._asked) > MEMO:
                self._memo.clear()
                self._asked.clear()
            found = {b: m for b, a in window.papers.items() if (m := topic.match(a, window.aliases))}
            asked = self._asked[memo] = doubts(topic, window, found, similar)
        return asked, self._store.topic_checks(topic.query, [d.paper.base_id for d in asked]) if asked else {}

    async def _ask(self, topic: Topic, doubts: list[Doubt]) -> dict[str, bool]:
        answers: dict[str, bool] = {}
        for start in range(0, len(doubts), BATCH):
            batch = [d.paper for d in doubts[start:start + BATCH]]
            if not self._store.take_llm_call(max(1, self._budget // 2) if self._budget else 0):
                log.info("half the LLM budget used: doubtful papers of a topic go by their words")
                break
            self.calls += 1
            try:
                async with asyncio.timeout(self._timeout):
                    text = await self._llm.answer(SYSTEM, [prompt(topic, batch)])
            except (SummaryFailed, TimeoutError) as error:
                log.warning("topic check unavailable, papers go by their words: %s", error)
                self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
                break
            wanted = parse_verdict(text, len(batch))
            if wanted is None:
                log.warning("topic check answered out of format, ignored: %.80r", text)
                continue
            fresh = {p.base_id: i in wanted for i, p in enumerate(batch, 1)}
            self._store.save_topic_checks(topic.query, fresh, self._llm.model)
            answers.update(fresh)
        return answers
