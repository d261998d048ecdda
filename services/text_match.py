"""Words as a search engine sees them: folded, split at hyphens, stemmed. Pure functions.

Matching, ranking and the per-chat taste model all read text through `analyze`, so "diffusion model" finds
"Diffusion Models", "text-to-image" finds "text to image", and "pre-training" finds "pretraining".
Stemming is Snowball's English stemmer (PyStemmer), not a suffix list of ours.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import Stemmer

_STEMMER = Stemmer.Stemmer("english")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_COMPOUND = re.compile(r"[a-z0-9]+(?:[-‐‑–][a-z0-9]+)+")

STOPWORDS = frozenset(
    "a an and are as at be by for from has have in into is it its of on or our that the their this to via was "
    "we were which with".split()
)
"""Words a keyword topic does not require (a quoted phrase keeps them, in their place)."""

FILLER = STOPWORDS | frozenset(
    "about all also any approach approaches based better can do does doing how i if improve improving is make "
    "makes making me method methods more my new novel other paper papers so some study such than toward towards "
    "use using what when where who why will work works".split()
)
"""Words of a sentence topic (`about: making diffusion sampling faster`) that carry no subject."""


# Spacing accents as old TeX fonts write them ("T¨ubingen", "Erd˝os") and the combining marks they stand for.
_SPACING_ACCENTS = {"¨": "\u0308", "´": "\u0301", "ˆ": "\u0302", "˜": "\u0303", "¸": "\u0327",
                    "˚": "\u030a", "ˇ": "\u030c", "˝": "\u030b", "¯": "\u0304", "˘": "\u0306", "˙": "\u0307"}
_ACCENT_BEFORE = re.compile("([" + "".join(_SPACING_ACCENTS) + r"])\s?([A-Za-zıȷ])")
_ACCENT_AFTER = re.compile(r"([A-Za-z])\s?([" + "".join(_SPACING_ACCENTS) + r"])(?=\s|$|[^\w])")
_RAISED = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
"""Superscripts and subscripts mean something (10⁶ is not 106): NFKC must not flatten them."""


def normalize(text: str) -> str:
    """NFKC (ligatures ﬁ → fi, full-width forms), spacing accents joined to their letter (T¨ubingen → Tübingen);
    superscripts and subscripts are kept."""
    text = _ACCENT_BEFORE.sub(lambda m: m[2] + _SPACING_ACCENTS[m[1]], text)
    text = _ACCENT_AFTER.sub(lambda m: m[1] + _SPACING_ACCENTS[m[2]], text)
    text = text.replace("ı\u0308", "i\u0308").replace("ı\u0301", "i\u0301")  # dotless i under an accent
    if _RAISED.isdisjoint(text):
        return unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text))
    flat = "".join(c if c in _RAISED else unicodedata.normalize("NFKC", c) for c in text)
    return unicodedata.normalize("NFC", flat)


def readable(text: str) -> str:
    """`normalize`d, without the glyphs the PDF could not map to characters (U+FFFD, a math font's private
    symbols): a reader sees a gap at worst, never a box."""
    text = normalize(text)
    return re.sub(r"[ \t]{2,}", " ", text.replace("\ufffd", " ")).strip() if "\ufffd" in text else text


def fold(text: str) -> str:
    """Lower case without accents, for matching names and words."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


_VOWELS = set("aeiouy")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball's stem, and two things Snowball leaves alone: an acronym's plural (`LLMs`, `GNNs`) is the
    acronym, and a tool named after its action is the action (`fuzzer` ~ `fuzzing`, `sampler` ~ `sampling`)."""
    word = word.removesuffix("'s")
    if len(word) > 2 and word.endswith("s") and not _VOWELS & set(word[:-1]) and not word[:-1].isdigit():
        return word[:-1]
    stemmed = str(_STEMMER.stemWord(word))
    return stemmed[:-2] if len(stemmed) >= 6 and stemmed.endswith("er") else stemmed


def words(text: str) -> list[str]:
    """Folded words in order; hyphens and other punctuation separate words."""
    return _WORD.findall(fold(text))


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


def compounds(text: str) -> set[str]:
    """Hyphenated words written as one (`pre-training` → the stem of `pretraining`)."""
    return {stem(c.replace("-", "").replace("‐", "").replace("‑", "").replace("–", ""))
            for c in _COMPOUND.findall(fold(text))}


@dataclass(frozen=True)
class Analyzed:
    """A field of a paper (title or abstract) ready for matching and scoring."""

    stems: tuple[str, ...]
    counts: Counter[str] = field(compare=False)
    joined: frozenset[str] = field(compare=False)

    def __len__(self) -> int:
        return len(self.stems)

    def has(self, word_stem: str) -> bool:
        return word_stem in self.counts or word_stem in self.joined

    def phrase_count(self, phrase: tuple[str, ...]) -> int:
        """How often the stems occur in this order, one after the other."""
        if len(phrase) == 1:
            return self.counts.get(phrase[0], 0) + (phrase[0] in self.joined)
        if any(s not in self.counts for s in phrase):  # the words written as one: "X-ray" as "Xray"
            joined = "".join(phrase)
            return self.counts.get(joined, 0) + int(joined in self.joined)
        n = len(phrase)
        return sum(1 for i in range(len(self.stems) - n + 1) if self.stems[i:i + n] == phrase)


@functools.lru_cache(maxsize=8192)
def analyze(text: str) -> Analyzed:
    """`text` analysed once (cached: a day's papers are matched against every topic of every chat)."""
    found = tuple(stems(text))
    return Analyzed(found, Counter(found), frozenset(compounds(text)))


@dataclass(frozen=True)
class Needle:
    """One thing a topic looks for: a word, or words that must stand together in order."""

    stems: tuple[str, ...]
    joined: str = ""
    """A hyphenated word also matches when written as one word (`self-supervised` ~ `selfsupervised`)."""
    label: str = field(default="", compare=False)
    """As the reader wrote it, for "matches: …" lines."""

    def count(self, text: Analyzed) -> int:
        found = text.phrase_count(self.stems)
        if not found and self.joined and self.joined in text.counts:
            found = text.counts[self.joined]
        return found


def needles(value: str, phrase: bool, sentence: bool = False) -> tuple[Needle, ...]:
    """What a keyword term requires: every word (stopwords aside), or the whole phrase in order.

    A hyphenated word is a small phrase of its own: `text-to-image` asks for text, to, image in that order.
    """
    if phrase:
        return (Needle(tuple(stems(value)), label=" ".join(value.split())),)
    found: list[Needle] = []
    for token in fold(value).split():
        parts = tuple(stem(w) for w in _WORD.findall(token))
        if not parts:
            continue
        if len(parts) == 1 and words(token)[0] in (FILLER if sentence else STOPWORDS):
            continue
        joined = stem("".join(_WORD.findall(token))) if len(parts) > 1 else ""
        found.append(Needle(parts, joined, label=token.strip("\"'.,;:()")))
    if not found:  # only stopwords: then they are what the reader wants
        found = [Needle((stem(w),), label=w) for w in words(value)]
    return tuple(found)
