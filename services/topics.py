"""What a chat subscribes to, and whether a paper matches it. Pure functions.

A topic is one of:
- a category or archive: `cs.CV`, `hep-th`, `cs` — read from that announcement feed;
- an author: `au:"Yann LeCun"` or `au:LeCun` — every word must be in one author's name;
- arXiv query syntax: `ti:diffusion AND cat:cs.CV`, with ti, abs, au, cat, all, AND, OR, ANDNOT, parentheses
  (arXiv's `co:` and `jr:` are not offered: announcements do not carry comments or journal references);
- keywords: `diffusion models` (every word in the title or abstract) or a quoted phrase `"diffusion model"`;
- a sentence: `about: making diffusion sampling faster` — matched by meaning (embeddings, see
  services/embeddings.py) when an LLM key is set, by its words otherwise;
- what the field is reading: `trending cs.CV`, `trending diffusion models` — the week's papers of a category or
  keywords, ranked by Hugging Face upvotes, stars and citations (services/signals/).
Keyword, author, query and sentence topics are matched locally against the announcements of the chat's archives.
Words match in any inflection, case, accent and hyphenation (services/text_match.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import Protocol

from services.aliases import Aliases, Key, key_of
from services.categories import ARCHIVES, archive_of, canonical_category
from services.closeness import Unit, units
from services.text_match import Needle, analyze, fold, needles

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
class Match:
    """How a paper matched a topic."""

    firm: bool
    """Its words stand together in the title or a sentence, not only as items of a list: the paper ranks among
    those about the topic, not below them."""
    aliases: tuple[str, ...] = ()
    """The other names it was found by, as papers write them (`RL`), where the topic's own words were not there."""
    checked: bool = False
    """Found without the topic's words, by the LLM's reading (services/ranking/check.py)."""


@dataclass(frozen=True)
class Topic:
    kind: str  # category, author, query, keyword, about, trending
    text: str  # as the user wrote it (trimmed), shown in /topics
    query: str  # normalized: the key for duplicates
    also: tuple[str, ...] = ()
    """More names the chat kept for it (proposed at /subscribe): a paper naming one matches."""
    never: tuple[str, ...] = ()
    """Other names the chat stopped matching it by ("stop matching RL for this topic")."""
    words_only: bool = False
    """The chat asked for papers with the topic's words only: the LLM's second look adds none in other words."""

    def feeds(self) -> set[str]:
        """The announcement feeds this topic needs on its own (keyword topics use the chat's archives)."""
        if self.kind == "trending":
            return self.inner.feeds()
        if self.kind == "category":
            return {self.query.removeprefix("cat:")}
        return {archive_of(c) for c in _categories_in(self.query)}

    @property
    def inner(self) -> Topic:
        """A trending topic's category or keywords (any other topic is its own)."""
        return parse_topic(self.text[len(TRENDING_PREFIX):]) if self.kind == "trending" else self

    @property
    def tree(self) -> Node:
        if self.kind == "trending":
            return self.inner.tree
        if self.kind == "category":
            return Term("cat", (self.query.removeprefix("cat:"),), False)
        if self.kind == "about":
            return _about_tree(self.query)
        return _parse(self.text)

    def without_name(self, name: str) -> Topic:
        """This topic no longer matching by `name` (one of its other names): dropped from those it keeps, added to
        those it stopped."""
        never = self.never if name in self.never else (*self.never, name)
        return replace(self, also=tuple(n for n in self.also if n != name), never=never)

    def matches(self, paper: Announced, aliases: Aliases | None = None) -> bool:
        """Whether the paper is on this topic by its words, or by their `aliases` (an acronym the day's papers
        define, a standing synonym); an `about:` topic's meaning is judged elsewhere."""
        return self.match(paper, aliases) is not None

    def match(self, paper: Announced, aliases: Aliases | None = None) -> Match | None:
        """How the paper matches this topic, or None. Several words match where they stand together — in the
        title or in one sentence of the abstract — and a paper naming them only as items of a list matches
        without being `firm`."""
        names = _Names(aliases, frozenset(key_of(n) for n in self.never))
        found = _evaluate(self.tree, paper, names)
        if found is not None and (found.firm or not self.also):
            return found
        for name in self.also:  # the chat's own extra names, each a phrase of its own
            extra = _found(_units("all", paper), Term("all", tuple(name.split()), True), names)
            if extra is not None and (found is None or extra.firm):
                return Match(extra.firm, (name,))
        return found

    def needles(self) -> list[tuple[str, Needle]]:
        """(field, needle) of every word or phrase the topic asks for, not counting what it excludes:
        what relevance scoring weighs."""
        return _wanted(self.tree)


TRENDING_PREFIX = "trending "
"""`trending cs.CV`: the week's papers of what follows, ranked by what the field is reading."""
ABOUT_PREFIX = "about:"
ABOUT_MIN_SHARE = 0.5
"""Without embeddings, a sentence topic matches a paper holding at least this share of its content words."""


# Parsing a topic -----------------------------------------------------------------------------------------

_TOKEN = re.compile(r'\s*(\(|\)|"[^"]*"|[^\s()"]+:"[^"]*"|[^\s()]+)')


def parse_topic(text: str) -> Topic:
    """A `Topic` from what the user typed, or `TopicError` saying what is wrong."""
    text = " ".join(text.split())
    if not text:
        raise TopicError("empty")
    if len(text) > MAX_TOPIC_LENGTH:
        raise TopicError("too_long")
    if text.lower().startswith(TRENDING_PREFIX) and len(text) > len(TRENDING_PREFIX):
        inner = parse_topic(text[len(TRENDING_PREFIX):])
        if inner.kind in ("about", "trending"):
            raise TopicError("syntax")
        return Topic("trending", TRENDING_PREFIX + inner.text, "trending:" + inner.query)
    if text.lower().startswith(ABOUT_PREFIX):
        sentence = text[len(ABOUT_PREFIX):].strip()
        if not needles(sentence, False, sentence=True):
            raise TopicError("empty")
        return Topic("about", text, ABOUT_PREFIX + " ".join(fold(sentence).split()))
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
    at_least: float = 1.0
    """Share of the needles that must be found: all of them, except for a sentence topic's words."""

    @property
    def needles(self) -> tuple[Needle, ...]:
        return _needles(self.words, self.phrase, self.at_least < 1)


@functools.lru_cache(maxsize=4096)
def _needles(words: tuple[str, ...], phrase: bool, sentence: bool) -> tuple[Needle, ...]:
    return needles(" ".join(words), phrase, sentence)


@functools.lru_cache(maxsize=1024)
def _about_tree(query: str) -> Term:
    return Term("all", tuple(query.removeprefix(ABOUT_PREFIX).split()), False, ABOUT_MIN_SHARE)


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

@dataclass(frozen=True)
class _Names:
    """The aliases a chat's topic may use: the window's, without those the chat stopped."""

    aliases: Aliases | None
    never: frozenset[Key]

    def of(self, key: Key) -> list[Key]:
        if self.aliases is None or key in self.never:
            return []
        return [k for k in self.aliases.of(key) if k not in self.never]

    def label(self, key: Key) -> str:
        return self.aliases.label(key) if self.aliases else " ".join(key)


def _units(field: str, paper: Announced) -> tuple[Unit, ...]:
    if field == "ti":
        return units(paper.title, "")
    if field == "abs":
        return units("", paper.abstract)
    return units(paper.title, paper.abstract)


def _found(found_in: tuple[Unit, ...], term: Term, names: _Names) -> Match | None:
    """The term in one unit (title or sentence) — by its words, or another name of each word or of all of them —
    firm where it is found outside list items; the best such unit: firm before listed, own words before aliases."""
    wanted = term.needles
    whole = names.of(tuple(s for n in wanted for s in n.stems))
    parts = [names.of(n.stems) for n in wanted]
    best: Match | None = None
    for unit in found_in:
        for text, firm in ((unit.free, True), (unit.words, False)):
            via: list[str] = []
            ok = True
            for needle, others in zip(wanted, parts, strict=True):
                if needle.count(text):
                    continue
                other = next((o for o in others if text.phrase_count(o)), None)
                if other is None:
                    ok = False
                    break
                via.append(names.label(other))
            if not ok:
                other = next((o for o in whole if text.phrase_count(o)), None)
                if other is None:
                    continue
                via = [names.label(other)]
            candidate = Match(firm, tuple(via))
            if best is None or (candidate.firm, not candidate.aliases) > (best.firm, not best.aliases):
                best = candidate
            break
        if best is not None and best.firm and not best.aliases:
            break
    return best


def _share_found(paper: Announced, term: Term, names: _Names) -> Match | None:
    """A sentence topic without embeddings: enough of its words anywhere (`at_least`)."""
    text = analyze(paper.title + " \n " + paper.abstract)
    hits = sum(1 for needle in term.needles
               if needle.count(text) or any(text.phrase_count(o) for o in names.of(needle.stems)))
    return Match(True) if hits >= max(1, term.at_least * len(term.needles) - 1e-9) else None


def _evaluate(node: Node, paper: Announced, names: _Names) -> Match | None:
    if isinstance(node, Op):
        left = _evaluate(node.left, paper, names)
        if node.name == "AND":
            right = _evaluate(node.right, paper, names) if left else None
            return Match(left.firm and right.firm, left.aliases + right.aliases) if left and right else None
        if node.name == "OR":
            right = _evaluate(node.right, paper, names)
            if left and right:
                return min(left, right, key=lambda m: (not m.firm, bool(m.aliases)))
            return left or right
        return left if left and not _evaluate(node.right, paper, names) else None
    if node.field == "cat":
        wanted = node.words[0]
        return Match(True) if any(c == wanted or (wanted in ARCHIVES and archive_of(c) == wanted)
                                  for c in paper.categories) else None
    if node.field == "au":
        return Match(True) if any(_author_matches(fold(name), node) for name in paper.authors) else None
    if node.at_least < 1:
        return _share_found(paper, node, names)
    return _found(_units(node.field, paper), node, names)


def _author_matches(name: str, term: Term) -> bool:
    """Names are not stemmed: every word of the term is a word of one author's name."""
    name_words = set(re.findall(r"[\w\-.']+", name))
    return all(w in name_words or any(part == w for n in name_words for part in n.split("-")) for w in term.words)


def _wanted(node: Node) -> list[tuple[str, Needle]]:
    if isinstance(node, Op):
        return _wanted(node.left) + ([] if node.name == "ANDNOT" else _wanted(node.right))
    if node.field in ("cat", "au"):
        return []
    return [(node.field, needle) for needle in node.needles]
