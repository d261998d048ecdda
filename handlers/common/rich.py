"""Bot API 10.1–10.3 objects PTB 22.8 does not know yet — rich messages, their blocks and buttons, ephemeral
parameters — as small frozen dataclasses that serialise to the JSON the Bot API documents
(core.telegram.org/bots/api#inputrichmessage …). The one place these shapes are written; `botapi.py` sends them.

Rich text is a string, a list of rich texts, or a typed span (`Bold`, `Italic`, `Link`, `Math`). Photos are
uploaded with the message: each `Photo` names an `attach://` part the caller sends beside the JSON.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

COLUMN_LIMIT = 20
BUTTONS_PER_ROW = 8


@dataclass(frozen=True)
class Bold:
    text: RichText

    def to_json(self) -> dict[str, Any]:
        return {"type": "bold", "text": rich_json(self.text)}


@dataclass(frozen=True)
class Italic:
    text: RichText

    def to_json(self) -> dict[str, Any]:
        return {"type": "italic", "text": rich_json(self.text)}


@dataclass(frozen=True)
class Link:
    text: RichText
    url: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "url", "text": rich_json(self.text), "url": self.url}


@dataclass(frozen=True)
class Math:
    """A formula in LaTeX, drawn by the client."""

    expression: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "mathematical_expression", "expression": self.expression}


RichText: TypeAlias = str | Bold | Italic | Link | Math | Sequence["RichText"]


def rich_json(text: RichText) -> Any:
    if isinstance(text, str):
        return text
    if isinstance(text, Bold | Italic | Link | Math):
        return text.to_json()
    return [rich_json(part) for part in text]


def plain(text: RichText) -> str:
    """What a reader reads of `text` (a formula by its source): is there anything to show."""
    if isinstance(text, str):
        return text
    if isinstance(text, Math):
        return text.expression
    if isinstance(text, Bold | Italic | Link):
        return plain(text.text)
    return "".join(plain(part) for part in text)


_INLINE_MATH = re.compile(r"(?<![\\$])\$([^$\n]{1,200}?)\$(?!\d)")


def with_math(text: str) -> RichText:
    """`text` with its `$…$` LaTeX (as an LLM or a paper writes it) as formulas; a price like "$5" stays text."""
    parts: list[RichText] = []
    last = 0
    for match in _INLINE_MATH.finditer(text):
        source = match[1].strip()
        if not source or not re.search(r"[\\^_{}=<>]|[a-zA-Z]", source):
            continue
        if match.start() > last:
            parts.append(text[last:match.start()])
        parts.append(Math(source))
        last = match.end()
    if not parts:
        return text
    if last < len(text):
        parts.append(text[last:])
    return parts


# Blocks -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    text: RichText

    def to_json(self) -> dict[str, Any]:
        return {"type": "paragraph", "text": rich_json(self.text)}


@dataclass(frozen=True)
class Heading:
    text: RichText
    size: int = 2
    """1 (largest) to 6."""

    def to_json(self) -> dict[str, Any]:
        return {"type": "heading", "text": rich_json(self.text), "size": self.size}


@dataclass(frozen=True)
class Footer:
    text: RichText

    def to_json(self) -> dict[str, Any]:
        return {"type": "footer", "text": rich_json(self.text)}


@dataclass(frozen=True)
class ListBlock:
    """A bulleted list (numbered when `ordered`), each item one paragraph."""

    items: tuple[RichText, ...]
    ordered: bool = False

    def to_json(self) -> dict[str, Any]:
        items = []
        for number, item in enumerate(self.items, 1):
            entry: dict[str, Any] = {"blocks": [Paragraph(item).to_json()]}
            if self.ordered:
                entry.update(value=number, type="1")
            items.append(entry)
        return {"type": "list", "items": items}


@dataclass(frozen=True)
class Details:
    """A block the reader opens on tap (HTML's <details>)."""

    summary: RichText
    blocks: tuple[Block, ...]
    is_open: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "details", "summary": rich_json(self.summary),
                                "blocks": [b.to_json() for b in self.blocks]}
        if self.is_open:
            data["is_open"] = True
        return data


@dataclass(frozen=True)
class Table:
    """Rows of cells, the first row the header; at most 20 columns (the Bot API's limit)."""

    rows: tuple[tuple[RichText, ...], ...]
    caption: RichText = ""

    def to_json(self) -> dict[str, Any]:
        cells = [[{"align": "left" if column == 0 else "center", "valign": "middle", "text": rich_json(cell),
                   **({"is_header": True} if index == 0 else {})}
                  for column, cell in enumerate(row[:COLUMN_LIMIT])] for index, row in enumerate(self.rows)]
        data: dict[str, Any] = {"type": "table", "cells": cells, "is_bordered": True, "is_striped": True,
                                "is_compact": True}
        if plain(self.caption):
            data["caption"] = rich_json(self.caption)
        return data


@dataclass(frozen=True)
class Photo:
    """A photo uploaded with the message as the multipart part `attach` (or a file_id Telegram knows)."""

    media: str
    caption: RichText = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "photo", "photo": {"type": "photo", "media": self.media}}
        if plain(self.caption):
            data["caption"] = {"text": rich_json(self.caption)}
        return data


@dataclass(frozen=True)
class Slideshow:
    """Photos the reader swipes through, each with its caption visible."""

    photos: tuple[Photo, ...]

    def to_json(self) -> dict[str, Any]:
        return {"type": "slideshow", "blocks": [p.to_json() for p in self.photos]}


@dataclass(frozen=True)
class RichButton:
    """A button inside the message: callback data (≤ 64 bytes) or a link."""

    text: str
    callback_data: str = ""
    url: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text}
        if self.url:
            data["url"] = self.url
        else:
            data["callback_data"] = self.callback_data
        return data


@dataclass(frozen=True)
class Buttons:
    """One row of 1–8 buttons."""

    buttons: tuple[RichButton, ...]

    def to_json(self) -> dict[str, Any]:
        return {"type": "buttons", "buttons": [b.to_json() for b in self.buttons[:BUTTONS_PER_ROW]]}


Block: TypeAlias = Paragraph | Heading | Footer | ListBlock | Details | Table | Photo | Slideshow | Buttons


@dataclass(frozen=True)
class RichMessage:
    """An `InputRichMessage` described by blocks; `files` are the photos' bytes by attach name."""

    blocks: tuple[Block, ...]
    files: dict[str, bytes] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"blocks": [b.to_json() for b in self.blocks], "skip_entity_detection": True}

    def without_media(self) -> RichMessage:
        """The message with no uploads (a draft may not upload files)."""
        return RichMessage(tuple(b for b in self.blocks if not isinstance(b, Photo | Slideshow)))


@dataclass(frozen=True)
class Ephemeral:
    """`EphemeralMessageParameters` (10.3): a message in a group that only `user_id` sees — in answer to a button
    they pressed (`callback_query_id`) or to an ephemeral command of theirs."""

    user_id: int
    callback_query_id: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"receiver_user_id": self.user_id}
        if self.callback_query_id:
            data["callback_query_id"] = self.callback_query_id
        return data
