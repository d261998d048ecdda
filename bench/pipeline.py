"""Time the pipeline's PDF work against PyMuPDF's bare text extraction.

    python bench/pipeline.py [pdfs | pdfs_more | DIR]

For each DIR/*.pdf, each timed as the best of 5 runs on one core, the three interleaved (a burst of noise on a
shared machine then hits all three alike):
- `read`: `process_pdf` — open, the cleaned text for the summarizer, where the card's figures are. The card's
  text waits for this (then for the LLM, or the offline extract): it is sent without waiting for the crops.
- `crops`: `render_figures` — the card's crops (at most six, ~1280 px, JPEG), drawn in the worker pool while
  the LLM writes; the album follows the text as soon as they exist.
- the floor: `pymupdf.open` + `get_text()` of every page.
Last line: `pipeline: papers=N median_ms=A max_ms=B floor_median_ms=F ratio=A/F peak_rss_mb=R`, where A is the
median read (the PDF work the card's text waits for), then `album_median_ms=C album_ratio=C/F`: read + crops,
all of a card's PDF work on one core (when the album is ready if no LLM hides the crops).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pymupdf

from bench.corpus import add_corpus_argument, resolve
from services.pdf.pool import process_pdf, render_figures


def best_times(runs: int, works: dict[str, object]) -> dict[str, float]:
    """Each work's best time over `runs` rounds, one of each per round. MuPDF's cache is emptied after each,
    as a PDF worker does after a job (services/pdf.py)."""
    best = dict.fromkeys(works, float("inf"))
    for _ in range(runs):
        for name, work in works.items():
            start = time.perf_counter()
            work()  # type: ignore[operator]
            best[name] = min(best[name], (time.perf_counter() - start) * 1000)
            pymupdf.TOOLS.store_shrink(100)
    return best


def floor(data: bytes) -> None:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for page in doc:
            page.get_text()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpus_argument(parser)
    corpus = resolve(parser.parse_args().corpus)
    album_ms: list[float] = []
    read_ms: list[float] = []
    floor_ms: list[float] = []
    for pdf in corpus.papers():
        data = pdf.read_bytes()
        result = process_pdf(data, max_pages=60)
        times = best_times(5, {
            "read": lambda data=data: process_pdf(data, max_pages=60),
            "crops": lambda data=data, regions=result.regions: render_figures(data, regions),
            "floor": lambda data=data: floor(data),
        })
        read, crops, base = times["read"], times["crops"], times["floor"]
        album_ms.append(read + crops)
        read_ms.append(read)
        floor_ms.append(base)
        print(f"{pdf.name:20} pages={result.content.pages:3} figures={len(result.regions)} read_ms={read:6.1f} "
              f"crops_ms={crops:6.1f} floor_ms={base:6.1f} ratio={read / base:5.2f} "
              f"album_ratio={(read + crops) / base:5.2f}")
    if not read_ms:
        print("no PDFs found")
        return 1
    median, floor_median = statistics.median(read_ms), statistics.median(floor_ms)
    album = statistics.median(album_ms)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pipeline: papers={len(read_ms)} median_ms={median:.0f} max_ms={max(read_ms):.0f} "
          f"floor_median_ms={floor_median:.0f} ratio={median / floor_median:.2f} peak_rss_mb={peak_mb:.0f} "
          f"album_median_ms={album:.0f} album_ratio={album / floor_median:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
