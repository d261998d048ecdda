"""How soon a reader sees something, and how soon the card is done, when the LLM takes its time.

    python bench/latency.py [--links 20] [--llm-seconds 8] [--tokens 1200] [--gap 0.5] [--style rich]

The bot runs in this process against the fakes (Telegram, arXiv, Gemini). `--links` readers each send an arXiv link
in a private chat, `--gap` seconds apart; the fake Gemini streams a summary of about `--tokens` tokens over
`--llm-seconds` seconds. Then each reader replies to their card with a question (the answer streams the same way).
One reader goes first, uncounted (the PDF workers start with the first paper after a restart). Times are read
from the fake Telegram's calls (watched every 5 ms):
- first_content: the link → the first call carrying the paper's title (a draft, or the card);
- card_done: the link → the finished card (the rich message, or the classic card's last message);
- messages_per_card: messages the reader keeps for one card (the status message goes; figures count);
- answer_first_token: the question → the first draft with answer text.
Goals (issue 24): first_content_p95_ms ≤ 1500; card_done_p95_ms ≤ LLM time + 500; messages_per_card = 1 (rich).
Last line: `latency: first_content_p95_ms= card_done_p95_ms= messages_per_card= answer_first_token_p95_ms=`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import running_bot
from tests.fakes.arxiv import FakeArxiv, FakePaper
from tests.fakes.environment import fake_env
from tests.fakes.gemini import SUMMARY, FakeGemini
from tests.fakes.telegram import Call, FakeTelegram
from tests.pdfs import figures_pdf

TOKEN = "123456:BENCH-token"
FIRST_CHAT = 7000
WORDS = ("the method aligns each region of the figure with the sentence that describes it and keeps the numbers "
         "the paper states while the reader follows the argument from the problem to the evidence").split()


def summary_of(tokens: int) -> dict[str, Any]:
    """The fake LLM's answer: the usual fields, the prose ones lengthened so the JSON is about `tokens` tokens
    (four characters a token)."""
    summary = dict(SUMMARY)
    prose = ("background", "past_methods", "method", "results", "significance", "performance", "workload")
    target = tokens * 4 - len(json.dumps(summary))
    per_field = max(0, target // len(prose))
    for index, name in enumerate(prose):
        words = [WORDS[(index + i) % len(WORDS)] for i in range(per_field // 6)]
        summary[name] = (summary[name] + " " + " ".join(words)).strip()
    return summary


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _first(tg: FakeTelegram, chat_id: int, methods: tuple[str, ...], contains: str, after: int = 0) -> Call | None:
    with tg.lock:
        calls = list(tg.calls)[after:]
    return next((c for c in calls if c.method in methods and c.chat_id == chat_id and contains in c.text), None)


async def run(links: int, llm_seconds: float, tokens: int, gap: float, style: str) -> dict[str, float]:
    tg, arxiv, gemini = FakeTelegram(TOKEN), FakeArxiv(), FakeGemini()
    for fake in (tg, arxiv, gemini):
        fake.start()
    pdf = figures_pdf()
    for i in [*range(links), 9999]:
        arxiv.add(FakePaper(base_id=f"2411.{20000 + i}", title=f"Latency Study Number {i}",
                            authors=["Ada Lovelace", "Alan Turing"], abstract="We measure how fast readers see cards.",
                            versions={1: "2024-11-20T10:00:00Z"}, pdfs={1: pdf}))
    gemini.summary = summary_of(tokens)
    gemini.stream_seconds = llm_seconds
    gemini.stream_pieces = max(40, tokens // 10)
    gemini.answer = " ".join(["The paper states the method in its third section and measures it carefully."] * 12)
    first: list[float] = []
    done: list[float] = []
    kept: list[int] = []
    answers: list[float] = []
    before_llm: list[float] = []
    sent_at: dict[int, float] = {}
    try:
        with tempfile.TemporaryDirectory() as folder:
            env = fake_env(tg, arxiv, str(Path(folder) / "papergram.db"), GEMINI_API_KEY="AIzaBENCH",
                           GEMINI_BASE_URL=gemini.base, GEMINI_MODEL="gemini-bench", CARD_STYLE=style)
            async with running_bot(env, tg):
                sent: dict[int, float] = {}
                card_methods = ("sendRichMessage",) if style == "rich" else ("sendMessage",)
                drafts_or_cards = ("sendRichMessageDraft", "sendMessageDraft", "sendRichMessage", "sendMessage")

                async def watch_cards() -> None:
                    seen_first: set[int] = set()
                    while len(done) < links:
                        for chat_id, start in list(sent.items()):
                            title = f"Latency Study Number {chat_id - FIRST_CHAT}"
                            if chat_id not in seen_first and _first(tg, chat_id, drafts_or_cards, title):
                                seen_first.add(chat_id)
                                first.append((time.perf_counter() - start) * 1000)
                            if _first(tg, chat_id, card_methods, "TL;DR") is not None:
                                done.append((time.perf_counter() - sent.pop(chat_id)) * 1000)
                        await asyncio.sleep(0.005)

                # one reader first, not counted: the PDF workers start with the first paper after a restart (half
                # a second each); the figures are those of a bot that is running
                tg.send_text("https://arxiv.org/abs/2411.29999", chat_id=FIRST_CHAT - 1)
                await tg.wait_for("sendRichMessage" if style == "rich" else "sendPhoto", chat_id=FIRST_CHAT - 1,
                                  timeout=llm_seconds * 3 + 30)
                watcher = asyncio.create_task(watch_cards())
                for i in range(links):
                    sent[FIRST_CHAT + i] = sent_at[FIRST_CHAT + i] = time.perf_counter()
                    tg.send_text(f"https://arxiv.org/abs/2411.{20000 + i}", chat_id=FIRST_CHAT + i)
                    await asyncio.sleep(gap)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(watcher, llm_seconds * 4 + 60)
                for request in gemini.requests:
                    found = re.search(r"Latency Study Number (\d+)", json.dumps(request["body"]))
                    chat_id = FIRST_CHAT + int(found[1]) if found else 0
                    if chat_id in sent_at:
                        before_llm.append((request["at"] - sent_at[chat_id]) * 1000)
                await asyncio.sleep(1.0)  # a classic card's album follows its text
                for i in range(links):
                    chat_id = FIRST_CHAT + i
                    cards = [c for c in tg.calls_to("sendRichMessage", chat_id)] + [
                        c for c in tg.calls_to("sendMessage", chat_id) if "TL;DR" in c.text]
                    kept.append(len(cards) + len(tg.calls_to("sendPhoto", chat_id))
                                + sum(len(c.params.get("media", [])) for c in tg.calls_to("sendMediaGroup", chat_id)))
                # questions: each reader replies to their card
                asked: dict[int, tuple[float, int]] = {}

                async def watch_answers() -> None:
                    while len(answers) < links:
                        for chat_id, (start, mark) in list(asked.items()):
                            if _first(tg, chat_id, ("sendMessageDraft", "sendMessage"), "The paper states", mark):
                                answers.append((time.perf_counter() - start) * 1000)
                                del asked[chat_id]
                        await asyncio.sleep(0.005)

                watcher = asyncio.create_task(watch_answers())
                for i in range(links):
                    chat_id = FIRST_CHAT + i
                    cards = tg.calls_to("sendRichMessage", chat_id) or [
                        c for c in tg.calls_to("sendMessage", chat_id) if "TL;DR" in c.text]
                    if not cards:
                        continue
                    with tg.lock:
                        mark = len(tg.calls)
                    asked[chat_id] = (time.perf_counter(), mark)
                    tg.send_text("Where is the method described?", chat_id=chat_id, reply_to=cards[0].message())
                    await asyncio.sleep(gap)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(watcher, llm_seconds * 2 + 30)
    finally:
        for fake in (tg, arxiv, gemini):
            fake.stop()
    return {"first_content_p95_ms": p95(first), "card_done_p95_ms": p95(done),
            "messages_per_card": statistics.mean(kept) if kept else float("nan"),
            "answer_first_token_p95_ms": p95(answers), "cards": len(done), "refused": len(tg.refusals),
            "before_llm_p95_ms": p95(before_llm)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=20)
    parser.add_argument("--llm-seconds", type=float, default=8.0)
    parser.add_argument("--tokens", type=int, default=1200)
    parser.add_argument("--gap", type=float, default=0.5, help="seconds between two readers' links")
    parser.add_argument("--style", choices=("rich", "classic"), default="rich")
    args = parser.parse_args()
    figures = asyncio.run(run(args.links, args.llm_seconds, args.tokens, args.gap, args.style))
    print(f"cards={figures['cards']:.0f}/{args.links} llm_seconds={args.llm_seconds} tokens={args.tokens} "
          f"style={args.style} refused={figures['refused']:.0f} link_to_llm_request_p95_ms="
          f"{figures['before_llm_p95_ms']:.0f}")
    print(f"latency: first_content_p95_ms={figures['first_content_p95_ms']:.0f} "
          f"card_done_p95_ms={figures['card_done_p95_ms']:.0f} "
          f"messages_per_card={figures['messages_per_card']:.2f} "
          f"answer_first_token_p95_ms={figures['answer_first_token_p95_ms']:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
