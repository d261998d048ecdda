"""A chat's searches: the results of a /search, kept so its pages turn without asking arXiv again."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from services.store.base import StoreBase, utcnow


@dataclass(frozen=True)
class SearchHit:
    """One result as a page lists it (from arXiv's metadata, never from an LLM)."""

    versioned_id: str
    title: str
    authors: tuple[str, ...]
    date: str
    line: str
    """The abstract's first sentence."""


@dataclass(frozen=True)
class Search:
    id: int
    query: str
    hits: tuple[SearchHit, ...]


class SearchRecords(StoreBase):
    def save_search(self, chat_id: int, query: str, hits: list[SearchHit]) -> int:
        self.db.execute("INSERT INTO searches (chat_id, query, hits, created_at) VALUES (?, ?, ?, ?)",
                        [chat_id, query, json.dumps([asdict(h) for h in hits], ensure_ascii=False),
                         utcnow().isoformat()])
        return int(self.db.execute("SELECT last_insert_rowid()").fetchone()[0])

    def search(self, chat_id: int, search_id: int) -> Search | None:
        """The chat's own search (a forged button names another chat's in vain)."""
        row = next(iter(self._rows("SELECT id, query, hits FROM searches WHERE id = ? AND chat_id = ?",
                                   [search_id, chat_id])), None)
        if row is None:
            return None
        hits = tuple(SearchHit(h["versioned_id"], h["title"], tuple(h["authors"]), h["date"], h["line"])
                     for h in json.loads(row["hits"]))
        return Search(row["id"], row["query"], hits)
