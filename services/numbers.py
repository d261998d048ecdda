"""Every number in an LLM's prose must be one the paper states. Pure.

Numbers are compared as values, written any usual way: 1,024 = 1024, 0.5 = .5 = 0.50, 50% = 50 %, 3× = 3x = 3.
A sentence whose numbers are not all in the paper (its text, title, abstract or comment) is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NUMBER = re.compile(r"(?<![\d.,A-Za-z])(?<![A-Za-z]-)(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?![\d])(?![A-WYZa-wyz])")
"""A number, not part of a name: `GPT-4`, `ResNet-50`, `top-1`, `L2`, `3D` and `1e5` are not claims (`3x` is)."""


def _value(token: str) -> str | None:
    token = token.replace(",", "")
    if not token or not any(c.isdigit() for c in token):
        return None
    try:
        number = float(token)
    except ValueError:
        return None
    return f"{number:g}" if abs(number) < 1e15 else token


def numbers_in(text: str) -> set[str]:
    """The numeric values a text states (written out: `1024`, `0.5`, `50`)."""
    found = set()
    for match in _NUMBER.finditer(text):
        value = _value(match.group(0))
        if value is not None:
            found.add(value)
    return found


def sentences_of(text: str) -> list[str]:
    """English and Chinese sentences (a decimal point does not end one)."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z(\[\"“])|(?<=[。！？；])", text.strip())
    return [p.strip() for p in parts if p and p.strip()]


def unsupported(text: str, known: set[str]) -> set[str]:
    return numbers_in(text) - known


def keep_supported(text: str, known: set[str]) -> tuple[str, int]:
    """`text` without the sentences stating a number the paper does not; and how many were dropped. Its
    paragraphs and list items keep their line breaks (a line left empty goes)."""
    lines, dropped = [], 0
    for line in text.split("\n"):
        kept = []
        for sentence in sentences_of(line):
            if unsupported(sentence, known):
                dropped += 1
            else:
                kept.append(sentence)
        joiner = "" if any("\u4e00" <= c <= "\u9fff" for c in line) else " "
        if kept or not line.strip():
            lines.append(joiner.join(kept))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), dropped


def paper_numbers(texts: Iterable[str]) -> set[str]:
    known: set[str] = set()
    for text in texts:
        known |= numbers_in(text)
    return known
