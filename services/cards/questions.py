"""Questions about one paper, answered from its text: by the LLM, citing sections, in the chat's language; or,
without an LLM (no key, budget used up, provider down), by the paper's own passages that best match, quoted.

An answer never states a number the paper does not (the sentence goes, and the reply says so). A follow-up
carries its thread's last turns; a first question asked again on the same paper is served from the cache.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field

from services.cards.checks import stated
from services.cards.papers import PaperService
from services.cards.passages import Passage, best_passages, citing, passages_of
from services.languages import prompt_name
from services.llm.port import Partial, Summarizer, SummaryFailed
from services.models import FigureRegion, PaperMeta, PdfContent
from services.numbers import keep_supported
from services.store import Store
from services.text_match import fold

log = logging.getLogger(__name__)

MAX_QUESTION = 1000
"""Characters: a question, not a paste of the paper."""
HISTORY_TURNS = 3
"""Earlier question-answer pairs a follow-up carries (the paper's text goes once, in the first turn)."""
TEXT_BUDGET = 100_000
"""Characters of the paper's text the LLM reads (about 25k tokens)."""

SYSTEM = (
    "You answer a reader's questions about one research paper, using only the paper's text given in the "
    "conversation. When the paper does not say, answer that it does not say; never guess or use outside "
    "knowledge. Cite the section you rely on in square brackets, written as it is headed in the text, e.g. "
    "[4 Experiments]. State numbers exactly as the paper writes them. Answer in {language}, keeping technical "
    "terms, model, method and dataset names in English. At most six sentences, plain text, no Markdown."
)


class QuestionTooLong(ValueError):
    pass


@dataclass(frozen=True)
class Answer:
    """`text` when the LLM answered; `passages` (quoted as written) when it did not, and `offline` says why."""

    text: str = ""
    passages: list[Passage] = field(default_factory=list)
    offline: str = ""
    """"" (the LLM answered), "no_llm", "budget" or the LLM's failure."""
    numbers_removed: int = 0
    pdf_note: str = ""
    """Why the paper's text was not available (the answer then rests on the abstract)."""
    stopped: bool = False
    """The reader stopped the answer while it was written: `text` is as far as it went."""


def _label(kind: str) -> str:
    return "Table" if kind == "table" else "Figure"


def explain_question(kind: str, number: str) -> str:
    """What the figure button and `/fig N` ask."""
    return f"Explain {_label(kind)} {number}: what it shows, how to read it, and what the paper concludes from it."


class QuestionService:
    def __init__(self, store: Store, papers: PaperService, llm: Summarizer, budget: int = 0) -> None:
        self._store = store
        self._papers = papers
        self._llm = llm
        self._budget = budget

    async def ask(self, paper: PaperMeta, question: str, language: str, history: list[tuple[str, str]],
                  figure: FigureRegion | None = None, owner: object = None,
                  partial: Partial | None = None) -> Answer:
        """The answer: from the cache, the LLM (streamed to `partial` as written, numbers checked at the end), or
        quoted passages when there is no LLM. Cancelled (the reader stopped it), the LLM request is cancelled too;
        the call was counted against the day's budget."""
        question = question.strip()
        if len(question) > MAX_QUESTION:
            raise QuestionTooLong(len(question))
        content = await self._papers.document(paper, owner)
        text = content.text if content.text.strip() else f"Abstract\n\n{paper.abstract}"
        passages = passages_of(text)
        context = citing(passages, figure.kind, figure.number) if figure else []
        if self._papers.offline:
            return self._offline(passages, question, figure, context, "no_llm", content)
        key = self._key(paper, language, figure, question) if not history else ""
        cached = self._store.cached_answer(key) if key else None
        if cached is not None:
            return Answer(text=cached, pdf_note=content.note)
        if not self._store.take_llm_call(self._budget):
            return self._offline(passages, question, figure, context, "budget", content)
        turns = self._turns(paper, text, question, language, history[-HISTORY_TURNS:], figure, context)
        try:
            written = await self._llm.answer(SYSTEM.format(language=prompt_name(language)), turns, partial)
        except SummaryFailed as failure:
            log.warning("question on %s fell back to passages: %s", paper.versioned_id, failure)
            return self._offline(passages, question, figure, context, str(failure) or "the LLM failed", content)
        checked, removed = self.checked(paper, content, written, figure)
        if removed:
            log.info("answer on %s: %d sentences with numbers not in the paper removed", paper.versioned_id, removed)
        if key and checked:
            self._store.save_answer(key, checked)
        return Answer(text=checked, numbers_removed=removed, pdf_note=content.note)

    @staticmethod
    def checked(paper: PaperMeta, content: PdfContent, written: str,
                figure: FigureRegion | None = None) -> tuple[str, int]:
        """`written` without the sentences stating numbers or links the paper does not (and how many went)."""
        known, links = stated(paper, content, figure.caption if figure else "")
        return keep_supported(_plain(written), known, links)

    async def stopped(self, paper: PaperMeta, written: str, figure: FigureRegion | None = None,
                      owner: object = None) -> Answer:
        """What a reader who stopped an answer keeps: the text as far as it was written, checked like a whole one."""
        content = await self._papers.document(paper, owner)
        ends = [m.end() for m in re.finditer(r"[.!?。！？](?=\s|$)", written)]
        whole = written[:ends[-1]] if ends else written  # a sentence cut in its middle is no statement
        checked, removed = self.checked(paper, content, whole, figure)
        return Answer(text=checked, numbers_removed=removed, pdf_note=content.note, stopped=True)

    def _key(self, paper: PaperMeta, language: str, figure: FigureRegion | None, question: str) -> str:
        folded = " ".join(re.findall(r"\w+", fold(question)))
        where = f"{figure.kind}{figure.number}" if figure else ""
        raw = f"{paper.versioned_id}|{language}|{self._llm.model}|{where}|{folded}"
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def _turns(paper: PaperMeta, text: str, question: str, language: str, history: list[tuple[str, str]],
               figure: FigureRegion | None, context: list[Passage]) -> list[str]:
        """The paper once, in the first turn, then the thread: user and model turns alternating, ending with
        the new question; the core rules are restated after the paper's text."""
        opening = [f"Paper: {paper.title} (arXiv:{paper.versioned_id})", "", f"Abstract: {paper.abstract}", "",
                   "Text of the paper:", text[:TEXT_BUDGET], ""]
        if figure is not None:
            opening += [f"The reader is looking at {_label(figure.kind)} {figure.number}. Its caption: "
                        f"{figure.caption}",
                        "Paragraphs that refer to it:", *(f"[{p.section}] {p.text}" for p in context), ""]
        reminder = (f"(Answer only from the paper above, cite its sections in square brackets, say so when the "
                    f"paper does not say, and answer in {prompt_name(language)}.)")
        questions = [q for q, _ in history] + [question]
        answers = [a for _, a in history]
        turns = ["\n".join(opening) + f"\nQuestion: {questions[0]}\n\n{reminder}"]
        for answer, follow_up in zip(answers, questions[1:], strict=True):
            turns += [answer, f"Question: {follow_up}\n\n{reminder}"]
        return turns

    @staticmethod
    def _offline(passages: list[Passage], question: str, figure: FigureRegion | None, context: list[Passage],
                 why: str, content: PdfContent) -> Answer:
        if figure is not None:  # the figure's own caption, then what the text says of it
            found = [Passage(f"{_label(figure.kind)} {figure.number}", figure.caption), *context]
            extra = [p for p in best_passages(passages, question) if p not in found]
            return Answer(passages=(found + extra)[:3], offline=why, pdf_note=content.note)
        return Answer(passages=best_passages(passages, question), offline=why, pdf_note=content.note)


def _plain(text: str) -> str:
    """The LLM's answer without Markdown emphasis it was asked not to use."""
    return re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m[1] or m[2], text).strip()
