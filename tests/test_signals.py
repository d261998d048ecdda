"""What the field is reading, through the bench (issue 26): Hugging Face upvotes, the linked repository's stars and
citations on cards and digest entries, a `trending` topic ranked by them, popularity blended into a chat's ranking
— and a source down or slow costing no card more than its timeout, and showing no error."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from services.i18n import t
from tests.conftest import Clock, RunningBot, running_bot
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.signals import FakeSignals
from tests.fakes.telegram import FakeTelegram
from tests.test_digests import command, services_of, tick
from tests.test_paper_cards import add_paper, card_of
from tests.test_relevance import MONDAY, add, digest_titles

CODE = "Code: https://github.com/ada/faithful."


@pytest.fixture
def signals() -> Iterator[FakeSignals]:
    fake = FakeSignals()
    fake.start()
    yield fake
    fake.stop()


def header(card_text: str) -> list[str]:
    return card_text.split("\n\n")[0].splitlines()


async def test_a_card_says_what_the_field_is_reading_read_once_a_day(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, signals: FakeSignals) -> None:
    add_paper(arxiv_fake, abstract="We propose a faithful summarizer. " + CODE)
    signals.upvotes["2024-08-27"] = {"2408.14227": 212, "2408.99999": 3}
    signals.repos["ada/faithful"] = (1400, "2026-11-30T10:00:00Z")
    signals.citations["2408.14227"] = (35, 4)
    env.update(signals.env, GITHUB_TOKEN="ghp_TESTtoken0123456789")
    async with running_bot(env, tg) as bot:
        bot.tg.send_text("2408.14227", chat_id=990)
        [card, *_] = await card_of(bot, 990)
        assert header(card.text)[-1] == "▲ 212 on HF · ★ 1.4k · 35 citations"
        assert signals.tokens == ["Bearer ghp_TESTtoken0123456789"]
        hits = dict(signals.hits)
        bot.tg.send_text("https://arxiv.org/abs/2408.14227", chat_id=991)
        [again, *_] = await card_of(bot, 991)
        assert header(again.text)[-1] == "▲ 212 on HF · ★ 1.4k · 35 citations"
        assert dict(signals.hits) == hits, "each source asked once a day"
        assert "ghp_TESTtoken" not in "".join(c.text for c in bot.tg.calls)


@pytest.mark.parametrize("trouble", ["down", "slow"])
async def test_a_signal_source_down_or_slow_costs_a_card_nothing_but_its_line(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, signals: FakeSignals, trouble: str) -> None:
    add_paper(arxiv_fake, abstract="We propose a faithful summarizer. " + CODE)
    signals.citations["2408.14227"] = (35, 4)
    if trouble == "down":
        signals.down = True
    else:
        signals.delay = 8.0
    env.update(signals.env, SIGNALS_TIMEOUT="1")
    async with running_bot(env, tg) as bot:
        started = time.monotonic()
        bot.tg.send_text("2408.14227", chat_id=992)
        [card, *_] = await card_of(bot, 992)
        elapsed = time.monotonic() - started
        assert "citation" not in card.text and "▲" not in card.text
        assert elapsed < 6.0, f"the card waited {elapsed:.1f} s for a source"
        assert not [c for c in bot.tg.calls_to("sendMessage", 992) if "error" in c.text.lower()]
        asked = sum(signals.hits.values())
        add_paper(arxiv_fake, "2408.14228", abstract="We propose another summarizer. " + CODE)
        bot.tg.send_text("2408.14228", chat_id=993)
        await card_of(bot, 993)
        assert sum(signals.hits.values()) == asked, "a source that failed rests: the next card does not wait on it"


async def test_a_trending_topic_ranks_the_weeks_papers_by_what_the_field_is_reading(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, signals: FakeSignals) -> None:
    days = ["2024-08-20", "2024-08-21", "2024-08-22", "2024-08-23", "2024-08-26"]
    signals.upvotes["2024-08-21"] = {"2408.10012": 40}
    signals.upvotes["2024-08-26"] = {"2408.10018": 5}
    signals.citations.update({"2408.10010": (90, 9), "2408.10019": (1, 0)})
    env.update(signals.env)
    clock = Clock(datetime(2024, 8, 20, 6, 0, tzinfo=UTC))
    async with running_bot(env, tg) as bot:
        services = services_of(bot)
        services.digests.clock = clock
        for number, day in enumerate(days):  # the bot reads each day's feed as arXiv announces it
            ids = [f"2408.{10010 + 2 * number}", f"2408.{10011 + 2 * number}"]
            for base_id in ids:
                add(arxiv_fake, base_id, f"Paper {base_id} of {day}", "We study things.")
            arxiv_fake.announce("cs", day, [(b, "new") for b in ids])
            clock.now = datetime.fromisoformat(f"{day}T03:00:00+00:00")
            await services.digests.poll({"cs"})
        assert await command(bot, "/subscribe trending cs", 993) == (
            "Subscribed to <b>trending cs</b> (the week's papers ranked by Hugging Face upvotes, stars and "
            "citations). Digest every announcement day at 09:00 (UTC).")
        await tick(bot, clock, MONDAY)
        titles = digest_titles(bot, 993, "2024-08-26")
        assert titles == ["Paper 2408.10010 of 2024-08-20", "Paper 2408.10012 of 2024-08-21",
                          "Paper 2408.10018 of 2024-08-26", "Paper 2408.10019 of 2024-08-26"], titles
        [digest] = bot.tg.texts_to(993, "new paper")
        assert "\n90 citations\n" in digest and "\n▲ 40 on HF\n" in digest


async def test_a_trending_topic_on_a_bot_without_popularity_sources_says_it_will_stay_empty(
        bot: RunningBot) -> None:
    reply = await command(bot, "/subscribe trending cs.CV", 996)
    assert reply.endswith("\n\n" + t("en", "trending_off"))


async def test_popularity_lifts_a_paper_as_far_as_the_chat_wants(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, signals: FakeSignals) -> None:
    add(arxiv_fake, "2408.10001", "Diffusion Models for Video Generation",
        "We scale video diffusion models and show that diffusion models beat GANs on video.")
    add(arxiv_fake, "2408.10002", "Sampling from a Diffusion Model", "A faster sampler for diffusion models.")
    arxiv_fake.announce("cs", "2024-08-26", [("2408.10001", "new"), ("2408.10002", "new")])
    signals.citations["2408.10002"] = (400, 60)
    env.update(signals.env)
    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    async with running_bot(env, tg) as bot:
        services_of(bot).digests.clock = clock
        for chat_id, setting in ((994, "off"), (995, "high")):
            await command(bot, "/subscribe diffusion models", chat_id)
            assert await command(bot, f"/settings popularity {setting}", chat_id) == (
                f"Done: popularity is now {setting}.")
        await tick(bot, clock, MONDAY)
        assert digest_titles(bot, 994, "2024-08-26")[0] == "Diffusion Models for Video Generation"
        assert digest_titles(bot, 995, "2024-08-26")[0] == "Sampling from a Diffusion Model"
        assert "\n400 citations" in bot.tg.texts_to(994, "new paper")[0], "shown even where it does not rank"
