"""How a card and a digest read on a phone: every message drawn as a 390-px screen would show it.

    python bench/phone.py [pdfs | pdfs_more | DIR] [--width 38]

For each real paper: its card with the shipped formatter — once with the offline extract of the paper itself,
once with an LLM summary written to the prompt's lengths (the fake LLM's fields, padded to each field's limit) —
and a 30-paper digest of three topics. A phone line holds about 38 characters at Telegram's default size on a
390-px screen; a collapsed expandable block shows three lines.

- `card_lines_p90`: phone lines of a card's collapsed view (header, TL;DR, takeaways, the fold's first lines,
  notes), 90th percentile over the cards;
- `card_messages_max`: text messages a card takes;
- `fold_complete`: share of the summary's 8-point fields shown whole in the fold (not dropped, not cut);
- `cut_words`: fields cut inside a word (a reader cannot tell "The find…" from "The findings");
- `digest_entries_per_message_max`, `button_distance_max`: entries in one digest message, and how many entries
  lie between an entry and the buttons under its message;
- `languages_checked`: shipped languages whose every text Telegram accepts as HTML.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import re
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import add_corpus_argument, resolve
from services.cards.links import find_links
from services.cards.papers import PaperCard
from services.cards.render import card_messages
from services.digests.format import DigestEntry, overview_messages
from services.i18n import INTERFACE_LANGUAGES, TEXTS, placeholders, t
from services.llm.extractive import ExtractiveSummarizer
from services.llm.port import SummaryFields
from services.models import PaperMeta
from services.pdf.pool import process_pdf
from tests.fakes.gemini import SUMMARY
from tests.fakes.telegram_html import TEXT_LIMIT, check

FOLD_LINES = 3
FIELDS = ("background", "past_methods", "method", "results", "significance", "innovation", "performance",
          "workload", "limitations")
WORDS = {"one_sentence": 25, "background": 30, "past_methods": 30, "method": 45, "results": 50, "significance": 20,
         "innovation": 15, "performance": 25, "workload": 15, "limitations": 25}
TAKEAWAY_WORDS, STEP_WORDS = 10, 12
"""The prompt's lengths (services/llm/port.py): an LLM summary at its longest."""


def phone_lines(markup: str, width: int) -> int:
    """Lines a phone shows of a message: each line of text wraps at `width` characters; a collapsed expandable
    block shows three lines of it (wrapped)."""
    parts = re.split(r"<blockquote expandable>.*?</blockquote>", markup, flags=re.S)
    folds = len(parts) - 1

    def wrapped(part: str) -> int:
        text = html.unescape(re.sub(r"<[^>]+>", "", part)).strip("\n")
        return sum(max(1, math.ceil(len(line) / width)) for line in text.split("\n")) if text else 0

    return sum(wrapped(part) for part in parts) + folds * FOLD_LINES


def long_summary(abstract: str) -> SummaryFields:
    """An LLM summary with every field as long as the prompt allows, in the paper's own words (so a line holds
    what it would hold of real prose: long technical words, numbers, hyphens)."""
    words = [w for w in abstract.split() if w.isprintable()] or ["method"]

    def run(count: int, start: int) -> str:
        picked = [words[(start + i) % len(words)] for i in range(count)]
        return " ".join(picked).rstrip(".,;:") + "."

    fields: dict[str, object] = dict(SUMMARY)
    for at, (name, count) in enumerate(WORDS.items()):
        fields[name] = run(count, 7 * at)
    fields["takeaways"] = [run(TAKEAWAY_WORDS, 40 + 13 * i) for i in range(3)]
    fields["method_steps"] = [run(STEP_WORDS, 90 + 11 * i) for i in range(5)]
    return SummaryFields.model_validate(fields)


def fold_of(message: str) -> str:
    found = re.search(r"<blockquote expandable>(.*?)</blockquote>", message, flags=re.S)
    return html.unescape(found.group(1)) if found else ""


def field_shown(summary: SummaryFields, fold: str) -> tuple[int, int, int]:
    """(fields with text, fields shown whole, fields cut inside a word) of the 8-point layout."""
    filled = whole = cut = 0
    for name in FIELDS:
        value = " ".join(str(getattr(summary, name)).split())
        if not value:
            continue
        filled += 1
        if value in fold:
            whole += 1
            continue
        stem = next((line for line in fold.split("\n") if value[:25] in line), "")
        if stem.endswith("…"):
            shown = stem.rsplit(": ", 1)[-1][:-1]
            at = len(shown)
            if at < len(value) and value[at - 1:at].isalnum() and value[at:at + 1].isalnum():
                cut += 1
    return filled, whole, cut


def cards(corpus_name: str) -> list[tuple[PaperCard, SummaryFields]]:
    corpus = resolve(corpus_name)
    made = []
    extractor = ExtractiveSummarizer()
    for path in corpus.papers():
        result = process_pdf(path.read_bytes(), max_pages=60)
        label = corpus.labels / f"{path.stem}.figures.json"
        title = json.loads(label.read_text()).get("title", path.stem) if label.exists() else path.stem
        text = result.content.text[:1500]
        abstract = text[:max(text.rfind(". ") + 1, 1)]  # whole sentences, as arXiv's abstract is
        paper = PaperMeta("2501.00001", 1, title, tuple(f"Author Name{i}" for i in range(12)), abstract, "cs.LG",
                          comment="Accepted to a conference, 12 pages, 8 figures",
                          updated=datetime(2025, 1, 1, tzinfo=UTC))
        links = find_links(paper.abstract, result.content.first_page)
        offline = extractor.extract(paper, result.content)
        made.append((PaperCard(paper, offline, "en", links, extractive=True), offline))
        written = long_summary(abstract)
        made.append((PaperCard(paper, written, "en", links, affiliation="University of Example"), written))
    return made


def digest(width: int) -> tuple[int, int]:
    """(most entries in one message, most entries between an entry and its buttons) of a 30-paper digest."""
    entries = [DigestEntry(PaperMeta(f"2501.{10000 + i}", 1, f"A Paper About Topic Number {i} With a Long Title",
                                     ("A",), "", "cs.CV"), "We show that the method works well on the benchmark "
                                                           "with a large margin of 5 points over the baseline.")
               for i in range(30)]
    most = distance = 0
    for topic, chunk in (("cs.CV", entries[:12]), ("diffusion", entries[12:22]), ("au:\"Ada\"", entries[22:])):
        for message in overview_messages(topic, "2025-01-06", chunk, "en"):
            count = len(message.base_ids)
            most = max(most, count)
            distance = max(distance, count - 1)  # the first entry of a message is farthest from its buttons
    return most, distance


def languages() -> int:
    passed = 0
    for lang in INTERFACE_LANGUAGES:
        ok = True
        for key in TEXTS["en"]:
            if key.startswith("menu_"):
                continue
            names = placeholders(lang, key)
            ok = ok and all(check(t(lang, key, **{n: count for n in names}), "HTML", TEXT_LIMIT) is None
                            for count in (1, 7))
        passed += ok
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpus_argument(parser)
    parser.add_argument("--width", type=int, default=38, help="characters a phone line holds (default 38)")
    args = parser.parse_args()
    lines, counts = [], []
    filled = whole = cut = 0
    for card, summary in cards(args.corpus):
        messages = card_messages(card)
        counts.append(len(messages))
        lines.append(phone_lines(messages[0], args.width))
        f, w, c = field_shown(summary, fold_of("\n".join(messages)))
        filled, whole, cut = filled + f, whole + w, cut + c
        print(f"  {card.paper.title[:30]:30} {'extract' if card.extractive else 'llm':8} lines={lines[-1]:3} "
              f"messages={counts[-1]} fields={w}/{f}")
    per_message, distance = digest(args.width)
    p90 = statistics.quantiles(lines, n=10)[-1] if len(lines) > 1 else float(lines[0])
    print(f"phone: card_lines_p90={p90:.0f} card_messages_max={max(counts)} "
          f"fold_complete={whole / max(1, filled):.2f} cut_words={cut} digest_entries_per_message_max={per_message} "
          f"button_distance_max={distance} languages_checked={languages()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
