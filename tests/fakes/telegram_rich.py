"""What the Bot API refuses in an `InputRichMessage` (core.telegram.org/bots/api#inputrichmessage, 10.1–10.3):
exactly one of html/markdown/blocks; known block and text types with their required fields; at most 32,768
characters, 500 blocks, 16 levels, 50 media, 20 table columns, 1–8 buttons a row, callback data of 1–64 bytes;
uploads named by `attach://` present in the request (and none in a draft or an inline result)."""

from __future__ import annotations

from typing import Any

TEXT_TYPES = {"bold": ("text",), "italic": ("text",), "underline": ("text",), "strikethrough": ("text",),
              "spoiler": ("text",), "code": ("text",), "subscript": ("text",), "superscript": ("text",),
              "marked": ("text",), "url": ("text", "url"), "mathematical_expression": ("expression",)}
BLOCK_TYPES = {"paragraph": ("text",), "heading": ("text", "size"), "footer": ("text",), "divider": (),
               "preformatted": ("text",), "list": ("items",), "details": ("summary", "blocks"),
               "table": ("cells",), "photo": ("photo",), "slideshow": ("blocks",), "collage": ("blocks",),
               "buttons": ("buttons",), "block_quotation": ("text",), "mathematical_expression": ("expression",)}
MEDIA_BLOCKS = {"photo"}


class Refused(Exception):
    """A 400 with Telegram's description."""


class _Walk:
    def __init__(self, files: dict[str, bytes], uploads_allowed: bool) -> None:
        self.files = files
        self.uploads_allowed = uploads_allowed
        self.chars = 0
        self.blocks = 0
        self.media = 0

    def text(self, value: Any, depth: int) -> None:
        if depth > 16:
            raise Refused("Bad Request: RICH_TEXT_TOO_DEEP")
        if isinstance(value, str):
            self.chars += len(value)
            return
        if isinstance(value, list):
            for part in value:
                self.text(part, depth + 1)
            return
        if not isinstance(value, dict) or value.get("type") not in TEXT_TYPES:
            raise Refused(f"Bad Request: can't parse rich text: unknown type {value!r:.40}")
        for name in TEXT_TYPES[value["type"]]:
            if name not in value:
                raise Refused(f"Bad Request: field \"{name}\" of rich text \"{value['type']}\" must be present")
        if value["type"] == "mathematical_expression":
            self.chars += len(str(value["expression"]))
        else:
            self.text(value["text"], depth + 1)
        if value["type"] == "url" and not str(value["url"]).startswith(("http://", "https://", "tg://")):
            raise Refused("Bad Request: wrong HTTP URL")

    def block(self, block: Any, depth: int) -> None:
        if depth > 16:
            raise Refused("Bad Request: RICH_BLOCKS_TOO_DEEP")
        if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
            raise Refused(f"Bad Request: unknown rich block type {block!r:.40}")
        kind = block["type"]
        for name in BLOCK_TYPES[kind]:
            if name not in block:
                raise Refused(f"Bad Request: field \"{name}\" of block \"{kind}\" must be present")
        self.blocks += 1
        if kind in ("paragraph", "heading", "footer", "preformatted", "block_quotation"):
            self.text(block["text"], depth + 1)
        if kind == "heading" and not 1 <= int(block["size"]) <= 6:
            raise Refused("Bad Request: heading size must be 1-6")
        if kind == "list":
            for item in block["items"]:
                self.blocks += 1
                for inner in item.get("blocks") or []:
                    self.block(inner, depth + 1)
        if kind == "details":
            self.text(block["summary"], depth + 1)
            for inner in block["blocks"]:
                self.block(inner, depth + 1)
        if kind == "table":
            rows = block["cells"]
            if not rows or any(len(row) > 20 for row in rows):
                raise Refused("Bad Request: a table must have 1-20 columns")
            for row in rows:
                self.blocks += 1
                for cell in row:
                    if cell.get("align") not in ("left", "center", "right") or \
                            cell.get("valign") not in ("top", "middle", "bottom"):
                        raise Refused("Bad Request: wrong table cell alignment")
                    if "text" in cell:
                        self.text(cell["text"], depth + 1)
            if "caption" in block:
                self.text(block["caption"], depth + 1)
        if kind in ("slideshow", "collage"):
            if not block["blocks"] or any(b.get("type") not in MEDIA_BLOCKS for b in block["blocks"]):
                raise Refused(f"Bad Request: a {kind} holds media blocks only")
            for inner in block["blocks"]:
                self.block(inner, depth + 1)
        if kind == "photo":
            self.media += 1
            media = block["photo"]
            if not isinstance(media, dict) or media.get("type") != "photo" or not media.get("media"):
                raise Refused("Bad Request: wrong photo of a rich block")
            reference = str(media["media"])
            if reference.startswith("attach://"):
                if not self.uploads_allowed:
                    raise Refused("Bad Request: file upload isn't supported here")
                if reference[len("attach://"):] not in self.files:
                    raise Refused("Bad Request: media not found in the request")
            if "caption" in block:
                self.text(block["caption"].get("text", ""), depth + 1)
        if kind == "buttons":
            buttons = block["buttons"]
            if not 1 <= len(buttons) <= 8:
                raise Refused("Bad Request: a row holds 1-8 buttons")
            for button in buttons:
                if not str(button.get("text", "")).strip():
                    raise Refused("Bad Request: button text must be non-empty")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise Refused("Bad Request: BUTTON_DATA_INVALID")
                if data is None and not button.get("url"):
                    raise Refused("Bad Request: a button needs exactly one action")


def check(message: Any, files: dict[str, bytes], uploads_allowed: bool = True) -> str:
    """Telegram's description of what is wrong with `message`, or ""."""
    if not isinstance(message, dict):
        return "Bad Request: rich_message must be an object"
    given = [key for key in ("html", "markdown", "blocks") if key in message]
    if len(given) != 1:
        return "Bad Request: exactly one of html, markdown and blocks must be used"
    if given[0] != "blocks":
        return ""  # the fake reads blocks only; the bot sends blocks
    walk = _Walk(files, uploads_allowed)
    try:
        if not message["blocks"]:
            raise Refused("Bad Request: message must be non-empty")
        for block in message["blocks"]:
            walk.block(block, 1)
    except Refused as refused:
        return str(refused)
    if walk.chars > 32768:
        return "Bad Request: MESSAGE_TOO_LONG"
    if walk.blocks > 500:
        return "Bad Request: too many blocks in the rich message"
    if walk.media > 50:
        return "Bad Request: too many media in the rich message"
    return ""


def words(message: dict[str, Any]) -> str:
    """What a reader reads of a rich message, a block a line (for tests to assert on)."""
    out: list[str] = []

    def text(value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, list):
            return "".join(text(v) for v in value)
        if isinstance(value, dict):
            return str(value["expression"]) if value.get("type") == "mathematical_expression" else text(
                value.get("text", ""))
        return ""

    def block(b: dict[str, Any]) -> None:
        kind = b.get("type")
        if kind in ("paragraph", "heading", "footer", "preformatted", "block_quotation"):
            out.append(text(b["text"]))
        elif kind == "list":
            for item in b["items"]:
                for inner in item.get("blocks", []):
                    block(inner)
        elif kind == "details":
            out.append(text(b["summary"]))
            for inner in b["blocks"]:
                block(inner)
        elif kind == "table":
            out.extend(" | ".join(text(c.get("text", "")) for c in row) for row in b["cells"])
        elif kind == "photo":
            out.append(text((b.get("caption") or {}).get("text", "")))
        elif kind in ("slideshow", "collage"):
            for inner in b["blocks"]:
                block(inner)
        elif kind == "buttons":
            out.append(" ".join(str(x.get("text", "")) for x in b["buttons"]))

    for item in message.get("blocks", []):
        block(item)
    return "\n".join(out)
