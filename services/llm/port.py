"""The one interface every LLM adapter implements, and what crosses it: the card's prose fields (the schema the
model fills), a written summary, and the one error a caller handles.

The LLM writes prose only. Titles, authors, IDs, dates and links come from arXiv and never from here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, Field

from services.models import PaperMeta, PdfContent


class SummaryFields(BaseModel):
    """The prose fields of a card — the schema Gemini must fill, and the offline extract fills too.

    Each description says what a reader needs and how long it may be; an empty string means "not stated".
    """

    one_sentence: str = Field(description="TL;DR: the contribution in one sentence of at most 25 words: what the "
                                          "paper does or shows and its key number (not background).")
    takeaways: list[str] = Field(description="Exactly 3 key takeaways, each one sentence of at most 10 words: a "
                                             "finding with its number. Short: they are read on a phone.")
    title_translation: str = Field(description="The title translated into the output language; empty for English.")
    affiliation: str = Field(description="The first author's affiliation exactly as printed on the first page, "
                                         "or an empty string when the first page does not state it.")
    keywords: list[str] = Field(description="3 to 6 keyword phrases in the output language, technical terms and "
                                            "model names kept in English.")
    background: str = Field(description="Research background: the problem and why it matters, at most 30 words.")
    past_methods: str = Field(description="Past methods, their problems, and the motivation of this work, at most "
                                          "30 words.")
    method: str = Field(description="The proposed method, at most 45 words.")
    results: str = Field(description="Tasks and results with numbers: dataset, metric, value, and the baseline "
                                     "compared against, at most 50 words.")
    method_steps: list[str] = Field(description="The method as 3 to 5 steps of at most 12 words, without numbers "
                                                "in front.")
    significance: str = Field(description="Significance of the work, at most 20 words.")
    innovation: str = Field(description="What is new, at most 15 words.")
    performance: str = Field(description="The headline performance with its numbers, at most 25 words.")
    workload: str = Field(description="Workload: data, compute, experiments, at most 15 words; empty if not "
                                      "stated.")
    limitations: str = Field(default="", description="Limitations as the paper itself states them, at most 25 "
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


Partial = Callable[[str], Awaitable[None]]
"""Told the text an LLM has written so far, each time it grows (a streamed answer): for a reply that grows while
the model writes. The final text is still returned (and checked) as without it."""


class Summarizer(Protocol):
    """The one interface every provider adapter implements (llm/gemini.py, llm/openai_compat.py)."""

    @property
    def model(self) -> str:
        """`provider:model`, stored with the summary: part of the cache key."""
        ...

    @property
    def models(self) -> tuple[str, ...]:
        """Every model whose cached summaries this summarizer may serve (a fallback's too)."""
        ...

    async def summarize(self, paper: PaperMeta, content: PdfContent, language: str,
                        partial: Partial | None = None) -> Written: ...

    async def answer(self, system: str, turns: list[str], partial: Partial | None = None) -> str:
        """Plain text for a conversation: `turns` alternate user and model, starting and ending with the user.
        Raises `SummaryFailed` like `summarize`."""
        ...
