"""The one SQLite file behind Papergram, through sqlite-utils.

Used from the event loop's thread only (a sqlite-utils `Database` belongs to the thread that made it); every
query here is a quick indexed lookup, so it does not hold up the loop in any way that matters.

The store touches only a file it owns: before anything is written, `check_database` (services/store_guard.py)
makes sure the file is empty or a Papergram database this version knows, intact, and writable.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError, Table

from services.announcements import Announcement
from services.migrations import migrations
from services.models import ChatSettings, FigureImage, PaperMeta, PaperText, PdfContent
from services.store_guard import StoreRefused, check_database
from services.topics import Topic

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class PaperMessage:
    """What a message of the bot's is about: a paper, one of its figures, or an answer in a thread."""

    base_id: str
    version: int
    figure: str
    history: list[tuple[str, str]]


@dataclass(frozen=True)
class QueuedDigest:
    """A chat's planned digest: its messages, and the papers it skipped (over the daily cap)."""

    chat_id: int
    day: str
    local_date: str
    messages: list[dict[str, Any]]
    skipped: list[str]


BROKEN_ERRORS = ("malformed", "not a database", "disk i/o error", "corrupt")
"""SQLite errors that mean the file is damaged (a busy database is not)."""


SKIPPED_KEPT = timedelta(days=7)
"""How long "Show N more" can still send what a capped digest left out."""


def _pack(base_ids: list[str]) -> bytes:
    """A list of arXiv IDs as stored for a chat's day: space-joined and compressed (~4 bytes an ID)."""
    return zlib.compress(" ".join(base_ids).encode(), 9)


def _unpack(blob: bytes | str | None) -> list[str]:
    if not blob:
        return []
    text = zlib.decompress(blob).decode() if isinstance(blob, bytes) else blob
    return list(json.loads(text)) if text.startswith("[") else text.split()


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    columns = [c[0] for c in cursor.description or ()]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


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
        check_database(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreRefused(f"cannot create {path.parent}: {error.strerror}") from None
        self.broken = ""
        """Why the database stopped taking writes at run time (a damaged file); empty while it is fine."""
        self._path = path
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-reader")
        self._reading: sqlite3.Connection | None = None
        self.db = Database(path)
        self.db.enable_wal()
        # WAL with synchronous=NORMAL survives a killed process intact; only a power cut can lose the last commits
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA busy_timeout = 5000")
        self.db.execute("PRAGMA journal_size_limit = 33554432")  # the WAL shrinks back to 32 MB after a big day
        migrations.apply(self.db)

    def close(self) -> None:
        self._reader.submit(self._close_reader).result()
        self._reader.shutdown()
        self.db.close()

    # Reads off the event loop --------------------------------------------------------------------------

    async def read(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """A read over many rows (every chat, every topic), on the store's reader thread with its own
        connection: the event loop goes on answering users meanwhile (WAL: the reader never blocks a write)."""
        return await asyncio.get_running_loop().run_in_executor(self._reader, self._read, sql, params)

    def _read(self, sql: str, params: list[Any] | tuple[Any, ...]) -> list[dict[str, Any]]:
        if self._reading is None:  # made in the reader thread, used only there (sqlite3's rule)
            self._reading = sqlite3.connect(self._path, timeout=5.0)
            self._reading.execute("PRAGMA query_only = ON")
        return _dicts(self._reading.execute(sql, params))

    def _close_reader(self) -> None:
        if self._reading is not None:
            self._reading.close()
            self._reading = None

    def mark_broken(self, error: str) -> bool:
        """A damaged file showed itself at run time: no more writes (they would spread the damage).
        Returns whether `error` was such damage; a busy or locked database is not."""
        if not any(sign in error.lower() for sign in BROKEN_ERRORS):
            return False
        if not self.broken:
            self.broken = error
            with contextlib.suppress(sqlite3.DatabaseError):  # then every write fails anyway
                self.db.execute("PRAGMA query_only = ON")
        return True

    def _table(self, name: str) -> Table:
        return self.db.table(name)

    def _rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Rows as dicts straight from the connection: sqlite-utils' `query` wraps every read in a savepoint,
        which costs more than the read itself on the planner's hot path."""
        return _dicts(self.db.conn.execute(sql, params))

    # Chats ---------------------------------------------------------------------------------------------

    def get_chat(self, chat_id: int) -> ChatSettings | None:
        """One indexed read (plain SQL: sqlite-utils' `get` re-reads the table's schema every time)."""
        row = next(iter(self._rows("SELECT * FROM chats WHERE id = ?", [chat_id])), None)
        return None if row is None else self._chat(row)

    @staticmethod
    def _chat(row: dict[str, Any]) -> ChatSettings:
        return ChatSettings(
            chat_id=row["id"],
            type=row["type"],
            title=row["title"] or "",
            language=row["language"],
            timezone=row["timezone"],
            digest_time=row["digest_time"],
            mode=row["mode"],
            active=bool(row["active"]),
            paused=bool(row.get("paused") or 0),
            replacements=bool(row.get("replacements") or 0),
            crosslists=bool(row.get("crosslists", 1)),
            archives=row.get("archives") or "",
            quiet_note=bool(row.get("quiet_note") or 0),
            last_digest_day=row.get("last_digest_day") or "",
            last_digest_local=row.get("last_digest_local") or "",
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
        changes = {k: int(v) if isinstance(v, bool) else v for k, v in changes.items()}
        self._table("chats").update(chat_id, {**changes, "updated_at": utcnow().isoformat()})

    async def active_zones(self) -> list[str]:
        return [row["timezone"] for row in await self.read(
            "SELECT DISTINCT timezone FROM chats WHERE active = 1 AND paused = 0")]

    async def due_chats(self, local: dict[str, tuple[str, str]]) -> list[ChatSettings]:
        """Active chats with topics whose digest time has passed today in their zone and whose digest of today
        is not made: `local` gives each zone's (HH:MM, YYYY-MM-DD) now. One query: an idle minute at 50,000
        chats reads no chat at all."""
        if not local:
            return []
        clauses = " OR ".join("(timezone = ? AND digest_time <= ? AND coalesce(last_digest_local, '') != ?)"
                              for _ in local)
        params = [value for zone, (clock, today) in local.items() for value in (zone, clock, today)]
        return [self._chat(row) for row in await self.read(
            f"SELECT * FROM chats WHERE active = 1 AND paused = 0 AND ({clauses}) "
            "AND id IN (SELECT chat_id FROM subscriptions) ORDER BY id", params)]

    async def active_topics(self) -> list[tuple[str, Topic]]:
        """Every distinct (chat archives, topic) among chats that receive digests: what the feeds must cover,
        in one query however many chats share a topic."""
        return [(row["archives"] or "", Topic(row["kind"], row["topic"], row["query"])) for row in await self.read(
            "SELECT DISTINCT c.archives, s.kind, min(s.topic) AS topic, s.query FROM subscriptions s "
            "JOIN chats c ON c.id = s.chat_id WHERE c.active = 1 AND c.paused = 0 "
            "GROUP BY c.archives, s.kind, s.query")]

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: everything of the old id moves to the new one."""
        with self.db.conn:
            if self.get_chat(new_id) is None:
                self.db.execute("UPDATE chats SET id = ?, type = 'supergroup' WHERE id = ?", [new_id, old_id])
            else:
                self.db.execute("DELETE FROM chats WHERE id = ?", [old_id])
            for table in ("subscriptions", "deliveries", "outbox", "ratings", "chat_models", "cards_sent",
                          "card_requests", "saved", "digest_days"):
                self.db.execute(f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?", [new_id, old_id])

    # Subscriptions -------------------------------------------------------------------------------------

    def topics(self, chat_id: int) -> list[tuple[int, Topic]]:
        return [(row["id"], Topic(row["kind"], row["topic"], row["query"])) for row in self._rows(
            "SELECT id, kind, topic, query FROM subscriptions WHERE chat_id = ? ORDER BY id", [chat_id])]

    def add_topic(self, chat_id: int, topic: Topic) -> bool:
        """False when the chat already has this topic."""
        if any(existing.query == topic.query for _, existing in self.topics(chat_id)):
            return False
        self._table("subscriptions").insert({"chat_id": chat_id, "topic": topic.text, "kind": topic.kind,
                                             "query": topic.query, "created_at": utcnow().isoformat()})
        return True

    def remove_topic(self, chat_id: int, subscription_id: int) -> Topic | None:
        for sid, topic in self.topics(chat_id):
            if sid == subscription_id:
                self.db.execute("DELETE FROM subscriptions WHERE id = ?", [sid])
                return topic
        return None

    # Announcements -------------------------------------------------------------------------------------

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

    def prune_announcements(self, before: str) -> None:
        """Forget announcements of days before `before`: digests only ever look at the last few days."""
        self.db.execute("DELETE FROM announcements WHERE day < ?", [before])

    def announcement_days(self) -> list[str]:
        return [row["day"] for row in self._rows("SELECT DISTINCT day FROM announcements ORDER BY day")]

    def feed_state(self, name: str) -> dict[str, Any]:
        try:
            return dict(self._table("feeds").get(name))
        except NotFoundError:
            return {"name": name}

    def save_feed_state(self, name: str, **state: Any) -> None:
        self._table("feeds").upsert({"name": name, **state}, pk="name")

    # Deliveries and the outbox -------------------------------------------------------------------------

    def delivered(self, chat_id: int) -> set[str]:
        """Papers this chat has had, or has queued, in any digest, or keeps on its reading list: a chat gets
        each paper at most once, and never one it saved already."""
        found = {row["base_id"] for row in self._rows(
            "SELECT base_id FROM deliveries WHERE chat_id = ? UNION SELECT base_id FROM saved WHERE chat_id = ?",
            [chat_id, chat_id])}
        for row in self._rows("SELECT received, skipped FROM digest_days WHERE chat_id = ?", [chat_id]):
            found.update(_unpack(row["received"]), _unpack(row["skipped"]))
        return found

    def queue_digest(self, chat_id: int, day: str, local_date: str, messages: list[dict[str, Any]],
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
                papers = [b for m in d.messages for b in m["base_ids"]]
                self.db.conn.executemany(
                    "INSERT OR IGNORE INTO deliveries (chat_id, base_id, day, state, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [(d.chat_id, b, d.day, "queued", now, now) for b in papers])
                if d.skipped:  # one row per chat and day, not one per paper left out
                    self.db.execute("INSERT INTO digest_days (chat_id, day, received, skipped) VALUES (?, ?, NULL, ?) "
                                    "ON CONFLICT (chat_id, day) DO UPDATE SET skipped = excluded.skipped",
                                    [d.chat_id, d.day, _pack(d.skipped)])
                self._queue_messages(d.chat_id, d.day, d.messages, now)
            self.db.conn.executemany(
                "UPDATE chats SET last_digest_day = max(coalesce(last_digest_day, ''), ?), last_digest_local = ? "
                "WHERE id = ?", [(d.day, d.local_date, d.chat_id) for d in digests])

    def _queue_messages(self, chat_id: int, day: str, messages: list[dict[str, Any]], now: str) -> None:
        self.db.conn.executemany(
            "INSERT INTO outbox (chat_id, day, kind, text, buttons, base_ids, state, attempts, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
            [(chat_id, day, m["kind"], m.get("text", ""),
              m.get("buttons_json") or json.dumps(m.get("buttons", []), ensure_ascii=False),
              json.dumps(m["base_ids"]), now, now) for m in messages])

    def requeue_skipped(self, chat_id: int, day: str, messages: list[dict[str, Any]]) -> None:
        """The papers a capped digest left out are asked for: queue them, once."""
        now = utcnow().isoformat()
        base_ids = self.skipped(chat_id, day)
        with self.db.conn:
            self.db.execute("UPDATE digest_days SET skipped = NULL WHERE chat_id = ? AND day = ?", [chat_id, day])
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO deliveries (chat_id, base_id, day, state, created_at, updated_at) "
                "VALUES (?, ?, ?, 'queued', ?, ?)", [(chat_id, b, day, now, now) for b in base_ids])
            self._queue_messages(chat_id, day, messages, now)

    def delivered_on(self, chat_id: int, day: str) -> list[str]:
        """Papers of the chat's digest of `day` (sent or on their way), in digest order."""
        row = next(iter(self._rows("SELECT received FROM digest_days WHERE chat_id = ? AND day = ?",
                                   [chat_id, day])), None)
        return (_unpack(row["received"]) if row else []) + [r["base_id"] for r in self._rows(
            "SELECT base_id FROM deliveries WHERE chat_id = ? AND day = ? AND state IN ('queued', 'sent') "
            "ORDER BY id", [chat_id, day])]

    def skipped(self, chat_id: int, day: str) -> list[str]:
        row = next(iter(self._rows("SELECT skipped FROM digest_days WHERE chat_id = ? AND day = ?",
                                   [chat_id, day])), None)
        return _unpack(row["skipped"]) if row else []

    def pending_outbox(self, now: datetime) -> list[tuple[int, int]]:
        """(id, chat id) of the messages to send, oldest first; `sending` ones were in flight at a crash and go
        again. Ids only: a message's text is read when it is sent (tens of thousands may be queued)."""
        return [(row["id"], row["chat_id"]) for row in self._rows(
            "SELECT o.id, o.chat_id FROM outbox o JOIN chats c ON c.id = o.chat_id "
            "WHERE o.state IN ('pending', 'sending') AND c.active = 1 AND (o.not_before IS NULL OR o.not_before <= ?) "
            "ORDER BY o.id", [now.isoformat()])]

    def start_sending(self, row_ids: list[int]) -> dict[int, dict[str, Any]]:
        """The messages about to be sent, read (text included: the queue held ids) and marked `sending` in one
        transaction; a message another drain sent meanwhile is not among them."""
        marks = ",".join("?" * len(row_ids))
        with self.db.conn:
            rows = self._rows(f"SELECT * FROM outbox WHERE id IN ({marks}) AND state IN ('pending', 'sending')",
                              row_ids)
            self.db.execute(f"UPDATE outbox SET state = 'sending', updated_at = ? WHERE id IN ({marks}) "
                            "AND state IN ('pending', 'sending')", [utcnow().isoformat(), *row_ids])
        return {row["id"]: row for row in rows}

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
        known = next(iter(self._rows("SELECT received FROM digest_days WHERE chat_id = ? AND day = ?",
                                     [chat_id, day])), None)
        received = _unpack(known["received"]) if known else []
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

    # Retention -------------------------------------------------------------------------------------------

    def prune(self, history_before: str, cache_before: str, skipped_before: str) -> dict[str, int]:
        """What a chat received and said, kept `RETENTION_DAYS`; heavy caches (paper text, crops) kept less;
        skipped lists a week. Rows still on their way (pending, queued) are never pruned. Freed pages are
        reused: no VACUUM needed."""
        statements = {
            "outbox": ("DELETE FROM outbox WHERE day < ? AND state = 'failed'", history_before),
            "deliveries": ("DELETE FROM deliveries WHERE day < ? AND NOT EXISTS (SELECT 1 FROM outbox o "
                           "WHERE o.chat_id = deliveries.chat_id AND o.day = deliveries.day)", history_before),
            "digest_days": ("DELETE FROM digest_days WHERE day < ?", history_before),
            "skipped_lists": ("UPDATE digest_days SET skipped = NULL WHERE day < ? AND skipped IS NOT NULL",
                              skipped_before),
            "paper_messages": ("DELETE FROM paper_messages WHERE sent_at < ?", history_before),
            "answers": ("DELETE FROM answers WHERE created_at < ?", history_before),
            "summaries": ("DELETE FROM summaries WHERE created_at < ?", history_before),
            "card_requests": ("DELETE FROM card_requests WHERE created_at < ?", history_before),
            "llm_calls": ("DELETE FROM llm_calls WHERE day < ?", history_before[:10]),
            "documents": ("DELETE FROM documents WHERE created_at < ?", cache_before),
            "figures": ("DELETE FROM figures WHERE created_at IS NULL OR created_at < ?", cache_before),
        }
        removed = {}
        with self.db.conn:
            for table, (sql, before) in statements.items():
                removed[table] = self.db.execute(sql, [before]).rowcount
        return removed

    def hold_chat(self, chat_id: int) -> None:
        """The chat blocked or removed the bot: keep its messages, send them if it comes back."""
        with self.db.conn:
            self.db.execute("UPDATE outbox SET state = 'pending' WHERE chat_id = ? AND state = 'sending'", [chat_id])
            self.db.execute("UPDATE chats SET active = 0, updated_at = ? WHERE id = ?", [utcnow().isoformat(),
                                                                                        chat_id])

    # Card requests: the journal that lets a restart finish what a user asked for -------------------------

    def add_card_request(self, chat_id: int, chat_type: str, message_id: int, status_id: int, ref: str,
                         language: str, reply_to: int | None) -> int | None:
        """Journal a request before the work starts; None when that very request is journaled already."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO card_requests (chat_id, chat_type, message_id, status_id, ref, language, "
            "reply_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [chat_id, chat_type, message_id, status_id, ref, language, reply_to, utcnow().isoformat()])
        self.db.conn.commit()
        return cursor.lastrowid if cursor.rowcount else None

    def finish_card_request(self, request_id: int) -> None:
        self.db.execute("DELETE FROM card_requests WHERE id = ?", [request_id])
        self.db.conn.commit()

    def card_requests(self) -> list[dict[str, Any]]:
        """Requests a previous run accepted and did not finish, oldest first."""
        return [dict(row) for row in self._rows("SELECT * FROM card_requests ORDER BY id")]

    # Ratings, taste models and embeddings ----------------------------------------------------------------

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

    def ratings(self, chat_id: int) -> list[dict[str, Any]]:
        """The chat's ratings, oldest first: base_id, vote, title, abstract, authors (a tuple)."""
        return [{**row, "authors": tuple(json.loads(row["authors"] or "[]"))} for row in self._rows(
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

    def recent_announcements(self, limit: int) -> list[Announcement]:
        """The newest announced papers (any feed), for a taste model's background of unrated papers."""
        return [a for _, a in self._announcement_rows(
            "SELECT * FROM announcements WHERE rowid IN (SELECT max(rowid) FROM announcements GROUP BY base_id) "
            "ORDER BY rowid DESC LIMIT ?", [limit])]

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

    def saved(self, chat_id: int) -> list[dict[str, Any]]:
        """The chat's reading list, newest first: base_id, versioned_id, title."""
        return self._rows("SELECT base_id, versioned_id, title FROM saved WHERE chat_id = ? ORDER BY saved_at DESC, "
                          "rowid DESC", [chat_id])

    # Service state and usage -------------------------------------------------------------------------------

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

    # Conversations with a paper ----------------------------------------------------------------------

    def record_paper_messages(self, chat_id: int, paper: PaperMeta, messages: list[tuple[int, str]],
                              history: list[tuple[str, str]] | None = None) -> None:
        """The bot's messages about `paper` in a chat — (message id, figure number or "") — so that a reply to
        any of them asks that paper (that figure); an answer carries its thread's `history`."""
        now = utcnow().isoformat()
        thread = json.dumps(history or [], ensure_ascii=False)
        with self.db.conn:
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO paper_messages (chat_id, message_id, base_id, version, figure, history, "
                "sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(chat_id, message_id, paper.base_id, paper.version, figure, thread, now)
                 for message_id, figure in messages])

    def record_figure_messages(self, chat_id: int, paper: PaperMeta, message_ids: list[int],
                               figures: list[FigureImage]) -> None:
        """An album's photos, each about its figure (a first-page render is about the paper)."""
        self.record_paper_messages(chat_id, paper, [(i, f.number if f.kind != "page" else "")
                                                    for i, f in zip(message_ids, figures, strict=False)])

    def paper_message(self, chat_id: int, message_id: int) -> PaperMessage | None:
        row = next(iter(self._rows("SELECT base_id, version, figure, history FROM paper_messages "
                                   "WHERE chat_id = ? AND message_id = ?", [chat_id, message_id])), None)
        if row is None:
            return None
        history = [(str(q), str(a)) for q, a in json.loads(row["history"] or "[]")]
        return PaperMessage(row["base_id"], int(row["version"]), row["figure"] or "", history)

    def cached_answer(self, key: str) -> str | None:
        row = next(iter(self._rows("SELECT text FROM answers WHERE key = ?", [key])), None)
        return str(row["text"]) if row else None

    def save_answer(self, key: str, text: str) -> None:
        with self.db.conn:
            self.db.execute("INSERT OR REPLACE INTO answers (key, text, created_at) VALUES (?, ?, ?)",
                            [key, text, utcnow().isoformat()])

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
