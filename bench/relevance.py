"""How well digests find and rank what a reader means, on real arXiv titles and abstracts.

    python bench/relevance.py [--data bench/data/relevance-2025-10-14.jsonl …] [--trials 30] [--embed] [--check]
                              [--ceiling]

The data (bench/data/, committed; see bench/data/README.md): real announcement days with whole abstracts, as digests
match them (arXiv metadata is CC0) — 2025-10-14 (cs.CR, cs.NI, cs.SE, 110 papers), 2026-02-24 (cs.CV, cs.CL,
70 papers; issue 25's topics) and 2026-02-26 (the same topics, 43 papers, labelled after the matching rules were
written and never tuned on: held out). Each paper carries its primary category (the simulated readers' subject,
set by its authors, not by us) and the day's topics it is about (labelled by hand from title and whole abstract).
- Matching: for each topic as a user would type it, recall and precision of `Topic.matches` against the labels;
  the same for the day's `about:` sentences as matched offline (half their content words).
- Ranking: readers who like one subject (one primary category) follow all the day's categories; after k ratings
  of random papers from one half of the day, the other half is ranked by the chat's taste model exactly as a
  digest ranks a category topic; NDCG@10 against the reader's subject, averaged over trials.
- Cost: ranking 1,000 chats × 200 papers (CPU seconds), and one retrain with 500 ratings (ms).
- `--embed` (needs EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL, or GEMINI_API_KEY): cosine similarity of sentence
  topics to each paper, and the threshold that gives the best F1 — how ABOUT_THRESHOLD is set.

- `--check` (needs an LLM as the bot reads it: GEMINI_API_KEY, or LLM_PROVIDER=openai and its server): recall and
  precision after the bot's second look at the papers words cannot decide (services/ranking/check.py), and its calls.
- `--ceiling [--noise P]`: the same, answered by the labels through the fake OpenAI server (a perfect reader): its
  ceiling; with `--noise`, each verdict flipped with probability P (seeded): what a model's mistakes cost.

- /search: each topic's words as a query over the papers holding them all, re-ranked as /search ranks (NDCG@10).

A line a day: `relevance: day=D topics=T recall=R precision=P about_recall= about_precision= ndcg10_0=A
ndcg10_5=B ndcg10_20=C search_ndcg10=S`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.aliases import Aliases, learn_from
from services.models import PaperMeta, PaperText
from services.ranking.relevance import Corpus, blended
from services.ranking.taste import Rated, Space, by_meaning, paper_terms, train
from services.topics import Topic, parse_topic

TOPICS = {
    "llm": "LLM OR \"large language models\"",
    "testing": "\"software testing\" OR fuzzing OR \"test generation\"",
    "iot": "IoT OR \"internet of things\"",
    "jailbreak": "jailbreak OR \"red teaming\"",
    "6g": "6G",
    "blockchain": "blockchain",
    "repair": "program repair",
    "rl": "reinforcement learning",
}
"""Each labelled topic of the first day as a user would subscribe to it."""

SENTENCES = {
    "llm": "about: what large language models can do and how they are built into tools",
    "testing": "about: automatically testing software and finding bugs with generated tests",
    "iot": "about: security of connected smart devices at home and in hospitals",
    "jailbreak": "about: attacks that make chatbots produce harmful answers",
    "6g": "about: the next generation of mobile networks after 5G",
    "blockchain": "about: cryptocurrencies and distributed ledgers",
    "repair": "about: fixing bugs in programs automatically",
    "rl": "about: agents that learn a control policy from rewards",
}

TOPICS_CV_CL = {
    "vlm": "\"vision-language models\"",
    "diffusion": "diffusion models",
    "agents": "LLM agents",
    "rag": "\"retrieval-augmented generation\" OR RAG",
    "hallucination": "hallucination",
    "medical": "\"medical imaging\"",
    "rl": "reinforcement learning",
}
"""The second day's topics (cs.CV and cs.CL, issue 25): each with its hard negatives in the day."""

SENTENCES_CV_CL = {
    "vlm": "about: models that understand images or video together with language",
    "diffusion": "about: generating images and video with denoising diffusion",
    "agents": "about: language model agents that plan and use tools",
    "rag": "about: answering questions by retrieving documents for a language model",
    "hallucination": "about: language models inventing content that is not grounded",
    "medical": "about: deep learning on medical scans and clinical images",
    "rl": "about: training models with rewards and policy optimization",
}

DATA = Path(__file__).parent / "data"
DAYS = {
    "relevance-2025-10-14.jsonl": (TOPICS, SENTENCES),
    "relevance-2026-02-24.jsonl": (TOPICS_CV_CL, SENTENCES_CV_CL),
    "relevance-2026-02-26.jsonl": (TOPICS_CV_CL, SENTENCES_CV_CL),
}
"""The labelled days (bench/data/README.md) and the topics labelled on each."""


@dataclass(frozen=True)
class Paper:
    base_id: str
    title: str
    abstract: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    primary: str
    topics: frozenset[str]

    @property
    def text(self) -> PaperText:
        return PaperText(self.title, self.abstract, self.authors)


def load(path: Path) -> list[Paper]:
    papers = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        papers.append(Paper(row["id"], row["title"], row["abstract"], tuple(row["authors"]), (row["primary"],),
                            row["primary"], frozenset(row["topics"])))
    return papers


@dataclass(frozen=True)
class _WithAliases:
    topic: Topic
    aliases: Aliases | None

    def matches(self, paper: Paper) -> bool:
        """Matched above the cap: firmly (a paper naming the topic only in a list ranks below the papers about it)."""
        found = self.topic.match(paper, self.aliases)
        return found is not None and found.firm


def matching(papers: list[Paper], topics: dict[str, str], show: bool = True,
             aliases: Aliases | None = None) -> tuple[float, float]:
    hits = false_hits = misses = 0
    for key, text in topics.items():
        topic = _WithAliases(parse_topic(text), aliases)
        tp = sum(1 for p in papers if topic.matches(p) and key in p.topics)
        fp = sum(1 for p in papers if topic.matches(p) and key not in p.topics)
        fn = sum(1 for p in papers if not topic.matches(p) and key in p.topics)
        missed = [p.title[:60] for p in papers if not topic.matches(p) and key in p.topics]
        wrong = [p.title[:60] for p in papers if topic.matches(p) and key not in p.topics]
        if show:
            print(f"  topic {text!r}: tp={tp} fp={fp} fn={fn}" + (f" missed={missed}" if missed else "")
                  + (f" wrong={wrong}" if wrong else ""))
        hits, false_hits, misses = hits + tp, false_hits + fp, misses + fn
    return hits / max(1, hits + misses), hits / max(1, hits + false_hits)


def ndcg10(ranked: list[Paper], subject: str) -> float:
    gains = [1.0 if p.primary == subject else 0.0 for p in ranked]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:10]))
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(gains, reverse=True)[:10]))
    return dcg / ideal if ideal else 0.0


def rank_with_ratings(papers: list[Paper], subject: str, ratings: int, rng: random.Random,
                      vectors: dict[str, np.ndarray] | None = None) -> float:
    """One simulated reader: rate `ratings` random papers of one half, rank the other half — by the words model,
    or with `vectors` (base ID → embedding) blended with the meaning signal as a digest blends them."""
    shuffled = papers[:]
    rng.shuffle(shuffled)
    half = len(shuffled) // 2
    seen, today = shuffled[:half], shuffled[half:]
    rated = [Rated(p.text, p.primary == subject) for p in seen[:ratings]]
    model = train(rated, [p.text for p in seen[ratings:]], "bench") if rated else None
    if model is None:  # no taste yet: a category topic keeps the feed's order
        return ndcg10(today, subject)
    space = Space([p.text for p in today])
    scores = list(space.decision(model))
    if vectors is not None:
        def stacked(group: list[Paper]) -> np.ndarray:
            return np.vstack([vectors[p.base_id] for p in group]) if group else np.zeros((0, 1))
        liked = [p for p in seen[:ratings] if p.primary == subject]
        disliked = [p for p in seen[:ratings] if p.primary != subject]
        scores = blended(scores, by_meaning(stacked(today), stacked(liked), stacked(disliked)))
    order = sorted(range(len(today)), key=lambda i: -scores[i])
    return ndcg10([today[i] for i in order], subject)


def ranking(papers: list[Paper], trials: int, vectors: dict[str, np.ndarray] | None = None) -> dict[int, float]:
    subjects = sorted({p.primary for p in papers})
    results = {}
    for ratings in (0, 5, 20):
        rng = random.Random(ratings)
        values = [rank_with_ratings(papers, s, ratings, rng, vectors) for s in subjects for _ in range(trials)]
        results[ratings] = sum(values) / len(values)
    return results


def search_ndcg(papers: list[Paper], topics: dict[str, str]) -> tuple[float, float]:
    """/search on the day: each topic's words as the query; the papers holding every word (arXiv's `all:` AND) in
    the listing's order stand for arXiv's answer, re-ranked as /search ranks them (no taste); NDCG@10 against the
    topic's labels, with the listing's own order beside it."""
    from services.ranking.search import reranked
    from services.text_match import stems

    def ndcg(ranked: list[Paper], key: str) -> float:
        gains = [1.0 if key in p.topics else 0.0 for p in ranked]
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:10]))
        ideal = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(gains, reverse=True)[:10]))
        return dcg / ideal if ideal else 0.0

    ours, listing = [], []
    for key, text in topics.items():
        query = text.split(" OR ")[0].replace('"', "")
        wanted = set(stems(query))
        found = [p for p in papers if wanted <= set(stems(f"{p.title} {p.abstract}"))]
        if not any(key in p.topics for p in found):
            continue
        metas = [PaperMeta(p.base_id, 1, p.title, p.authors, p.abstract, p.primary) for p in found]
        order = {m.base_id: p for m, p in zip(metas, found, strict=True)}
        ours.append(ndcg([order[m.base_id] for m in reranked(query, metas)], key))
        listing.append(ndcg(found, key))
    return sum(ours) / max(1, len(ours)), sum(listing) / max(1, len(listing))


def costs(papers: list[Paper], topic_texts: list[str]) -> tuple[float, float]:
    """CPU seconds to rank 1,000 chats × 200 papers (3 topics each), and ms to retrain on 500 ratings."""
    pool = [Paper(f"{p.base_id}.{i}", p.title, p.abstract, p.authors, p.categories, p.primary, p.topics)
            for i in range(3) for p in papers][:200]
    rng = random.Random(7)
    subject = sorted({p.primary for p in pool})[-1]
    rated = [Rated(p.text, p.primary == subject) for p in rng.sample(pool, 60)]
    models = [train(rated[: 20 + i], [p.text for p in pool], f"m{i}") for i in range(20)]
    start = time.process_time()
    corpus = Corpus(pool)
    space = Space([p.text for p in pool])
    for chat in range(1000):
        topics: list[Topic] = [parse_topic(topic_texts[(chat + k) % len(topic_texts)]) for k in range(3)]
        lexical = [max(corpus.bm25(t, p.base_id) for t in topics) for p in pool]
        model = models[chat % len(models)]
        taste = space.decision(model) if model else [0.0] * len(pool)
        sorted(range(len(pool)), key=lambda i: -(lexical[i] + taste[i]))
    rank_s = time.process_time() - start
    many = [Rated(p.text, i % 3 == 0) for i, p in enumerate((pool * 3)[:500])]
    paper_terms.cache_clear()  # cold: no paper analysed before
    start = time.perf_counter()
    train(many, [p.text for p in pool], "500")
    retrain_ms = (time.perf_counter() - start) * 1000
    return rank_s, retrain_ms


async def embedding_threshold(papers: list[Paper], sentences: dict[str, str], trials: int) -> None:
    """With an embeddings server (EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL, e.g. a local Ollama) or a Gemini key:
    similarities of each sentence topic to each paper, and the threshold with the best F1; the taste ranking with
    the meaning signal blended in, as a digest ranks with an embedder configured."""
    from services.config import DEFAULT_EMBEDDING_MODEL
    from services.ranking.embeddings import Embedder, GeminiEmbedder, OpenAIEmbedder

    embedder: Embedder
    if os.environ.get("EMBEDDINGS_BASE_URL"):
        embedder = OpenAIEmbedder(os.environ["EMBEDDINGS_BASE_URL"], os.environ.get("EMBEDDINGS_API_KEY", ""),
                                  os.environ["EMBEDDINGS_MODEL"])
    else:
        embedder = GeminiEmbedder(os.environ["GEMINI_API_KEY"], os.environ.get("GEMINI_EMBEDDING_MODEL")
                                  or DEFAULT_EMBEDDING_MODEL, os.environ.get("GEMINI_BASE_URL", ""))
    vectors = await embedder.embed([f"{p.title}\n\n{p.abstract}" for p in papers], "RETRIEVAL_DOCUMENT")
    pairs = []
    for key, sentence in sentences.items():
        [topic] = await embedder.embed([sentence.split(":", 1)[1]], "RETRIEVAL_QUERY")
        pairs += [(float(v @ topic), key in p.topics) for v, p in zip(vectors, papers, strict=True)]
    best = (0.0, 0.0, 0.0, 0.0)
    for step in range(5, 95):
        threshold = step / 100
        tp = sum(1 for s, y in pairs if s >= threshold and y)
        fp = sum(1 for s, y in pairs if s >= threshold and not y)
        fn = sum(1 for s, y in pairs if s < threshold and y)
        f1 = 2 * tp / max(1, 2 * tp + fp + fn)
        best = max(best, (f1, threshold, tp / max(1, tp + fn), tp / max(1, tp + fp)))
    print(f"embeddings: model={embedder.model} best_threshold={best[1]:.2f} f1={best[0]:.3f} recall={best[2]:.3f} "
          f"precision={best[3]:.3f} pairs={len(pairs)}")
    by_id = {p.base_id: v for p, v in zip(papers, vectors, strict=True)}
    meaning = ranking(papers, trials, by_id)
    print(f"embeddings: taste with meaning ndcg10_5={meaning[5]:.3f} ndcg10_20={meaning[20]:.3f}")


async def with_check(papers: list[Paper], topics: dict[str, str], sentences: dict[str, str]) -> None:
    """With an LLM configured (as the bot reads it: GEMINI_API_KEY, or LLM_PROVIDER=openai and its server): the
    bot's second look at the papers words cannot decide (services/ranking/check.py), and the figures after it."""
    from services.arxiv.announcements import Announcement
    from services.bootstrap import build_summarizer
    from services.config import load_config
    from services.llm.extractive import ExtractiveSummarizer
    from services.ranking.check import TopicCheck, judged
    from services.ranking.relevance import Window
    from services.store import Store

    llm = build_summarizer(load_config(require_token=False))
    if isinstance(llm, ExtractiveSummarizer):
        print("  check: no LLM configured (GEMINI_API_KEY, or LLM_PROVIDER=openai with OPENAI_BASE_URL)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        check = TopicCheck(Store(Path(tmp) / "bench.db"), llm)
        window = Window(("bench", len(papers), ""), [("day", Announcement(
            p.base_id, 1, p.title, p.authors, p.abstract, p.categories, "new")) for p in papers])
        parsed = {text: parse_topic(text) for text in [*topics.values(), *sentences.values()]}
        verdicts = await check.verdicts(list(parsed.values()), window)
    figures = []
    for group in (topics, sentences):
        tp = fp = fn = 0
        for key, text in group.items():
            topic = parsed[text]
            for paper in papers:
                found = judged(topic.match(paper, window.aliases), verdicts.get(topic.query, {}).get(paper.base_id),
                               topic)
                hit, wanted = found is not None and found.firm, key in paper.topics
                tp, fp, fn = tp + (hit and wanted), fp + (hit and not wanted), fn + (wanted and not hit)
        figures += [tp / max(1, tp + fn), tp / max(1, tp + fp)]
    print(f"  check: model={llm.model} calls={check.calls} recall={figures[0]:.3f} precision={figures[1]:.3f} "
          f"about_recall={figures[2]:.3f} about_precision={figures[3]:.3f}")


def ceiling(papers: list[Paper], topics: dict[str, str], sentences: dict[str, str], noise: float = 0.0) -> None:
    """`--check` answered by the labels through the fake OpenAI server (a perfect reader): what the choice of
    papers to ask about allows, whatever the model; with `noise`, each verdict is flipped with that probability
    (seeded by topic and paper, whatever order the calls come in): how much a model's mistakes cost."""
    from tests.fakes.openai import FakeOpenAI

    titles = {" ".join(p.title.split()): p for p in papers}
    keys = {text: key for key, text in topics.items()} | {s.split(":", 1)[1].strip(): k for k, s in sentences.items()}

    def reader(asked: str) -> str:
        key = keys[asked.split("\n", 1)[0].removeprefix("Topic: ").strip()]
        numbered = re.finditer(r"^(\d+)\. (.+)$", asked, re.M)
        wanted = [m[1] for m in numbered if m[2].strip() in titles
                  and (key in titles[m[2].strip()].topics) != (random.Random(f"{key}:{m[2]}").random() < noise)]
        return ", ".join(wanted) or "none"

    fake = FakeOpenAI()
    fake.answer = reader
    fake.start()
    saved = {k: os.environ.get(k) for k in ("LLM_PROVIDER", "OPENAI_BASE_URL", "OPENAI_MODEL", "GEMINI_API_KEY")}
    os.environ.update({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": fake.url, "OPENAI_MODEL": "labels",
                       "GEMINI_API_KEY": ""})
    try:
        asyncio.run(with_check(papers, topics, sentences))
    finally:
        fake.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, action="append",
                        help="a labelled day (repeatable; default: every day in bench/data)")
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--embed", action="store_true",
                        help="measure the about: threshold (an embeddings server or GEMINI_API_KEY)")
    parser.add_argument("--check", action="store_true",
                        help="matching after the configured LLM's second look (GEMINI_API_KEY or an OpenAI server)")
    parser.add_argument("--ceiling", action="store_true",
                        help="--check answered by the labels (a perfect reader): what its choice of papers allows")
    parser.add_argument("--noise", type=float, default=0.0,
                        help="with --ceiling: the share of verdicts the reader gets wrong (seeded)")
    args = parser.parse_args()
    days = args.data or [DATA / name for name in DAYS]
    first = True
    for path in days:
        topics, sentences = DAYS.get(path.name, (TOPICS, SENTENCES))
        papers = load(path)
        print(f"day {path.name}: papers={len(papers)}")
        words_recall, words_precision = matching(papers, topics, show=False)
        aliases = learn_from(papers)
        recall, precision = matching(papers, topics, aliases=aliases)
        about_recall, about_precision = matching(papers, sentences, show=False)
        print(f"  words only: recall={words_recall:.3f} precision={words_precision:.3f}; with the day's acronyms "
              f"and the standing synonyms: recall={recall:.3f} precision={precision:.3f}")
        results = ranking(papers, args.trials)
        if first:
            rank_s, retrain_ms = costs(papers, list(topics.values()))
            print(f"cost: rank_1000_chats_x_200_papers_cpu_s={rank_s:.2f} retrain_500_ratings_ms={retrain_ms:.0f}")
            first = False
        if args.embed:
            asyncio.run(embedding_threshold(papers, sentences, args.trials))
        if args.check:
            asyncio.run(with_check(papers, topics, sentences))
        if args.ceiling:
            ceiling(papers, topics, sentences, args.noise)
        searched, listed = search_ndcg(papers, topics)
        print(f"  /search: ndcg10={searched:.3f} (the listing's order of the same papers: {listed:.3f})")
        print(f"relevance: day={path.stem.removeprefix('relevance-')} topics={len(topics)} recall={recall:.3f} "
              f"precision={precision:.3f} about_recall={about_recall:.3f} about_precision={about_precision:.3f} "
              f"ndcg10_0={results[0]:.3f} ndcg10_5={results[5]:.3f} ndcg10_20={results[20]:.3f} "
              f"search_ndcg10={searched:.3f}")


if __name__ == "__main__":
    main()
