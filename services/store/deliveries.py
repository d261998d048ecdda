"""What each chat is sent: planned digests, the outbox, what a chat received and what was left out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from services.models import Button, OutboxMessage, Overview, QueuedMessage
from services.store.base import StoreBase, _pack, _unpack, utcnow


@dataclass(frozen=True)
class QueuedDigest:
    """A chat's planned digest: its messages, and the papers it skipped (over the daily cap)."""

    chat_id: int
    day: str
    local_date: str
    messages: list[OutboxMessage]
    skipped: list[str]
    revisions: list[tuple[str, int]] = field(default_factory=list)
    """(base ID, version) of new versions the digest tells of: told once."""
    names: list[tuple[str, str, str]] = field(default_factory=list)
    """(base ID, topic query, other name) of papers matched only by another name of their topic — the name "" for
    one the LLM added in other words: 👎 on one offers to stop matching by that name (or to keep to the words)."""


@dataclass(frozen=True)
class MatchedName:
    """A paper a chat received because another name of its topic matched (`RL` for "reinforcement learning")."""

    id: int
    chat_id: int
    base_id: str
    query: str
    name: str


SKIPPED_KEPT = timedelta(days=7)
"""How long "Show N more" can still send what a capped digest left out."""


class DeliveryRecords(StoreBase):
    """Digests planned, sent and received."""

    def delivered(self, chat_id: int) -> set[str]:
        """Papers this chat has had, or has queued, in any digest, or keeps on its reading list: a chat gets
        each paper at most once, and never one it saved already."""
        found = {row["base_id"] for row in self._rows(
            "SELECT base_id FROM deliveries WHERE chat_id = ? UNION SELECT base_id FROM saved WHERE chat_id = ?",
            [chat_id, chat_id])}
        for row in self._rows("SELECT received, skipped FROM digest_days WHERE chat_id = ?", [chat_id]):
            found.update(_unpack(row["received"]), _unpack(row["skipped"]))
        return found

    def queue_digest(self, chat_id: int, day: str, local_date: str, messages: list[OutboxMessage],
                     skipped: list[str]) -> None:
        self.queue_digests([QueuedDigest(chat_id, day, local_date, messages, skipped)])

    def queue_digests(self, digests: list[QueuedDigest]) -> None:
        """Record whole digests at once — their messages in the outbox, their papers as deliveries — so a crash
        either loses a plan (made again on restart) or keeps all of it; nothing in between."""
        if not digests:
            return
        now = utcnow().isoformat()
        with self.db.conn:  # plain executemany: thousands of chats are planned in a run
            for d in digests:
                papers = [b for m in d.messages for b in m.base_ids]
                self.db.conn.executemany(
                    "INSERT OR IGNORE INTO deliveries (chat_id, base_id, day, state, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [(d.chat_id, b, d.day, "queued", now, now) for b in papers])
                if d.skipped:  # one row per chat and day, not one per paper left out
                    self.db.execute("INSERT INTO digest_days (chat_id, day, received, skipped) VALUES (?, ?, NULL, ?) "
                                    "ON CONFLICT (chat_id, day) DO UPDATE SET skipped = excluded.skipped",
                                    [d.chat_id, d.day, _pack(d.skipped)])
                self._queue_messages(d.chat_id, d.day, d.messages, now)
                self.db.conn.executemany(
                    "INSERT OR IGNORE INTO revisions_told (chat_id, base_id, version) VALUES (?, ?, ?)",
                    [(d.chat_id, base_id, version) for base_id, version in d.revisions])
                self.db.conn.executemany(
                    "INSERT INTO matched_names (chat_id, base_id, query, name, created_at) VALUES (?, ?, ?, ?, ?)",
                    [(d.chat_id, base_id, query, name, now) for base_id, query, name in d.names])
            self.db.conn.executemany(
                "UPDATE chats SET last_digest_day = max(coalesce(last_digest_day, ''), ?), last_digest_local = ? "
                "WHERE id = ?", [(d.day, d.local_date, d.chat_id) for d in digests])

    def _queue_messages(self, chat_id: int, day: str, messages: list[OutboxMessage], now: str) -> None:
        self.db.conn.executemany(
            "INSERT INTO outbox (chat_id, day, kind, text, buttons, base_ids, paper, overview, state, attempts, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
            [(chat_id, day, m.kind, m.text, m.buttons_json, json.dumps(list(m.base_ids)), m.paper,
              m.overview.to_json() if m.overview is not None else None, now, now) for m in messages])

    def requeue_skipped(self, chat_id: int, day: str, messages: list[OutboxMessage]) -> None:
        """The papers a capped digest left out are asked for: queue them, once."""
        now = utcnow().isoformat()
        base_ids = self.skipped(chat_id, day)
        with self.db.conn:
            self.db.execute("UPDATE digest_days SET skipped = NULL WHERE chat_id = ? AND day = ?", [chat_id, day])
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO deliveries (chat_id, base_id, day, state, created_at, updated_at) "
                "VALUES (?, ?, ?, 'queued', ?, ?)", [(chat_id, b, day, now, now) for b in base_ids])
            self._queue_messages(chat_id, day, messages, now)

    def matched_name(self, chat_id: int, base_id: str = "", row_id: int = 0) -> MatchedName | None:
        """How a paper this chat received matched by another name (the newest record), by paper or by record."""
        where, values = ("id = ?", [row_id]) if row_id else ("base_id = ?", [base_id])
        row = next(iter(self._rows(f"SELECT * FROM matched_names WHERE chat_id = ? AND {where} ORDER BY id DESC "
                                   "LIMIT 1", [chat_id, *values])), None)
        return MatchedName(row["id"], row["chat_id"], row["base_id"], row["query"], row["name"]) if row else None

    def told_revisions(self, chat_id: int) -> set[tuple[str, int]]:
        """(base ID, version) of the new versions this chat's digests told of."""
        return {(row["base_id"], int(row["version"])) for row in self._rows(
            "SELECT base_id, version FROM revisions_told WHERE chat_id = ?", [chat_id])}

    def delivered_on(self, chat_id: int, day: str) -> list[str]:
        """Papers of the chat's digest of `day` (sent or on their way), in digest order."""
        return _unpack(self._day(chat_id, day)["received"]) + [r["base_id"] for r in self._rows(
            "SELECT base_id FROM deliveries WHERE chat_id = ? AND day = ? AND state IN ('queued', 'sent') "
            "ORDER BY id", [chat_id, day])]

    def skipped(self, chat_id: int, day: str) -> list[str]:
        return _unpack(self._day(chat_id, day)["skipped"])

    def _day(self, chat_id: int, day: str) -> dict[str, Any]:
        """The chat's row of `day` (packed lists of what it received and what was left out), empty if none."""
        row = next(iter(self._rows("SELECT received, skipped FROM digest_days WHERE chat_id = ? AND day = ?",
                                   [chat_id, day])), None)
        return row or {"received": None, "skipped": None}

    def pending_outbox(self, now: datetime) -> list[tuple[int, int]]:
        """(id, chat id) of the messages to send, oldest first; `sending` ones were in flight at a crash and go
        again. Ids only: a message's text is read when it is sent (tens of thousands may be queued)."""
        return [(row["id"], row["chat_id"]) for row in self._rows(
            "SELECT o.id, o.chat_id FROM outbox o JOIN chats c ON c.id = o.chat_id "
            "WHERE o.state IN ('pending', 'sending') AND c.active = 1 AND (o.not_before IS NULL OR o.not_before <= ?) "
            "ORDER BY o.id", [now.isoformat()])]

    def start_sending(self, row_ids: list[int]) -> dict[int, QueuedMessage]:
        """The messages about to be sent, read (text included: the queue held ids) and marked `sending` in one
        transaction; a message another drain sent meanwhile is not among them."""
        marks = ",".join("?" * len(row_ids))
        with self.db.conn:
            rows = self._rows(f"SELECT * FROM outbox WHERE id IN ({marks}) AND state IN ('pending', 'sending')",
                              row_ids)
            self.db.execute(f"UPDATE outbox SET state = 'sending', updated_at = ? WHERE id IN ({marks}) "
                            "AND state IN ('pending', 'sending')", [utcnow().isoformat(), *row_ids])
        return {row["id"]: _queued(row) for row in rows}

    def mark_sent(self, sent: list[tuple[int, list[int]]]) -> None:
        """Messages Telegram took — (outbox id, its message ids) — in one transaction: their papers join what the
        chat received that day (one row per chat and day), their delivery rows and the messages themselves go."""
        if not sent:
            return
        marks = ",".join("?" * len(sent))
        with self.db.conn:
            rows = self._rows(f"SELECT chat_id, day, base_ids FROM outbox WHERE id IN ({marks}) ORDER BY id",
                              [row_id for row_id, _ in sent])
            days: dict[tuple[int, str], list[str]] = {}
            for row in rows:
                days.setdefault((row["chat_id"], row["day"] or ""), []).extend(json.loads(row["base_ids"]))
            for (chat_id, day), base_ids in days.items():
                if base_ids:
                    self._receive(chat_id, day, base_ids)
            self.db.conn.executemany("DELETE FROM outbox WHERE id = ?", [(row_id,) for row_id, _ in sent])

    def _receive(self, chat_id: int, day: str, base_ids: list[str]) -> None:
        """Papers now received: appended to the chat's day, their per-paper delivery rows removed."""
        received = _unpack(self._day(chat_id, day)["received"])
        received += [b for b in base_ids if b not in received]
        self.db.execute("INSERT INTO digest_days (chat_id, day, received, skipped) VALUES (?, ?, ?, NULL) "
                        "ON CONFLICT (chat_id, day) DO UPDATE SET received = excluded.received",
                        [chat_id, day, _pack(received)])
        self.db.conn.executemany("DELETE FROM deliveries WHERE chat_id = ? AND base_id = ? AND day = ?",
                                 [(chat_id, b, day) for b in base_ids])

    def mark_outbox(self, row_id: int, state: str, **fields: Any) -> None:
        """A message back in line (`pending`), or given up (`failed`). Plain SQL: sqlite-utils would re-read the
        schema each time."""
        now = utcnow().isoformat()
        with self.db.conn:
            columns = "".join(f", {name} = ?" for name in fields)
            self.db.execute(f"UPDATE outbox SET state = ?, updated_at = ?{columns} WHERE id = ?",
                            [state, now, *fields.values(), row_id])


def _queued(row: dict[str, Any]) -> QueuedMessage:
    buttons = tuple(tuple(Button(b["text"], b.get("data", ""), b.get("url", "")) for b in line)
                    for line in json.loads(row["buttons"] or "[]"))
    message = OutboxMessage(row["kind"], row["text"] or "", buttons, tuple(json.loads(row["base_ids"] or "[]")),
                            row.get("paper") or "",
                            Overview.from_json(row["overview"]) if row.get("overview") else None)
    return QueuedMessage(row["id"], row["chat_id"], row["day"] or "", row.get("attempts") or 0, message)
