"""Score the figure extractor on labelled real papers.

    python bench/figures.py [pdfs | pdfs_more | DIR] [LABELS_DIR] [--iou 0.8] [--errata FILE] [-v]

For each DIR/NAME.pdf with LABELS_DIR/NAME.figures.json: a predicted figure is correct when it is on the
labelled page and its box (graphic and caption) overlaps an unmatched labelled box of the same kind with
IoU >= 0.8 (PDFFigures 2.0's criterion; `--iou` changes it). Prints precision and recall per paper, a
`tables:` line, and last the overall `figures:` line with the median over papers of milliseconds per page of
detection (one core, final rendering excluded).

`--errata FILE` scores against labels corrected where a render of the page shows the label wrong (each
correction says why); without it the labels are taken as given.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pymupdf

from bench.corpus import add_corpus_argument, resolve
from services.pdf.figures import detect_document

IOU = 0.8


def iou(a: list[float] | tuple[float, ...], b: list[float] | tuple[float, ...]) -> float:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def score(predicted: list[dict], labelled: list[dict]) -> tuple[int, int, int]:
    """(true positives, predicted count, labelled count), greedy by IoU."""
    pairs = sorted(
        ((iou(p["bbox"], g["bbox"]), i, j) for i, p in enumerate(predicted) for j, g in enumerate(labelled)
         if p["page"] == g["page"]),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    for value, i, j in pairs:
        if value < IOU:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return len(used_p), len(predicted), len(labelled)


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def main() -> int:
    global IOU
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpus_argument(parser)
    parser.add_argument("labels", nargs="?", type=Path, help="where the NAME.figures.json labels are (default: "
                        "beside the PDFs, or bench/labels/SET)")
    parser.add_argument("--iou", type=float, default=IOU, help="overlap for a box to count (default 0.8)")
    parser.add_argument("--errata", type=Path, help="labels corrected where a render shows them wrong")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every missed box")
    args = parser.parse_args()
    IOU, verbose = args.iou, args.verbose
    errata: dict[str, dict] = json.loads(args.errata.read_text()) if args.errata else {}
    corpus = resolve(args.corpus)
    pdf_dir = corpus.pdfs
    labels_dir = args.labels or corpus.labels
    if corpus.skipped:
        print(f"skipped (not on arXiv as labelled): {', '.join(corpus.skipped)}")
    totals = {"figure": [0, 0, 0], "table": [0, 0, 0]}
    page_ms: list[float] = []
    papers = 0
    for label_file in sorted(labels_dir.glob("*.figures.json")):
        labels = json.loads(label_file.read_text())
        name = label_file.name.removesuffix(".figures.json")
        for item in labels["items"]:
            fix = errata.get(f"{name} {item['kind']} {item['number']}")
            if fix:
                item["bbox"] = fix["bbox"]
        pdf = pdf_dir / labels["pdf"]
        if not pdf.exists():
            continue
        papers += 1
        doc = pymupdf.open(pdf)
        start = time.perf_counter()
        found = detect_document(doc, doc.page_count)
        page_ms.append((time.perf_counter() - start) * 1000 / doc.page_count)
        predicted = [{"kind": f.kind, "number": f.number, "page": f.page, "bbox": tuple(f.bbox)} for f in found]
        line = [f"{label_file.name.removesuffix('.figures.json'):14}"]
        for kind in ("figure", "table"):
            gold = [i for i in labels["items"] if i["kind"] == kind and i.get("verified", True)]
            mine = [p for p in predicted if p["kind"] == kind]
            tp, n_pred, n_gold = score(mine, gold)
            for k, v in zip(range(3), (tp, n_pred, n_gold), strict=True):
                totals[kind][k] += v
            line.append(f"{kind}s P={ratio(tp, n_pred):.2f} R={ratio(tp, n_gold):.2f} ({tp}/{n_pred}/{n_gold})")
            if verbose:
                for g in gold:
                    best = max((iou(p["bbox"], g["bbox"]) for p in mine if p["page"] == g["page"]), default=0)
                    if best < IOU:
                        near = [(p["number"], [round(x) for x in p["bbox"]]) for p in mine if p["page"] == g["page"]]
                        print(f"   miss {kind} {g['number']} p{g['page']} {[round(x) for x in g['bbox']]} "
                              f"best={best:.2f} predicted={near}")
        print("  ".join(line))
    for kind in ("table", "figure"):
        tp, n_pred, n_gold = totals[kind]
        p, r = ratio(tp, n_pred), ratio(tp, n_gold)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        extra = f" papers={papers} ms_per_page={statistics.median(page_ms) if page_ms else 0:.1f}" \
            if kind == "figure" else ""
        print(f"{kind}s: precision={p:.3f} recall={r:.3f} f1={f1:.3f}{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
