"""Summaries: the prose of a card, from Gemini or — offline — from the paper's own sentences.

The LLM writes prose only. Titles, authors, IDs, dates and links come from arXiv and never from here.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Protocol

from pydantic import BaseModel, Field, ValidationError

from services.gemini import gemini_client
from services.models import PaperMeta, PdfContent
from services.pdf_text import split_sections

log = logging.getLogger(__name__)

PROMPT_VERSION = 1
"""Part of the summary cache key: bump it when the prompt or the schema changes."""

LANGUAGE_NAMES = {"en": "English", "zh": "Simplified Chinese (简体中文)"}


class SummaryFields(BaseModel):
    """The prose fields of a card — the schema Gemini must fill, and the offline extract fills too."""

    one_sentence: str = Field(description="The paper in one sentence.")
    takeaways: list[str] = Field(description="3 to 7 key takeaways, one sentence each.")
    title_translation: str = Field(description="The title translated into the output language; empty for English.")
    affiliation: str = Field(description="The first author's affiliation exactly as printed on the first page, "
                                         "or an empty string when the first page does not state it.")
    keywords: list[str] = Field(description="3 to 6 keywords, all in the output language.")
    background: str = Field(description="Research background.")
    past_methods: str = Field(description="Past methods, their problems, and the motivation of this work.")
    method: str = Field(description="The proposed method.")
    results: str = Field(description="Tasks, performance achieved, and whether it supports the goals.")
    method_steps: list[str] = Field(description="The method as 3 to 7 numbered steps, without the numbers.")
    significance: str = Field(description="Significance of the work.")
    innovation: str = Field(description="Innovation point.")
    performance: str = Field(description="Performance.")
    workload: str = Field(description="Workload: data, compute, experiments.")


class SummaryFailed(Exception):
    """The LLM gave no usable summary (blocked, empty, invalid) after its retry; the reason is for the user."""


class Summarizer(Protocol):
    @property
    def model(self) -> str:
        """Name stored with the summary, part of the cache key."""
        ...

    async def summarize(self, paper: PaperMeta, content: PdfContent, language: str) -> SummaryFields: ...


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


def _prose_like(sentence: str) -> bool:
    """A sentence a reader can use: mostly letters (not an equation), no e-mail or footnote debris."""
    letters = sum(map(str.isalpha, sentence)) + sentence.count(" ")
    return letters >= 0.85 * len(sentence) and "@" not in sentence and "Equal contribution" not in sentence


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


class ExtractiveSummarizer:
    """No network, no model: each field is sentences picked from the abstract and the paper itself."""

    model = "extractive"

    async def summarize(self, paper: PaperMeta, content: PdfContent, language: str) -> SummaryFields:
        return self.extract(paper, content)

    def extract(self, paper: PaperMeta, content: PdfContent) -> SummaryFields:
        abstract = sentences(paper.abstract)
        body = sentences(content.text) if content.text else []
        introduction = section_sentences(content.text, "introduction")
        methods = section_sentences(content.text, "method", "approach", "model", "framework")
        pool = abstract + [s for s in body if s not in abstract]
        used: set[str] = set()
        first = abstract[0] if abstract else paper.title
        used.add(first)
        method = _pick(pool, r"\bwe (propose|present|introduce|develop)|\bour (method|approach|model)", 2, used)
        results = _pick(pool, r"outperform|state-of-the-art|achiev|improv|\d+(\.\d+)?\s?%", 2, used)
        past = _pick(pool, r"\bhowever\b|existing|previous|prior (work|methods)|limitation|suffer", 2, used)
        steps = _pick(methods or body or pool,
                      r"\b(first|then|next|finally|we (use|train|apply|compute|design|define))\b", 5, used)
        conclusion = _pick(body[::-1] or pool, r"\b(in this (paper|work)|we (have )?(shown|demonstrated))", 1, used)
        takeaways = [s for s in abstract if s != first][:5] or pool[:3]
        return SummaryFields(
            one_sentence=first,
            takeaways=takeaways,
            title_translation="",
            affiliation=guess_affiliation(content.first_page),
            keywords=keywords_of(paper.title + " " + paper.abstract),
            background=" ".join(introduction[:2] or abstract[:1]),
            past_methods=" ".join(past),
            method=" ".join(method),
            results=" ".join(results),
            method_steps=steps,
            significance=" ".join(conclusion),
            innovation=method[0] if method else "",
            performance=results[0] if results else "",
            workload="",
        )


# Gemini --------------------------------------------------------------------------------------------------

def build_prompt(paper: PaperMeta, content: PdfContent, language: str) -> str:
    language_name = LANGUAGE_NAMES.get(language, "English")
    return (
        f"You summarize a research paper for researchers reading a chat. Write every field in {language_name} "
        "(keywords too). Be faithful: say only what the paper says; if the text does not state something, "
        "leave that field empty rather than guessing. Never write placeholders such as 'xxx' or 'N/A'. "
        "Do not restate the title, authors, IDs or links: those are added from arXiv. For `affiliation`, copy the "
        "first author's affiliation exactly as printed on the first page below, or leave it empty.\n\n"
        f"Title: {paper.title}\n"
        f"Abstract: {paper.abstract}\n"
        + (f"Comment: {paper.comment}\n" if paper.comment else "")
        + f"\n--- First page ---\n{content.first_page[:6000]}\n"
        + (f"\n--- Paper text ---\n{content.text}\n" if content.text else "\n(The PDF text is unavailable.)\n")
    )


class GeminiSummarizer:
    """Gemini through `google-genai`, with structured output and the SDK's retries on 429, 5xx and timeouts."""

    def __init__(self, api_key: str, model: str, base_url: str = "", timeout: float = 120.0,
                 attempts: int = 4, initial_delay: float = 2.0) -> None:
        from google.genai import types

        self._types = types
        self._model = model
        self._client = gemini_client(api_key, base_url, timeout, attempts, initial_delay)  # kept while used

    @property
    def model(self) -> str:
        return self._model

    async def summarize(self, paper: PaperMeta, content: PdfContent, language: str) -> SummaryFields:
        from google.genai import errors

        config = self._types.GenerateContentConfig(
            response_mime_type="application/json", response_schema=SummaryFields, temperature=0.2,
        )
        prompt = build_prompt(paper, content, language)
        reason = ""
        for _ in range(2):  # a blocked, empty or invalid answer is retried once
            try:
                response = await self._client.aio.models.generate_content(
                    model=self._model, contents=prompt, config=config
                )
            except errors.APIError as error:
                raise SummaryFailed(f"Gemini error {error.code}") from error
            except (TimeoutError, OSError) as error:
                raise SummaryFailed("Gemini did not answer in time") from error
            parsed = response.parsed
            if isinstance(parsed, SummaryFields):
                return parsed
            reason = self._why_empty(response)
            if isinstance(parsed, dict):
                try:
                    return SummaryFields.model_validate(parsed)
                except ValidationError:
                    reason = "Gemini returned an incomplete summary"
            log.warning("Gemini gave no usable summary for %s: %s", paper.versioned_id, reason)
        raise SummaryFailed(reason)

    @staticmethod
    def _why_empty(response: object) -> str:
        feedback = getattr(response, "prompt_feedback", None)
        if feedback is not None and getattr(feedback, "block_reason", None):
            return f"Gemini blocked the request ({feedback.block_reason})"
        for candidate in getattr(response, "candidates", None) or []:
            finish = str(getattr(candidate, "finish_reason", "") or "")
            if "SAFETY" in finish or "BLOCK" in finish or "PROHIBITED" in finish:
                return "Gemini's safety filter blocked the summary"
        if not getattr(response, "text", None):
            return "Gemini returned an empty answer"
        return "Gemini returned invalid JSON"
