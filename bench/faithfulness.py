"""Does the number check catch a number taken from elsewhere in the paper? Claims built from real papers.

    python bench/faithfulness.py [pdfs | pdfs_more | DIR] [--per-paper 60] [-v]

For each paper, from its clean text (what the LLM reads):
- true claims restate what the paper says as an LLM would: a sentence's number with the words around it, a third
  of them left out (the two either side of the number kept) and the paper's name in front ("DiT: FID of 2.27
  ImageNet 256"); a table cell as "<row> reaches <value> on <column>";
- false claims are the same claims with the number replaced by another number the paper states elsewhere (same
  shape: a decimal for a decimal, a percentage for a percentage), so that a check by value alone passes them.
The card's check (`services.numbers.statements`) then says which claims it keeps. Last line:
`faithfulness: claims= caught= false_drops= caught_by_value=` — caught: false claims dropped; false_drops: true
claims dropped; caught_by_value: what checking the value alone would catch (zero by construction).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import add_corpus_argument, resolve
from services.numbers import numbers_in, sentences_of, statements
from services.pdf.pool import process_pdf

CONTEXT = 7
"""Words kept either side of the number in a restated sentence."""
_NUMBER = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)?(\.\d+)?(%?)[),.;:]*$")
_REFERENCE = re.compile(r"(?i)^(?:fig(?:ure)?s?|tables?|eqs?|equations?|sections?|sec|algorithms?|appendix|"
                        r"theorems?|lemmas?|propositions?|corollary|definitions?|steps?|lines?|chapters?|refs?)\.?$")
"""A word before a number that makes it a reference ("see Figure 11"), not a result."""
_GARBLED = re.compile("[\ufffd“”‰ăěď`]")
"""Glyphs a math font's symbols come out as when the PDF does not map them: the sentence is no claim to restate."""


def shape(token: str) -> tuple[bool, bool]:
    return "." in token.rstrip(".,;:)"), token.rstrip(".,;:)").endswith("%")


def sentence_claims(text: str, name: str, rng: random.Random) -> list[tuple[str, str, set[str]]]:
    """(claim, the number as written, every value of its source sentence) for each number in the prose."""
    claims = []
    for paragraph in text.split("\n"):
        if paragraph.startswith(("|", "(")):
            continue
        for sentence in sentences_of(paragraph):
            if _GARBLED.search(sentence):
                continue
            tokens = sentence.split()
            values = numbers_in(sentence)
            for i, token in enumerate(tokens):
                found = _NUMBER.match(token)
                if not found or not (found.group(1) or found.group(2)) or len(tokens) < 8:
                    continue
                if i and (_REFERENCE.match(tokens[i - 1]) or tokens[i - 1].endswith(".")):
                    continue  # "see Figure 11": a reference; "… required. 279": a manuscript's line number
                if (found.group(1) or "").isdigit() and 1900 <= int(found.group(1)) <= 2030 and not found.group(2):
                    continue  # a year: not a result
                start = max(0, i - CONTEXT)
                window = [t for j, t in enumerate(tokens[start:i + CONTEXT + 1], start)
                          if abs(j - i) <= 2 or rng.random() >= 1 / 3]
                claims.append((f"{name}: " + " ".join(window).rstrip(".,;:") + ".", token, values))
    return claims


def table_claims(text: str) -> list[tuple[str, str, set[str]]]:
    """(claim, the number as written, the row's values) for each numeric cell of each Markdown table."""
    claims = []
    for block in re.split(r"\n(?!\|)", text):
        lines = [line for line in block.split("\n") if line.startswith("|")]
        rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
        if len(rows) < 2:
            continue
        header = rows[0]
        for row in rows[1:]:
            label = " ".join(c for c in row if c and not numbers_in(c))
            if not label:
                continue
            for column, cell in enumerate(row):
                if column >= len(header) or not _NUMBER.match(cell) or not numbers_in(cell) or not header[column]:
                    continue
                claims.append((f"{label} reaches {cell} on {header[column]}.", cell, numbers_in(" ".join(row))))
    return claims


def false_claim(claim: str, token: str, source_values: set[str], pool: list[str],
                rng: random.Random) -> str | None:
    """The claim with its number replaced by one of the same shape stated elsewhere in the paper."""
    wanted = shape(token)
    candidates = [t for t in pool if shape(t) == wanted and not numbers_in(t) & source_values]
    if not candidates:
        return None
    other = rng.choice(candidates).rstrip(".,;:)").lstrip("(")
    core = token.rstrip(".,;:)").lstrip("(")
    return claim.replace(core, other, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpus_argument(parser)
    parser.add_argument("--per-paper", type=int, default=60, help="claims sampled per paper (true and false each)")
    parser.add_argument("-v", action="store_true", help="print the claims the check gets wrong")
    args = parser.parse_args()
    rng = random.Random(7)
    total: Counter[str] = Counter()
    for path in resolve(args.corpus).papers():
        text = process_pdf(path.read_bytes(), max_pages=60).content.text
        index = statements([text])
        name = path.stem.capitalize()  # the paper's method, as the LLM names it
        sources = sentence_claims(text, name, rng) + table_claims(text)
        pool = [token for _, token, _ in sources]
        rng.shuffle(sources)
        paper: Counter[str] = Counter()
        for claim, token, values in sources[:args.per_paper]:
            paper["claims"] += 1
            if index.unsupported(claim):
                paper["dropped"] += 1
                if args.v:
                    print(f"    dropped true: {claim}  {index.unsupported(claim)}")
            wrong = false_claim(claim, token, values, pool, rng)
            if wrong is None:
                continue
            paper["false"] += 1
            if index.unsupported(wrong):
                paper["caught"] += 1
            elif args.v:
                print(f"    kept false: {wrong}")
            paper["by_value"] += not numbers_in(wrong) <= index.values
        total += paper
        print(f"  {path.stem}: claims={paper['claims']} caught={paper['caught']}/{paper['false']} "
              f"false_drops={paper['dropped']}")
    falses, claims = max(1, total["false"]), max(1, total["claims"])
    print(f"faithfulness: claims={total['claims']} caught={total['caught'] / falses:.2f} "
          f"false_drops={total['dropped'] / claims:.2f} caught_by_value={total['by_value'] / falses:.2f}")


if __name__ == "__main__":
    main()
