"""The paper's text as passages under their section headings, and the ones that best answer a question (BM25).
Pure functions: the offline answer to a question, and the context of a figure (the paragraphs that cite it).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from services.text_match import FILLER, stems

K1 = 1.2
B = 0.75
SECTION_WEIGHT = 2
"""A word of the heading a passage sits under counts as twice in it ("limitations?" finds § Limitations)."""
MAX_PASSAGE = 700
"""A quoted passage is a paragraph, cut at a sentence end near this length."""

_HEADING = re.compile(r"^(?:(?:\d{1,2}(?:\.\d{1,2}){0,2}\.?|[IVX]{1,5}\.|[A-H](?:\.\d{1,2})?\.?)\s+)?"
                      r"[A-Z][^.!?]{1,78}$")


@dataclass(frozen=True)
class Passage:
    section: str
    text: str


def _is_heading(paragraph: str) -> bool:
    return "\n" not in paragraph and len(paragraph.split()) <= 10 and bool(_HEADING.match(paragraph))


def passages_of(text: str) -> list[Passage]:
    """The clean text's paragraphs with the heading they sit under (tables are passages too)."""
    section = ""
    found: list[Passage] = []
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if not paragraph:
            continue
        if _is_heading(paragraph):
            section = paragraph
        else:
            found.append(Passage(section, paragraph))
    return found


def _terms(text: str) -> list[str]:
    return [s for s in stems(text) if s not in FILLER and len(s) > 1]


def best_passages(passages: list[Passage], question: str, count: int = 3) -> list[Passage]:
    """The passages that best match the question's words (BM25 over stems, with their heading), best first;
    a passage sharing no word with the question is never returned."""
    wanted = set(_terms(question))
    if not wanted or not passages:
        return []
    docs = [Counter(_terms(p.text) + _terms(p.section) * SECTION_WEIGHT) for p in passages]
    lengths = [sum(d.values()) for d in docs]
    average = sum(lengths) / len(lengths) or 1.0
    frequency = {term: sum(1 for d in docs if term in d) for term in wanted}
    scored = []
    for index, (doc, length) in enumerate(zip(docs, lengths, strict=True)):
        score = 0.0
        for term in wanted:
            tf = doc.get(term, 0)
            if tf:
                idf = math.log(1 + (len(docs) - frequency[term] + 0.5) / (frequency[term] + 0.5))
                score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
        if score > 0:
            scored.append((score, index))
    return [passages[i] for _, i in sorted(scored, key=lambda x: (-x[0], x[1]))[:count]]


def citing(passages: list[Passage], kind: str, number: str, count: int = 3) -> list[Passage]:
    """The paragraphs that refer to a figure or table ("Fig. 3", "Figure 3(b)", "Table 3"), in order."""
    label = r"(?:Fig\.?|Figure|Figs\.?|Figures)" if kind != "table" else r"(?:Tab\.?|Table|Tables)"
    pattern = re.compile(rf"\b{label}\s*{re.escape(number)}(?![\d.]\d)", re.IGNORECASE)
    return [p for p in passages if pattern.search(p.text)][:count]


def shortened(text: str, limit: int = MAX_PASSAGE) -> str:
    """A passage cut at the last sentence end before `limit` (an ellipsis when nothing better is found)."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[:end + 1] + " …" if end > limit // 2 else cut.rstrip() + "…"
