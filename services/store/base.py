"""The one SQLite file behind Papergram, through sqlite-utils.

Used from the event loop's thread only (a sqlite-utils `Database` belongs to the thread that made it); every
query here is a quick indexed lookup, so it does not hold up the loop in any way that matters.

The store touches only a file it owns: before anything is written, `check_database` (services/store/guard.py)
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import Table

from services.store.guard import StoreRefused, check_database
from services.store.migrations import migrations

log = logging.getLogger(__name__)


BUSY_TIMEOUT_MS = 250
"""How long a write waits for another process's lock before it fails. Writes run on the event loop, every chat
waits with them: briefly, then the work is held and done again off the loop (handlers/common/held.py; the
scheduler waits a tick)."""

BROKEN_ERRORS = ("malformed", "not a database", "disk i/o error", "corrupt")
"""SQLite errors that mean the file is damaged (a busy database is not)."""


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


class StoreBase:
    """The connection, the reader thread and the helpers every part of the store shares."""

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
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.db.execute("PRAGMA journal_size_limit = 33554432")  # the WAL shrinks back to 32 MB after a big day
        migrations.apply(self.db)

    def close(self) -> None:
        self._reader.submit(self._close_reader).result()
        self._reader.shutdown()
        self.db.close()

    def writable_now(self) -> bool:
        """False while another process holds the write lock. Writes run on the event loop: work that can wait
        (the scheduler's) asks first and waits a tick, rather than stall every chat for the busy timeout."""
        conn = self.db.conn
        if conn.in_transaction:
            return True
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

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
