"""Every number and every link in an LLM's prose must be one the paper states — a number, about the same thing.
Pure.

Numbers are compared as values, written any usual way: 1,024 = 1024, 0.5 = .5 = 0.50, 50% = 50 %, 3× = 3x = 3.
A value is not enough: "FID 2.27 on ImageNet" is stated only if the paper gives 2.27 beside words the claim puts
beside it (a dataset, a metric, a unit, a method: in its sentence, or in its table row, column and caption),
weighted by how rare each word is in the paper — "2.27" from another table about another metric does not count.
Links as host and path (`https://www.x.org/a/` = `x.org/a`); Telegram makes even a bare `phish.example/login` a
link, so a prompt-injected paper could otherwise put one on a card. A sentence whose numbers or links are not all
in the paper (its text, title, abstract or comment; arXiv's own links always) is dropped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from services.text_match import STOPWORDS, stem

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


def keep_supported(text: str, known: Statements, links: set[str] | None = None) -> tuple[str, int]:
    """`text` without the sentences stating a number the paper does not state about the same thing (or, given the
    paper's `links`, naming a link it does not give); and how many were dropped. Its paragraphs and list items keep
    their line breaks (an emptied line goes)."""
    lines, dropped = [], 0
    for line in text.split("\n"):
        kept = []
        for sentence in sentences_of(line):
            if known.unsupported(sentence) or (links is not None and unsupported_links(sentence, links)):
                dropped += 1
            else:
                kept.append(sentence)
        joiner = "" if any("\u4e00" <= c <= "\u9fff" for c in line) else " "
        if kept or not line.strip():
            lines.append(joiner.join(kept))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), dropped




WINDOW = 6
"""Words either side of a number that say what it is about (in a claim, and in a sentence of the paper)."""
AGREEMENT = 0.6
"""Share of a claim's words beside a number (weighted by rarity) the paper must state beside the same value."""
_GENERIC = frozenset(stem(w) for w in (
    "achieve achieves achieved reach reaches reached score scores scored obtain obtains result results show shows "
    "shown table tables figure fig model models method methods ours our baseline baselines approach performance "
    "improve improves improved improvement compared compare than over up about around nearly only also while "
    "respectively by points point times".split()))
_TOKEN = re.compile(rf"{_NUMBER.pattern}|[A-Za-zα-ωΑ-Ω][A-Za-z0-9'-]*|%")
_REFERENCE = re.compile(r"(?i)(?:fig(?:ure)?s?|tab(?:le)?s?|eqs?|equations?|sec(?:tion)?s?|§|algorithms?|appendix|"
                        r"theorems?|lemmas?|propositions?|corollary|definitions?|steps?|lines?|chapters?|refs?|versions?)\.?\s*"
                        r"(?:\(|\[)?$|\[$")
"""What makes the number after it a reference ("Figure 3", "Eq. (2)", "[3 Experiments]", "version 2"), not a
claim."""


def _tokens(text: str) -> list[tuple[str, str]]:
    """("#", value) for a number, ("w", stem) for a word that can say what a number is about, ("%", "%")."""
    found: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if not token:
            continue
        if token == "%":
            found.append(("w", "%"))
        elif token[0].isdigit() or token[0] == ".":
            value = _value(token)
            if value is not None and not _REFERENCE.search(text[max(0, match.start() - 14):match.start()]):
                found.append(("#", value))
        elif token.lower() not in STOPWORDS and token not in ("I", "A"):  # "L", "β": a symbol names its value
            word = stem(token.lower())
            if word not in _GENERIC:
                found.append(("w", word))
    return found


Context = dict[str, float]
"""Words (and other numbers, `#4`) beside a number, each weighted by how close: the two nearest either side say
most about what the number is."""


def _closeness(distance: int) -> float:
    return 1.0 if distance <= 2 else 0.6


def _beside(tokens: list[tuple[str, str]]) -> list[tuple[str, Context]]:
    """(value, the words and other numbers within WINDOW tokens of it) for each number of a sentence: "N = 4" is
    part of what "0.84" is about."""
    found = []
    for i, (kind, value) in enumerate(tokens):
        if kind == "#":
            near: Context = {}
            for j in range(max(0, i - WINDOW), min(len(tokens), i + WINDOW + 1)):
                if j != i:
                    k, w = tokens[j]
                    word = w if k == "w" else "#" + w
                    near[word] = max(near.get(word, 0.0), _closeness(abs(j - i)))
            found.append((value, near))
    return found


def _table_statements(lines: list[str]) -> list[tuple[str, Context]]:
    """A Markdown table's cells: each value with its row's label cells, its column's header and the caption."""
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines if line.startswith("|")]
    rows = [row for row in rows if not all(re.fullmatch(r":?-+:?", cell) for cell in row if cell)]
    caption = " ".join(line for line in lines if not line.startswith("|"))
    if not rows:
        return []
    header, around = rows[0], {w for kind, w in _tokens(caption) if kind == "w"}
    found = []
    everything = around | {w if k == "w" else "#" + w for row in rows for cell in row for k, w in _tokens(cell)}
    for value in {v for cell in header for v in numbers_in(cell)}:  # "R@10", "4 chn": names every cell below
        found.append((value, dict.fromkeys(everything - {"#" + value}, 1.0)))
    for row in rows[1:]:
        labels = {w for cell in row for kind, w in _tokens(cell) if kind == "w" and not numbers_in(cell)}
        row_values = {"#" + v for cell in row for v in numbers_in(cell)}
        for column, cell in enumerate(row):
            heading = {w for kind, w in _tokens(header[column] if column < len(header) else "") if kind == "w"}
            for value in numbers_in(cell):  # a table states its cell about its row and column alike
                words = labels | heading | around | (row_values - {"#" + value}) | \
                    {w for k, w in _tokens(cell) if k == "w"}
                found.append((value, dict.fromkeys(words, 1.0)))
    return found


@dataclass
class Statements:
    """Every number the paper states, with what it states it about; and how rare each word is in the paper."""

    beside: dict[str, list[Context]] = field(default_factory=dict)
    rarity: dict[str, float] = field(default_factory=dict)
    values: set[str] = field(default_factory=set)
    """Every value the texts write, references ("Figure 3") too."""
    in_context: bool = True
    """False: a value the texts write is enough (what a comparison of two versions lists, old and new side by
    side, is not one claim about one thing)."""

    def unsupported(self, sentence: str) -> set[str]:
        """The values of `sentence` the paper does not state about what the sentence says they are about."""
        if not self.in_context:
            return numbers_in(sentence) - self.values
        beside = _beside(_tokens(sentence))
        # a reference ("[3 Experiments]", "Table 2") says nothing about a quantity: the paper must have it, that is all
        missing = {value for value in numbers_in(sentence) - {value for value, _ in beside} if value not in self.values}
        for value, words in beside:
            stated = self.beside.get(value)
            if not stated:
                missing.add(value)
                continue
            # a word the paper never uses (a synonym, another language) cannot tell: it weighs nothing
            weight = sum(self.rarity.get(w, 0.0) * near for w, near in words.items())
            if weight == 0:
                continue  # nothing said about the number ("it rose by 12%"): that the paper states it is enough
            best = max(sum(self.rarity.get(w, 0.0) * min(near, context[w])
                           for w, near in words.items() if w in context) for context in stated)
            if best < AGREEMENT * weight:
                missing.add(value)
        return missing


def statements(texts: Iterable[str], in_context: bool = True) -> Statements:
    """What the paper's texts (title, abstract, comment, its clean text with tables as Markdown, first page)
    state each number about."""
    units: list[list[tuple[str, Context]]] = []
    for text in texts:
        lines = text.split("\n")
        table: list[str] = []
        for index, line in enumerate([*lines, ""]):
            if line.startswith("|") or (table and line.startswith("(") and index and lines[index - 1].startswith("|")):
                table.append(line)
                continue
            if table:
                units.append(_table_statements(table))
                table = []
            for sentence in sentences_of(line):
                units.append(_beside(_tokens(sentence)))
    texts = list(texts)
    found = Statements(values={value for text in texts for value in numbers_in(text)}, in_context=in_context)
    seen: Counter[str] = Counter()
    for unit in units:
        for value, words in unit:
            found.beside.setdefault(value, []).append(words)
        seen.update({w for _, words in unit for w in words})
    total = max(1, len(units))
    found.rarity = {w: math.log((total + 1) / (count + 1)) + 0.1 for w, count in seen.items()}
    return found
