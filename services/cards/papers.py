"""The use case "a card for this paper": metadata, PDF, figures and summary, each cached in the store.

A second request for the same paper and language makes no LLM call and no download.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import Enum

from services.arxiv.client import ArxivClient, NotAPdf, PdfTooLarge, PdfUnavailable
from services.arxiv.licences import Licence, LicenceReader
from services.cards.checks import checked_numbers, verified_affiliation
from services.cards.links import PaperLinks, find_links
from services.cards.tables import ResultsTable, main_table
from services.cards.uploads import paper_of_upload, upload_id
from services.concurrency import KeyedLimiter
from services.llm.extractive import ExtractiveSummarizer
from services.llm.partial import partial_summary
from services.llm.port import Partial, Summarizer, SummaryFailed, SummaryFields
from services.llm.prompt import PROMPT_VERSION
from services.models import UPLOAD_PREFIX, FigureImage, FigureRegion, PaperMeta, PaperRef, PdfContent
from services.pdf.extractor import EXTRACTOR_VERSION
from services.pdf.pool import PdfPool, PdfResult
from services.signals import Popularity, Signals
from services.store import Store

log = logging.getLogger(__name__)

UPLOAD_MAX_AGE = timedelta(days=3650)
"""A PDF a user sent has no other source: its metadata is kept as long as the cache keeps anything."""
MAX_UPLOADS = 8
"""PDFs users sent kept in memory for their crops and tables (each at most MAX_PDF_MB)."""
METADATA_MAX_AGE = timedelta(days=1)
LICENCE_MAX_AGE = timedelta(days=30)
"""A licence is read again after a month (a new version may change it)."""
SIGNALS_GRACE = 1.5
"""Seconds a card whose text is ready still waits for its popularity line (read beside the PDF and the LLM); later
it goes without, and the signals read on are cached for the next card."""


class Stage(Enum):
    FETCHING = "fetching"
    READING = "reading"
    SUMMARIZING = "summarizing"


Progress = Callable[[Stage], Awaitable[None]]
Drafting = Callable[[SummaryFields], Awaitable[None]]
"""Told the summary's fields as the LLM writes them (not yet checked: the card replaces what it shows)."""


async def _no_progress(stage: Stage) -> None:
    return None


@dataclass(frozen=True)
class PaperCard:
    """Everything a card shows. Metadata is arXiv's; `summary` is prose only."""

    paper: PaperMeta
    summary: SummaryFields
    language: str
    links: PaperLinks = field(default_factory=PaperLinks)
    affiliation: str = ""
    """The LLM's affiliation, kept only when it appears on the PDF's first page."""
    figures: list[FigureImage] = field(default_factory=list)
    extractive: bool = False
    llm_failure: str = ""
    pdf_note: str = ""
    figures_failed: bool = False
    """The figures were found but could not be drawn within the time limit."""
    numbers_removed: int = 0
    """Sentences of the LLM's prose dropped because they state a number the paper does not."""
    drawing: asyncio.Task[list[FigureImage]] | None = field(default=None, compare=False)
    """The crops still being drawn when the text was ready (`card(wait_for_figures=False)`): the text can go
    out at once, `PaperService.with_figures` waits for them."""
    regions: list[FigureRegion] = field(default_factory=list)
    """Where the figures being drawn are (their numbers name the card's 🔍 buttons before the crops exist)."""
    signals: Signals | None = None
    """HF upvotes, the linked repository's stars, citations: when known within the grace (`SIGNALS_GRACE`)."""
    licence: str = ""
    """The paper's licence URI as arXiv states it ("" when not learnt in time): shown on the card."""
    provisional: bool = False
    """Quoted from the abstract while the PDF is slow (`PaperService.provisional`): replaced by the card."""
    table: ResultsTable | None = None
    """The paper's main results table (rich cards show it as a table)."""

    @property
    def figure_numbers(self) -> list[str]:
        """The card's figures by number, drawn or being drawn."""
        shown: list[FigureRegion] = list(self.figures) if self.drawing is None else self.regions
        return [f.number for f in shown if f.kind == "figure"]


def _fields_of(drafting: Drafting | None) -> Partial | None:
    """The LLM's growing text read as the summary's fields, told only when a field grew."""
    if drafting is None:
        return None
    shown: list[SummaryFields] = []

    async def partial(text: str) -> None:
        fields = partial_summary(text)
        if shown and fields == shown[-1]:
            return
        shown[:] = [fields]
        await drafting(fields)

    return partial


DOWNLOADS = 8
"""PDF downloads at once (each at most MAX_PDF_MB in memory while it arrives)."""
DOWNLOADS_PER_OWNER = 3
"""Downloads one owner (a chat, the digest planner) has at once: two chats whose PDFs trickle leave slots for
everyone else."""


class PaperService:
    def __init__(self, store: Store, arxiv: ArxivClient, pdfs: PdfPool, summarizer: Summarizer,
                 *, max_pages: int = 60, downloads: int = DOWNLOADS, llm_budget: int = 0,
                 licences: LicenceReader | None = None, popularity: Popularity | None = None) -> None:
        self._store = store
        self._arxiv = arxiv
        self._pdfs = pdfs
        self._summarizer = summarizer
        self._extractive = ExtractiveSummarizer()
        self._max_pages = max_pages
        self._downloads = asyncio.Semaphore(downloads)
        self._downloads_of = KeyedLimiter(DOWNLOADS_PER_OWNER)
        self._in_flight: dict[tuple[str, int], asyncio.Lock] = {}
        self._uploads: dict[str, bytes] = {}
        """PDFs users sent that are not on arXiv, by ID, the newest last (at most MAX_UPLOADS)."""
        self._drawing: dict[tuple[str, int], tuple[asyncio.Task[list[FigureImage]], list[FigureRegion]]] = {}
        """Crops being drawn, by paper: a second request while they draw waits for the same ones."""
        self._llm_budget = llm_budget
        """LLM calls allowed per UTC day (0: no limit); past it cards use the offline extract, marked so."""
        self._licences = licences
        self._reading_licence: dict[str, asyncio.Task[Licence]] = {}
        self.popularity = popularity
        """What the field is reading (HF upvotes, stars, citations): a line on cards and digest entries."""

    @property
    def model(self) -> str:
        return self._summarizer.model

    async def close(self) -> None:
        await self._arxiv.aclose()

    @property
    def llm_budget(self) -> int:
        return self._llm_budget

    @property
    def offline(self) -> bool:
        return self._summarizer.model == self._extractive.model

    async def lookup(self, refs: Sequence[PaperRef]) -> dict[PaperRef, PaperMeta | None]:
        """Metadata for each ref, from the store when fetched within a day, else in one arXiv query (a PDF a user
        sent is only in the store).

        Raises `ArxivUnavailable` when arXiv cannot be reached.
        """
        found: dict[PaperRef, PaperMeta | None] = {}
        missing: list[PaperRef] = []
        for ref in refs:
            uploaded = ref.base_id.startswith(UPLOAD_PREFIX)
            stored = self._store.get_paper(ref.base_id, ref.version, max_age=UPLOAD_MAX_AGE if uploaded
                                           else METADATA_MAX_AGE)
            if stored or uploaded:
                found[ref] = stored
            else:
                missing.append(ref)
        if missing:
            fetched = await self._arxiv.fetch(missing)
            for ref, meta in fetched.items():
                if meta is not None:
                    self._store.save_paper(meta, is_latest=ref.version is None)
                found[ref] = meta
        return {ref: found[ref] for ref in refs}

    async def card(self, paper: PaperMeta, language: str, progress: Progress = _no_progress,
                   owner: object = None, figures: bool = True, wait_for_figures: bool = True,
                   drafting: Drafting | None = None) -> PaperCard:
        """The card for `paper` in `language`. Never raises for a bad PDF or a failing LLM: the card says so.

        `owner` (the chat asking, or the digest planner) shares the PDF workers fairly with other owners.
        `figures=False` (an overview digest shows none) skips the crops, the costly part of the PDF work.
        `wait_for_figures=False` returns as soon as the text is ready, the crops maybe still drawing (see
        `with_figures`): a chat gets the card's text without waiting for them.
        `drafting` is told the summary's fields as the LLM writes them (a streamed reply).
        """
        key = (paper.base_id, paper.version)
        lock = self._in_flight.setdefault(key, asyncio.Lock())
        try:
            async with lock:  # one paper is prepared once at a time (any language), then served from the cache
                card = await self._card(paper, language, progress, owner, figures, drafting)
        finally:
            if not lock.locked():
                self._in_flight.pop(key, None)
        return await self.with_figures(card) if wait_for_figures else card

    async def licence(self, paper: PaperMeta) -> Licence:
        """The paper's licence: read once a month from arXiv's OAI-PMH interface (unknown, "", when it cannot be
        read now: then it is asked again next time). One lookup per paper at a time."""
        if not paper.from_arxiv:
            return Licence("")
        stored = self._store.get_licence(paper.base_id, max_age=LICENCE_MAX_AGE)
        if stored is not None:
            return Licence(stored)
        return await self._fetch_licence(paper)

    async def _fetch_licence(self, paper: PaperMeta) -> Licence:
        """From arXiv: one lookup per paper at a time, shared by whoever asks meanwhile."""
        if self._licences is None:
            return Licence("")
        reading = self._reading_licence.get(paper.base_id)
        if reading is None:
            reading = asyncio.create_task(self._read_licence(paper.base_id))
            self._reading_licence[paper.base_id] = reading
            reading.add_done_callback(lambda _: self._reading_licence.pop(paper.base_id, None))
        return await asyncio.shield(reading)

    async def _read_licence(self, base_id: str) -> Licence:
        assert self._licences is not None
        uri = await self._licences.licence(base_id)
        if uri is not None:
            self._store.save_licence(base_id, uri)
        return Licence(uri or "")

    def provisional(self, paper: PaperMeta, language: str) -> PaperCard:
        """A card from arXiv's metadata and abstract alone, at once: what a reader gets while a slow PDF arrives
        (no LLM call, nothing stored: the real card replaces it)."""
        empty = PdfContent("", "", 0)
        return PaperCard(paper, self._extractive.extract(paper, empty), language,
                         links=find_links(paper.abstract, paper.comment), extractive=True, provisional=True)

    async def with_figures(self, card: PaperCard) -> PaperCard:
        """`card` with its crops drawn; `figures_failed` when they were found but none could be drawn."""
        if card.drawing is None:
            return card
        figures = await card.drawing
        return replace(card, figures=figures, figures_failed=not figures and bool(card.regions), drawing=None)

    async def _card(self, paper: PaperMeta, language: str, progress: Progress, owner: object,
                    want_figures: bool, drafting: Drafting | None = None) -> PaperCard:
        key = (paper.base_id, paper.version)
        known = self._store.get_licence(paper.base_id, max_age=LICENCE_MAX_AGE) if paper.from_arxiv else ""
        # read beside the PDF; the card does not wait for it
        licence = asyncio.ensure_future(self._fetch_licence(paper)) if known is None else None
        cached = next((found for model in self._summarizer.models
                       if (found := self._store.get_summary(paper, language, model, PROMPT_VERSION)) is not None),
                      None)
        figures = self._store.get_figures(paper, EXTRACTOR_VERSION)
        document = self._store.get_document(paper)
        content = document
        if document is not None and document.note:
            figures = []  # an unusable PDF has no figures: do not download it again for them
        text_missing = document is not None and not document.text and not document.note
        rendering, regions = self._drawing.get(key, (None, [])) if want_figures and figures is None else (None, [])
        shared = rendering is not None  # another request's crops: never cancelled on this one's behalf
        if document is None or (cached is None and text_missing) or \
                (want_figures and figures is None and rendering is None):
            await progress(Stage.READING)
            data, result = await self._read_pdf(paper, owner)
            content = result.content
            if data is not None and want_figures and figures is None and rendering is None:
                # the crops render in the pool while the LLM writes: off the card's critical path
                regions = result.regions
                rendering = self._draw(paper, data, regions, owner)
        assert content is not None
        links = find_links(paper.abstract, paper.comment, content.first_page)
        signalling = asyncio.ensure_future(self.popularity.of(
            [paper], {paper.base_id: links.code} if links.code else None)) \
            if self.popularity is not None and self.popularity.enabled and paper.from_arxiv else None
        try:
            summary, extractive, llm_failure = await self._summary(paper, content, language, cached, progress,
                                                                   drafting)
        except BaseException:  # cancelled (shutdown) or failed: the crops are not wanted any more
            if rendering is not None and not shared:
                rendering.cancel()
            if signalling is not None:
                signalling.cancel()
            raise
        removed = 0
        stated = known or ""
        if licence is not None and licence.done() and not licence.cancelled() and licence.exception() is None:
            stated = licence.result().uri
        elif licence is not None:
            licence.cancel()  # its lookup goes on (shielded) and is stored for the next time
        if not extractive:
            summary, removed = checked_numbers(summary, paper, content)
            if removed:
                log.info("card %s (%s): %d sentences with numbers not in the paper removed", paper.versioned_id,
                         language, removed)
        return PaperCard(
            paper=paper,
            summary=summary,
            numbers_removed=removed,
            language=language,
            links=links,
            signals=(await _within(signalling, SIGNALS_GRACE)).get(paper.base_id),
            affiliation=verified_affiliation(summary.affiliation, content.first_page),
            figures=figures or [],
            extractive=extractive,
            llm_failure=llm_failure,
            pdf_note=content.note,
            drawing=rendering,
            regions=regions,
            licence=stated,
            table=main_table(content.text),
        )

    def _draw(self, paper: PaperMeta, data: bytes, regions: list[FigureRegion],
              owner: object) -> asyncio.Task[list[FigureImage]]:
        """Start drawing the crops (saved once drawn; the next request tries again if none could be)."""
        key = (paper.base_id, paper.version)

        async def draw() -> list[FigureImage]:
            try:
                figures = await self._pdfs.figures(data, regions, owner)
                if figures:
                    self._store.save_figures(paper, figures, EXTRACTOR_VERSION)
                return figures
            finally:
                self._drawing.pop(key, None)

        task = asyncio.create_task(draw())
        self._drawing[key] = (task, regions)
        return task

    async def _summary(self, paper: PaperMeta, content: PdfContent, language: str, cached: dict[str, object] | None,
                       progress: Progress, drafting: Drafting | None = None) -> tuple[SummaryFields, bool, str]:
        """(summary, extractive, why the LLM failed): cached, written by the LLM, or the offline extract."""
        if cached is not None:
            if not self.offline:
                self._store.count_cache_hit()
            return SummaryFields.model_validate(cached), self.offline, ""
        await progress(Stage.SUMMARIZING)
        try:
            if not self.offline and not self._store.take_llm_call(self._llm_budget):
                raise SummaryFailed("Today's LLM budget is used up")
            written = await self._summarizer.summarize(paper, content, language, _fields_of(drafting))
            self._store.save_summary(paper, language, written.model, PROMPT_VERSION, written.fields.model_dump())
            return written.fields, self.offline, ""
        except SummaryFailed as failure:
            log.warning("summary of %s fell back to the extract: %s", paper.versioned_id, failure)
            return self._extractive.extract(paper, content), True, str(failure) or "The LLM gave no usable summary"

    async def document(self, paper: PaperMeta, owner: object = None) -> PdfContent:
        """The paper's clean text (from the store, or the PDF read again when the cache lost it)."""
        document = self._store.get_document(paper)
        if document is not None and (document.text or document.note):
            return document
        _, result = await self._read_pdf(paper, owner)
        return result.content

    async def figures(self, paper: PaperMeta, owner: object = None) -> list[FigureImage]:
        """The card's figures, rendered once and cached (an overview digest did not render them)."""
        figures = self._store.get_figures(paper, EXTRACTOR_VERSION)
        if figures is not None:
            return figures
        drawing, _ = self._drawing.get((paper.base_id, paper.version), (None, []))
        if drawing is None:  # not being drawn for a card right now: read the PDF and draw them
            data, result = await self._read_pdf(paper, owner)
            if data is None:
                return []
            drawing = self._draw(paper, data, result.regions, owner)
        return await drawing

    async def tables(self, paper: PaperMeta, owner: object = None) -> list[FigureImage]:
        """The paper's numbered tables, on request only (cards show figures): cached once found."""
        cached = self._store.get_figures(paper, EXTRACTOR_VERSION, kinds=("table",))
        if cached is not None:
            return cached
        try:
            data = await self._download(paper, owner)
        except PdfUnavailable:
            return []
        tables = await self._pdfs.tables(data, self._max_pages, owner)
        if tables:
            self._store.save_figures(paper, tables, EXTRACTOR_VERSION, kinds=("table",))
        return tables

    async def _read_pdf(self, paper: PaperMeta, owner: object) -> tuple[bytes | None, PdfResult]:
        """The PDF's bytes (None when there are none to render from) and what it gave, kept in the store —
        unless the download failed: that is tried again next time, where a corrupt PDF stays corrupt."""
        data: bytes | None = None
        try:
            downloaded = await self._download(paper, owner)
        except PdfTooLarge:
            result = PdfResult(PdfContent("", "", 0, note="the PDF is too large"))
        except NotAPdf as error:
            log.warning("PDF of %s: %s", paper.versioned_id, error)
            return None, PdfResult(PdfContent("", "", 0, note="arXiv answered with something that is not a PDF"))
        except PdfUnavailable as error:
            log.warning("PDF of %s unavailable: %s", paper.versioned_id, error)
            return None, PdfResult(PdfContent("", "", 0, note="the PDF could not be downloaded"))
        else:
            result = await self._pdfs.process(downloaded, self._max_pages, owner)
            data = None if result.content.note else downloaded
        self._store.save_document(paper, result.content)
        return data, result

    async def upload(self, data: bytes, owner: object = None, first_page: str | None = None) -> PaperMeta | None:
        """A PDF a user sent that is not on arXiv: read once in the workers (the same limits), its metadata from
        its first page (`first_page` when the caller read it already); its card is then made like any other
        (None when the file is no usable PDF)."""
        key = upload_id(data)
        known = self._store.get_paper(key, 1, max_age=UPLOAD_MAX_AGE)
        if known is not None and key in self._uploads:
            return known
        if first_page is None:  # the whole PDF is read once, for its card
            first_page = await self._pdfs.first_page(data, owner)
        if not first_page.strip():
            return None
        paper = paper_of_upload(data, first_page)
        self._store.save_paper(paper, is_latest=True)
        self._uploads[key] = data
        while len(self._uploads) > MAX_UPLOADS:  # the oldest goes: its crops and text stay in the cache
            self._uploads.pop(next(iter(self._uploads)))
        return paper

    async def _download(self, paper: PaperMeta, owner: object) -> bytes:
        if not paper.from_arxiv:  # a PDF a user sent: kept in memory a while, never fetched from anywhere
            if paper.base_id not in self._uploads:
                raise PdfUnavailable("the PDF sent is no longer at hand: send it again")
            return self._uploads[paper.base_id]
        # bounded, and fair: one chat's slow PDFs (or a digest's many) hold at most three of the slots
        async with self._downloads_of.slot(owner), self._downloads:
            return await self._arxiv.download_pdf(paper)


async def _within(task: asyncio.Future[dict[str, Signals]] | None, seconds: float) -> dict[str, Signals]:
    """The task's result if it comes within `seconds`, else {} (it goes on, and fills the day's cache)."""
    if task is None:
        return {}
    try:
        return await asyncio.wait_for(asyncio.shield(task), seconds)
    except TimeoutError:
        return {}
    except Exception:  # never: Popularity is quiet; a card does not fail for a signal
        return {}
