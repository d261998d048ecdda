"""/compare: two to five papers side by side — the problem, the method, the data, the main result with its number,
the limitation. Each paper's card first (its cells: the card's fields); with an LLM, one call rewrites the cells so
they answer the same questions, each checked against its paper as a card's prose is."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from services.cards.checks import stated
from services.cards.papers import PaperCard, PaperService
from services.cards.render import shorten
from services.languages import prompt_name
from services.llm.port import Summarizer, SummaryFailed
from services.models import PaperMeta
from services.numbers import keep_supported
from services.store import Store

log = logging.getLogger(__name__)

MIN_PAPERS, MAX_PAPERS = 2, 5
CELL = 160
"""Characters a cell keeps: a table read on a phone."""
ASPECTS = ("problem", "method", "data", "result", "limitation")


@dataclass(frozen=True)
class Compared:
    """One paper's column: its short title and a cell per aspect ("" where its card says nothing)."""

    versioned_id: str
    title: str
    cells: tuple[str, ...]


def column(card: PaperCard) -> Compared:
    s = card.summary
    cells = {
        "problem": s.background or s.past_methods,
        "method": s.method or s.innovation,
        "data": s.workload,
        "result": s.performance or s.results,
        "limitation": s.limitations,
    }
    return Compared(card.paper.versioned_id, card.paper.title,
                    tuple(shorten(" ".join(cells[a].split()), CELL) if cells[a].strip() else "" for a in ASPECTS))


SYSTEM = ("You compare research papers for a researcher reading on a phone. For each paper, in the order given, "
          "write five short cells in {language}: the problem it addresses, its method, its data and compute, its "
          "main result with its number, its limitation. At most 25 words each; use only what the paper's summary "
          "and text say (numbers exactly as they are written there); an empty string where they say nothing. "
          'Answer with one JSON object: {{"papers": [{{"problem": "", "method": "", "data": "", "result": "", '
          '"limitation": ""}}, …]}}, nothing else.')
TEXT_SHOWN = 6000
"""Characters of each paper's text the comparison is asked with (its summary carries the rest)."""


class Comparer:
    """The columns of a comparison: each paper's card, then — with an LLM — one call that writes the cells so they
    answer the same questions, each cell checked like a card's prose (a number the paper does not state drops the
    sentence; an emptied cell keeps the card's)."""

    def __init__(self, store: Store, papers: PaperService, llm: Summarizer, budget: int = 0) -> None:
        self._store = store
        self._papers = papers
        self._llm = llm
        self._budget = budget

    async def columns(self, metas: Sequence[PaperMeta], language: str, owner: object = None) -> list[Compared]:
        cards = await asyncio.gather(*(self._papers.card(m, language, owner=owner, figures=False) for m in metas))
        columns = [column(card) for card in cards]
        if self._papers.offline or not self._store.take_llm_call(self._budget):
            return columns
        documents = [await self._papers.document(m, owner) for m in metas]  # read for the cards: cached
        turn = "\n\n".join(
            f"Paper {n}: {card.paper.title}\nSummary: {card.summary.background} {card.summary.method} "
            f"{card.summary.results} {card.summary.workload} {card.summary.limitations}\n"
            f"Text: {' '.join(doc.text.split())[:TEXT_SHOWN]}"
            for n, (card, doc) in enumerate(zip(cards, documents, strict=True), 1))
        try:
            written = await self._llm.answer(SYSTEM.format(language=prompt_name(language)), [turn])
            answered = json.loads(written[written.find("{"):written.rfind("}") + 1])["papers"]
        except (SummaryFailed, ValueError, KeyError, TypeError) as failure:
            log.warning("comparison: no LLM cells (%s); the cards' fields stand", failure)
            return columns
        if not isinstance(answered, list) or len(answered) != len(columns):
            return columns
        out = []
        for col, cells, card, doc in zip(columns, answered, cards, documents, strict=True):
            known, links = stated(card.paper, doc)
            kept = []
            for aspect, fallback in zip(ASPECTS, col.cells, strict=True):
                value = cells.get(aspect, "") if isinstance(cells, dict) else ""
                text, _ = keep_supported(" ".join(str(value).split()), known, links)
                kept.append(shorten(text, CELL) if text else fallback)
            out.append(Compared(col.versioned_id, col.title, tuple(kept)))
        return out
