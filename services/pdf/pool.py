"""Reading a PDF — text for the summarizer, the first page, the figures — in a pool of worker processes.

PyMuPDF is not thread-safe and rendering is CPU-bound, so every PyMuPDF call happens in a child process; the
event loop only awaits. One pool per bot, bounded workers, a time limit per paper and a memory limit per
worker: the bot keeps answering while PDFs render, and a hostile PDF costs at most one worker for one limit.
A "PDF" is read only if it is one (`%PDF-` at its start and PyMuPDF agrees).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any

from services.concurrency import KeyedLimiter
from services.models import FigureImage, FigureRegion, PdfContent
from services.text_match import normalize

log = logging.getLogger(__name__)

TEXT_BUDGET_CHARS = 120_000
"""About 30k tokens: the whole of most papers, the core of long ones."""


@dataclass(frozen=True)
class PdfResult:
    content: PdfContent
    regions: list[FigureRegion] = field(default_factory=list)
    """The card's figures, found but not rendered: `render_figures` draws them when a card is sent."""


def looks_like_pdf(data: bytes) -> bool:
    """A PDF starts with `%PDF-` (readers accept it within the first 1024 bytes); an HTML error page does not."""
    return b"%PDF-" in data[:1024]


def _release_store() -> None:
    """MuPDF keeps decoded images and fonts in a process-wide cache (up to 256 MB) for the next document; a
    worker's next paper is another document, so the cache is emptied after each job: a worker stays ~140 MB
    instead of growing to ~400."""
    import pymupdf

    pymupdf.TOOLS.store_shrink(100)


def process_pdf(data: bytes, max_pages: int, budget_chars: int = TEXT_BUDGET_CHARS) -> PdfResult:
    """Open the PDF once and read what the summarizer needs: the text, and where the figures are (rendering
    them is left for `render_figures`, in parallel with the LLM). Never raises for a bad PDF: the note says why."""
    import pymupdf

    from services.pdf.clean_text import document_text
    from services.pdf.figures import choose_figures
    from services.pdf.layout import read_document
    from services.pdf.sections import budget_text

    if not looks_like_pdf(data):
        return PdfResult(PdfContent("", "", 0, note="the file is not a PDF"))
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as error:  # PyMuPDF raises several types for damaged files
        return PdfResult(PdfContent("", "", 0, note=f"corrupt PDF ({type(error).__name__})"))
    with doc:
        if not doc.is_pdf:
            return PdfResult(PdfContent("", "", 0, note="the file is not a PDF"))
        if doc.needs_pass or doc.is_encrypted:
            return PdfResult(PdfContent("", "", doc.page_count, note="encrypted PDF"))
        if doc.page_count == 0:
            return PdfResult(PdfContent("", "", 0, note="empty PDF"))
        page_count = doc.page_count
        pages = min(page_count, max_pages)
        try:
            reading = read_document(doc, pages)
            # links and the affiliation, as the reader will see them (ligatures, accents recomposed)
            front = normalize("\n".join(block.text for blocks in reading[0][:2] for block in blocks))
            detected: list[FigureRegion] = []
            regions = choose_figures(doc, pages, reading=reading, detected_sink=detected)
            text = document_text(doc, reading[0], reading[1], detected)
        except Exception as error:
            return PdfResult(PdfContent("", "", doc.page_count, note=f"unreadable PDF ({type(error).__name__})"))
    note = "" if text.strip() or front.strip() else "the PDF has no text layer"
    return PdfResult(PdfContent(budget_text(text, budget_chars), front, page_count, note), regions)


def render_figures(data: bytes, regions: list[FigureRegion]) -> list[FigureImage]:
    """The crops of `regions`; empty for a PDF that cannot be read."""
    import pymupdf

    from services.pdf.crops import render_regions

    try:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            return render_regions(doc, regions)
    except Exception:  # the same bytes were read a moment ago; a crop that fails is a card without figures
        log.exception("rendering figures failed")
        return []


def process_tables(data: bytes, max_pages: int) -> list[FigureImage]:
    """The paper's numbered tables, rendered like figures; empty for a PDF that cannot be read."""
    import pymupdf

    from services.pdf.crops import extract_figures

    if not looks_like_pdf(data):
        return []
    try:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            if not doc.is_pdf or doc.needs_pass or doc.page_count == 0:
                return []
            return extract_figures(doc, max_pages, kinds=("table",), first_page_fallback=False)
    except Exception:  # a damaged file has no tables to show
        return []


def first_page_text(data: bytes) -> str:
    """The first page's text, arXiv's vertical stamp included (`arXiv:2408.14227v1 [cs.CV] 26 Aug 2024`): how a
    PDF a user sends names its paper. Empty for a file that is not a readable PDF."""
    import pymupdf

    if not looks_like_pdf(data):
        return ""
    try:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            if not doc.is_pdf or doc.needs_pass or doc.page_count == 0:
                return ""
            return str(doc[0].get_text())[:20_000]
    except Exception:  # a damaged file names nothing
        return ""


WorkerFunction = Callable[..., Any]


def _serve(connection: Connection, memory_bytes: int) -> None:
    """A worker process: run what the parent sends, one job at a time, until the pipe closes."""
    import resource

    if memory_bytes:  # a decompression bomb fails with MemoryError here instead of taking the machine
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    import pymupdf  # noqa: F401 - imported once per worker, not once per paper

    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            connection.send((True, function(*args)))
        except Exception as error:
            connection.send((False, error))
        finally:
            _release_store()


class _Worker:
    """One process and its pipe. `call` blocks (it runs in a thread); a worker past its deadline is killed."""

    def __init__(self, context: BaseContext, memory_bytes: int) -> None:
        self._connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, memory_bytes), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child.close()

    def call(self, function: WorkerFunction, args: tuple[Any, ...], seconds: float) -> Any:
        self._connection.send((function, args))
        if not self._connection.poll(seconds):
            raise TimeoutError
        ok, value = self._connection.recv()  # EOFError when the process died (killed, or crashed in MuPDF)
        if not ok:
            raise value
        return value

    def kill(self) -> None:
        self.process.kill()
        self._connection.close()
        self.process.join(timeout=5)


class PdfPool:
    """Worker processes for PyMuPDF, each job with a time limit, shared fairly between the chats.

    A job past `seconds` has its worker killed and replaced (the others keep working); the caller gets a note
    instead of the content. One owner (a chat, or the digest planner) uses at most `workers - 1` workers at once
    when there are two or more, so another chat's paper always finds a worker within one job's limit.
    """

    def __init__(self, workers: int = 2, seconds: float = 60.0, memory_mb: int = 2048) -> None:
        self._size = max(1, workers)
        self._seconds = seconds
        self._memory = memory_mb * 2**20
        self._context = multiprocessing.get_context("spawn")  # forking a process that runs threads is unsafe
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: list[_Worker] = []
        self._owners = KeyedLimiter(max(1, self._size - 1))
        self._stopping = False

    def _start(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for _ in range(self._size):
                worker = _Worker(self._context, self._memory)
                self._workers.append(worker)
                self._idle.put_nowait(worker)
        return self._idle

    def start(self) -> None:
        """Start the workers now if they are not running: a paper is on its way, and their start-up (a Python and
        PyMuPDF each, half a second) overlaps the arXiv lookup instead of delaying the first card."""
        self._start()

    def stop_taking(self) -> None:
        """Shutting down: a worker that is cut short is not replaced."""
        self._stopping = True

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        if self._stopping:
            return worker
        fresh = _Worker(self._context, self._memory)
        self._workers = [fresh if w is worker else w for w in self._workers]
        return fresh

    async def run(self, function: WorkerFunction, *args: Any, owner: object = None) -> Any:
        """`function(*args)` in a worker; TimeoutError past the limit, WorkerDied if the worker crashed."""
        idle = self._start()
        async with self._owners.slot(owner):
            worker = await idle.get()
            try:
                return await asyncio.to_thread(worker.call, function, args, self._seconds)
            except TimeoutError:
                log.warning("a PDF job ran past %ss: its worker is replaced", self._seconds)
                worker = self._replace(worker)
                raise
            except (EOFError, OSError) as error:
                log.warning("a PDF worker died (out of memory or a crash in MuPDF)")
                worker = self._replace(worker)
                raise WorkerDied() from error
            except asyncio.CancelledError:  # shutting down: the worker may be mid-job, so it goes too
                worker = self._replace(worker)
                raise
            finally:
                idle.put_nowait(worker)

    async def process(self, data: bytes, max_pages: int, owner: object = None) -> PdfResult:
        try:
            result: PdfResult = await self.run(process_pdf, data, max_pages, owner=owner)
            return result
        except TimeoutError:
            return PdfResult(PdfContent("", "", 0, note="the PDF took too long to read"))
        except (WorkerDied, MemoryError):
            return PdfResult(PdfContent("", "", 0, note="the PDF crashed the reader"))

    async def first_page(self, data: bytes, owner: object = None) -> str:
        """The first page's text, read in a worker (a hostile file costs one worker for one time limit)."""
        try:
            text: str = await self.run(first_page_text, data, owner=owner)
            return text
        except (TimeoutError, WorkerDied, MemoryError):
            return ""

    async def figures(self, data: bytes, regions: list[FigureRegion], owner: object = None) -> list[FigureImage]:
        """The crops, split across the workers this owner may use; a part that fails is left out (in order)."""
        if not regions:
            return []
        pages = sorted({r.page for r in regions})
        share = max(1, min(len(pages), self._owners.limit))
        parts = [[r for r in regions if r.page in pages[i::share]] for i in range(share)]  # a page's crops together

        async def part(chunk: list[FigureRegion]) -> list[FigureImage]:
            try:
                images: list[FigureImage] = await self.run(render_figures, data, chunk, owner=owner)
                return images
            except (TimeoutError, WorkerDied, MemoryError):
                log.warning("figure crops failed: %d of %d left out", len(chunk), len(regions))
                return []

        rendered = {(f.kind, f.number): f for chunk in await asyncio.gather(*map(part, parts)) for f in chunk}
        return [found for r in regions if (found := rendered.get((r.kind, r.number))) is not None]

    async def tables(self, data: bytes, max_pages: int, owner: object = None) -> list[FigureImage]:
        try:
            tables: list[FigureImage] = await self.run(process_tables, data, max_pages, owner=owner)
            return tables
        except (TimeoutError, WorkerDied, MemoryError):
            return []

    def close(self) -> None:
        for worker in self._workers:
            worker.kill()
        self._workers = []
        self._idle = None


class WorkerDied(Exception):
    """The worker process ended in the middle of a job."""
