"""The paper's main results table, read from the cleaned text (which writes each table as Markdown rows followed by
its caption in parentheses): a card in rich form shows it as a real table."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ROWS = 12
MAX_COLUMNS = 8
CELL_LIMIT = 40

_RESULTS = re.compile(r"\b(result|comparison|compar|performance|accuracy|benchmark|main|state[- ]of[- ]the[- ]art|"
                      r"evaluation|ablation)", re.IGNORECASE)
_NUMBER = re.compile(r"\d")


@dataclass(frozen=True)
class ResultsTable:
    caption: str
    rows: tuple[tuple[str, ...], ...]
    """The header first; every row as wide as the header."""


def _tables(text: str) -> list[tuple[list[list[str]], str]]:
    found: list[tuple[list[list[str]], str]] = []
    rows: list[list[str]] = []
    for line in [*text.split("\n"), ""]:
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 2:
            rows.append([cell.strip() for cell in stripped[1:-1].split(" | ")])
            continue
        if rows:
            caption = stripped[1:-1] if stripped.startswith("(") and stripped.endswith(")") else ""
            found.append((rows, caption))
            rows = []
    return found


def _shaped(rows: list[list[str]]) -> tuple[tuple[str, ...], ...] | None:
    """The rows as wide as the most common width (a table read from a page has ragged lines); None if unusable."""
    widths = [len(r) for r in rows if len(r) >= 2]
    if len(widths) < 3:
        return None
    width = max(set(widths), key=widths.count)
    if width > MAX_COLUMNS or widths.count(width) < 3:
        return None
    kept = [r for r in rows if len(r) == width][:MAX_ROWS]
    numeric = sum(1 for r in kept[1:] for c in r[1:] if _NUMBER.search(c))
    if numeric < max(2, (len(kept) - 1) * (width - 1) // 3):  # words laid out as columns, not results
        return None
    return tuple(tuple(cell[:CELL_LIMIT] for cell in r) for r in kept)


def main_table(text: str) -> ResultsTable | None:
    """The table whose caption speaks of results or comparisons (else the first usable one), or None."""
    usable = [(shaped, caption) for rows, caption in _tables(text) if (shaped := _shaped(rows)) is not None]
    if not usable:
        return None
    rows, caption = next(((r, c) for r, c in usable if _RESULTS.search(c)), usable[0])
    return ResultsTable(caption[:300], rows)
