"""What changed between two versions of a paper: sections added, removed and rewritten, the numbers that changed,
and — with an LLM — a short account of the change, its numbers checked against the two versions like a card's.

Both versions are read through the paper cache (a version read for its card is not read again). Pure comparison
below, one async use case at the end.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import re
from dataclasses import dataclass, field

from services.cards.papers import PaperService
from services.languages import prompt_name
from services.llm.port import Summarizer, SummaryFailed
from services.models import PaperMeta, PdfContent
from services.numbers import keep_supported, numbers_in, sentences_of, statements
from services.pdf.sections import split_sections
from services.store import Store

log = logging.getLogger(__name__)

REWRITTEN = 0.05
"""A section whose words changed by at least this share is "rewritten" (a typo fixed is not)."""
MAX_NUMBERS = 8
"""Number changes listed: the first ones, in the paper's order."""
MAX_SUMMARY = 700
MAX_SECTION_WORDS = 4000
"""Words of a section compared (the matcher's time grows with the square of the length)."""
SYSTEM = ("You compare two versions of a scientific paper for researchers who read the first one. In at most "
          "three sentences, in {language}, say what changed that matters to them: new or removed experiments, "
          "results whose numbers changed (give both values), claims added or withdrawn. Use only the changes "
          "listed and the two abstracts; say nothing about formatting. Plain text, no Markdown.")


@dataclass(frozen=True)
class NumberChange:
    where: str
    """A table row's label, or the first words of the sentence."""
    before: str
    after: str


@dataclass
class VersionChanges:
    old: PaperMeta
    new: PaperMeta
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rewritten: list[tuple[str, int]] = field(default_factory=list)
    """(section, share of its words changed in percent)."""
    numbers: list[NumberChange] = field(default_factory=list)
    summary: str = ""
    """The LLM's account of the change, its unsupported sentences removed; "" offline or when it failed."""
    numbers_removed: int = 0
    note: str = ""
    """Why the comparison is partial (a version's PDF could not be read)."""

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.rewritten or self.numbers)


def _section_name(heading: str) -> str:
    name = re.sub(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.|[A-H](?:\.\d{1,2})*\.?)\s+", "", heading).strip()
    return name or "Abstract"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _rows(text: str) -> dict[str, list[str]]:
    """Markdown table rows by their label (the cells without numbers): the cells of each."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("|") and not re.fullmatch(r"[|\s:-]+", line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            label = " ".join(cell for cell in cells if cell and not numbers_in(cell))
            if label and any(numbers_in(cell) for cell in cells):
                found.setdefault(label, cells)
    return found


def _number_changes(old: str, new: str) -> list[NumberChange]:
    """Table rows with the same label and other values; sentences much alike with other numbers."""
    changes = []
    old_rows = _rows(old)
    for label, cells in _rows(new).items():
        was = old_rows.get(label)
        if was is None or len(was) != len(cells):
            continue
        pairs = [(a, b) for a, b in zip(was, cells, strict=True) if numbers_in(a) != numbers_in(b)]
        if pairs:
            changes.append(NumberChange(label, ", ".join(a for a, _ in pairs), ", ".join(b for _, b in pairs)))
    prose = [s for p in old.split("\n") if not p.startswith("|") for s in sentences_of(p) if numbers_in(s)]
    old_sets = [(set(_words(s)), s) for s in prose]
    seen = {s for _, s in old_sets}
    for paragraph in new.split("\n"):
        if paragraph.startswith("|"):
            continue
        for sentence in sentences_of(paragraph):
            values = numbers_in(sentence)
            if not values or sentence in seen:
                continue
            words = set(_words(sentence))
            best = max(old_sets, key=lambda item: len(words & item[0]) / max(1, len(words | item[0])),
                       default=None)
            if best is None or len(words & best[0]) / max(1, len(words | best[0])) < 0.6:
                continue
            gone, came = numbers_in(best[1]) - values, values - numbers_in(best[1])
            if gone or came:
                where = " ".join(sentence.split()[:8]) + "…"
                changes.append(NumberChange(where, ", ".join(sorted(gone)) or "—", ", ".join(sorted(came)) or "—"))
    return changes[:MAX_NUMBERS]


def compare(old: str, new: str) -> tuple[list[str], list[str], list[tuple[str, int]], list[NumberChange]]:
    """(sections added, removed, rewritten with the share changed, numbers changed) from `old` text to `new`."""
    before = {_section_name(s.heading): s.text for s in split_sections(old) if s.text.strip() or s.heading}
    after = {_section_name(s.heading): s.text for s in split_sections(new) if s.text.strip() or s.heading}
    added = [name for name in after if name not in before]
    removed = [name for name in before if name not in after]
    rewritten = []
    for name, text in after.items():
        if name in before:
            ratio = difflib.SequenceMatcher(None, _words(before[name])[:MAX_SECTION_WORDS],
                                            _words(text)[:MAX_SECTION_WORDS], autojunk=False).ratio()
            if 1 - ratio >= REWRITTEN:
                rewritten.append((name, round(100 * (1 - ratio))))
    return added, removed, rewritten, _number_changes(old, new)


class VersionComparer:
    """The "what changed" card's content for two versions of one paper."""

    def __init__(self, store: Store, papers: PaperService, llm: Summarizer, budget: int = 0) -> None:
        self._store = store
        self._papers = papers
        self._llm = llm
        self._budget = budget

    async def compare(self, old: PaperMeta, new: PaperMeta, language: str, owner: object = None) -> VersionChanges:
        documents: list[PdfContent] = list(await asyncio.gather(self._papers.document(old, owner),
                                                                self._papers.document(new, owner)))
        changes = VersionChanges(old, new)
        unread = [paper.versioned_id for paper, doc in zip((old, new), documents, strict=True) if not doc.text]
        if unread:
            changes.note = ", ".join(unread)
            return changes
        # seconds of matching for a long paper: off the event loop
        changes.added, changes.removed, changes.rewritten, changes.numbers = await asyncio.to_thread(
            compare, documents[0].text, documents[1].text)
        if changes.unchanged or self._papers.offline or not self._store.take_llm_call(self._budget):
            return changes
        listed = "\n".join([f"Sections added: {', '.join(changes.added) or 'none'}",
                            f"Sections removed: {', '.join(changes.removed) or 'none'}",
                            "Sections rewritten: " + (", ".join(f"{n} ({p}%)" for n, p in changes.rewritten)
                                                      or "none"),
                            *(f"Number changed in '{c.where}': {c.before} -> {c.after}" for c in changes.numbers)])
        turn = (f"Abstract of {old.versioned_id}:\n{old.abstract}\n\nAbstract of {new.versioned_id}:\n"
                f"{new.abstract}\n\nChanges found by comparing the two texts:\n{listed}")
        try:
            written = await self._llm.answer(SYSTEM.format(language=prompt_name(language)), [turn])
        except SummaryFailed as failure:
            log.warning("what changed in %s: no LLM account (%s)", new.versioned_id, failure)
            return changes
        # an account of a change sets old and new values side by side: each must be one of the versions' values
        texts = [old.abstract, new.abstract, documents[0].text, documents[1].text, listed]
        changes.summary, changes.numbers_removed = keep_supported(" ".join(written.split())[:MAX_SUMMARY],
                                                                  statements(texts, in_context=False))
        return changes
