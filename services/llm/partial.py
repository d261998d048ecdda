"""The card's fields while the LLM is still writing them: a prefix of a JSON object read as far as it goes.

A streamed answer is valid JSON only at its end; a reader should see the TL;DR as soon as it is written. The
prefix is closed (an open string, then open arrays and objects) and parsed; a key whose value has not begun is
dropped. Pure and forgiving: text that is no JSON at all gives no fields.
"""

from __future__ import annotations

import json
from typing import Any

from services.llm.port import SummaryFields

_LISTS = {name for name, info in SummaryFields.model_fields.items() if info.annotation in (list[str], "list[str]")}


def empty_summary() -> SummaryFields:
    """A summary with nothing written yet (the card's header alone)."""
    values: dict[str, Any] = {name: [] if name in _LISTS else "" for name in SummaryFields.model_fields}
    return SummaryFields.model_construct(**values)


def _closed(prefix: str) -> str:
    """`prefix` with its open string, arrays and objects closed (it may still not parse: a key without its value)."""
    stack: list[str] = []
    in_string = escaped = False
    for char in prefix:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            stack.append("]" if char == "[" else "}")
        elif char in "]}" and stack:
            stack.pop()
    text = prefix
    if in_string:
        if escaped:
            text = text[:-1]
        text += '"'
    return text + "".join(reversed(stack))


def _parsed(prefix: str) -> dict[str, Any] | None:
    """The longest readable object in `prefix`, cutting back to the last comma until it parses."""
    text = prefix.strip()
    start = text.find("{")
    if start < 0:
        return None
    text = text[start:]
    for _ in range(40):
        try:
            value = json.loads(_closed(text))
        except ValueError:
            pass
        else:
            return value if isinstance(value, dict) else None
        cut = text.rfind(",")
        if cut <= 0:
            return None
        text = text[:cut]
    return None


def partial_summary(prefix: str) -> SummaryFields:
    """The fields written so far in a streamed JSON answer (the others empty)."""
    found = _parsed(prefix) or {}
    summary = empty_summary()
    values: dict[str, Any] = {}
    for name, value in found.items():
        if name not in SummaryFields.model_fields:
            continue
        if name in _LISTS and isinstance(value, list):
            values[name] = [str(item) for item in value if isinstance(item, str)]
        elif name not in _LISTS and isinstance(value, str):
            values[name] = value
    return summary.model_copy(update=values)
