"""What a chat subscribes to, and whether a paper matches it. Pure functions.

A topic is one of:
- a category or archive: `cs.CV`, `hep-th`, `cs` — read from that announcement feed;
- an author: `au:"Yann LeCun"` or `au:LeCun` — every word must be in one author's name;
- arXiv query syntax: `ti:diffusion AND cat:cs.CV`, with ti, abs, au, cat, all, AND, OR, ANDNOT, parentheses
  (arXiv's `co:` and `jr:` are not offered: announcements do not carry comments or journal references);
- keywords: `diffusion models` (every word in the title or abstract) or a quoted phrase `"diffusion model"`.
Keyword, author and query topics are matched locally against the announcements of the chat's archives.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from services.categories import ARCHIVES, archive_of, canonical_category

MAX_TOPIC_LENGTH = 200
MAX_TOPICS_PER_CHAT = 20
_FIELDS = ("ti", "abs", "au", "cat", "all")


class TopicError(ValueError):
    """The topic cannot be used; the message says why, for the user."""


class Announced(Protocol):
    """What matching needs of a paper."""

    @property
    def title(self) -> str: ...

    @property
    def abstract(self) -> str: ...

    @property
    def authors(self) -> tuple[str, ...]: ...

    @property
    def categories(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Topic:
    kind: str  # category, author, query, keyword
    text: str  # as the user wrote it (trimmed), shown in /topics
    query: str  # normalized: the key for duplicates

    def feeds(self) -> set[str]:
        """The announcement feeds this topic needs on its own (keyword topics use the chat's archives)."""
        if self.kind == "category":
            return {self.query.removeprefix("cat:")}
        return {archive_of(c) for c in _categories_in(self.query)}

    def matches(self, paper: Announced) -> bool:
        tree = Term("cat", (self.query.removeprefix("cat:"),), False) if self.kind == "category" else _parse(self.text)
        return _evaluate(tree, paper)


def fold(text: str) -> str:
    """Lower case without accents, for matching names and words."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


# Parsing a topic -----------------------------------------------------------------------------------------

_TOKEN = re.compile(r'\s*(\(|\)|"[^"]*"|[^\s()"]+:"[^"]*"|[^\s()]+)')


def parse_topic(text: str) -> Topic:
    """A `Topic` from what the user typed, or `TopicError` saying what is wrong."""
    text = " ".join(text.split())
    if not text:
        raise TopicError("empty")
    if len(text) > MAX_TOPIC_LENGTH:
        raise TopicError("too_long")
    category = canonical_category(text)
    if category:
        return Topic("category", category, f"cat:{category}")
    if re.fullmatch(r"[a-z-]+\.[A-Za-z-]+", text):
        raise TopicError("unknown_category")
    tree = _parse(text)  # raises TopicError for bad syntax
    query = _render(tree)
    if isinstance(tree, Term) and tree.field == "au":
        return Topic("author", text, query)
    if isinstance(tree, Term) and tree.field == "all":
        return Topic("keyword", text, query)
    if isinstance(tree, Term) and tree.field == "cat":
        return Topic("category", text, query)
    return Topic("query", text, query)


@dataclass(frozen=True)
class Term:
    field: str
    words: tuple[str, ...]
    phrase: bool


@dataclass(frozen=True)
class Op:
    name: str  # AND, OR, ANDNOT
    left: Node
    right: Node


Node = Term | Op


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    for match in _TOKEN.finditer(text):
        if match.start() != position and text[position:match.start()].strip():
            raise TopicError("syntax")
        tokens.append(match.group(1))
        position = match.end()
    if text[position:].strip():
        raise TopicError("syntax")
    return tokens


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> Node:
    """The query tree of a topic's text (cached: every announced paper is matched against every topic)."""
    tokens = _tokens(text)
    if not any(t in ("AND", "OR", "ANDNOT", "(", ")") or ":" in t for t in tokens):
        # plain keywords: one term, every word must appear (a quoted text is an exact phrase)
        phrase = len(tokens) == 1 and tokens[0].startswith('"')
        return _term("all", " ".join(t.strip('"') for t in tokens), phrase)
    position = 0

    def expression() -> Node:
        nonlocal position
        node = operand()
        while position < len(tokens) and tokens[position] in ("AND", "OR", "ANDNOT"):
            name = tokens[position]
            position += 1
            node = Op(name, node, operand())
        return node

    def operand() -> Node:
        nonlocal position
        if position >= len(tokens):
            raise TopicError("syntax")
        token = tokens[position]
        position += 1
        if token == "(":
            node = expression()
            if position >= len(tokens) or tokens[position] != ")":
                raise TopicError("syntax")
            position += 1
            return node
        if token in (")", "AND", "OR", "ANDNOT"):
            raise TopicError("syntax")
        field, sep, value = token.partition(":")
        if not sep:
            field, value = "all", token
        if not value:
            raise TopicError("syntax")
        field = field.lower()
        if field not in _FIELDS:
            raise TopicError("unknown_field")
        phrase = value.startswith('"')
        if field == "cat":
            category = canonical_category(value.strip('"'))
            if category is None:
                raise TopicError("unknown_category")
            return Term("cat", (category,), False)
        return _term(field, value.strip('"'), phrase)

    node = expression()
    if position != len(tokens):
        raise TopicError("syntax")
    return node


def _term(field: str, value: str, phrase: bool) -> Term:
    words = tuple(w for w in re.findall(r"[\w\-+.']+", fold(value)) if w)
    if not words:
        raise TopicError("empty")
    return Term(field, words, phrase and len(words) > 1)


def _render(node: Node) -> str:
    """The normalized query: equal for topics that match the same papers in the same way."""
    if isinstance(node, Op):
        return f"({_render(node.left)} {node.name} {_render(node.right)})"
    value = " ".join(node.words)
    if node.field == "cat" or len(node.words) == 1:
        return f"{node.field}:{value}"
    return f'{node.field}:"{value}"' if node.phrase or node.field == "au" else f"{node.field}:({value})"


def _categories_in(query: str) -> set[str]:
    return {c for c in re.findall(r"cat:([\w.\-]+)", query) if canonical_category(c)}


# Matching ------------------------------------------------------------------------------------------------

def _contains(haystack: str, term: Term) -> bool:
    if term.phrase:
        pattern = r"\b" + r"\W+".join(re.escape(w) for w in term.words) + r"s?\b"
        return re.search(pattern, haystack) is not None
    return all(re.search(r"\b" + re.escape(w) + r"(s|es)?\b", haystack) for w in term.words)


def _evaluate(node: Node, paper: Announced) -> bool:
    if isinstance(node, Op):
        left = _evaluate(node.left, paper)
        if node.name == "AND":
            return left and _evaluate(node.right, paper)
        if node.name == "OR":
            return left or _evaluate(node.right, paper)
        return left and not _evaluate(node.right, paper)
    if node.field == "cat":
        wanted = node.words[0]
        return any(c == wanted or (wanted in ARCHIVES and archive_of(c) == wanted) for c in paper.categories)
    if node.field == "au":
        return any(_contains(fold(name), node) for name in paper.authors)
    title, abstract = fold(paper.title), fold(paper.abstract)
    if node.field == "ti":
        return _contains(title, node)
    if node.field == "abs":
        return _contains(abstract, node)
    return _contains(title + " \n " + abstract, node)
