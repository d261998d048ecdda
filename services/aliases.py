"""Other names of what a topic names: acronyms the papers themselves define ("reinforcement learning (RL)", found
by the Schwartz–Hearst method), used in both directions, and a short reviewed list of the field's standing
synonyms. Pure functions over text; who learns them from which announcements is the caller's business.

A. S. Schwartz and M. A. Hearst, "A simple algorithm for identifying abbreviation definitions in biomedical text",
PSB 2003: a short form in parentheses after its long form, whose letters it takes in order, the first at a word's
start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from services.text_match import stems

STANDING: tuple[tuple[str, ...], ...] = (
    ("vision-language model", "vision language model", "visual-language model", "VLM", "LVLM",
     "large vision-language model", "multimodal large language model", "MLLM", "large multimodal model", "LMM",
     "multimodal LLM", "video-LLM", "video LLM"),
    ("diffusion model", "diffusion-based", "diffusion transformer", "denoising diffusion", "video diffusion",
     "latent diffusion", "masked diffusion"),
    ("retrieval-augmented generation", "retrieval augmented generation", "RAG", "GraphRAG"),
    ("reinforcement learning", "RL", "policy optimization", "GRPO", "RLHF", "PPO"),
    ("large language model", "LLM"),
    ("LLM agent", "language agent", "agentic LLM", "LLM-based agent", "MLLM agent"),
)
"""Reviewed by hand (issue 25): names a reader of the first means too. Each entry's names are one another's."""

NARROWER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("large language model", ("multimodal large language model", "MLLM", "video-LLM", "LVLM", "LRM",
                              "large reasoning model", "ChatGPT", "GPT", "Llama", "Qwen")),
    ("blockchain", ("Ethereum", "Bitcoin", "smart contract", "distributed ledger", "Web3")),
    ("vision-language model", ("vision-language-action model", "VLA model")),
    ("LLM agent", ("MLLM agent", "LVLM-based agent", "web agent", "multi-agent LLM", "multi-LLM system",
                   "tool-using agent")),
    ("medical imaging", ("medical image", "computed tomography", "CT scan", "CT image", "MRI", "magnetic resonance",
                         "X-ray", "radiology", "radiograph", "histopathology", "whole-slide image", "pathology slide",
                         "endoscopy", "endoscopic", "colonoscopy", "ultrasound", "mammography", "dermoscopy",
                         "fundus image", "surgical video", "surgical scene")),
    ("program repair", ("automated program repair", "APR", "bug fixing", "patch generation")),
    ("software testing", ("unit testing", "property-based testing", "mutation testing", "regression testing",
                          "metamorphic testing", "fuzz testing", "test case generation")),
)
"""Reviewed by hand (issue 25): kinds of a thing, found under its name but not the other way round — "medical
imaging" finds CT scans and histopathology; "CT" does not find every medical image."""

_PARENS = re.compile(r"\(([^()]{2,12})\)")
_SHORT = re.compile(r"^[A-Za-z][\w\-]*[A-Za-z0-9]?$")


def _long_form(short: str, before: str) -> str:
    """The shortest end of `before` whose letters the short form takes in order, its first at a word's start
    (Schwartz and Hearst's best long form), or ""."""
    s, index = len(short) - 1, len(before) - 1
    while s >= 0:
        char = short[s].lower()
        if not char.isalnum():
            s -= 1
            continue
        while index >= 0 and (before[index].lower() != char or (s == 0 and index > 0 and before[index - 1].isalnum())):
            index -= 1
        if index < 0:
            return ""
        index -= 1
        s -= 1
    start = before.rfind(" ", 0, index + 1) + 1
    return before[start:].strip()


def definitions(text: str) -> list[tuple[str, str]]:
    """(short form, long form) of each acronym `text` defines: `large language models (LLMs)` → (LLM, large
    language models). A plural short form is read as its singular."""
    found: list[tuple[str, str]] = []
    for match in _PARENS.finditer(text):
        short = match[1].strip()
        if not _SHORT.match(short) or len(short.split()) > 1 or not any(c.isupper() for c in short):
            continue
        if short.endswith("s") and len(short) > 2 and short[:-1].isupper():
            short = short[:-1]
        window = text[:match.start()].rstrip().split()[-(min(len(short) + 5, 2 * len(short))):]
        long = _long_form(short, " ".join(window))
        words = re.split(r"[\s\-]+", long)
        if len(words) < 2 or len(words) > len(short) + 5 or long.lower().startswith(short.lower()):
            continue
        found.append((short, long))
    return found


Key = tuple[str, ...]


@dataclass(frozen=True)
class Aliases:
    """For a name (as stems), the other names that mean it: learnt definitions and the standing synonyms and
    kinds."""

    names: dict[Key, frozenset[Key]] = field(default_factory=dict)
    labels: dict[Key, str] = field(default_factory=dict, compare=False)
    """A name as papers write it (`RL`, `multimodal large language models`), to say why a paper matched."""

    def of(self, key: Key) -> frozenset[Key]:
        return self.names.get(key, frozenset())

    def label(self, key: Key) -> str:
        return self.labels.get(key, " ".join(key))

    def __bool__(self) -> bool:
        return bool(self.names)


class Titled(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def abstract(self) -> str: ...


def learn_from(papers: Iterable[Titled]) -> Aliases:
    """Aliases from the acronyms these papers define in their titles and abstracts, and the standing ones."""
    return learn(f"{p.title}. {p.abstract}" for p in papers)


def key_of(name: str) -> Key:
    """A name as matching compares it: its stems in order."""
    return tuple(stems(name))


def learn(texts: Iterable[str], standing: bool = True) -> Aliases:
    """Aliases from the acronyms `texts` define, in both directions, and the standing synonyms and kinds."""
    names: dict[Key, set[Key]] = {}
    labels: dict[Key, str] = {}

    def label(group: Iterable[str]) -> list[Key]:
        keys = []
        for name in group:
            key = key_of(name)
            if key and key not in keys:
                labels.setdefault(key, name)
                keys.append(key)
        return keys

    def link(keys: list[Key]) -> None:
        for key in keys:
            names.setdefault(key, set()).update(k for k in keys if k != key)

    for text in texts:
        for short, long in definitions(text):
            keys = label([short, long])
            if len(keys) == 2:
                link(keys)
    if standing:
        for group in STANDING:
            link(label(group))
        for broad, kinds in NARROWER:
            [broad_key, *kind_keys] = label((broad, *kinds))
            for key in [broad_key, *names.get(broad_key, ())]:
                names.setdefault(key, set()).update(kind_keys)
    return Aliases({key: frozenset(others) for key, others in names.items()}, labels)
