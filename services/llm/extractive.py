"""The offline summarizer: a card's fields from the paper's own sentences, when no LLM is configured or none
answers. Never invents: every sentence is the paper's."""

from __future__ import annotations

import re
from collections import Counter

from services.llm.port import Partial, SummaryFailed, SummaryFields, Written
from services.models import PaperMeta, PdfContent
from services.pdf.sections import split_sections

TAKEAWAY_CHARS = 74
"""A takeaway a phone shows in two lines: the abstract's sentences that fit are preferred."""
TLDR_CHARS = 180
"""The TL;DR a phone shows in five lines: a contribution sentence that fits is preferred."""
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")
_STOP = set(
    "the a an and or of for in on to with by from we our this that these those is are was were be been as at it "
    "its into than then via using use used can which such also not has have show shows based new paper method "
    "methods approach results model models propose proposed task tasks data while both more most however their "
    "they over under between through across each other only may many much large small high low towards toward "
    "without within where when what which while whose there here than very well first second third even".split()
)
_AFFILIATION_WORDS = re.compile(
    r"(Universit|Institut|College|School|Laborator|\bLab\b|Research|Academy|Inc\.|Ltd|Corporation|Google|"
    r"Microsoft|Meta|DeepMind|OpenAI|NVIDIA|Stability|Center|Centre|大学|研究)", re.IGNORECASE)


def plain(text: str) -> str:
    """PDF text as flowing prose: hyphenated line breaks joined, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"-\n(?=[a-z])", "", text)).strip()


_MATH_SIGNS = re.compile(r"[=≤≥∈∑∏∫√±→←∂∇⁽⁾∼≈≠⊂∀∃∞|^_\ufffd]")


def _prose_like(sentence: str) -> bool:
    """A sentence a reader can use: mostly letters, no equation signs, no e-mail or footnote debris."""
    letters = sum(map(str.isalpha, sentence)) + sentence.count(" ")
    return (letters >= 0.85 * len(sentence) and len(_MATH_SIGNS.findall(sentence)) < 2 and "@" not in sentence
            and "Equal contribution" not in sentence)


def sentences(text: str) -> list[str]:
    return [s for s in (s.strip() for s in _SENTENCE_END.split(plain(text)))
            if 20 <= len(s) <= 400 and _prose_like(s)]


def section_sentences(text: str, *names: str) -> list[str]:
    """Sentences of the paper's sections whose heading names one of `names` (e.g. introduction)."""
    return [s for section in split_sections(text) if any(n in section.heading.lower() for n in names)
            for s in sentences(section.text)]


def _pick(candidates: list[str], pattern: str, limit: int, exclude: set[str]) -> list[str]:
    regex = re.compile(pattern, re.IGNORECASE)
    chosen = [s for s in candidates if regex.search(s) and s not in exclude][:limit]
    exclude.update(chosen)
    return chosen


def guess_affiliation(first_page: str) -> str:
    """The first line of page 1 that names an institution, as printed; empty when there is none."""
    for line in first_page.splitlines()[:60]:
        line = line.strip(" ,*†‡§1234567890")
        if 6 <= len(line) <= 150 and _AFFILIATION_WORDS.search(line) and "@" not in line:
            return line
    return ""


def keywords_of(text: str, count: int = 5) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z\-]{3,}", text.lower())
    common = Counter(w for w in words if w not in _STOP)
    return [w for w, _ in common.most_common(count)]


_CONTRIBUTION = (r"\bwe (propose|present|introduce|develop|show|demonstrate|find|design|establish|study|"
                 r"investigate|analy[sz]e|explore|revisit|evaluate|benchmark|release)|"
                 r"\b(this|our) (paper|work|study) (proposes|presents|introduces|shows|demonstrates)|"
                 r"\bin this (paper|work), we\b")
_RESULT = r"outperform|state-of-the-art|\bachiev|\bimprov|\bsurpass|\bbeats?\b|\d+(\.\d+)?\s?%|\d+(\.\d+)?\s?(x|×)\b"
_PAST = r"\bhowever\b|\bexisting\b|\bprevious\b|\bprior (work|methods|approaches)|\blimitation|\bsuffer"
_STEP = r"\b(first|then|next|finally|we (use|train|apply|compute|design|define|introduce|adopt|encode|sample))\b"
_SIGNIFICANCE = (r"\b(in this (paper|work)|we (have )?(shown|demonstrated|presented|proposed)|our results|"
                 r"this (work|paper)|conclude|overall)\b")
_LIMITATION = r"\b(limitation|limited to|does not|fails? to|future work|remains? (an )?open|drawback)\b"


class ExtractiveSummarizer:
    """No network, no model: each field is the paper's own sentence of the right kind from the right section
    (results from the experiments, significance from the conclusion), or left empty. No sentence is used twice."""

    model = "extractive"
    models = ("extractive",)

    async def summarize(self, paper: PaperMeta, content: PdfContent, language: str,
                        partial: Partial | None = None) -> Written:
        return Written(self.extract(paper, content), self.model)

    async def answer(self, system: str, turns: list[str], partial: Partial | None = None) -> str:
        raise SummaryFailed("no LLM is configured")

    def extract(self, paper: PaperMeta, content: PdfContent) -> SummaryFields:
        text = content.text
        abstract = sentences(paper.abstract)

        def section(*names: str) -> list[str]:
            return section_sentences(text, *names) if text else []

        introduction = section("introduction")
        methods = section("method", "approach", "model", "framework", "architecture")
        experiments = section("experiment", "result", "evaluation", "benchmark")
        conclusion = section("conclusion", "discussion", "summary")
        limitations = section("limitation")
        used: set[str] = set()
        contribution = _pick([x for x in abstract + introduction if len(x) <= TLDR_CHARS] or abstract + introduction,
                             _CONTRIBUTION, 1, used) or _pick(abstract + introduction, _CONTRIBUTION, 1, used)
        results = _pick(experiments or abstract, _RESULT, 2, used)
        method = _pick(abstract + methods, _CONTRIBUTION, 2, used) if methods or abstract else []
        past = _pick(introduction, _PAST, 2, used)
        background = [s for s in introduction[:3] if s not in used and not re.search(r"\bwe\b", s, re.I)][:2]
        used.update(background)
        steps = _pick(methods, _STEP, 5, used)
        significance = _pick(conclusion, _SIGNIFICANCE, 1, used)
        stated_limits = _pick(limitations + conclusion, _LIMITATION, 1, used)
        unused = [s for s in abstract if s not in used]
        takeaways = sorted(unused, key=lambda s: (len(s) > TAKEAWAY_CHARS, unused.index(s)))[:3]  # short ones first
        takeaways.sort(key=unused.index)  # in the abstract's order
        used.update(takeaways)
        return SummaryFields(
            one_sentence=contribution[0] if contribution else "",
            takeaways=takeaways,
            title_translation="",
            affiliation=guess_affiliation(content.first_page),
            keywords=keywords_of(paper.title + " " + paper.abstract),
            background=" ".join(background),
            past_methods=" ".join(past),
            method=" ".join(method),
            results=" ".join(results),
            method_steps=steps,
            significance=" ".join(significance),
            innovation="",
            performance="",
            workload="",
            limitations=" ".join(stated_limits),
        )
