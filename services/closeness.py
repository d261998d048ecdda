"""Where a topic's words stand in a paper: together (in the title, or in one sentence of the abstract), and whether
only as items of a list ("dependence on LLMs, RAG, agents"). Pure functions over text, cached per text.

Why: "LLM agents" as two words anywhere matches a classifier that "removes any dependence on LLMs, RAG, agents"
and an RL paper whose "teacher agents" meet an LLM three sentences later; a survey naming "IoT, cloud, finance,
blockchain" as settings is not about blockchain. Words that belong together stand together, and a paper that names
a topic only in a list still matches, but ranks below the papers about it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from services.text_match import Analyzed, analyze

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"'])")
"""A sentence ends at . ! or ? before a capital, digit or opening mark ("e.g. by" does not end one)."""

_COMMA = re.compile(r",(?!\d{3}(?!\d))")
"""A comma that separates (not the one of "12,640 frames")."""

SHORT_ITEM = 4
"""Words an item of a list has at most ("RAG", "finance", "the SWaT dataset")."""

_LEADS = ("and ", "or ", "as well as ", "e.g. ", "e.g., ", "i.e. ", "including ", "such as ")


@dataclass(frozen=True)
class Unit:
    """A title or one sentence: all its words, and its words outside list items."""

    words: Analyzed
    free: Analyzed


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]


def _core(item: str) -> str:
    """An item of a list without the text that opens or closes the list around it: `environments (IoT` → `IoT`,
    `and blockchain). We` → `blockchain`."""
    opened, closed = item.rfind("("), item.find(")")
    if opened > closed:
        item = item[opened + 1:]  # the list opens inside this item's parenthesis
    elif closed >= 0 and (opened < 0 or opened > closed):
        item = item[:closed]  # … and closes in it
    item = item.strip()
    lowered = item.lower()
    for lead in _LEADS:
        if lowered.startswith(lead):
            item = item[len(lead):]
            break
    return item


def listed(sentence: str) -> tuple[str, str]:
    """(the sentence without its list items, its list items). A list: items separated by commas, the inner ones
    at most `SHORT_ITEM` words, at least two of them or one before a closing "and …"/"or …"; the first item
    closes a longer lead-in (its last words, or what follows its "(") and the last opens a longer ending."""
    parts = _COMMA.split(sentence)
    if len(parts) < 3:
        return sentence, ""
    cores = [_core(p) for p in parts]
    inner = [0 < len(cores[i].split()) <= SHORT_ITEM for i in range(len(parts))]
    items: set[int] = set()
    i = 1
    while i < len(parts) - 1:
        if not inner[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(parts) - 1 and inner[j + 1]:
            j += 1
        closing = parts[j + 1].strip().lower().startswith(("and ", "or ", "as well as "))
        if j > i or closing:
            items.update(range(i - 1, j + 2))
        i = j + 1
    if not items:
        return sentence, ""
    free, found = [], []
    for i, part in enumerate(parts):
        if i not in items:
            free.append(part)
            continue
        if i - 1 not in items:  # the lead-in: what follows its "(", or its last words
            head, _, tail = part.rpartition("(")
            if not head or ")" in tail:
                words = part.split()
                head, tail = " ".join(words[:-2]), " ".join(words[-2:])
            free.append(head)
            found.append(tail)
        elif i + 1 not in items:  # the ending: what precedes its ")", or its first words
            head, close, tail = part.partition(")")
            if not close:
                words = part.split()
                lead = 1 if words and words[0].lower() in ("and", "or") else 0
                head, tail = " ".join(words[:lead + 2]), " ".join(words[lead + 2:])
            found.append(head)
            free.append(tail)
        else:
            core = cores[i]
            found.append(core)
            free.append(part.replace(core, " ", 1))
    return ", ".join(free), ", ".join(found)


@functools.lru_cache(maxsize=8192)
def units(title: str, abstract: str) -> tuple[Unit, ...]:
    """The title (never a list: it names what the paper is about) and each sentence of the abstract."""
    out = [Unit(analyze(title), analyze(title))] if title.strip() else []
    for sentence in sentences(abstract):
        free, _ = listed(sentence)
        out.append(Unit(analyze(sentence), analyze(free)))
    return tuple(out)
