"""Telegram's HTML parse mode, checked the way the Bot API checks it, so the fake refuses what Telegram refuses.

The rules (core.telegram.org/bots/api#html-style): only the listed tags; every `<`, `>` and `&` that is not part
of a tag or an entity escaped; numerical entities and the named `&lt;` `&gt;` `&amp;` `&quot;` only; tags
closed in order; `code`/`pre` hold no other entity; block quotations do not nest. A message holds 4,096
characters after parsing, a caption 1,024 (counted in UTF-16 code units, as Telegram does).
"""

from __future__ import annotations

import html
import re

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "tg-emoji", "code",
        "pre", "blockquote"}
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*(/?)>")
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")


class EntityError(ValueError):
    """What Telegram answers: `Bad Request: can't parse entities: …`."""


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def plain_text(markup: str) -> str:
    """The text a reader sees: `markup` parsed as Telegram parses it, or EntityError."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(markup):
        char = markup[i]
        if char == "<":
            match = _TAG.match(markup, i)
            offset = len(markup[:i].encode())
            if match is None:
                raise EntityError(f"Unsupported start tag at byte offset {offset}")
            closing, name, attrs, _ = match.groups()
            name = name.lower()
            if name not in TAGS:
                raise EntityError(f'Unsupported start tag "{name}" at byte offset {offset}')
            if closing:
                if not stack or stack[-1] != name:
                    raise EntityError(f'Unexpected end tag at byte offset {offset}')
                stack.pop()
            else:
                _check_start(name, attrs, stack, offset)
                stack.append(name)
            i = match.end()
            continue
        if char == ">":
            raise EntityError(f"Unexpected character '>' at byte offset {len(markup[:i].encode())}")
        if char == "&":
            match = _ENTITY.match(markup, i)
            if match is None:
                raise EntityError(f"Unsupported HTML entity at byte offset {len(markup[:i].encode())}")
            out.append(html.unescape(match.group()))
            i = match.end()
            continue
        out.append(char)
        i += 1
    if stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _check_start(name: str, attrs: str, stack: list[str], offset: int) -> None:
    values = {key.lower(): (value or "").strip("\"'") for key, value in _ATTR.findall(attrs)}
    if name == "a" and not values.get("href"):
        raise EntityError(f"Can't find end of URL at byte offset {offset}" if "href" in values
                          else f'Tag "a" must have attribute "href" at byte offset {offset}')
    if name == "span" and values.get("class") != "tg-spoiler":
        raise EntityError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    if name == "tg-emoji" and not values.get("emoji-id", "").isdigit():
        raise EntityError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}')
    if any(outer in ("code", "pre") for outer in stack) and not (name == "code" and stack[-1:] == ["pre"]):
        raise EntityError(f'Entity "{name}" can\'t be nested in a code entity at byte offset {offset}')
    if name == "blockquote" and "blockquote" in stack:
        raise EntityError(f"Blockquote entities can't be nested at byte offset {offset}")
    if name == "a" and "a" in stack:
        raise EntityError(f"Text links can't be nested at byte offset {offset}")


def check(text: str, parse_mode: str | None, limit: int, what: str = "message text") -> str | None:
    """Telegram's 400 description for `text`, or None when Telegram takes it."""
    try:
        shown = plain_text(text) if (parse_mode or "").upper() == "HTML" else text
    except EntityError as error:
        return f"Bad Request: can't parse entities: {error}"
    if what == "message text" and not shown.strip():
        return "Bad Request: message text is empty"
    if _utf16(shown) > limit:
        return f"Bad Request: {what} is too long"
    return None
