"""A fake arXiv: the API's Atom XML for `id_list` queries, PDFs by versioned ID, and failures on demand."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape

from tests.fakes.http import FakeServer, Request, Response


@dataclass
class FakePaper:
    base_id: str
    title: str
    authors: list[str]
    abstract: str
    category: str = "cs.CV"
    categories: list[str] = field(default_factory=list)
    comment: str = ""
    versions: dict[int, str] = field(default_factory=lambda: {1: "2024-08-26T17:59:46Z"})
    """version -> submission time of that version"""
    pdfs: dict[int, bytes] = field(default_factory=dict)
    licence: str = "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    """The licence URI the OAI-PMH `arXiv` format gives (arXiv's default one unless set); "" for none stated."""


class FakeArxiv(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.papers: dict[str, FakePaper] = {}
        self.api_requests: list[dict[str, list[str]]] = []
        self.pdf_requests: list[str] = []
        self.api_failures: list[int] = []
        self.pdf_failures: list[int] = []
        self.rss: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        """feed name -> (announcement day YYYY-MM-DD, [(base_id, announce type)]); items come from `papers`."""
        self.rss_requests: list[str] = []
        self.rss_failures: list[int] = []
        self.pdf_delay = 0.0
        """Seconds each PDF takes to arrive: keeps papers in progress while a test sends more."""
        self.pdf_trickle: tuple[int, float] | None = None
        """(bytes, seconds): PDFs arrive that slowly, every read well within any per-read timeout."""
        self.trickling: set[str] | None = None
        """Base IDs whose PDFs trickle (`pdf_trickle`); None: every PDF does."""
        self.pdf_html = False
        """PDFs are answered 200 with an HTML error page, as a misconfigured mirror does."""
        self.api_delay = 0.0
        """Seconds the API takes to answer (arXiv's own pace is one query every three seconds)."""
        self.oai_requests: list[str] = []
        self.oai_failures: list[int] = []

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/query"

    @property
    def pdf_url(self) -> str:
        return f"{self.base}/pdf/"

    @property
    def oai_url(self) -> str:
        return f"{self.base}/oai"

    def add(self, paper: FakePaper) -> FakePaper:
        self.papers[paper.base_id] = paper
        return paper

    def handle(self, request: Request) -> Response:
        if request.path == "/oai":
            return self._oai(request)
        if request.path == "/api/query":
            time.sleep(self.api_delay)
            with self.lock:
                self.api_requests.append(request.query)
                failure = self.api_failures.pop(0) if self.api_failures else None
            if failure:
                return Response(failure, b"Service Unavailable", "text/plain")
            query = request.query.get("search_query", [""])[0]
            if query:
                start = int(request.query.get("start", ["0"])[0])
                size = int(request.query.get("max_results", ["10"])[0])
                found = self._search(query)[start:start + size]
                return Response(200, self._feed([f"{p.base_id}v{max(p.versions)}" for p in found]).encode(),
                                "application/atom+xml")
            ids = [i for i in request.query.get("id_list", [""])[0].split(",") if i]
            return Response(200, self._feed(ids).encode(), "application/atom+xml")
        if request.path.startswith("/rss/"):
            names = request.path[len("/rss/"):]
            with self.lock:
                self.rss_requests.append(names)
                failure = self.rss_failures.pop(0) if self.rss_failures else None
            if failure:
                return Response(failure, b"error", "text/plain")
            return Response(200, self._rss(names.split("+")).encode(), "application/rss+xml")
        if request.path.startswith("/pdf/"):
            versioned = request.path[len("/pdf/"):]
            with self.lock:
                self.pdf_requests.append(versioned)
                failure = self.pdf_failures.pop(0) if self.pdf_failures else None
            if failure:
                return Response(failure, b"error", "text/plain")
            time.sleep(self.pdf_delay)
            base, _, version = versioned.rpartition("v")
            paper = self.papers.get(base)
            if paper is None or not version.isdigit() or int(version) not in paper.pdfs:
                return Response(404, b"not found", "text/plain")
            if self.pdf_html:
                page = b"<!DOCTYPE html><html><body><h1>Rate exceeded</h1><p>Figure 1: not a figure</p></body></html>"
                return Response(200, page, "text/html")
            trickle = self.pdf_trickle if self.trickling is None or base in self.trickling else None
            return Response(200, paper.pdfs[int(version)], "application/pdf", trickle=trickle)
        return Response(404, b"not found", "text/plain")

    def announce(self, feed: str, day: str, items: list[tuple[str, str]]) -> None:
        """From now on feed `feed` shows `items` ((base_id, "new" | "cross" | "replace" …)) for `day`."""
        with self.lock:
            self.rss[feed] = (day, items)

    def _rss(self, names: list[str]) -> str:
        day, entries = "", []
        for name in names:
            feed_day, items = self.rss.get(name, ("", []))
            day = day or feed_day
            for base_id, kind in items:
                paper = self.papers[base_id]
                version = max(paper.versions)
                cats = "".join(f"<category>{c}</category>" for c in (paper.categories or [paper.category]))
                entries.append(
                    f"<item><title>{escape(paper.title)}</title><link>https://arxiv.org/abs/{base_id}</link>"
                    f"<description>arXiv:{base_id}v{version} Announce Type: {kind} \nAbstract: "
                    f"{escape(paper.abstract)}</description><guid isPermaLink=\"false\">oai:arXiv.org:{base_id}v"
                    f"{version}</guid>{cats}<arxiv:announce_type>{kind}</arxiv:announce_type>"
                    f"<dc:creator>{escape(', '.join(paper.authors))}</dc:creator></item>")
        when = ""
        if day:
            d = date.fromisoformat(day)
            when = f"<pubDate>{d.strftime('%a, %d %b %Y')} 00:00:00 -0500</pubDate>"
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>'
            f"<title>{'+'.join(names)} updates on arXiv.org</title>{when}" + "".join(entries) + "</channel></rss>"
        )

    def _search(self, query: str) -> list[FakePaper]:
        """arXiv's search, as far as the bot uses it: `field:term` clauses joined by AND, each clause possibly
        alternatives joined by OR (fields all, ti, abs, au, cat), a paper matching every clause, in relevance order
        (how often the terms occur)."""
        clauses = [c.strip() for c in re.split(r"\s+AND\s+", query) if c.strip()]
        results: list[tuple[int, FakePaper]] = []
        for paper in self.papers.values():
            fields = {"ti": paper.title, "abs": paper.abstract, "au": " ".join(paper.authors),
                      "cat": " ".join(paper.categories or [paper.category])}
            fields["all"] = " ".join(fields.values())
            score = 0
            for clause in clauses:
                hits = 0
                for alternative in re.split(r"\s+OR\s+", clause.strip("()")):
                    name, _, term = alternative.partition(":") if ":" in alternative else ("all", "", alternative)
                    hits += fields.get(name, fields["all"]).lower().count(term.strip('"').lower())
                if not hits:
                    break
                score += hits
            else:
                results.append((score, paper))
        return [paper for _, paper in sorted(results, key=lambda pair: -pair[0])]

    def _feed(self, ids: list[str]) -> str:
        entries = []
        for requested in ids:
            base, _, version = requested.rpartition("v") if "v" in requested.split("/")[-1] else (requested, "", "")
            paper = self.papers.get(base)
            if paper is None:
                continue
            wanted = int(version) if version else max(paper.versions)
            if wanted not in paper.versions:
                continue
            entries.append(self._entry(paper, wanted))
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
            'xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
            f"<title>arXiv Query</title><id>http://arxiv.org/api/x</id><updated>2024-09-01T00:00:00-04:00</updated>"
            f"<opensearch:totalResults>{len(entries)}</opensearch:totalResults>"
            "<opensearch:startIndex>0</opensearch:startIndex>"
            f"<opensearch:itemsPerPage>{len(entries)}</opensearch:itemsPerPage>\n" + "\n".join(entries) + "\n</feed>"
        )

    def _entry(self, paper: FakePaper, version: int) -> str:
        vid = f"{paper.base_id}v{version}"
        authors = "".join(f"<author><name>{escape(a)}</name></author>" for a in paper.authors)
        cats = "".join(f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>'
                       for c in (paper.categories or [paper.category]))
        comment = f"<arxiv:comment>{escape(paper.comment)}</arxiv:comment>" if paper.comment else ""
        return (
            f"<entry><id>http://arxiv.org/abs/{vid}</id>"
            f"<updated>{paper.versions[version]}</updated><published>{paper.versions[min(paper.versions)]}</published>"
            f"<title>{escape(paper.title)}</title><summary>  {escape(paper.abstract)}\n</summary>{authors}{comment}"
            f'<link href="http://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>'
            f'<link title="pdf" href="http://arxiv.org/pdf/{vid}" rel="related" type="application/pdf"/>'
            f'<arxiv:primary_category term="{paper.category}" scheme="http://arxiv.org/schemas/atom"/>{cats}</entry>'
        )

    def _oai(self, request: Request) -> Response:
        """OAI-PMH `GetRecord` in the `arXiv` metadata format, as arXiv answers it (errors with status 200)."""
        query = {k: v[-1] for k, v in request.query.items()}
        with self.lock:
            self.oai_requests.append(query.get("identifier", ""))
            failure = self.oai_failures.pop(0) if self.oai_failures else None
        if failure:
            return Response(failure, b"error", "text/plain")
        head = '<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        if query.get("verb") != "GetRecord" or query.get("metadataPrefix") != "arXiv":
            body = f'{head}<error code="badArgument">Illegal arguments</error></OAI-PMH>'
            return Response(200, body.encode(), "text/xml")
        paper = self.papers.get(query.get("identifier", "").removeprefix("oai:arXiv.org:"))
        if paper is None:
            body = f'{head}<error code="idDoesNotExist">Value of the identifier argument is unknown</error></OAI-PMH>'
            return Response(200, body.encode(), "text/xml")
        licence = f"<license>{paper.licence}</license>" if paper.licence else ""
        body = (f'{head}<GetRecord><record><header><identifier>oai:arXiv.org:{paper.base_id}</identifier></header>'
                f'<metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>{paper.base_id}</id>'
                f'<title>{escape(paper.title)}</title>{licence}<abstract>{escape(paper.abstract)}</abstract>'
                '</arXiv></metadata></record></GetRecord></OAI-PMH>')
        return Response(200, body.encode(), "text/xml")
