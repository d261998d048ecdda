"""The service's own state, its LLM usage and budget, and the catalogs the LLM translated."""

from __future__ import annotations

import json
from typing import Any

from services.store.base import StoreBase, utcnow


class UsageRecords(StoreBase):
    """Service state, LLM calls and cache hits."""

    def set_state(self, key: str, value: str) -> None:
        with self.db.conn:
            self.db.execute("INSERT OR REPLACE INTO service_state (key, value) VALUES (?, ?)", [key, value])

    def get_state(self, key: str) -> str:
        row = next(iter(self._rows("SELECT value FROM service_state WHERE key = ?", [key])), None)
        return str(row["value"]) if row else ""

    def count_cache_hit(self) -> None:
        """A summary was served from the cache (no LLM call): counted per UTC day for /usage."""
        day = utcnow().date().isoformat()
        with self.db.conn:
            self.db.execute("INSERT INTO llm_calls (day, calls, cache_hits) VALUES (?, 0, 1) "
                            "ON CONFLICT (day) DO UPDATE SET cache_hits = cache_hits + 1", [day])

    def llm_usage(self, day: str) -> tuple[int, int]:
        """(LLM calls, summaries served from the cache) on a UTC day."""
        row = next(iter(self._rows("SELECT calls, cache_hits FROM llm_calls WHERE day = ?", [day])), None)
        return (int(row["calls"] or 0), int(row["cache_hits"] or 0)) if row else (0, 0)

    # LLM budget ----------------------------------------------------------------------------------------

    def take_llm_call(self, limit: int) -> bool:
        """Count one LLM call for today (UTC) if the daily budget allows it."""
        day = utcnow().date().isoformat()
        with self.db.conn:
            row = next(iter(self._rows("SELECT calls FROM llm_calls WHERE day = ?", [day])), None)
            calls = row["calls"] if row else 0
            if limit and calls >= limit:
                return False
            self.db.execute("INSERT INTO llm_calls (day, calls) VALUES (?, 1) "
                            "ON CONFLICT (day) DO UPDATE SET calls = calls + 1", [day])
        return True

    def catalogs(self) -> dict[str, dict[str, Any]]:
        """Every translated catalog: language → its texts (a plural text as a dict of forms)."""
        return {row["lang"]: json.loads(row["texts"]) for row in self._rows("SELECT lang, texts FROM catalogs")}

    def save_catalog(self, lang: str, texts: dict[str, Any]) -> None:
        self._table("catalogs").upsert({"lang": lang, "texts": json.dumps(texts, ensure_ascii=False),
                                        "created_at": utcnow().isoformat()}, pk="lang")
