"""One provider taking over from another when the first is overloaded."""

from __future__ import annotations

import logging

from services.llm.port import Partial, Summarizer, SummaryFailed, Written
from services.models import PaperMeta, PdfContent

log = logging.getLogger(__name__)


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

    async def summarize(self, paper: PaperMeta, content: PdfContent, language: str,
                        partial: Partial | None = None) -> Written:
        try:
            return await self._first.summarize(paper, content, language, partial)
        except SummaryFailed as failure:
            if not failure.overloaded:
                raise
            log.warning("%s is overloaded (%s): %s takes over for %s", self._first.model, failure,
                        self._second.model, paper.versioned_id)
        try:
            return await self._second.summarize(paper, content, language, partial)
        except SummaryFailed as failure:
            raise SummaryFailed(f"both LLM providers failed ({failure})", failure.overloaded) from failure

    async def answer(self, system: str, turns: list[str], partial: Partial | None = None) -> str:
        try:
            return await self._first.answer(system, turns, partial)
        except SummaryFailed as failure:
            if not failure.overloaded:
                raise
            log.warning("%s is overloaded (%s): %s answers", self._first.model, failure, self._second.model)
        return await self._second.answer(system, turns, partial)
