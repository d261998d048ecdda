"""Daily digests through the bench: the right papers, on time, once — across days, restarts and failures."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import build_application
from handlers.common.sender import TelegramSender, digest_sender
from handlers.presses import REPEAT_SECONDS
from services.arxiv.ids import find_papers
from services.bootstrap import Services
from services.config import load_config
from services.delivery.outbox import SEND_CONCURRENCY
from services.i18n import t
from services.pdf.extractor import EXTRACTOR_VERSION
from services.topics import parse_topic
from tests.conftest import Clock, RunningBot, running_bot, with_gemini
from tests.fakes.arxiv import FakeArxiv, FakePaper
from tests.fakes.gemini import FakeGemini
from tests.fakes.telegram import FakeTelegram
from tests.pdfs import paper_pdf
from tests.test_paper_cards import card_messages_to

PDF = paper_pdf()


def paper(arxiv: FakeArxiv, base_id: str, title: str, category: str = "cs.CV", **extra: Any) -> FakePaper:
    fake = FakePaper(base_id=base_id, title=title, authors=["Ada Lovelace"], category=category,
                     abstract=f"We study {title.lower()}. Results improve by 5%.", pdfs={1: PDF},
                     versions={1: "2024-08-25T10:00:00Z"}, **extra)
    return arxiv.add(fake)


def announce(arxiv: FakeArxiv, feed: str, titles: list[str], day: str = "2024-08-26") -> list[str]:
    """Papers 2408.10000, 2408.10001 … with these titles, announced as new in `feed` on `day`."""
    ids = [f"2408.{10000 + i}" for i in range(len(titles))]
    for base_id, title in zip(ids, titles, strict=True):
        paper(arxiv, base_id, title)
    arxiv.announce(feed, day, [(b, "new") for b in ids])
    return ids


def services_of(bot: RunningBot) -> Services:
    services: Services = bot.app.bot_data["services"]
    return services


async def tick(bot: RunningBot, clock: Clock, when: datetime) -> None:
    clock.now = when
    services = services_of(bot)
    await services.tick(digest_sender(bot.app.bot, services.config.paid_broadcast))


async def command(bot: RunningBot, text: str, chat_id: int, **kwargs: Any) -> str:
    before = len(bot.tg.calls_to("sendMessage", chat_id))
    bot.tg.send_text(text, chat_id=chat_id, **kwargs)
    replies = await bot.tg.wait_for("sendMessage", chat_id=chat_id, count=before + 1)
    return replies[before].text


async def test_subscription_commands(bot: RunningBot) -> None:
    assert await command(bot, "/subscribe cs.cv", 701) == t("en", "subscribed", topic="cs.CV", kind="category",
                                                             time="09:00", zone="UTC")
    assert await command(bot, "/subscribe cs.CV", 701) == t("en", "subscribe_duplicate", topic="cs.CV")
    assert await command(bot, "/subscribe " + "x" * 5000, 701) == t("en", "topic_error_too_long", limit=200)
    assert await command(bot, "/subscribe cs.XX", 701) == t("en", "topic_error_unknown_category")
    assert await command(bot, "/subscribe <b>diffusion</b> & co", 701) == t(
        "en", "subscribed", topic="&lt;b&gt;diffusion&lt;/b&gt; &amp; co", kind="keywords", time="09:00", zone="UTC")
    assert await command(bot, '/subscribe au:"Yann LeCun"', 701) == t(
        "en", "subscribed", topic='au:"Yann LeCun"', kind="author", time="09:00", zone="UTC")
    listing = await command(bot, "/topics", 701)
    assert listing.splitlines()[1:] == ["1. cs.CV", "2. &lt;b&gt;diffusion&lt;/b&gt; &amp; co", '3. au:"Yann LeCun"']
    buttons = bot.tg.calls_to("sendMessage", 701)[-1].params["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in buttons] == ["✖ cs.CV", "✖ <b>diffusion</b> & co", '✖ au:"Yann LeCun"']
    bot.tg.press(buttons[0][0]["callback_data"], chat_id=701)
    [edited] = await bot.tg.wait_for("editMessageText", chat_id=701)
    assert edited.text.splitlines()[1:] == ["1. &lt;b&gt;diffusion&lt;/b&gt; &amp; co", '2. au:"Yann LeCun"']
    assert await command(bot, "/unsubscribe 2", 701) == t("en", "unsubscribed", topic='au:"Yann LeCun"')
    assert await command(bot, "/unsubscribe cs.LG", 701) == t("en", "unsubscribe_unknown")
    assert await command(bot, "/time 08:30 Asia/Shanghai", 701) == t("en", "time_set", time="08:30",
                                                                       zone="Asia/Shanghai")
    assert await command(bot, "/time 8:30 Mars/Olympus", 701) == t("en", "time_bad_zone", zone="Mars/Olympus")
    assert await command(bot, "/pause", 701) == t("en", "paused")
    assert "paused" in await command(bot, "/topics", 701)
    assert await command(bot, "/resume", 701) == t("en", "resumed")


async def test_twenty_topics_at_most(bot: RunningBot) -> None:
    for i in range(20):
        await command(bot, f"/subscribe topic{i}", 702)
    assert await command(bot, "/subscribe one more", 702) == t("en", "subscribe_limit", limit=20)


async def test_a_week_of_digests(bot: RunningBot, arxiv_fake: FakeArxiv, clock: Clock) -> None:
    paper(arxiv_fake, "2408.10001", "Diffusion Transformers for Video")
    paper(arxiv_fake, "2408.10002", "Robust Segmentation", categories=["cs.LG", "cs.CV"], category="cs.LG")
    paper(arxiv_fake, "2408.10003", "Language Diffusion Models", category="cs.CL")
    paper(arxiv_fake, "2407.09999", "An Old Vision Paper")
    paper(arxiv_fake, "2408.10005", "Parsing Grammars", category="cs.CL")
    paper(arxiv_fake, "2408.10006", "Optical Flow Today")
    paper(arxiv_fake, "2409.00007", "Depth From Diffusion")
    arxiv_fake.announce("cs", "2024-08-26", [("2408.10001", "new"), ("2408.10002", "cross"),
                                              ("2408.10003", "new"), ("2407.09999", "replace"),
                                              ("2408.10005", "new")])
    await command(bot, "/subscribe cs.CV", 703)
    await command(bot, "/subscribe diffusion", 703)

    await tick(bot, clock, datetime(2024, 8, 26, 8, 59, tzinfo=UTC))
    assert bot.tg.texts_to(703, "new paper") == [], "nothing before the chat's time"

    await tick(bot, clock, datetime(2024, 8, 26, 9, 1, tzinfo=UTC))
    monday = bot.tg.texts_to(703, "new paper")
    assert monday == [
        "<b>cs.CV</b> — 2024-08-26 · 2 new papers\n\n"
        '1. <b><a href="https://arxiv.org/abs/2408.10001v1">Diffusion Transformers for Video</a></b>\n'
        "We study diffusion transformers for video.\n\n"
        '2. <b><a href="https://arxiv.org/abs/2408.10002v1">Robust Segmentation</a></b>\n'
        "We study robust segmentation.",
        "<b>diffusion</b> — 2024-08-26 · 1 new paper\n\n"
        '1. <b><a href="https://arxiv.org/abs/2408.10003v1">Language Diffusion Models</a></b>\n'
        "We study language diffusion models.",
    ]
    first = bot.tg.calls_to("sendMessage", 703)[-2]
    assert first.params["reply_markup"]["inline_keyboard"] == [
        [{"text": "📄 1", "callback_data": "card:2408.10001v1"}, {"text": "📄 2", "callback_data": "card:2408.10002v1"}]
    ], "the entries' buttons right under them, five to a row; ratings are in the card"

    await tick(bot, clock, datetime(2024, 8, 26, 15, 0, tzinfo=UTC))
    assert len(bot.tg.texts_to(703, "new paper")) == 2, "one digest a day"

    # Tuesday: a new paper, and Monday's paper again as a replacement
    arxiv_fake.announce("cs", "2024-08-27", [("2408.10006", "new"), ("2408.10001", "replace")])
    await tick(bot, clock, datetime(2024, 8, 27, 9, 30, tzinfo=UTC))
    assert bot.tg.texts_to(703, "new paper")[2:] == [
        "<b>cs.CV</b> — 2024-08-27 · 1 new paper\n\n"
        '1. <b><a href="https://arxiv.org/abs/2408.10006v1">Optical Flow Today</a></b>\n'
        "We study optical flow today."]

    # Saturday: arXiv announces nothing; Monday is a holiday and the feed still shows Friday's batch
    arxiv_fake.announce("cs", "2024-08-31", [])
    await tick(bot, clock, datetime(2024, 8, 31, 9, 30, tzinfo=UTC))
    arxiv_fake.announce("cs", "2024-08-27", [("2408.10006", "new"), ("2408.10001", "replace")])
    await tick(bot, clock, datetime(2024, 9, 2, 9, 30, tzinfo=UTC))
    assert len(bot.tg.texts_to(703, "new paper")) == 3, "quiet days send nothing and repeat nothing"

    arxiv_fake.announce("cs", "2024-09-03", [("2409.00007", "new")])
    await tick(bot, clock, datetime(2024, 9, 3, 9, 30, tzinfo=UTC))
    assert bot.tg.texts_to(703, "new paper")[3].startswith("<b>cs.CV</b> — 2024-09-03 · 1 new paper")
    assert "Depth From Diffusion" in bot.tg.texts_to(703, "new paper")[3]


async def test_the_digest_comes_at_the_chats_local_time(bot: RunningBot, arxiv_fake: FakeArxiv,
                                                        clock: Clock) -> None:
    paper(arxiv_fake, "2408.10001", "Diffusion Transformers for Video")
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new")])
    await command(bot, "/subscribe cs.CV", 704)
    await command(bot, "/time 08:30 Asia/Shanghai", 704)
    await tick(bot, clock, datetime(2024, 8, 26, 0, 20, tzinfo=UTC))  # 08:20 in Shanghai
    assert bot.tg.texts_to(704, "new paper") == []
    await tick(bot, clock, datetime(2024, 8, 26, 0, 35, tzinfo=UTC))  # 08:35 in Shanghai
    assert len(bot.tg.texts_to(704, "new paper")) == 1


async def test_digest_now_and_the_card_button(bot: RunningBot, arxiv_fake: FakeArxiv, clock: Clock) -> None:
    paper(arxiv_fake, "2408.10001", "Diffusion Transformers for Video")
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new")])
    await command(bot, "/subscribe cs.CV", 705)
    assert await command(bot, "/digest", 705) == t("en", "digest_preparing")
    [done] = await bot.tg.wait_for("editMessageText", chat_id=705)
    assert done.text == t("en", "digest_queued", count=1)
    [digest] = await bot.tg.wait_for("sendMessage", chat_id=705, contains="new paper")
    assert digest.text.startswith("<b>cs.CV</b> — 2024-08-26 · 1 new paper")
    store = services_of(bot).store
    [meta] = [m for m in [store.get_paper("2408.10001", 1, max_age=timedelta(days=9999))] if m is not None]
    assert store.get_figures(meta, EXTRACTOR_VERSION) is None, "an overview shows no figure: none is rendered"
    bot.tg.press("card:2408.10001v1", chat_id=705)
    await bot.tg.wait_for("sendPhoto", chat_id=705)
    assert [f.number for f in store.get_figures(meta, EXTRACTOR_VERSION) or []] == ["1"], "rendered when opened"
    assert "<code>arXiv:2408.10001v1</code> · cs.CV" in card_messages_to(bot, 705)[-1].text
    bot.tg.send_text("/digest", chat_id=705)
    await bot.tg.wait_for("editMessageText", chat_id=705, contains=t("en", "digest_nothing"))
    assert arxiv_fake.rss_requests == ["cs.CV"], "a second /digest minutes later does not read the feed again"


async def test_each_paper_is_summarized_once_for_all_chats(env: dict[str, str], tg: FakeTelegram,
                                                          arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    with_gemini(env, gemini)
    announce(arxiv_fake, "cs", [f"Diffusion Paper {i}" for i in range(3)])
    async with running_bot(env, tg) as running:
        clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
        services_of(running).digests.clock = clock
        for chat_id, lang in ((711, "en"), (712, "en"), (713, "zh"), (714, "en")):
            await command(running, "/subscribe diffusion", chat_id, language_code=lang)
        assert len(gemini.requests) == 4, "each /subscribe asks once for the topic's other names"
        gemini.requests.clear()
        await tick(running, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
        for chat_id in (711, 712, 713, 714):
            assert len(running.tg.texts_to(chat_id, "2024-08-26")) == 1
        assert len(gemini.requests) == 6, "3 papers x 2 languages, not x 4 chats"
        assert len(arxiv_fake.pdf_requests) == 3


async def test_blocked_and_migrated_chats(bot: RunningBot, arxiv_fake: FakeArxiv, clock: Clock) -> None:
    paper(arxiv_fake, "2408.10001", "Diffusion Transformers for Video")
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new")])
    for chat_id in (721, 722, 723):
        await command(bot, "/subscribe cs.CV", chat_id)
    bot.tg.members[(-724, 4242)] = "administrator"
    await command(bot, "/subscribe cs.CV", -724, chat_type="group")
    bot.tg.fail_next("sendMessage", "403", chat_id=722)
    bot.tg.fail_next("sendMessage", "migrate", chat_id=-724, to=-100724)
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    assert len(bot.tg.texts_to(721, "new paper")) == 1 and len(bot.tg.texts_to(723, "new paper")) == 1
    store = services_of(bot).store
    blocked = store.get_chat(722)
    assert blocked is not None and not blocked.active and len(store.topics(722)) == 1
    assert len(bot.tg.texts_to(-100724, "new paper")) == 1, "resent to the supergroup"
    assert store.get_chat(-724) is None and len(store.topics(-100724)) == 1


async def test_a_flood_of_429_delays_but_loses_nothing(bot: RunningBot, arxiv_fake: FakeArxiv, clock: Clock) -> None:
    paper(arxiv_fake, "2408.10001", "Diffusion Transformers for Video")
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new")])
    for chat_id in range(731, 736):
        await command(bot, "/subscribe cs.CV", chat_id)
    for _ in range(4):
        bot.tg.fail_next("sendMessage", "429", retry_after=1)
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    for _ in range(20):
        if all(bot.tg.texts_to(c, "new paper") for c in range(731, 736)):
            break
        await asyncio.sleep(0.5)
        await services_of(bot).tick(TelegramSender(bot.app.bot))
    assert [len(bot.tg.texts_to(c, "new paper")) for c in range(731, 736)] == [1] * 5


async def test_a_crash_mid_fanout_loses_nothing_and_repeats_at_most_one(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv) -> None:
    announce(arxiv_fake, "cs.CV", [f"Vision Paper {i}" for i in range(3)])
    chats = list(range(800, 850))
    clock = Clock(datetime(2024, 8, 26, 9, 30, tzinfo=UTC))

    app = build_application(load_config(env))
    async with app:
        services: Services = app.bot_data["services"]
        services.digests.clock = clock
        for chat_id in chats:
            services.store.ensure_chat(chat_id, "private", "x", "en")
            services.store.add_topic(chat_id, parse_topic("cs.CV"))
        await services.digests.poll()
        await services.digests.run_due()
        sender = TelegramSender(app.bot)
        task = asyncio.create_task(services.outbox.drain(sender))
        while len(tg.calls_to("sendMessage")) < 20:
            await asyncio.sleep(0.005)
        task.cancel()  # the crash, in the middle of the fan-out
        with pytest.raises(asyncio.CancelledError):
            await task
    services.close()

    app = build_application(load_config(env))  # the restart, on the same database
    async with app:
        restarted: Services = app.bot_data["services"]
        restarted.digests.clock = clock
        await restarted.tick(TelegramSender(app.bot))
    restarted.close()
    per_chat = {c: tg.texts_to(c, "new paper") for c in chats}
    assert all(texts and "Vision Paper 2" in texts[0] for texts in per_chat.values()), "every chat has its digest"
    assert sum(len(texts) - 1 for texts in per_chat.values()) <= SEND_CONCURRENCY, "at most those in flight repeat"


async def test_settings_full_mode_replacements_and_the_cap(bot: RunningBot, arxiv_fake: FakeArxiv,
                                                           clock: Clock) -> None:
    for i in range(3):
        paper(arxiv_fake, f"2408.1000{i}", f"Vision Paper {i}")
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10000", "new"), ("2408.10001", "replace"),
                                                 ("2408.10002", "new")])
    await command(bot, "/subscribe cs.CV", 741)
    assert "mode: overview" in await command(bot, "/settings", 741)
    assert await command(bot, "/settings mode full", 741) == t("en", "settings_set", name="mode", value="full")
    assert await command(bot, "/settings replacements on", 741) == t("en", "settings_set", name="replacements",
                                                                      value="on")
    assert await command(bot, "/settings colour blue", 741) == t("en", "settings_bad")
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    cards = [c.text for c in bot.tg.calls_to("sendMessage", 741) if "<code>arXiv:" in c.text]
    assert [c.split("</a>")[0].rsplit(">", 1)[1] for c in cards] == ["Vision Paper 0", "Vision Paper 1",
                                                                    "Vision Paper 2"]
    assert len(bot.tg.calls_to("sendPhoto", 741)) == 3


async def test_a_capped_digest_offers_the_rest(bot: RunningBot, arxiv_fake: FakeArxiv, clock: Clock) -> None:
    announce(arxiv_fake, "cs.CV", [f"Vision Paper {i}" for i in range(33)])
    await command(bot, "/subscribe cs.CV", 742)
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    texts = bot.tg.texts_to(742)
    assert texts[1].startswith("<b>cs.CV</b> — 2024-08-26 · showing 30 of 33")
    assert [text.count("<b><a href") for text in texts[1:4]] == [10, 10, 10], "ten entries a message"
    for call in bot.tg.calls_to("sendMessage", 742)[1:4]:
        rows = call.params["reply_markup"]["inline_keyboard"]
        assert [len(row) for row in rows] == [5, 5], "the entries' buttons under them, five to a row"
    listed = "".join(texts)
    assert "30. <b>" in listed and "31. <b>" not in listed
    assert texts[-1] == t("en", "digest_more", count=3)
    [button] = bot.tg.calls_to("sendMessage", 742)[-1].params["reply_markup"]["inline_keyboard"][0]
    assert button == {"text": t("en", "digest_more_button", count=3), "callback_data": "more:2024-08-26"}
    bot.tg.press(button["callback_data"], chat_id=742)
    [more] = await bot.tg.wait_for("sendMessage", chat_id=742, contains="31. <b>", timeout=5)  # at once, no tick
    assert "33. <b>" in more.text and more.text.startswith("<b>cs.CV</b> — 2024-08-26 · 3 new papers"), \
        "the rest under its topic, numbered on"
    await asyncio.sleep(REPEAT_SECONDS)  # pressed again later: a repeat within seconds is one action
    bot.tg.press(button["callback_data"], chat_id=742)
    [*_, again] = await bot.tg.wait_for("answerCallbackQuery", count=2)
    assert again.params["text"] == t("en", "digest_more_gone"), "pressed again: said, not silent"
    await tick(bot, clock, datetime(2024, 8, 27, 9, 30, tzinfo=UTC))
    assert sum(text.count("<b><a href") for text in bot.tg.texts_to(742)) == 33, "each paper once"


async def test_the_llm_budget_falls_back_to_the_extract(env: dict[str, str], tg: FakeTelegram,
                                                        arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    with_gemini(env, gemini)
    env["LLM_DAILY_BUDGET"] = "2"
    announce(arxiv_fake, "cs.CV", [f"Vision Paper {i}" for i in range(3)])
    async with running_bot(env, tg) as running:
        clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
        services_of(running).digests.clock = clock
        await command(running, "/subscribe cs.CV", 743)
        await tick(running, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
        [digest] = running.tg.texts_to(743, "new paper")
        assert digest.count("A transformer that reads papers faster.") == 2
        assert "We study vision paper" in digest
        assert len(gemini.requests) == 2


async def test_a_new_chat_starts_with_the_newest_day(bot: RunningBot, arxiv_fake: FakeArxiv, clock: Clock) -> None:
    paper(arxiv_fake, "2408.10001", "Diffusion Transformers for Video")
    paper(arxiv_fake, "2408.10002", "Optical Flow Today")
    await command(bot, "/subscribe cs.CV", 751)
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new")])
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    arxiv_fake.announce("cs.CV", "2024-08-27", [("2408.10002", "new")])
    await command(bot, "/subscribe cs.CV", 752)
    await tick(bot, clock, datetime(2024, 8, 27, 9, 30, tzinfo=UTC))
    assert len(bot.tg.texts_to(751, "new paper")) == 2
    [first] = bot.tg.texts_to(752, "new paper")
    assert "Optical Flow Today" in first and "Diffusion Transformers" not in first


def front_matter(post: str) -> dict[str, Any]:
    import yaml

    assert post.startswith("---\n")
    head, _, _ = post[4:].partition("\n---\n")
    parsed: dict[str, Any] = yaml.safe_load(head)
    return parsed


async def test_an_export_cannot_be_broken_by_what_an_llm_wrote(env: dict[str, str], tg: FakeTelegram,
                                                               arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    """A keyword with a newline and `---` cannot end the front matter; raw HTML stands nowhere in the post."""
    import io
    import zipfile

    gemini.summary.update({"keywords": ["x\n---\ntitle: pwned", "<img src=x onerror=alert(1)>"],
                           "one_sentence": "We show <script>alert(1)</script> and <a href=//evil>this</a>."})
    announce(arxiv_fake, "cs.CV", ["Diffusion Transformers for Video"])
    async with running_bot(with_gemini(env, gemini), tg) as bot:
        clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
        services_of(bot).digests.clock = clock
        await command(bot, "/subscribe cs.CV", 764)
        await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
        bot.tg.send_text("/export", chat_id=764)
        [document] = await bot.tg.wait_for("sendDocument", chat_id=764)
    archive = zipfile.ZipFile(io.BytesIO(next(iter(document.files.values()))))
    post = archive.read("2024-08-26-cs-cv.md").decode()
    front = front_matter(post)
    assert set(front) == {"title", "date", "tags", "description"} and front["title"] == "cs.CV"
    assert "x\n---\ntitle: pwned" in front["tags"], "the keyword is a keyword, whole"
    body = post.split("\n---\n", 1)[1]
    assert "<script" not in body and "<img" not in body and "<a href" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


async def test_export_gives_blog_posts_with_figures(bot: RunningBot, arxiv_fake: FakeArxiv, clock: Clock) -> None:
    import io
    import zipfile

    announce(arxiv_fake, "cs", ["Diffusion <Transformers> for Video", "Optical Flow Today"])
    await command(bot, "/subscribe diffusion", 761)
    await command(bot, "/subscribe cs.CV", 761)
    assert await command(bot, "/export", 761) == t("en", "export_none")
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    bot.tg.send_text("/export", chat_id=761)
    [document] = await bot.tg.wait_for("sendDocument", chat_id=761)
    assert document.params["caption"] == t("en", "export_caption", day="2024-08-26")
    archive = zipfile.ZipFile(io.BytesIO(next(iter(document.files.values()))))
    names = sorted(archive.namelist())
    assert names == ["2024-08-26-cs-cv.md", "2024-08-26-diffusion.md", "2024-08-26-papers.bib",
                     "2408-10000v1/figure-1.jpg", "2408-10001v1/figure-1.jpg"]
    bib = archive.read("2024-08-26-papers.bib").decode()
    assert bib.count("@misc{") == 2 and "eprint = {2408.10000}" in bib and "eprint = {2408.10001}" in bib
    diffusion = archive.read("2024-08-26-diffusion.md").decode()
    front = front_matter(diffusion)
    assert front["title"] == "diffusion" and front["date"] == "2024-08-26" and "cs.CV" in front["tags"]
    assert "# 2024-08-26 Update" in diffusion and "## Diffusion &lt;Transformers&gt; for Video" in diffusion
    assert "machine-written" in diffusion and "![Fig. 1 — " in diffusion
    assert "<details>" in diffusion and "](2408-10000v1/figure-1.jpg)" in diffusion
    assert "Optical Flow" not in diffusion, "each paper under its first matching topic"


async def test_a_late_batch_still_makes_the_days_digest(bot: RunningBot, arxiv_fake: FakeArxiv, clock: Clock) -> None:
    announce(arxiv_fake, "cs.CV", ["Diffusion Transformers for Video"])
    await command(bot, "/subscribe cs.CV", 771)
    await command(bot, "/settings quiet on", 771)
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    assert len(bot.tg.texts_to(771, "new paper")) == 1
    # Tuesday 09:00: the feed still shows Monday's batch; the new one appears at noon
    await tick(bot, clock, datetime(2024, 8, 27, 9, 30, tzinfo=UTC))
    assert bot.tg.texts_to(771, "2024-08-27") == []
    paper(arxiv_fake, "2408.20001", "Optical Flow Today")
    arxiv_fake.announce("cs.CV", "2024-08-27", [("2408.20001", "new")])
    await tick(bot, clock, datetime(2024, 8, 27, 12, 0, tzinfo=UTC))
    [late] = bot.tg.texts_to(771, "2024-08-27")
    assert "Optical Flow Today" in late
    # Saturday: nothing is announced; the chat asked to hear about quiet days, six hours after its time
    arxiv_fake.announce("cs.CV", "2024-08-31", [])
    await tick(bot, clock, datetime(2024, 8, 31, 9, 30, tzinfo=UTC))
    assert bot.tg.texts_to(771, "No new papers") == []
    await tick(bot, clock, datetime(2024, 8, 31, 15, 30, tzinfo=UTC))
    assert bot.tg.texts_to(771, "No new papers") == [t("en", "digest_quiet")]
    await tick(bot, clock, datetime(2024, 8, 31, 18, 0, tzinfo=UTC))
    assert len(bot.tg.texts_to(771, "No new papers")) == 1


def test_feeds_are_read_often_only_around_announcements() -> None:
    from datetime import timedelta

    from services.digests.discovery import poll_interval

    busy = timedelta(minutes=15)
    assert poll_interval(datetime(2024, 8, 27, 1, 0, tzinfo=UTC), busy) == busy  # 21:00 US Eastern
    assert poll_interval(datetime(2024, 8, 27, 11, 0, tzinfo=UTC), busy) == busy  # 07:00 US Eastern
    assert poll_interval(datetime(2024, 8, 27, 16, 0, tzinfo=UTC), busy) == timedelta(hours=1)  # noon there


async def test_paid_broadcast_when_the_owner_turns_it_on(env: dict[str, str], tg: FakeTelegram,
                                                          arxiv_fake: FakeArxiv) -> None:
    env["PAID_BROADCAST"] = "on"
    paper(arxiv_fake, "2408.10001", "Diffusion Transformers for Video")
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new")])
    async with running_bot(env, tg) as running:
        clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
        services_of(running).digests.clock = clock
        await command(running, "/subscribe cs.CV", 760)
        await tick(running, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
        [digest] = running.tg.calls_to("sendMessage", 760)[-1:]
        assert "new paper" in digest.text and digest.params["allow_paid_broadcast"] is True
        reply = running.tg.calls_to("sendMessage", 760)[0]
        assert "allow_paid_broadcast" not in reply.params, "replies are not paid for"


async def test_pruned_history_still_sends_no_paper_twice(bot: RunningBot, arxiv_fake: FakeArxiv, clock: Clock) -> None:
    paper(arxiv_fake, "2408.10001", "Diffusion Transformers for Video")
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new")])
    await command(bot, "/subscribe cs.CV", 780)
    await command(bot, "/settings replacements on", 780)
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    assert len(bot.tg.texts_to(780, "new paper")) == 1
    db = services_of(bot).store.db

    arxiv_fake.announce("cs.CV", "2024-08-28", [("2408.10001", "replace")])
    await tick(bot, clock, datetime(2024, 8, 28, 9, 30, tzinfo=UTC))
    assert len(bot.tg.texts_to(780, "new paper")) == 1, "a new version of a paper the chat had: not again"
    assert db.execute("SELECT count(*) FROM deliveries WHERE chat_id = 780").fetchone()[0] == 0, "compacted"
    assert db.execute("SELECT count(*) FROM outbox WHERE chat_id = 780").fetchone()[0] == 0, "sent, so gone"

    paper(arxiv_fake, "2412.00001", "Diffusion Again")
    arxiv_fake.announce("cs.CV", "2024-12-05", [("2408.10001", "replace"), ("2412.00001", "new")])
    await tick(bot, clock, datetime(2024, 12, 5, 9, 30, tzinfo=UTC))
    assert db.execute("SELECT count(*) FROM digest_days WHERE chat_id = 780 AND day < '2024-09-01'").fetchone()[0] \
        == 0, "August is past RETENTION_DAYS: pruned"
    latest = bot.tg.texts_to(780, "new paper")[-1]
    assert "Diffusion Again" in latest and "Diffusion Transformers" not in latest, "never twice, past the pruning"


async def test_the_bot_answers_while_a_tick_over_ten_thousand_chats_runs(bot: RunningBot, arxiv_fake: FakeArxiv,
                                                                        clock: Clock) -> None:
    import time

    store = services_of(bot).store
    now = "2024-08-26T00:00:00+00:00"
    with store.db.conn:
        store.db.conn.executemany(
            "INSERT INTO chats (id, type, title, language, timezone, digest_time, mode, active, created_at, "
            "updated_at) VALUES (?, 'private', 'Reader', 'en', ?, '09:00', 'overview', 1, ?, ?)",
            [(100_000 + i, ("UTC", "Asia/Shanghai", "America/New_York")[i % 3], now, now) for i in range(10_000)])
        store.db.conn.executemany(
            "INSERT INTO subscriptions (chat_id, topic, kind, query, created_at) VALUES (?, ?, 'keyword', ?, ?)",
            [(100_000 + i, word, f"all:{word}", now) for i in range(10_000) for word in ("flow", "graph", "depth")])
    arxiv_fake.announce("cs", "2024-08-26", [])
    stalls: list[float] = []

    async def heartbeat() -> None:
        while True:
            began = time.perf_counter()
            await asyncio.sleep(0.005)
            stalls.append(time.perf_counter() - began - 0.005)

    beating = asyncio.create_task(heartbeat())
    ticking = asyncio.create_task(tick(bot, clock, datetime(2024, 8, 26, 0, 30, tzinfo=UTC)))  # nothing due yet
    await asyncio.sleep(0)
    started = time.perf_counter()
    bot.tg.send_text("/start", chat_id=790)
    await bot.tg.wait_for("sendMessage", chat_id=790)
    answered = time.perf_counter() - started
    await ticking
    beating.cancel()
    assert arxiv_fake.rss_requests, "the tick read the feeds its 10,000 chats need"
    print(f"/start answered in {answered * 1000:.0f} ms; longest stall of the loop {max(stalls) * 1000:.0f} ms")
    assert max(stalls) < 0.1, "the loop never stops for 100 ms"
    assert answered < 0.5


async def test_a_digest_of_three_topics_has_a_section_each(bot: RunningBot, arxiv_fake: FakeArxiv,
                                                          clock: Clock) -> None:
    """A paper goes under its most specific topic, so every topic gets its section — not all under the first."""
    announce(arxiv_fake, "cs", ["Diffusion Models for Video", "Robust Segmentation", "Diffusion Transformers",
                                "Graph Networks", "Optical Flow", "Image Restoration"])
    await command(bot, "/subscribe cs", 751)
    await command(bot, "/subscribe diffusion", 751)
    await command(bot, "/subscribe segmentation", 751)
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    sections = [text.split("\n")[0] for text in bot.tg.texts_to(751, " — 2024-08-26")]
    assert sections == ["<b>cs</b> — 2024-08-26 · 3 new papers", "<b>diffusion</b> — 2024-08-26 · 2 new papers",
                        "<b>segmentation</b> — 2024-08-26 · 1 new paper"]
    diffusion = bot.tg.texts_to(751, "<b>diffusion</b> — ")[0]
    assert "Diffusion Models for Video" in diffusion and "Diffusion Transformers" in diffusion


async def test_a_group_gets_one_overview_whose_cards_open_privately(bot: RunningBot, arxiv_fake: FakeArxiv,
                                                                   clock: Clock) -> None:
    announce(arxiv_fake, "cs", ["Diffusion Models for Video", "Robust Segmentation", "Optical Flow"])
    bot.tg.members[(-100755, 4242)] = "administrator"
    await command(bot, "/subscribe cs.CV", -100755, chat_type="supergroup")
    await command(bot, "/subscribe diffusion", -100755, chat_type="supergroup")
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    [overview] = [c for c in bot.tg.calls_to("sendMessage", -100755) if " — 2024-08-26" in c.text]
    assert "<b>cs.CV</b> — " in overview.text and "<b>diffusion</b> — " in overview.text, "one message, both"
    buttons = [b for row in overview.params["reply_markup"]["inline_keyboard"] for b in row]
    assert all(b["url"].startswith("https://t.me/PapergramTestBot?start=card_2408_1000") for b in buttons), \
        "📄 opens the card in the reader's private chat: the group sees no card it did not ask for"
    assert await command(bot, "/settings group_cards here", -100755, chat_type="supergroup") == t(
        "en", "settings_set", name="group_cards", value="here")


async def test_a_tick_ending_while_a_digest_is_planned_takes_none_of_its_papers(
        bot: RunningBot, arxiv_fake: FakeArxiv, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scheduler's run clears the shared card memo when it ends; a /digest planned meanwhile keeps every card
    it found there (one reader got 15 of 39 papers, and the other 24 were never sent)."""
    announce(arxiv_fake, "cs", [f"Vision Paper {i}" for i in range(6)] + [f"Graph Paper {i}" for i in range(6)])
    clock.now = datetime(2024, 8, 26, 7, 0, tzinfo=UTC)
    await command(bot, "/subscribe vision", 762)
    await command(bot, "/digest", 762)  # the six vision cards are in the memo now, as a running tick leaves them
    await bot.tg.wait_for("editMessageText", chat_id=762, contains=t("en", "digest_queued", count=6))
    services = services_of(bot)
    card = services.papers.card

    async def card_then_a_tick_ends(*args: Any, **kwargs: Any) -> Any:
        made = await card(*args, **kwargs)
        services.digests._card_memo.clear()  # what run_due's `finally` does when a tick ends
        return made

    monkeypatch.setattr(services.papers, "card", card_then_a_tick_ends)
    await command(bot, "/subscribe cs.CV", 761)
    bot.tg.send_text("/digest", chat_id=761)
    await bot.tg.wait_for("editMessageText", chat_id=761, contains=t("en", "digest_queued", count=12))
    await bot.tg.wait_for("sendMessage", chat_id=761, contains="12. <b>")
    assert sum(text.count("<b><a href") for text in bot.tg.texts_to(761)) == 12, "every paper listed"


async def test_exports_are_built_two_at_a_time_and_a_third_is_told_it_waits(bot: RunningBot, arxiv_fake: FakeArxiv,
                                                                              clock: Clock) -> None:
    announce(arxiv_fake, "cs.CV", ["Diffusion Transformers for Video"])
    await command(bot, "/subscribe cs.CV", 765)
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    exports = services_of(bot).digests._exports
    for _ in range(2):  # two exports being built
        await exports.acquire()
    bot.tg.send_text("/export", chat_id=765)
    await bot.tg.wait_for("sendMessage", chat_id=765, contains=t("en", "export_queued"))
    assert not bot.tg.calls_to("sendDocument", 765)
    exports.release()
    [document] = await bot.tg.wait_for("sendDocument", chat_id=765)
    exports.release()
    assert next(iter(document.files.values())).startswith(b"PK"), "a zip, sent from its file on disk"
    for _ in range(100):  # deleted once Telegram has answered the upload, a moment after the fake got it
        if not list(Path(tempfile.gettempdir()).glob("papergram-export-*.zip")):
            break
        await asyncio.sleep(0.02)
    assert not list(Path(tempfile.gettempdir()).glob("papergram-export-*.zip")), "and the file is gone"


async def test_a_new_version_of_a_paper_the_chat_had_comes_as_what_changed(bot: RunningBot, arxiv_fake: FakeArxiv,
                                                                           clock: Clock) -> None:
    """With replacements on, v2 of Monday's paper is not Monday's card again: Tuesday's digest tells of it once,
    and 🔀 gives what changed between v1 and v2. Off, nothing is said."""
    from tests.test_paper_cards import two_versions

    two_versions(arxiv_fake)
    fake = arxiv_fake.papers["2408.14227"]
    second = fake.versions.pop(2)
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.14227", "new")])
    await command(bot, "/subscribe cs.CV", 790)
    await command(bot, "/settings replacements on", 790)
    await command(bot, "/subscribe cs.CV", 791)
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    assert bot.tg.texts_to(790, "Faithful Summaries") and bot.tg.texts_to(791, "Faithful Summaries")

    fake.versions[2] = second
    arxiv_fake.announce("cs.CV", "2024-08-27", [("2408.14227", "replace")])
    await tick(bot, clock, datetime(2024, 8, 27, 9, 30, tzinfo=UTC))
    [told] = bot.tg.texts_to(790, t("en", "digest_revised"))
    assert told == t("en", "digest_revised") + "\n" + \
        '1. <a href="https://arxiv.org/abs/2408.14227v2">Faithful Summaries of Scientific Papers</a> — v2'
    message = next(c for c in bot.tg.calls_to("sendMessage", 790) if c.text == told)
    assert message.params["reply_markup"]["inline_keyboard"] == [[{"text": "🔀 1",
                                                                   "callback_data": "diff:2408.14227:2"}]]
    assert len(bot.tg.texts_to(790, "Faithful Summaries")) == 2, "no second card of the paper"
    assert not bot.tg.texts_to(791, t("en", "digest_revised")), "replacements off: nothing"

    bot.tg.press("diff:2408.14227:2", chat_id=790, under=message)
    [*_, changed] = await bot.tg.wait_for("sendMessage", chat_id=790, contains="What changed")
    assert t("en", "diff_added", names="Limitations") in changed.text

    await tick(bot, clock, datetime(2024, 8, 28, 9, 30, tzinfo=UTC))
    assert len(bot.tg.texts_to(790, t("en", "digest_revised"))) == 1, "told once"


async def test_a_weekly_digest_gathers_the_week_once_and_reminds_of_unread_papers(
        bot: RunningBot, arxiv_fake: FakeArxiv, clock: Clock) -> None:
    """`/settings schedule weekly fri`: nothing on other days; on Friday the week's papers, ranked as a daily
    digest, and the reading list's unread papers; the next week only what is new."""
    await command(bot, "/subscribe diffusion", 760)
    assert await command(bot, "/settings schedule weekly friday", 760) == t(
        "en", "settings_set", name="schedule", value="weekly fri")
    paper(arxiv_fake, "2408.19999", "Diffusion Reading Saved Earlier")
    [ref] = find_papers("2408.19999")
    saved = (await services_of(bot).papers.lookup([ref]))[ref]
    assert saved is not None
    services_of(bot).store.save_paper_for(760, saved)
    week = ["2024-08-26", "2024-08-27", "2024-08-28", "2024-08-29", "2024-08-30"]
    for number, day in enumerate(week):
        base_id = f"2408.{10100 + number}"
        paper(arxiv_fake, base_id, f"Diffusion Study {number}")
        arxiv_fake.announce("cs", day, [(base_id, "new")])
        await tick(bot, clock, datetime.fromisoformat(f"{day}T09:30:00+00:00"))
        if day != "2024-08-30":
            assert bot.tg.texts_to(760, "new paper") == [], f"a weekly chat gets nothing on {day}"
    [digest] = bot.tg.texts_to(760, "new paper")
    assert digest.startswith("<b>diffusion</b> — 2024-08-30 · 5 new papers")
    assert all(f"Diffusion Study {n}" in digest for n in range(5))
    [reminder] = bot.tg.texts_to(760, "📚")
    assert reminder == (t("en", "unread_reminder", count=1) + '\n1. <a href="https://arxiv.org/abs/2408.19999v1">'
                        "Diffusion Reading Saved Earlier</a>")

    paper(arxiv_fake, "2409.10099", "Diffusion Study Monday Next")
    arxiv_fake.announce("cs", "2024-09-02", [("2409.10099", "new"), ("2408.10101", "cross")])
    await tick(bot, clock, datetime(2024, 9, 2, 9, 30, tzinfo=UTC))
    paper(arxiv_fake, "2409.10100", "Diffusion Study Next Week")
    arxiv_fake.announce("cs", "2024-09-06", [("2409.10100", "new"), ("2408.10100", "replace")])
    await tick(bot, clock, datetime(2024, 9, 6, 9, 30, tzinfo=UTC))  # seven announcement days in all
    [_, next_week] = bot.tg.texts_to(760, "new paper")
    assert next_week.startswith("<b>diffusion</b> — 2024-09-06 · 2 new papers"), next_week
    assert "Monday Next" in next_week and "Next Week" in next_week
    assert not any(f"Diffusion Study {n}</a>" in next_week for n in range(5)), "nothing the chat had"
