"""Every number and every link in an LLM's prose must be one the paper states. Pure.

Numbers are compared as values, written any usual way: 1,024 = 1024, 0.5 = .5 = 0.50, 50% = 50 %, 3× = 3x = 3.
Links as host and path (`https://www.x.org/a/` = `x.org/a`); Telegram makes even a bare `phish.example/login` a
link, so a prompt-injected paper could otherwise put one on a card. A sentence whose numbers or links are not all
in the paper (its text, title, abstract or comment; arXiv's own links always) is dropped.
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


_LINK = re.compile(
    r"(?i)(?<![@\w.-])(?:https?://[^\s<>\"'()\[\]]+|www\.[^\s<>\"'()\[\]]+|"
    r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|ai|dev|edu|gov|co|me|app|xyz|info|example|site|online|"
    r"tech|cn|uk|de|fr|jp|ru|us|ly|to|gg|sh|page|link|club|biz|top)\b(?:/[^\s<>\"'()\[\]]*)?)")
ALWAYS_LINKED = ("arxiv.org/",)
"""Links a card may name whatever the paper says: arXiv's own."""


def _link(raw: str) -> str:
    link = re.sub(r"(?i)^(?:https?://)?(?:www\.)?", "", raw).lower()
    return link.rstrip(".,;:!?/")


def links_in(text: str) -> set[str]:
    """The links a text names, as host and path."""
    return {_link(found) for found in _LINK.findall(text)}


def unsupported_links(text: str, known: set[str]) -> set[str]:
    """Links of `text` the paper does not give (a shorter form of a link it gives is fine: `github.com/org`)."""
    return {link for link in links_in(text) if not link.startswith(ALWAYS_LINKED)
            and not any(k == link or k.startswith(link + "/") for k in known)}


def unsupported(text: str, known: set[str]) -> set[str]:
    return numbers_in(text) - known


def keep_supported(text: str, known: set[str], links: set[str] | None = None) -> tuple[str, int]:
    """`text` without the sentences stating a number (or, given the paper's `links`, naming a link) the paper does
    not; and how many were dropped. Its paragraphs and list items keep their line breaks (an emptied line goes)."""
    lines, dropped = [], 0
    for line in text.split("\n"):
        kept = []
        for sentence in sentences_of(line):
            if unsupported(sentence, known) or (links is not None and unsupported_links(sentence, links)):
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
