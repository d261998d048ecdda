"""Summaries: the prose of a card, from Gemini or — offline — from the paper's own sentences.

The LLM writes prose only. Titles, authors, IDs, dates and links come from arXiv and never from here.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, Field

from services.languages import prompt_name
from services.models import PaperMeta, PdfContent
from services.pdf_text import split_sections

log = logging.getLogger(__name__)

PROMPT_VERSION = 2
"""Part of the summary cache key: bump it when the prompt or the schema changes."""



class SummaryFields(BaseModel):
    """The prose fields of a card — the schema Gemini must fill, and the offline extract fills too.

    Each description says what a reader needs and how long it may be; an empty string means "not stated".
    """

    one_sentence: str = Field(description="The contribution in one sentence of at most 40 words: what the paper "
                                          "does or shows and its key number (not background).")
    takeaways: list[str] = Field(description="3 to 5 key takeaways, one sentence of at most 30 words each; "
                                             "results with their numbers.")
    title_translation: str = Field(description="The title translated into the output language; empty for English.")
    affiliation: str = Field(description="The first author's affiliation exactly as printed on the first page, "
                                         "or an empty string when the first page does not state it.")
    keywords: list[str] = Field(description="3 to 6 keyword phrases in the output language, technical terms and "
                                            "model names kept in English.")
    background: str = Field(description="Research background: the problem and why it matters, at most 60 words.")
    past_methods: str = Field(description="Past methods, their problems, and the motivation of this work, at most "
                                          "60 words.")
    method: str = Field(description="The proposed method, at most 80 words.")
    results: str = Field(description="Tasks and results with numbers: dataset, metric, value, and the baseline "
                                     "compared against, at most 80 words.")
    method_steps: list[str] = Field(description="The method as 3 to 7 steps of at most 25 words, without numbers "
                                                "in front.")
    significance: str = Field(description="Significance of the work, at most 40 words.")
    innovation: str = Field(description="What is new, at most 40 words.")
    performance: str = Field(description="The headline performance with its numbers, at most 40 words.")
    workload: str = Field(description="Workload: data, compute, experiments, at most 40 words; empty if not "
                                      "stated.")
    limitations: str = Field(default="", description="Limitations as the paper itself states them, at most 50 "
                                                     "words; empty if the paper states none.")


class SummaryFailed(Exception):
    """The LLM gave no usable summary (blocked, empty, invalid) after its retry; the reason is for the user.

    `overloaded`: the provider answered 429 or 5xx (or not at all) after its own retries — another provider
    may take over; a blocked or invalid answer would be no better elsewhere.
    """

    def __init__(self, reason: str, overloaded: bool = False) -> None:
        super().__init__(reason)
        self.overloaded = overloaded


@dataclass(frozen=True)
class Written:
    """A summary and the model that wrote it (`provider:model`, part of the cache key)."""

    fields: SummaryFields
    model: str


class Summarizer(Protocol):
    """The one interface every provider adapter implements (services/gemini.py, services/openai_llm.py)."""

    @property
    def model(self) -> str:
        """`provider:model`, stored with the summary: part of the cache key."""
        ...

    @property
    def models(self) -> tuple[str, ...]:
        """Every model whose cached summaries this summarizer may serve (a fallback's too)."""
        ...

    async def summarize(self, paper: PaperMeta, content: PdfContent, language: str) -> Written: ...

    async def answer(self, system: str, turns: list[str]) -> str:
        """Plain text for a conversation: `turns` alternate user and model, starting and ending with the user.
        Raises `SummaryFailed` like `summarize`."""
        ...


class FallbackSummarizer:
    """The first provider, and the second when the first is overloaded (429/5xx after its retries).

    The card says nothing of the switch; it says so only when both failed (then the offline extract is used).
    """

    def __init__(self, first: Summarizer, second: Summarizer) -> None:
        self._first = first
        self._second = second

    @property
    def model(self) -> str:
        return self._first.model

    @property
    def models(self) -> tuple[str, ...]:
        return self._first.models + self._second.models

    async def summarize(self, paper: PaperMeta, content: PdfContent, language: str) -> Written:
        try:
            return await self._first.summarize(paper, content, language)
        except SummaryFailed as failure:
            if not failure.overloaded:
                raise
            log.warning("%s is overloaded (%s): %s takes over for %s", self._first.model, failure,
                        self._second.model, paper.versioned_id)
        try:
            return await self._second.summarize(paper, content, language)
        except SummaryFailed as failure:
            raise SummaryFailed(f"both LLM providers failed ({failure})", failure.overloaded) from failure

    async def answer(self, system: str, turns: list[str]) -> str:
        try:
            return await self._first.answer(system, turns)
        except SummaryFailed as failure:
            if not failure.overloaded:
                raise
            log.warning("%s is overloaded (%s): %s answers", self._first.model, failure, self._second.model)
        return await self._second.answer(system, turns)


# Offline -------------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")
_STOP = set(
    "the a an and or of for in on to with by from we our this that these those is are was were be been as at it "
    "its into than then via using use used can which such also not has have show shows based new paper method "
    "methods approach results model models propose proposed task tasks data while both more most however their "
    "they over under between through across each other only may many much large small high low towards toward "
    "without within where when what which while whose there here than very well first second third even".split()
)
_AFFILIATION_WORDS = re.compile(
    r"(Universit|Institut|College|School|Laborator|\bLab\b|Research|Academy|Inc\.|Ltd|Corporation|Google|"
    r"Microsoft|Meta|DeepMind|OpenAI|NVIDIA|Stability|Center|Centre|大学|研究)", re.IGNORECASE)


def plain(text: str) -> str:
    """PDF text as flowing prose: hyphenated line breaks joined, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"-\n(?=[a-z])", "", text)).strip()


_MATH_SIGNS = re.compile(r"[=≤≥∈∑∏∫√±→←∂∇⁽⁾∼≈≠⊂∀∃∞|^_\ufffd]")


def _prose_like(sentence: str) -> bool:
    """A sentence a reader can use: mostly letters, no equation signs, no e-mail or footnote debris."""
    letters = sum(map(str.isalpha, sentence)) + sentence.count(" ")
    return (letters >= 0.85 * len(sentence) and len(_MATH_SIGNS.findall(sentence)) < 2 and "@" not in sentence
            and "Equal contribution" not in sentence)


def sentences(text: str) -> list[str]:
    return [s for s in (s.strip() for s in _SENTENCE_END.split(plain(text)))
            if 20 <= len(s) <= 400 and _prose_like(s)]


def section_sentences(text: str, *names: str) -> list[str]:
    """Sentences of the paper's sections whose heading names one of `names` (e.g. introduction)."""
    return [s for section in split_sections(text) if any(n in section.heading.lower() for n in names)
            for s in sentences(section.text)]


def _pick(candidates: list[str], pattern: str, limit: int, exclude: set[str]) -> list[str]:
    regex = re.compile(pattern, re.IGNORECASE)
    chosen = [s for s in candidates if regex.search(s) and s not in exclude][:limit]
    exclude.update(chosen)
    return chosen


def guess_affiliation(first_page: str) -> str:
    """The first line of page 1 that names an institution, as printed; empty when there is none."""
    for line in first_page.splitlines()[:60]:
        line = line.strip(" ,*†‡§1234567890")
        if 6 <= len(line) <= 150 and _AFFILIATION_WORDS.search(line) and "@" not in line:
            return line
    return ""


def keywords_of(text: str, count: int = 5) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z\-]{3,}", text.lower())
    common = Counter(w for w in words if w not in _STOP)
    return [w for w, _ in common.most_common(count)]


_CONTRIBUTION = (r"\bwe (propose|present|introduce|develop|show|demonstrate|find|design|establish|study|"
                 r"investigate|analy[sz]e|explore|revisit|evaluate|benchmark|release)|"
                 r"\b(this|our) (paper|work|study) (proposes|presents|introduces|shows|demonstrates)|"
                 r"\bin this (paper|work), we\b")
_RESULT = r"outperform|state-of-the-art|\bachiev|\bimprov|\bsurpass|\bbeats?\b|\d+(\.\d+)?\s?%|\d+(\.\d+)?\s?(x|×)\b"
_PAST = r"\bhowever\b|\bexisting\b|\bprevious\b|\bprior (work|methods|approaches)|\blimitation|\bsuffer"
_STEP = r"\b(first|then|next|finally|we (use|train|apply|compute|design|define|introduce|adopt|encode|sample))\b"
_SIGNIFICANCE = (r"\b(in this (paper|work)|we (have )?(shown|demonstrated|presented|proposed)|our results|"
                 r"this (work|paper)|conclude|overall)\b")
_LIMITATION = r"\b(limitation|limited to|does not|fails? to|future work|remains? (an )?open|drawback)\b"


class ExtractiveSummarizer:
    """No network, no model: each field is the paper's own sentence of the right kind from the right section
    (results from the experiments, significance from the conclusion), or left empty. No sentence is used twice."""

    model = "extractive"
    models = ("extractive",)

    async def summarize(self, paper: PaperMeta, content: PdfContent, language: str) -> Written:
        return Written(self.extract(paper, content), self.model)

    async def answer(self, system: str, turns: list[str]) -> str:
        raise SummaryFailed("no LLM is configured")

    def extract(self, paper: PaperMeta, content: PdfContent) -> SummaryFields:
        text = content.text
        abstract = sentences(paper.abstract)

        def section(*names: str) -> list[str]:
            return section_sentences(text, *names) if text else []

        introduction = section("introduction")
        methods = section("method", "approach", "model", "framework", "architecture")
        experiments = section("experiment", "result", "evaluation", "benchmark")
        conclusion = section("conclusion", "discussion", "summary")
        limitations = section("limitation")
        used: set[str] = set()
        contribution = _pick(abstract + introduction, _CONTRIBUTION, 1, used)
        results = _pick(experiments or abstract, _RESULT, 2, used)
        method = _pick(abstract + methods, _CONTRIBUTION, 2, used) if methods or abstract else []
        past = _pick(introduction, _PAST, 2, used)
        background = [s for s in introduction[:3] if s not in used and not re.search(r"\bwe\b", s, re.I)][:2]
        used.update(background)
        steps = _pick(methods, _STEP, 5, used)
        significance = _pick(conclusion, _SIGNIFICANCE, 1, used)
        stated_limits = _pick(limitations + conclusion, _LIMITATION, 1, used)
        takeaways = [s for s in abstract if s not in used][:5]
        used.update(takeaways)
        return SummaryFields(
            one_sentence=contribution[0] if contribution else "",
            takeaways=takeaways,
            title_translation="",
            affiliation=guess_affiliation(content.first_page),
            keywords=keywords_of(paper.title + " " + paper.abstract),
            background=" ".join(background),
            past_methods=" ".join(past),
            method=" ".join(method),
            results=" ".join(results),
            method_steps=steps,
            significance=" ".join(significance),
            innovation="",
            performance="",
            workload="",
            limitations=" ".join(stated_limits),
        )


# Gemini --------------------------------------------------------------------------------------------------

SYSTEM_INSTRUCTION = (
    "You summarize research papers for researchers who read them in a chat on their phone. You are faithful: "
    "you state only what the paper states, every number you write is one the paper gives, and a field the paper "
    "does not support is an empty string — never a guess or a placeholder such as 'xxx', 'N/A' or 'not provided'. "
    "You never write titles, authors, IDs, dates or links: those come from arXiv."
)


def _core_instructions(language_name: str) -> str:
    return (
        f"Write every field in {language_name}; keep technical terms, dataset, metric and model names in English "
        "inside it. Respect each field's length limit. `one_sentence` is the contribution with its key number, not "
        "background. `results` and `performance` give numbers with their dataset, metric and the baseline they "
        "beat. `limitations` are the ones the paper itself states. For `affiliation`, copy the first author's "
        "affiliation exactly as printed on the first page, or leave it empty."
    )


def build_prompt(paper: PaperMeta, content: PdfContent, language: str, note: str = "") -> str:
    """The paper once (abstract once, references never), the task before it and again after it: a long paper
    pushes instructions given only at the top out of the model's attention."""
    language_name = prompt_name(language)
    body = strip_references(content.text)
    return (
        f"Summarize the paper below into the JSON fields. {_core_instructions(language_name)}\n\n"
        f"Title: {paper.title}\n"
        f"Abstract: {paper.abstract}\n"
        + (f"Comment: {paper.comment}\n" if paper.comment else "")
        + f"\n--- First page ---\n{content.first_page[:4000]}\n"
        + (f"\n--- Paper text ---\n{body}\n" if body else "\n(The PDF text is unavailable: use the abstract.)\n")
        + f"\n--- End of the paper ---\nNow fill the fields. {_core_instructions(language_name)}"
        + (f"\n\nYour previous answer could not be used: {note} Answer again, as valid JSON of the schema." if note
           else "")
    )


def strip_references(text: str) -> str:
    """The paper's text without its reference list (and what follows it)."""
    kept = []
    for section in split_sections(text):
        if any(word in section.heading.lower() for word in ("reference", "bibliograph")):
            break
        kept.append((section.heading + "\n" if section.heading else "") + section.text)
    return "\n".join(kept).strip()
