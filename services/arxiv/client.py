"""The arXiv adapter: metadata through the `arxiv` package, PDFs from `ARXIV_PDF_URL` + ID.

The `arxiv` client is blocking, has no HTTP timeout and sleeps between requests, so it runs in a worker
thread, one request at a time for the whole process (arXiv asks for one request every 3 seconds).
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import arxiv
import httpx
import requests

from services.arxiv.ids import parse_entry_id
from services.models import PaperMeta, PaperRef
from services.pdf.pool import looks_like_pdf

log = logging.getLogger(__name__)


class ArxivUnavailable(Exception):
    """arXiv did not answer usefully after retries; the user is told to try later."""


class PdfUnavailable(Exception):
    """The PDF could not be downloaded; the card is made from the abstract instead."""


class PdfTooLarge(PdfUnavailable):
    pass


class NotAPdf(PdfUnavailable):
    """The server answered 200 with something else (an HTML error page): not read, not cached, retried later."""


class _TimeoutSession(requests.Session):
    """A requests session with a default timeout: the `arxiv` client sets none and would wait forever."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", self._timeout)
        return super().request(*args, **kwargs)


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def to_meta(result: arxiv.Result) -> PaperMeta | None:
    ref = parse_entry_id(result.entry_id)
    if ref is None or ref.version is None:
        return None
    return PaperMeta(
        base_id=ref.base_id,
        version=ref.version,
        title=_clean(result.title),
        authors=tuple(_clean(a.name) for a in result.authors),
        abstract=_clean(result.summary),
        primary_category=result.primary_category,
        categories=tuple(result.categories),
        comment=_clean(result.comment),
        published=result.published,
        updated=result.updated,
        journal_ref=_clean(result.journal_ref),
        doi=_clean(result.doi),
    )


class ArxivClient:
    def __init__(self, api_url: str, pdf_url: str, *, delay_seconds: float = 3.0, timeout: float = 30.0,
                 max_pdf_bytes: int = 40 * 2**20, retries: int = 3, download_seconds: float = 90.0) -> None:
        self._pdf_url = pdf_url
        self._timeout = timeout
        self._download_seconds = download_seconds
        """The whole download, not each read: a server that trickles a byte a second is given up on."""
        self._max_pdf_bytes = max_pdf_bytes
        self._retries = retries
        self._client = arxiv.Client(page_size=100, delay_seconds=delay_seconds, num_retries=retries)
        self._client.query_url_format = api_url + "?{}"
        self._client._session = _TimeoutSession(timeout)  # the one private touch: the client has no timeout
        self._lock = threading.Lock()
        self._shared: httpx.AsyncClient | None = None
        self._waiting: dict[PaperRef, asyncio.Future[PaperMeta | None]] = {}
        """Refs asked for while a query is on its way: they go together in the next `id_list` query."""
        self._unresolved: dict[PaperRef, asyncio.Future[PaperMeta | None]] = {}
        """Every ref queued or on its way, with the answer its askers wait for."""
        self._querying = False
        allowed = {urlsplit(pdf_url).hostname or ""}
        self._pdf_hosts = allowed | {"arxiv.org", "export.arxiv.org", "www.arxiv.org"}

    # Metadata ------------------------------------------------------------------------------------------

    def _query_blocking(self, ids: list[str]) -> list[arxiv.Result]:
        with self._lock:  # one request at a time for the whole process; the client spaces them
            search = arxiv.Search(id_list=ids, max_results=len(ids))
            return list(self._client.results(search))

    def _search_blocking(self, query: str, limit: int) -> list[arxiv.Result]:
        with self._lock:
            search = arxiv.Search(query=query, max_results=limit, sort_by=arxiv.SortCriterion.Relevance)
            return list(self._client.results(search))

    async def search(self, query: str, limit: int = 30) -> list[PaperMeta]:
        """Papers matching an arXiv query (`all:`, `ti:`, `au:`, `cat:` … joined by AND), in arXiv's relevance
        order. Raises `ArxivUnavailable` when arXiv cannot be reached."""
        try:
            results = await asyncio.to_thread(self._search_blocking, query, limit)
        except (arxiv.ArxivError, requests.RequestException, TimeoutError) as error:
            raise ArxivUnavailable(str(error)) from error
        return [meta for result in results if (meta := to_meta(result)) is not None]

    async def fetch(self, refs: Sequence[PaperRef]) -> dict[PaperRef, PaperMeta | None]:
        """Metadata for each ref; None for an ID arXiv does not know. A ref with a version gets that version,
        one without gets the latest.

        arXiv wants its queries 3 s apart, so concurrent callers are merged: refs asked for while a query is on
        its way join one `id_list` query after it (five users at once wait for two queries, not five).
        """
        if not refs:
            return {}
        loop = asyncio.get_running_loop()
        mine: dict[PaperRef, asyncio.Future[PaperMeta | None]] = {}
        for ref in refs:
            if ref not in self._unresolved:  # asked already (queued or on its way): wait for that answer
                self._unresolved[ref] = self._waiting[ref] = loop.create_future()
            mine[ref] = self._unresolved[ref]
        if not self._querying:
            self._querying = True
            batch: dict[PaperRef, asyncio.Future[PaperMeta | None]] = {}
            try:
                while self._waiting:
                    batch, self._waiting = self._waiting, {}
                    try:
                        found = await self._fetch_now(list(batch))
                    except ArxivUnavailable as error:
                        self._settle(batch, error=error)
                        continue
                    self._settle(batch, found)
            except BaseException:  # cancelled mid-query (a shutdown): nobody may wait for it forever
                self._settle({**batch, **self._waiting}, error=ArxivUnavailable("the query was cancelled"))
                self._waiting = {}
                raise
            finally:
                self._querying = False
        return {ref: await future for ref, future in mine.items()}

    def _settle(self, batch: dict[PaperRef, asyncio.Future[PaperMeta | None]],
                found: dict[PaperRef, PaperMeta | None] | None = None, error: Exception | None = None) -> None:
        for ref, future in batch.items():
            self._unresolved.pop(ref, None)
            if future.done():
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result((found or {}).get(ref))

    async def _fetch_now(self, refs: list[PaperRef]) -> dict[PaperRef, PaperMeta | None]:
        ids = [str(r) for r in refs]
        try:
            results = await asyncio.wait_for(
                asyncio.to_thread(self._query_blocking, ids), timeout=self._timeout * (self._retries + 2)
            )
        except (arxiv.ArxivError, requests.RequestException, TimeoutError) as error:
            log.warning("arXiv API failed for %s: %s", ",".join(ids), error)
            raise ArxivUnavailable(str(error)) from error
        metas = [m for m in (to_meta(r) for r in results) if m is not None]
        answer: dict[PaperRef, PaperMeta | None] = {}
        for ref in refs:
            answer[ref] = next(
                (m for m in metas if m.base_id == ref.base_id and (ref.version is None or m.version == ref.version)),
                None,
            )
        return answer

    # PDFs ----------------------------------------------------------------------------------------------

    def pdf_url(self, paper: PaperMeta) -> str:
        return f"{self._pdf_url}{paper.versioned_id}"

    async def download_pdf(self, paper: PaperMeta) -> bytes:
        """The PDF of exactly this version, streamed with a size cap; retried with backoff on 5xx and timeouts."""
        url = self.pdf_url(paper)
        delay = 1.0
        for attempt in range(self._retries + 1):
            try:
                data = await asyncio.wait_for(self._download(url), self._download_seconds)
            except TimeoutError:
                raise PdfUnavailable(f"{url}: not downloaded within {self._download_seconds:.0f}s") from None
            except (httpx.TransportError, _Retryable) as error:
                if attempt == self._retries:
                    raise PdfUnavailable(f"{url}: {error}") from error
                log.info("PDF download %s failed (%s); retrying in %.0fs", url, error, delay)
                await asyncio.sleep(delay)
                delay *= 2
                continue
            if not looks_like_pdf(data):
                raise NotAPdf(f"{url}: the answer is not a PDF ({data[:15]!r}…)")
            return data
        raise PdfUnavailable(url)  # pragma: no cover — the loop always returns or raises

    def _http(self) -> httpx.AsyncClient:
        """One client for every download (its connection pool is reused: a new client per PDF cost ~40 ms of
        the loop's time in TLS and pool set-up). Made on first use, inside the running loop."""
        if self._shared is None or self._shared.is_closed:
            self._shared = httpx.AsyncClient(timeout=self._timeout, follow_redirects=True,
                                             event_hooks={"request": [self._only_arxiv]},
                                             headers={"User-Agent": "Papergram (arXiv digest bot)"})
        return self._shared

    async def aclose(self) -> None:
        if self._shared is not None:
            await self._shared.aclose()
            self._shared = None

    async def _download(self, url: str) -> bytes:
        async with self._http().stream("GET", url) as response:
            if response.status_code >= 500 or response.status_code == 429:
                raise _Retryable(f"HTTP {response.status_code}")
            if response.status_code != 200:
                raise PdfUnavailable(f"HTTP {response.status_code}")
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > self._max_pdf_bytes:
                raise PdfTooLarge(f"{declared} bytes")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self._max_pdf_bytes:
                    raise PdfTooLarge(f"over {self._max_pdf_bytes} bytes")
                chunks.append(chunk)
            return b"".join(chunks)

    async def _only_arxiv(self, request: httpx.Request) -> None:
        """Redirects may only lead to arXiv or the configured mirror."""
        if request.url.host not in self._pdf_hosts:
            raise PdfUnavailable(f"refusing to fetch from {request.url.host}")


class _Retryable(Exception):
    pass
