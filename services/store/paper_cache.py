"""What the bot learnt about papers: arXiv metadata, the PDF's text, summaries and figure crops."""

from __future__ import annotations

import json
import zlib
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils.db import NotFoundError

from services.models import FigureImage, PaperMeta, PdfContent
from services.store.base import StoreBase, _iso, _parse_time, utcnow


class PaperCache(StoreBase):
    """Cached papers, documents, summaries and figures."""

    def save_paper(self, paper: PaperMeta, *, is_latest: bool) -> None:
        if is_latest:
            self.db.execute("UPDATE papers SET is_latest = 0 WHERE base_id = ?", [paper.base_id])
        self._table("papers").upsert(
            {
                "base_id": paper.base_id,
                "version": paper.version,
                "title": paper.title,
                "authors": json.dumps(list(paper.authors), ensure_ascii=False),
                "abstract": paper.abstract,
                "primary_category": paper.primary_category,
                "categories": json.dumps(list(paper.categories)),
                "comment": paper.comment,
                "published": _iso(paper.published),
                "updated": _iso(paper.updated),
                "journal_ref": paper.journal_ref,
                "doi": paper.doi,
                "is_latest": int(is_latest),
                "fetched_at": utcnow().isoformat(),
            },
            pk=("base_id", "version"),
        )

    def cached_papers(self, limit: int) -> list[PaperMeta]:
        """The newest papers the bot fetched (their latest versions; not a user's uploaded PDFs): candidates for
        "similar papers" beside the announcements."""
        return [_meta(row) for row in self._rows(
            "SELECT * FROM papers WHERE is_latest = 1 AND base_id NOT LIKE 'upload-%' ORDER BY fetched_at DESC "
            "LIMIT ?", [limit])]

    def get_paper(self, base_id: str, version: int | None, *, max_age: timedelta) -> PaperMeta | None:
        """A stored paper fetched less than `max_age` ago; `version=None` means the latest known."""
        since = (utcnow() - max_age).isoformat()
        if version is None:
            where, params = "base_id = ? AND is_latest = 1 AND fetched_at >= ?", [base_id, since]
        else:  # SQLite compares the text '2' equal to the integer 2 through column affinity
            where, params = "base_id = ? AND version = ? AND fetched_at >= ?", [base_id, str(version), since]
        for row in self._table("papers").rows_where(where, params, limit=1):
            return _meta(row)
        return None

    def get_licence(self, base_id: str, *, max_age: timedelta) -> str | None:
        """The licence URI read for the paper within `max_age` ("" when arXiv could not say), or None."""
        row = next(iter(self._rows("SELECT uri, fetched_at FROM licences WHERE base_id = ?", [base_id])), None)
        if row is None or datetime.fromisoformat(row["fetched_at"]) < utcnow() - max_age:
            return None
        return str(row["uri"])

    def save_licence(self, base_id: str, uri: str) -> None:
        self._table("licences").upsert({"base_id": base_id, "uri": uri, "fetched_at": utcnow().isoformat()},
                                       pk="base_id")

    def save_figure_file(self, paper: PaperMeta, number: str, file_id: str) -> None:
        """Telegram's ID of a figure the bot sent once: a guest or inline card shows it without an upload."""
        self._table("figure_files").upsert({"base_id": paper.base_id, "version": paper.version, "number": number,
                                            "file_id": file_id}, pk=("base_id", "version", "number"))

    def figure_file(self, paper: PaperMeta, number: str) -> str:
        row = next(iter(self._rows("SELECT file_id FROM figure_files WHERE base_id = ? AND version = ? AND number = ?",
                                   [paper.base_id, paper.version, number])), None)
        return str(row["file_id"]) if row else ""

    # What the PDF gave ---------------------------------------------------------------------------------

    def save_document(self, paper: PaperMeta, content: PdfContent) -> None:
        self._table("documents").upsert(
            {
                "base_id": paper.base_id,
                "version": paper.version,
                "first_page": content.first_page,
                "text": zlib.compress(content.text.encode(), 6),  # a paper's text: ~4x smaller compressed
                "pages": content.pages,
                "note": content.note,
                "created_at": utcnow().isoformat(),
            },
            pk=("base_id", "version"),
        )

    def get_document(self, paper: PaperMeta) -> PdfContent | None:
        """What the PDF gave: the summarizer's text, the first page, the page count and any note."""
        try:
            row = self._table("documents").get((paper.base_id, paper.version))
        except NotFoundError:
            return None
        text = row.get("text") or ""
        if isinstance(text, bytes):
            text = zlib.decompress(text).decode()
        return PdfContent(text=text, first_page=row["first_page"] or "", pages=row["pages"] or 0,
                          note=row["note"] or "")

    # Summaries -----------------------------------------------------------------------------------------

    def get_summary(self, paper: PaperMeta, language: str, model: str, prompt_version: int) -> dict[str, Any] | None:
        try:
            row = self._table("summaries").get((paper.base_id, paper.version, language, model, prompt_version))
        except NotFoundError:
            return None
        raw = row["data"]
        data: dict[str, Any] = json.loads(zlib.decompress(raw) if isinstance(raw, bytes) else raw)
        return data

    def save_summary(
        self, paper: PaperMeta, language: str, model: str, prompt_version: int, data: dict[str, Any]
    ) -> None:
        self._table("summaries").upsert(
            {
                "base_id": paper.base_id,
                "version": paper.version,
                "language": language,
                "model": model,
                "prompt_version": prompt_version,
                "data": zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 6),  # ~2.5x smaller
                "created_at": utcnow().isoformat(),
            },
            pk=("base_id", "version", "language", "model", "prompt_version"),
        )

    # Figures -------------------------------------------------------------------------------------------

    def save_figures(self, paper: PaperMeta, figures: list[FigureImage], extractor_version: int,
                     kinds: tuple[str, ...] = ("figure", "page")) -> None:
        """Replace the paper's crops of `kinds` (figures and the page render, or tables) with `figures`."""
        table = self._table("figures")
        marks = ",".join("?" * len(kinds))
        now = utcnow().isoformat()
        with self.db.conn:
            self.db.execute(f"DELETE FROM figures WHERE base_id = ? AND version = ? AND kind IN ({marks})",
                            [paper.base_id, paper.version, *kinds])
            table.insert_all(
                {
                    "base_id": paper.base_id,
                    "version": paper.version,
                    "kind": f.kind,
                    "number": f.number,
                    "page": f.page,
                    "bbox": json.dumps(list(f.bbox)),
                    "caption": f.caption,
                    "image": f.image,
                    "mime": f.mime,
                    "extractor_version": extractor_version,
                    "created_at": now,
                }
                for f in figures
            )

    def get_figures(self, paper: PaperMeta, extractor_version: int,
                    kinds: tuple[str, ...] = ("figure", "page")) -> list[FigureImage] | None:
        """Cached crops of `kinds`, or None when this paper has none from this extractor version."""
        marks = ",".join("?" * len(kinds))
        rows = list(
            self._table("figures").rows_where(
                f"base_id = ? AND version = ? AND extractor_version = ? AND kind IN ({marks})",
                [paper.base_id, paper.version, extractor_version, *kinds],
                order_by="rowid",
            )
        )
        if not rows:
            return None
        return [
            FigureImage(
                kind=r["kind"],
                number=str(r["number"]),
                page=r["page"],
                bbox=tuple(json.loads(r["bbox"])),
                caption=r["caption"] or "",
                image=r["image"],
                mime=r["mime"],
            )
            for r in rows
        ]


def _meta(row: dict[str, Any]) -> PaperMeta:
    return PaperMeta(
        base_id=row["base_id"],
        version=row["version"],
        title=row["title"],
        authors=tuple(json.loads(row["authors"])),
        abstract=row["abstract"],
        primary_category=row["primary_category"],
        categories=tuple(json.loads(row["categories"])),
        comment=row["comment"] or "",
        published=_parse_time(row["published"]),
        updated=_parse_time(row["updated"]),
        journal_ref=row["journal_ref"] or "",
        doi=row["doi"] or "",
    )
