"""What arXiv announced, kept for the digests, and where each feed's reading stopped."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils.db import NotFoundError

from services.arxiv.announcements import Announcement
from services.store.base import StoreBase, utcnow


@dataclass(frozen=True)
class FeedState:
    """What Papergram knows of one announcement feed (cs.CV, cs, stat …)."""

    name: str
    status: str = ""
    """ok, quiet (no announcements), stale (no new batch for too long), broken."""
    last_day: str = ""
    """Announcement day of the newest batch seen."""
    last_new_at: str = ""
    """When a batch with unseen IDs last appeared (UTC ISO)."""
    last_polled: str = ""


class FeedRecords(StoreBase):
    """Announcements and feed state."""

    def save_announcements(self, day: str, items: list[Announcement]) -> int:
        """Store a feed's batch; returns how many (paper, day) pairs were not seen before."""
        table = self._table("announcements")
        before = table.count
        now = utcnow().isoformat()
        table.insert_all(
            ({"base_id": a.base_id, "version": a.version, "day": day, "announce_type": a.announce_type,
              "title": a.title, "authors": json.dumps(list(a.authors), ensure_ascii=False),
              "abstract": a.abstract, "categories": json.dumps(list(a.categories)), "first_seen": now}
             for a in items),
            pk=("base_id", "day"), ignore=True,
        )
        return table.count - before

    def announcements_version(self, after: str) -> tuple[int, int]:
        """(count, newest rowid) of the announcements after a day: unchanged means the same list."""
        row = next(iter(self._rows("SELECT count(*) AS n, coalesce(max(rowid), 0) AS last FROM announcements "
                                      "WHERE day > ?", [after])))
        return int(row["n"]), int(row["last"])

    def announcements(self, after: str = "", until: str = "9999") -> list[tuple[str, Announcement]]:
        """(day, announcement) of the days in (`after`, `until`], oldest first."""
        return self._announcement_rows("SELECT * FROM announcements WHERE day > ? AND day <= ? ORDER BY day, rowid",
                                       [after, until])

    def _announcement_rows(self, sql: str, params: list[Any]) -> list[tuple[str, Announcement]]:
        return [(row["day"], Announcement(
            base_id=row["base_id"], version=row["version"], title=row["title"],
            authors=tuple(json.loads(row["authors"])), abstract=row["abstract"],
            categories=tuple(json.loads(row["categories"])), announce_type=row["announce_type"],
        )) for row in self._rows(sql, params)]

    def recent_announcements(self, limit: int) -> list[Announcement]:
        """The newest announced papers (any feed), for a taste model's background of unrated papers."""
        return [a for _, a in self._announcement_rows(
            "SELECT * FROM announcements WHERE rowid IN (SELECT max(rowid) FROM announcements GROUP BY base_id) "
            "ORDER BY rowid DESC LIMIT ?", [limit])]

    def prune_announcements(self, before: str) -> None:
        """Forget announcements of days before `before`: digests only ever look at the last few days."""
        self.db.execute("DELETE FROM announcements WHERE day < ?", [before])

    def announcement_days(self) -> list[str]:
        return [row["day"] for row in self._rows("SELECT DISTINCT day FROM announcements ORDER BY day")]

    def feed_state(self, name: str) -> FeedState:
        try:
            row = self._table("feeds").get(name)
        except NotFoundError:
            return FeedState(name)
        return FeedState(name, row.get("status") or "", row.get("last_day") or "", row.get("last_new_at") or "",
                         row.get("last_polled") or "")

    def save_feed_state(self, name: str, **state: Any) -> None:
        self._table("feeds").upsert({"name": name, **state}, pk="name")
