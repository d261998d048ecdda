"""The real papers the benches read, wherever a user's clone is.

A set is named (`pdfs`: ML/CV papers; `pdfs_more`: other fields and journal templates) or given as a directory.
Its hand-made labels (`NAME.figures.json`: where each figure and table is) are committed in `bench/labels/SET/`;
the PDFs are not (their licences vary). They are read from `../shared/SET/` when that is beside the clone, and
otherwise downloaded once by arXiv ID (from `ARXIV_PDF_URL`, default arxiv.org, 3 s apart as arXiv asks) into
`bench/.cache/SET/`. Only papers whose labelled PDF is arXiv's own version can be fetched that way; the others
(authors' drafts, papers not on arXiv) are named as skipped.

    python bench/corpus.py [SET ...]      fetch the sets now and say where they are
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
SHARED = BENCH.parent.parent / "shared"
SETS = ("pdfs", "pdfs_more")
ARXIV_IDS = {
    # the ML set's labels predate the `arxiv_id` field for these: the IDs of shared/pdfs/README.md
    "sd3": "2403.03206v1", "ladd": "2403.12015v1", "moco": "1911.05722v3", "dpo": "2305.18290v3",
}
_VERSIONED = re.compile(r"^\d{4}\.\d{4,5}v\d+$")


@dataclass(frozen=True)
class Corpus:
    pdfs: Path
    """Where the PDFs are."""
    labels: Path
    """Where their `NAME.figures.json` labels are."""
    skipped: tuple[str, ...] = ()
    """Labelled papers whose PDF could not be had (not on arXiv as labelled)."""

    def papers(self) -> list[Path]:
        """The PDFs that have labels, in name order."""
        return [self.pdfs / f"{label.name.removesuffix('.figures.json')}.pdf"
                for label in sorted(self.labels.glob("*.figures.json"))
                if (self.pdfs / f"{label.name.removesuffix('.figures.json')}.pdf").exists()]


def fetchable_id(label: dict[str, object], name: str) -> str | None:
    """The versioned arXiv ID whose PDF is the one labelled, or None (a draft, or not on arXiv)."""
    arxiv_id = str(label.get("arxiv_id") or ARXIV_IDS.get(name) or "")
    if not _VERSIONED.match(arxiv_id) or label.get("arxiv_stamp") is False:
        return None
    return arxiv_id


def resolve(name_or_dir: str, fetch: bool = True, *, shared: Path = SHARED, bench: Path = BENCH) -> Corpus:
    """The set's PDFs and labels: a directory as given, ../shared/SET, or the cache (filled when `fetch`)."""
    given = Path(name_or_dir)
    if name_or_dir not in SETS:
        if not given.is_dir():
            raise SystemExit(f"no such set or directory: {name_or_dir} (sets: {', '.join(SETS)})")
        labels = given if any(given.glob("*.figures.json")) else bench / "labels" / given.name
        return Corpus(given, labels)
    if (shared / name_or_dir).is_dir():
        return Corpus(shared / name_or_dir, shared / name_or_dir)
    labels = bench / "labels" / name_or_dir
    cache = bench / ".cache" / name_or_dir
    cache.mkdir(parents=True, exist_ok=True)
    skipped = []
    base = os.environ.get("ARXIV_PDF_URL", "https://arxiv.org/pdf/").rstrip("/") + "/"
    delay = float(os.environ.get("ARXIV_DELAY_SECONDS", "3"))
    for label_file in sorted(labels.glob("*.figures.json")):
        name = label_file.name.removesuffix(".figures.json")
        target = cache / f"{name}.pdf"
        arxiv_id = fetchable_id(json.loads(label_file.read_text()), name)
        if target.exists():
            continue
        if arxiv_id is None or not fetch:
            skipped.append(name)
            continue
        print(f"fetching {name} (arXiv:{arxiv_id}) into {cache}", file=sys.stderr)
        try:
            response = httpx.get(base + arxiv_id, follow_redirects=True, timeout=60)
        except httpx.HTTPError as error:
            print(f"  could not fetch {name}: {error}", file=sys.stderr)
            skipped.append(name)
            continue
        if response.status_code != 200 or not response.content.startswith(b"%PDF-"):
            print(f"  could not fetch {name}: HTTP {response.status_code}", file=sys.stderr)
            skipped.append(name)
        else:
            target.write_bytes(response.content)
        time.sleep(delay)
    corpus = Corpus(cache, labels, tuple(skipped))
    if not corpus.papers():
        raise SystemExit(f"no paper of {name_or_dir} could be read: put the steering folder's shared/ beside the "
                         f"clone, or let bench/corpus.py reach {base}")
    return corpus


def add_corpus_argument(parser: argparse.ArgumentParser, default: str = "pdfs") -> None:
    parser.add_argument("corpus", nargs="?", default=default,
                        help=f"a set ({' or '.join(SETS)}; from ../shared, else fetched by arXiv ID into "
                             f"bench/.cache) or a directory of PDFs (default: {default})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="*", default=list(SETS), help="sets to make available")
    for name in parser.parse_args().sets:
        corpus = resolve(name)
        print(f"{name}: {len(corpus.papers())} papers in {corpus.pdfs}"
              + (f"; skipped (not on arXiv as labelled): {', '.join(corpus.skipped)}" if corpus.skipped else ""))


if __name__ == "__main__":
    main()
