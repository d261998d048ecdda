"""Popularity signals cached for the day: each source asked at most once a UTC day per key."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from services.store.base import StoreBase


class SignalRecords(StoreBase):
    def signals(self, source: str, keys: Sequence[str], day: str) -> dict[str, Any]:
        """The values of `keys` read from `source` on `day` (older ones are stale: not returned)."""
        found: dict[str, Any] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start:start + 500])
            marks = ",".join("?" * len(chunk))
            for row in self._rows(f"SELECT key, value FROM signals WHERE source = ? AND day = ? AND key IN ({marks})",
                                  [source, day, *chunk]):
                found[row["key"]] = json.loads(row["value"])
        return found

    def save_signals(self, source: str, day: str, values: dict[str, Any]) -> None:
        with self.db.conn:
            self.db.conn.executemany(
                "INSERT INTO signals (source, key, day, value) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (source, key) DO UPDATE SET day = excluded.day, value = excluded.value",
                [(source, key, day, json.dumps(value)) for key, value in values.items()])
