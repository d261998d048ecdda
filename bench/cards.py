"""How clean the text and the offline cards are, on real papers: debris a reader would notice, counted.

    python bench/cards.py [pdfs | pdfs_more | DIR] [--show NAME]

For every DIR/*.pdf: the offline card (every field a reader sees: its prose, the first author's affiliation,
the figures' captions) and the cleaned text it is built from (what both summarizers read), scored by detectors
for ligatures, decomposed accents, caption starts, running headers, page numbers, equation fragments, e-mail
debris, glued headings and repeated sentences; and the share of card fields filled. Last line:
`cards: papers=N debris_per_card=D text_debris_per_paper=T repeated_sentences=S fields_filled=F` — the card's
debris is what a reader meets; the text's is what the LLM reads (a formula there is context, not an eyesore).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import add_corpus_argument, resolve
from services.cards.checks import verified_affiliation
from services.cards.figure_captions import figure_caption
from services.cards.links import find_links
from services.cards.papers import PaperCard
from services.cards.render import PLAIN, render_card
from services.llm.extractive import ExtractiveSummarizer
from services.llm.port import SummaryFields
from services.models import FigureImage, PaperMeta
from services.numbers import sentences_of
from services.pdf.pool import process_pdf

_HEADINGS = r"(?:Introduction|Related Work|Background|Method|Methods|Approach|Experiments|Results|Conclusion|" \
            r"Conclusions|Discussion|Abstract)"
DETECTORS = {
    "ligature": lambda text: len(re.findall("[\ufb00-\ufb06]", text)),
    "decomposed_accent": lambda text: len(re.findall(r"[¨´ˆ˜¸˚ˇ˝][A-Za-z]", text)) + sum(
        1 for pair in re.findall(r"[A-Za-z][\u0300-\u036f]", text) if len(unicodedata.normalize("NFC", pair)) == 1),
    "caption_start": lambda text: len(re.findall(r"(?m)^(?:Figure|Fig\.|Table)\s*\d+\s*[:.]", text)),
    "running_header": lambda text: sum(n - 1 for line, n in Counter(
        x.strip() for x in text.splitlines() if 5 < len(x.strip()) < 100).items() if n >= 3),
    "page_number": lambda text: len(re.findall(r"(?m)^\s*\d{1,3}\s*$", text)),
    # a display equation flattened into the prose: dense in math symbols, or words broken into one-letter pieces
    # (inline math inside a sentence, like πθ(y|x) or "we set K = 65536", is prose; so is a list of values,
    # "N = {1, 4, 16, 64}": digits are no broken word)
    "equation": lambda text: sum(1 for s in _sentences(text) if "\ufffd" in s or (
        len(found := re.findall(r"[=∑∏∫√≤≥∈±∂∇]", s)) >= 3 and len(found) * 25 > len(s)) or (
        len(pieces := [t for t in s.split() if len(p := t.strip(",.;:(){}")) == 1 and not p.isdigit()
                       and t not in ("a", "A", "I")]) >= 6 and len(pieces) >= 0.35 * len(s.split()))),
    # table cells flattened into a sentence: mostly numbers
    "table_fragment": lambda text: sum(1 for s in _sentences(text) if len(
        numbers := re.findall(r"(?<!\S)[+-]?\d+(?:\.\d+)?%?(?!\S)", s)) >= 6 and len(numbers) >= 0.5 * len(s.split())),
    "email": lambda text: len(re.findall(r"\S+@\S+\.\w{2,}", text)),
    "glued_heading": lambda text: len(re.findall(
        rf"(?m)^(?:\d+\.?[ \t]+)?{_HEADINGS}[ \t]+[A-Z][a-z]+[ \t]+\w+", text)),
}
FIELDS = ("one_sentence", "background", "past_methods", "method", "results", "significance", "limitations")
LISTS = ("takeaways", "method_steps", "keywords")


def _sentences(text: str) -> list[str]:
    return [s for paragraph in text.split("\n\n") for s in sentences_of(paragraph)]


def debris(text: str) -> Counter[str]:
    """Debris in prose; Markdown table rows and the table's caption under them are tables written on purpose."""
    lines = text.splitlines()
    text = "\n".join(line for i, line in enumerate(lines) if not line.lstrip().startswith("|") and not (
        line.startswith("(") and i and lines[i - 1].lstrip().startswith("|")))
    found: Counter[str] = Counter()
    for name, detector in DETECTORS.items():
        count = detector(text)
        if count:
            found[name] += count
    return found


def repeated(summary: SummaryFields) -> int:
    seen: Counter[str] = Counter()
    for name in FIELDS:
        seen.update(sentences_of(getattr(summary, name)))
    for name in ("takeaways", "method_steps"):
        for item in getattr(summary, name):
            seen.update(sentences_of(item))
    return sum(n - 1 for n in seen.values() if n > 1)


def abstract_of(text: str) -> str:
    """The paper's abstract from its cleaned text: the first paragraph (the text starts at the abstract)."""
    paragraphs = [p for p in text.split("\n\n") if len(p) > 200]
    return paragraphs[0] if paragraphs else ""


def compare(pdfs: Path, other: Path) -> None:
    """Debris in another extractor's output of the same papers, scored by the same detectors."""
    total: Counter[str] = Counter()
    for path in sorted(pdfs.glob("*.pdf")):
        markdown = other / f"{path.stem}.md"
        if not markdown.exists():
            continue
        text = markdown.read_text()
        end = re.search(r"(?im)^#+\s*\**\s*(\d+\.?\s*)?(references|bibliography)\b", text)
        text = re.sub(r"\*\*|__|^#+ ", "", text[:end.start()] if end else text, flags=re.M)
        found = debris(text)
        total += found
        print(f"  {other.name}/{path.stem}: chars={len(text)} debris={dict(found)}")
    count = max(1, len(list(pdfs.glob("*.pdf"))))
    print(f"compare: {other} debris_per_paper={sum(total.values()) / count:.2f} {dict(total)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpus_argument(parser)
    parser.add_argument("--show", help="print the cleaned text and the card of this paper (file name stem)")
    parser.add_argument("--compare", type=Path, help="also score another extractor's text: DIR/NAME.md for each "
                        "NAME.pdf (e.g. pymupdf4llm's to_markdown), cut at its references, Markdown marks removed")
    args = parser.parse_args()
    corpus = resolve(args.corpus)
    if args.compare:
        compare(corpus.pdfs, args.compare)
    total_debris = total_repeats = text_debris = 0
    filled: list[float] = []
    papers = corpus.papers()
    extractor = ExtractiveSummarizer()
    for path in papers:
        labels = corpus.labels / f"{path.stem}.figures.json"
        title = json.loads(labels.read_text())["title"] if labels.exists() else path.stem
        result = process_pdf(path.read_bytes(), max_pages=60)
        text = result.content.text
        paper = PaperMeta(path.stem, 1, title, ("A. Author",), abstract_of(text), "cs.LG")
        summary = extractor.extract(paper, result.content)
        affiliation = verified_affiliation(summary.affiliation, result.content.first_page)
        card = PaperCard(paper, summary, "en", find_links(paper.abstract, result.content.first_page),
                         affiliation=affiliation, extractive=True)
        prose = "\n\n".join(render_card(card, PLAIN)[1:])  # the header is arXiv's metadata
        captions = "\n\n".join(figure_caption(FigureImage(**vars(region), image=b"", mime=""), "en", paper, PLAIN)
                                 for region in result.regions)  # as the photos show them
        found = debris(prose) + debris(captions)
        in_text = debris(text)
        text_debris += sum(in_text.values())
        repeats = repeated(summary)
        share = (sum(bool(getattr(summary, f).strip()) for f in FIELDS)
                 + sum(bool(getattr(summary, f)) for f in LISTS)) / (len(FIELDS) + len(LISTS))
        total_debris += sum(found.values())
        total_repeats += repeats
        filled.append(share)
        print(f"  {path.stem}: chars={len(text)} card_debris={dict(found)} text_debris={dict(in_text)} "
              f"repeats={repeats} fields_filled={share:.2f}")
        if args.show == path.stem:
            print(text, "\n\n=====\n", prose)
    count = max(1, len(papers))
    print(f"cards: papers={len(papers)} debris_per_card={total_debris / count:.2f} "
          f"text_debris_per_paper={text_debris / count:.2f} repeated_sentences={total_repeats} "
          f"fields_filled={sum(filled) / count:.2f}")


if __name__ == "__main__":
    main()
