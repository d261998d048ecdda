"""What a card may say of the paper: an affiliation only when the first page prints it, and the LLM's prose only
where the numbers and links it states are the paper's own."""

from __future__ import annotations

import re

from services.llm.port import SummaryFields
from services.models import PaperMeta, PdfContent
from services.numbers import Statements, keep_supported, links_in, statements
from services.text_match import normalize


def _squash(text: str) -> str:
    """For comparing an affiliation with the page: accents recomposed (T¨ubingen), ligatures, case, spaces."""
    return re.sub(r"\s+", " ", normalize(text)).strip().casefold()


def verified_affiliation(claimed: str, first_page: str) -> str:
    """`claimed` if the first page prints it (whitespace and case aside), else empty: "not stated"."""
    claimed = claimed.strip()
    if claimed and _squash(claimed) in _squash(first_page):
        return claimed
    return ""


def stated(paper: PaperMeta, content: PdfContent, *more: str) -> tuple[Statements, set[str]]:
    """What the paper states — its numbers (about what) and its links — in its metadata, its text and any `more`
    (a figure's caption): what prose written about it may say."""
    texts = [paper.title, paper.abstract, paper.comment, content.text, content.first_page, *more]
    return statements(texts), set().union(*(links_in(text) for text in texts))


_PROSE_FIELDS = ("one_sentence", "background", "past_methods", "method", "results", "significance", "innovation",
                 "performance", "workload", "limitations")


def checked_numbers(summary: SummaryFields, paper: PaperMeta, content: PdfContent) -> tuple[SummaryFields, int]:
    """The summary without the sentences whose numbers or links the paper does not state; and how many were
    dropped."""
    known, links = stated(paper, content)
    changes: dict[str, object] = {}
    removed = 0
    for name in _PROSE_FIELDS:
        text, dropped = keep_supported(getattr(summary, name), known, links)
        if dropped:
            changes[name], removed = text, removed + dropped
    for name in ("takeaways", "method_steps"):
        items = []
        for item in getattr(summary, name):
            text, dropped = keep_supported(item, known, links)
            removed += dropped
            if text:
                items.append(text)
        changes[name] = items
    return summary.model_copy(update=changes), removed
