"""The one SQLite file behind Papergram, through sqlite-utils.

Used from the event loop's thread only (a sqlite-utils `Database` belongs to the thread that made it); every
query here is a quick indexed lookup, so it does not hold up the loop in any way that matters.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError, Table

from services.migrations import migrations
from services.models import ChatSettings, FigureImage, PaperMeta, PdfContent


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Store:
    """Typed reads and writes; callers never see rows or SQL."""

    def __init__(self, path: Path | str) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(path)
        self.db.enable_wal()
        self.db.execute("PRAGMA busy_timeout = 5000")
        migrations.apply(self.db)

    def close(self) -> None:
        self.db.close()

    def _table(self, name: str) -> Table:
        return self.db.table(name)

    # Chats ---------------------------------------------------------------------------------------------

    def get_chat(self, chat_id: int) -> ChatSettings | None:
        try:
            row = self._table("chats").get(chat_id)
        except NotFoundError:
            return None
        return ChatSettings(
            chat_id=row["id"],
            type=row["type"],
            title=row["title"] or "",
            language=row["language"],
            timezone=row["timezone"],
            digest_time=row["digest_time"],
            mode=row["mode"],
            active=bool(row["active"]),
        )

    def ensure_chat(self, chat_id: int, chat_type: str, title: str, language: str) -> ChatSettings:
        """Return the chat's settings, creating it with `language` on first contact; keeps the title fresh."""
        existing = self.get_chat(chat_id)
        now = utcnow().isoformat()
        if existing is None:
            self._table("chats").insert(
                {
                    "id": chat_id,
                    "type": chat_type,
                    "title": title,
                    "language": language,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            return ChatSettings(chat_id=chat_id, type=chat_type, title=title, language=language)
        if existing.title != title or existing.type != chat_type:
            self._table("chats").update(chat_id, {"title": title, "type": chat_type, "updated_at": now})
            existing = replace(existing, title=title, type=chat_type)
        return existing

    def update_chat(self, chat_id: int, **changes: Any) -> None:
        if "active" in changes:
            changes["active"] = int(changes["active"])
        self._table("chats").update(chat_id, {**changes, "updated_at": utcnow().isoformat()})

    # Papers --------------------------------------------------------------------------------------------

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

    def get_paper(self, base_id: str, version: int | None, *, max_age: timedelta) -> PaperMeta | None:
        """A stored paper fetched less than `max_age` ago; `version=None` means the latest known."""
        since = (utcnow() - max_age).isoformat()
        if version is None:
            where, params = "base_id = ? AND is_latest = 1 AND fetched_at >= ?", [base_id, since]
        else:  # SQLite compares the text '2' equal to the integer 2 through column affinity
            where, params = "base_id = ? AND version = ? AND fetched_at >= ?", [base_id, str(version), since]
        for row in self._table("papers").rows_where(where, params, limit=1):
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
        return None

    # What the PDF gave ---------------------------------------------------------------------------------

    def save_document(self, paper: PaperMeta, content: PdfContent) -> None:
        self._table("documents").upsert(
            {
                "base_id": paper.base_id,
                "version": paper.version,
                "first_page": content.first_page,
                "pages": content.pages,
                "note": content.note,
                "created_at": utcnow().isoformat(),
            },
            pk=("base_id", "version"),
        )

    def get_document(self, paper: PaperMeta) -> PdfContent | None:
        """The stored first page and note; the full text is not kept (the summary is)."""
        try:
            row = self._table("documents").get((paper.base_id, paper.version))
        except NotFoundError:
            return None
        return PdfContent(text="", first_page=row["first_page"] or "", pages=row["pages"] or 0, note=row["note"] or "")

    # Summaries -----------------------------------------------------------------------------------------

    def get_summary(self, paper: PaperMeta, language: str, model: str, prompt_version: int) -> dict[str, Any] | None:
        try:
            row = self._table("summaries").get((paper.base_id, paper.version, language, model, prompt_version))
        except NotFoundError:
            return None
        data: dict[str, Any] = json.loads(row["data"])
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
                "data": json.dumps(data, ensure_ascii=False),
                "created_at": utcnow().isoformat(),
            },
            pk=("base_id", "version", "language", "model", "prompt_version"),
        )

    # Figures -------------------------------------------------------------------------------------------

    def save_figures(self, paper: PaperMeta, figures: list[FigureImage], extractor_version: int) -> None:
        table = self._table("figures")
        with self.db.conn:
            self.db.execute("DELETE FROM figures WHERE base_id = ? AND version = ?", [paper.base_id, paper.version])
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
                }
                for f in figures
            )

    def get_figures(self, paper: PaperMeta, extractor_version: int) -> list[FigureImage] | None:
        """Cached crops, or None when this paper was never processed by this extractor version."""
        rows = list(
            self._table("figures").rows_where(
                "base_id = ? AND version = ? AND extractor_version = ?",
                [paper.base_id, paper.version, extractor_version],
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
