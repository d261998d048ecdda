"""/compare: two to five papers side by side — the problem, the method, the data, the main result with its number,
the limitation — each cell from that paper's card (arXiv's metadata, the LLM's prose checked against the paper as
on every card, or the offline extract's quotes). Pure."""

from __future__ import annotations

from dataclasses import dataclass

from services.cards.papers import PaperCard
from services.cards.render import shorten

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
