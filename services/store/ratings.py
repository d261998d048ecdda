"""What readers said: cards they got, ratings, taste models, embeddings and reading lists."""

from __future__ import annotations

import json
from dataclasses import dataclass

from services.models import PaperMeta, PaperText
from services.store.base import StoreBase, _unpack, utcnow


@dataclass(frozen=True)
class Rating:
    """A 👍 (+1) or 👎 (-1) of a chat, with the copy of the paper's text its taste model trains on."""

    base_id: str
    vote: int
    title: str
    abstract: str
    authors: tuple[str, ...]


@dataclass(frozen=True)
class SavedPaper:
    """A paper on a chat's reading list."""

    base_id: str
    versioned_id: str
    title: str
    read: bool = False


class ReaderRecords(StoreBase):
    """Ratings, taste models, embeddings and the reading list."""

    def record_card(self, chat_id: int, base_id: str) -> None:
        """A card of this paper reached this chat: from now on the chat may rate it."""
        self._table("cards_sent").upsert({"chat_id": chat_id, "base_id": base_id, "sent_at": utcnow().isoformat()},
                                         pk=("chat_id", "base_id"))

    def received(self, chat_id: int, base_id: str) -> bool:
        """Whether the chat got this paper in a digest or as a card (only such papers may be rated)."""
        if next(iter(self._rows(
                "SELECT 1 FROM deliveries WHERE chat_id = ? AND base_id = ? AND state IN ('queued', 'sent') "
                "UNION SELECT 1 FROM cards_sent WHERE chat_id = ? AND base_id = ? "
                "UNION SELECT 1 FROM ratings WHERE chat_id = ? AND base_id = ?", [chat_id, base_id] * 3)), None):
            return True
        return any(base_id in _unpack(row["received"]) for row in self._rows(
            "SELECT received FROM digest_days WHERE chat_id = ? AND received IS NOT NULL", [chat_id]))

    def paper_text(self, base_id: str) -> PaperText | None:
        """Title, abstract and authors of a paper from its announcement or its arXiv metadata."""
        row = next(iter(self._rows(
            "SELECT title, abstract, authors FROM announcements WHERE base_id = ? UNION ALL "
            "SELECT title, abstract, authors FROM papers WHERE base_id = ? LIMIT 1", [base_id, base_id])), None)
        if row is None:
            return None
        return PaperText(row["title"] or "", row["abstract"] or "", tuple(json.loads(row["authors"] or "[]")))

    def save_rating(self, chat_id: int, base_id: str, vote: int, source: str, title: str, abstract: str,
                    authors: tuple[str, ...]) -> None:
        now = utcnow().isoformat()
        with self.db.conn:
            self.db.execute(
                "INSERT INTO ratings (chat_id, base_id, vote, source, title, abstract, authors, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, base_id) DO UPDATE SET "
                "vote = excluded.vote, source = excluded.source, updated_at = excluded.updated_at",
                [chat_id, base_id, vote, source, title, abstract, json.dumps(list(authors), ensure_ascii=False),
                 now, now])

    def ratings(self, chat_id: int) -> list[Rating]:
        """The chat's ratings, oldest first."""
        return [Rating(row["base_id"], row["vote"], row["title"] or "", row["abstract"] or "",
                       tuple(json.loads(row["authors"] or "[]"))) for row in self._rows(
            "SELECT base_id, vote, title, abstract, authors FROM ratings WHERE chat_id = ? ORDER BY created_at, "
            "rowid", [chat_id])]

    def rating_counts(self, chat_id: int) -> tuple[int, int]:
        row = next(iter(self._rows("SELECT coalesce(sum(vote > 0), 0) AS likes, coalesce(sum(vote < 0), 0) "
                                      "AS dislikes FROM ratings WHERE chat_id = ?", [chat_id])))
        return int(row["likes"]), int(row["dislikes"])

    def save_model(self, chat_id: int, model_json: str) -> None:
        self._table("chat_models").upsert({"chat_id": chat_id, "model": model_json,
                                           "trained_at": utcnow().isoformat()}, pk="chat_id")

    def get_model(self, chat_id: int) -> str | None:
        row = next(iter(self._rows("SELECT model FROM chat_models WHERE chat_id = ?", [chat_id])), None)
        return str(row["model"]) if row else None

    def get_embeddings(self, keys: list[str], model: str) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update({row["key"]: row["vector"] for row in self._rows(
                f"SELECT key, vector FROM embeddings WHERE model = ? AND key IN ({marks})", [model, *chunk])})
        return found

    def save_embeddings(self, vectors: dict[str, bytes], model: str) -> None:
        now = utcnow().isoformat()
        self._table("embeddings").upsert_all(
            ({"key": k, "model": model, "vector": v, "created_at": now} for k, v in vectors.items()),
            pk=("key", "model"))

    # Reading list ------------------------------------------------------------------------------------------

    def save_paper_for(self, chat_id: int, paper: PaperMeta) -> bool:
        """Put a paper on the chat's reading list; False when it was there already."""
        cursor = self.db.conn.execute(
            "INSERT OR IGNORE INTO saved (chat_id, base_id, versioned_id, title, saved_at) VALUES (?, ?, ?, ?, ?)",
            [chat_id, paper.base_id, paper.versioned_id, paper.title, utcnow().isoformat()])
        self.db.conn.commit()
        return cursor.rowcount > 0

    def unsave(self, chat_id: int, base_id: str) -> bool:
        cursor = self.db.conn.execute("DELETE FROM saved WHERE chat_id = ? AND base_id = ?", [chat_id, base_id])
        self.db.conn.commit()
        return cursor.rowcount > 0

    def reader_state(self, chat_id: int, base_id: str) -> tuple[bool, int]:
        """(saved, vote) of this chat for this paper: what a card's buttons show."""
        saved = next(iter(self._rows("SELECT 1 FROM saved WHERE chat_id = ? AND base_id = ?", [chat_id, base_id])),
                     None) is not None
        vote = next(iter(self._rows("SELECT vote FROM ratings WHERE chat_id = ? AND base_id = ?", [chat_id, base_id])),
                    {"vote": 0})["vote"]
        return saved, int(vote or 0)

    def saved(self, chat_id: int) -> list[SavedPaper]:
        """The chat's reading list, newest first."""
        return [SavedPaper(row["base_id"], row["versioned_id"], row["title"] or "", bool(row["read"]))
                for row in self._rows("SELECT base_id, versioned_id, title, read FROM saved WHERE chat_id = ? "
                                      "ORDER BY saved_at DESC, rowid DESC", [chat_id])]

    def mark_read(self, chat_id: int, base_id: str, read: bool) -> bool:
        """Mark a paper of the chat's reading list read or unread; False when it is not on the list."""
        cursor = self.db.conn.execute("UPDATE saved SET read = ? WHERE chat_id = ? AND base_id = ?",
                                      [int(read), chat_id, base_id])
        self.db.conn.commit()
        return cursor.rowcount > 0
