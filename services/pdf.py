"""Reading a PDF — text for the summarizer, the first page, the figures — in a pool of worker processes.

PyMuPDF is not thread-safe and rendering is CPU-bound, so every PyMuPDF call happens in a child process; the
event loop only awaits. One pool per bot, bounded workers: the bot keeps answering while PDFs render.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from services.models import FigureImage, PdfContent

log = logging.getLogger(__name__)

TEXT_BUDGET_CHARS = 120_000
"""About 30k tokens: the whole of most papers, the core of long ones."""


@dataclass(frozen=True)
class PdfResult:
    content: PdfContent
    figures: list[FigureImage] = field(default_factory=list)


def process_pdf(data: bytes, max_pages: int, budget_chars: int = TEXT_BUDGET_CHARS) -> PdfResult:
    """Open the PDF once and take all we need from it. Never raises for a bad PDF: the note says why."""
    import pymupdf

    from services.figures import extract_figures
    from services.pdf_text import budget_text

    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as error:  # PyMuPDF raises several types for damaged files
        return PdfResult(PdfContent("", "", 0, note=f"corrupt PDF ({type(error).__name__})"))
    with doc:
        if doc.needs_pass or doc.is_encrypted:
            return PdfResult(PdfContent("", "", doc.page_count, note="encrypted PDF"))
        if doc.page_count == 0:
            return PdfResult(PdfContent("", "", 0, note="empty PDF"))
        page_count = doc.page_count
        pages = min(page_count, max_pages)
        try:
            texts = [doc[i].get_text() for i in range(pages)]
            figures = extract_figures(doc, pages)
        except Exception as error:
            return PdfResult(PdfContent("", "", doc.page_count, note=f"unreadable PDF ({type(error).__name__})"))
    text = "\n".join(texts)
    note = "" if text.strip() else "the PDF has no text layer"
    return PdfResult(PdfContent(budget_text(text, budget_chars), texts[0], page_count, note), figures)


def process_tables(data: bytes, max_pages: int) -> list[FigureImage]:
    """The paper's numbered tables, rendered like figures; empty for a PDF that cannot be read."""
    import pymupdf

    from services.figures import extract_figures

    try:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            if doc.needs_pass or doc.page_count == 0:
                return []
            return extract_figures(doc, max_pages, kinds=("table",), first_page_fallback=False)
    except Exception:  # a damaged file has no tables to show
        return []


class PdfPool:
    """Async front of the worker processes; workers start on first use and are replaced if one dies."""

    def __init__(self, workers: int = 2, timeout: float = 120.0) -> None:
        self._workers = workers
        self._timeout = timeout
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # spawn: forking a process that runs threads (asyncio, httpx) is unsafe
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(max_workers=self._workers, mp_context=context)
        return self._executor

    async def process(self, data: bytes, max_pages: int) -> PdfResult:
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(self._pool(), process_pdf, data, max_pages)
            return await asyncio.wait_for(future, self._timeout)
        except TimeoutError:
            log.warning("PDF processing timed out after %ss", self._timeout)
            self._restart()
            return PdfResult(PdfContent("", "", 0, note="the PDF took too long to read"))
        except BrokenProcessPool:
            log.warning("a PDF worker died (out of memory or a crash in MuPDF)")
            self._restart()
            return PdfResult(PdfContent("", "", 0, note="the PDF crashed the reader"))

    async def tables(self, data: bytes, max_pages: int) -> list[FigureImage]:
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(self._pool(), process_tables, data, max_pages),
                                          self._timeout)
        except (TimeoutError, BrokenProcessPool):
            self._restart()
            return []

    def _restart(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            for process in list(getattr(self._executor, "_processes", {}).values()):
                process.kill()
        self._executor = None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
