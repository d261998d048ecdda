"""The LLM's second look at papers a topic's words cannot decide: a passing mention ranks below the papers about the
topic, a paper about it in other words joins it and says why; asked once per topic and paper, never per chat."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from services.arxiv.announcements import Announcement
from services.i18n import t
from services.ranking.check import SYSTEM, doubts, parse_verdict
from services.ranking.relevance import Window
from services.topics import parse_topic
from tests.conftest import Clock, RunningBot, running_bot, with_gemini
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.gemini import FakeGemini
from tests.fakes.telegram import FakeTelegram
from tests.test_digests import command, services_of, tick
from tests.test_relevance import MONDAY, TUESDAY, add, digest_titles

# Sentences of real abstracts (bench/data/relevance-2026-02-24.jsonl, relevance-2026-02-26.jsonl)
ABOUT = ("2408.20001", "Agentic Tool Use for Web Tasks with LLM Agents",
         "We study LLM agents that plan and call tools. Our LLM agents solve 40% more web tasks.")
PASSING = ("2408.20002", "CLUTCH: Contextualized Language Model for Hand Motion Modelling",
           "We propose CLUTCH, an LLM-based hand animation system. To build 3D-HIW, we propose a data annotation "
           "pipeline that combines LLM agents and 3D hand trackers.")
OTHER_WORDS = ("2408.20003", "Field-Theoretic Memory for AI Agents",
               "Persistent memory for AI agents. On the LongMemEval benchmark with large language models, our "
               "memory improves multi-session reasoning by 43.8%.")
UNRELATED = ("2408.20004", "Kinematic Parsing of Human Motion", "A benchmark of fine-grained motion.")


def announce(arxiv: FakeArxiv, *papers: tuple[str, str, str]) -> None:
    """Monday's announcement of cs.CL: these papers."""
    for base_id, title, abstract in papers:
        add(arxiv, base_id, title, abstract, category="cs.CL")
    arxiv.announce("cs", "2024-08-26", [(p[0], "new") for p in papers])


@asynccontextmanager
async def bot_on_monday(env: dict[str, str], tg: FakeTelegram, gemini: FakeGemini,
                        at: datetime = datetime(2024, 8, 26, 6, 0, tzinfo=UTC)
                        ) -> AsyncIterator[tuple[RunningBot, Clock]]:
    """The bot with the fake Gemini as its LLM, its digests' clock at Monday `at`."""
    async with running_bot(with_gemini(env, gemini), tg) as bot:
        clock = Clock(at)
        services_of(bot).digests.clock = clock
        yield bot, clock


def window(*papers: tuple[str, str, str]) -> Window:
    return Window(("test", len(papers), ""), [("2024-08-26", Announcement(b, 1, title, ("Ada Lovelace",), abstract,
                                                                          ("cs.CL",), "new"))
                                              for b, title, abstract in papers])


def test_an_answer_names_the_wanted_papers_or_none_else_it_is_not_taken() -> None:
    assert parse_verdict("2, 4", 5) == {2, 4}
    assert parse_verdict("1,3, 9", 4) == {1, 3}, "numbers past the batch are not papers"
    assert parse_verdict("None.", 3) == set()
    assert parse_verdict("Papers 1 and 2 are relevant because they study agents", 3) is None
    assert parse_verdict("", 3) is None
    assert parse_verdict("**2, 3**", 3) == {2, 3}, "markdown is not an answer of its own"
    assert parse_verdict("The papers the researcher wants are:\n\n1, 3", 3) == {1, 3}, "read by its last line"
    assert parse_verdict("<think>Paper 2 only lists it.</think>\nnone", 3) == set()


def test_the_papers_asked_about_are_passing_mentions_and_near_misses_never_the_title_ones() -> None:
    topic = parse_topic("LLM agents")
    days = window(ABOUT, PASSING, OTHER_WORDS, UNRELATED)
    found = {b: m for b, a in days.papers.items() if (m := topic.match(a, days.aliases))}
    asked = doubts(topic, days, found)
    assert [(d.paper.base_id, d.found is not None) for d in asked] == [("2408.20002", True), ("2408.20003", False)]
    assert doubts(parse_topic("cs.CL"), days, {}) == [], "categories are exact"
    assert doubts(parse_topic("au:Lovelace AND agents"), days, found) == [], "so are authors"


def checks_asked(gemini: FakeGemini) -> list[dict[str, Any]]:
    """The requests the fake Gemini had that were the second look (its system instruction)."""
    return [r for r in gemini.requests if SYSTEM in str(r["body"].get("systemInstruction"))]


async def _checked(gemini: FakeGemini, count: int) -> None:
    while len(checks_asked(gemini)) < count:
        await asyncio.sleep(0.01)


def _verdict(wanted: str) -> Callable[[str], str]:
    """A model that wants the numbered papers whose title holds `wanted`."""
    def answer(asked: str) -> str:
        numbers = [m.group(1) for m in re.finditer(r"^(\d+)\. (.+)$", asked, re.M) if wanted in m.group(2)]
        return ", ".join(numbers) or "none"
    return answer


async def test_a_passing_mention_ranks_below_and_a_paper_in_other_words_joins_once_for_every_chat(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    gemini.answer = _verdict("Memory for AI Agents")
    announce(arxiv_fake, ABOUT, PASSING, OTHER_WORDS, UNRELATED)
    async with bot_on_monday(env, tg, gemini) as (bot, clock):
        for chat in (971, 972):
            await command(bot, "/subscribe LLM agents", chat)
        await tick(bot, clock, clock.now)  # 06:00: the feeds are read, no digest is due before 09:00
        await asyncio.wait_for(_checked(gemini, 1), 10)
        assert not bot.tg.texts_to(971, "new paper"), "asked when the papers were announced, before any digest"
        await tick(bot, clock, MONDAY)
        checks = checks_asked(gemini)
        assert len(checks) == 1, "one call judges the topic's doubtful papers, for both chats, ahead of time"
        asked = gemini.turns(gemini.requests.index(checks[0]))[-1][1]
        assert asked.startswith("Topic: LLM agents\n\n1. CLUTCH") and "2. Field-Theoretic Memory for AI Agents" in asked
        for chat in (971, 972):
            assert digest_titles(bot, chat, "2024-08-26") == [
                "Agentic Tool Use for Web Tasks with LLM Agents", "Field-Theoretic Memory for AI Agents",
                "CLUTCH: Contextualized Language Model for Hand Motion Modelling"]
            [digest] = bot.tg.texts_to(chat, "new paper")
            assert f"<i>{t('en', 'why_checked', topic='LLM agents')}</i>" in digest


async def test_without_an_answer_the_words_decide(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    gemini.script = ["safety"]  # the call fails: no verdicts
    announce(arxiv_fake, ABOUT, PASSING, OTHER_WORDS)
    async with bot_on_monday(env, tg, gemini) as (bot, clock):
        await command(bot, "/subscribe LLM agents", 973)
        await tick(bot, clock, MONDAY)
        assert digest_titles(bot, 973, "2024-08-26") == [
            "Agentic Tool Use for Web Tasks with LLM Agents",
            "CLUTCH: Contextualized Language Model for Hand Motion Modelling"]


async def test_a_sentence_topic_with_an_embedder_is_decided_by_the_llm_among_its_closest_papers(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    gemini.concepts = {"accelerating": "fast", "faster": "fast", "speed": "fast", "samplers": "sampler",
                       "sampling": "sampler", "denoising": "diffusion"}

    def reader(asked: str) -> str:  # a reader who knows survey statistics is not diffusion, and score models are
        wanted = ("Accelerating Denoising Samplers", "Fewer Steps for Score-Based Generators")
        return ", ".join(m[1] for m in re.finditer(r"^(\d+)\. (.+)$", asked, re.M) if m[2] in wanted) or "none"

    gemini.answer = reader
    add(arxiv_fake, "2408.10001", "Accelerating Denoising Samplers", "We speed up samplers of denoising models.")
    add(arxiv_fake, "2408.10002", "Speed of Samplers in Survey Statistics", "We speed up samplers for surveys.")
    add(arxiv_fake, "2408.10003", "Fewer Steps for Score-Based Generators", "Score models in four steps.")
    add(arxiv_fake, "2408.10004", "Graph Neural Networks for Molecules", "Message passing for chemistry.")
    arxiv_fake.announce("cs", "2024-08-26", [(f"2408.1000{i}", "new") for i in range(1, 5)])
    async with bot_on_monday(env, tg, gemini) as (bot, clock):
        await command(bot, "/subscribe about: making diffusion sampling faster", 974)
        await tick(bot, clock, MONDAY)
        assert digest_titles(bot, 974, "2024-08-26") == [
            "Accelerating Denoising Samplers", "Fewer Steps for Score-Based Generators"]
        [check] = checks_asked(gemini)
        asked = gemini.turns(gemini.requests.index(check))[-1][1]
        assert asked.startswith("Topic: making diffusion sampling faster\n\n1. Accelerating Denoising Samplers")


async def test_a_digest_due_while_the_llm_is_slow_goes_by_the_words_after_its_grace(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, gemini: FakeGemini,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from services.digests import planner

    monkeypatch.setattr(planner, "WARM_GRACE", 0.3)
    judge = _verdict("Memory for AI Agents")

    def slow(asked: str) -> str:  # the model takes its time (the fake answers from its own thread)
        time.sleep(5)
        return judge(asked)

    gemini.answer = slow
    announce(arxiv_fake, ABOUT, PASSING, OTHER_WORDS)
    async with bot_on_monday(env, tg, gemini, at=datetime(2024, 8, 26, 9, 30, tzinfo=UTC)) as (bot, clock):
        await command(bot, "/subscribe LLM agents", 975)
        started = time.monotonic()
        await tick(bot, clock, MONDAY)  # the feeds are read and the digest is due at once
        assert time.monotonic() - started < 4, "the digest did not wait for the model"
        assert digest_titles(bot, 975, "2024-08-26") == [
            "Agentic Tool Use for Web Tasks with LLM Agents",
            "CLUTCH: Contextualized Language Model for Hand Motion Modelling"]


async def test_checks_take_at_most_half_the_day_s_llm_budget(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    env["LLM_DAILY_BUDGET"] = "6"  # two /subscribe proposals, then checks up to 3 calls in all
    gemini.answer = _verdict("Memory for AI Agents")
    announce(arxiv_fake, ABOUT, PASSING, OTHER_WORDS)
    async with bot_on_monday(env, tg, gemini) as (bot, clock):
        await command(bot, "/subscribe LLM agents", 976)
        await command(bot, "/subscribe AI agents", 976)
        await tick(bot, clock, MONDAY)
        checks = checks_asked(gemini)
        assert len(checks) == 1, "two topics to ask about, one call left of the half for checks"
        cards = [r for r in gemini.requests if "summarize" in str(r["body"].get("systemInstruction"))]
        assert len(cards) == 3, "the digest's cards had the other half"


async def test_a_dislike_of_a_paper_the_llm_added_offers_to_keep_the_topic_to_its_words(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    gemini.answer = _verdict("for AI Agents")
    announce(arxiv_fake, ABOUT, PASSING, OTHER_WORDS)
    async with bot_on_monday(env, tg, gemini) as (bot, clock):
        await command(bot, "/subscribe LLM agents", 977)
        await tick(bot, clock, MONDAY)
        assert "Field-Theoretic Memory for AI Agents" in digest_titles(bot, 977, "2024-08-26")
        sent = len(bot.tg.calls_to("sendMessage", 977))
        bot.tg.press(f"rate:-:{OTHER_WORDS[0]}", chat_id=977)
        offer = (await bot.tg.wait_for("sendMessage", chat_id=977, count=sent + 1))[-1]
        assert offer.text == t("en", "stop_checked_offer", topic="LLM agents")
        [[button]] = offer.params["reply_markup"]["inline_keyboard"]
        assert button["text"] == t("en", "stop_checked_button")
        bot.tg.press(button["callback_data"], chat_id=977)
        edits = await bot.tg.wait_for("editMessageText", chat_id=977)
        assert edits[-1].text == t("en", "stop_checked_done", topic="LLM agents")
        listing = (await command(bot, "/topics", 977)).splitlines()
        assert listing[1] == "1. LLM agents" and listing[-1] == t("en", "topics_words_only")
        assert "none" not in listing[2], "a model's 'none' is not a name"

        add(arxiv_fake, "2408.20011", "Planning Memory for AI Agents", "Memory for AI agents that plan.",
            category="cs.CL")
        add(arxiv_fake, "2408.20012", "LLM Agents That Plan", "LLM agents plan with tools.", category="cs.CL")
        arxiv_fake.announce("cs", "2024-08-27", [("2408.20011", "new"), ("2408.20012", "new")])
        await tick(bot, clock, TUESDAY)
        assert digest_titles(bot, 977, "2024-08-27") == ["LLM Agents That Plan"], "no more additions in other words"
