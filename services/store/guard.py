"""Whether a database file is Papergram's to use — checked before a byte is written. Pure file inspection.

Accepted: no file yet, an empty file, or an intact Papergram database whose migrations this version knows.
Anything else (a random file, another program's SQLite file, a damaged file, one written by a newer
Papergram, a directory, a read-only place) is refused with one line for the operator.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from services.store.migrations import MIGRATIONS_TABLE, migrations

SQLITE_HEADER = b"SQLite format 3\x00"


class StoreRefused(Exception):
    """The database file is not one the store may use; the message is one line for the operator."""


def _known_migrations() -> list[str]:
    return [m.name for m in migrations.pending(Database(memory=True))]


def read_state(path: Path, key: str) -> str | None:
    """A service-state value read without opening the store for writing (for `bot.py health`)."""
    if not path.exists():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT value FROM service_state WHERE key = ?", [key]).fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


_accepted: set[tuple[str, int, int]] = set()
"""Files found good, as (path, size, modification time): `bot.py` checks before logging a line, the store checks
again when it opens; `quick_check` reads the whole file, so an unchanged file is not read twice."""


def check_database(path: Path) -> None:
    """Refuse a file that is not ours to write, without changing a byte of it.

    Accepted: no file yet, an empty file, or an intact Papergram database whose migrations this version knows.
    """
    stamp = (str(path.resolve()), *_size_and_time(path))
    if stamp in _accepted:
        return
    _check(path)
    if stamp[1]:
        _accepted.add(stamp)


def _size_and_time(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return 0, 0
    return (info.st_size, info.st_mtime_ns) if path.is_file() else (0, 0)


def _check(path: Path) -> None:
    if path.is_dir():
        raise StoreRefused(f"{path} is a directory, not a database file (set PAPERGRAM_DB to a file path)")
    folder = path.parent if str(path.parent) else Path(".")
    if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise StoreRefused(f"cannot write in {folder} (SQLite needs to create files beside {path.name})")
    if not path.exists() or path.stat().st_size == 0:
        return
    if not os.access(path, os.R_OK | os.W_OK):
        raise StoreRefused(f"{path} is not readable and writable by this user")
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise StoreRefused(f"{path} is not an SQLite database; refusing to touch it")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied = [row[0] for row in connection.execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", [migrations.name])] \
                if MIGRATIONS_TABLE in tables else []
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise StoreRefused(f"{path} is damaged ({error}); restore it from a backup") from None
    if problems != ["ok"]:
        found = " ".join(str(problems[0]).split())  # SQLite's report may span lines: the operator reads one
        raise StoreRefused(f"{path} is damaged (quick_check: {found}); restore it from a backup")
    if tables and not applied:
        raise StoreRefused(f"{path} belongs to another program (no Papergram schema); refusing to touch it")
    unknown = [name for name in applied if name not in _known_migrations()]
    if unknown:
        raise StoreRefused(f"{path} was written by a newer Papergram (migration {unknown[0]}); upgrade Papergram")
