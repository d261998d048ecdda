"""Groups and channels through the bench: who may change what, joining and leaving, migrations, channel feeds."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from services.i18n import t
from tests.conftest import RunningBot
from tests.fakes.arxiv import FakeArxiv
from tests.test_digests import Clock, command, paper, services_of, tick
from tests.test_paper_cards import add_paper

GROUP = -100900


async def test_only_admins_change_a_group(bot: RunningBot) -> None:
    bot.tg.members[(GROUP, 1)] = "administrator"
    reply = await command(bot, "/subscribe cs.CV", GROUP, chat_type="supergroup", user_id=2)
    assert reply == t("en", "admins_only")
    assert await command(bot, "/subscribe cs.CV", GROUP, chat_type="supergroup", user_id=1) == t(
        "en", "subscribed", topic="cs.CV", kind="category", time="09:00", zone="UTC")
    assert (await command(bot, "/topics", GROUP, chat_type="supergroup", user_id=2)).endswith("1. cs.CV")
    assert await command(bot, "/time 07:00", GROUP, chat_type="supergroup", user_id=2) == t("en", "admins_only")
    assert "mode: overview" in await command(bot, "/settings", GROUP, chat_type="supergroup", user_id=2)
    checks = len(bot.tg.calls_to("getChatMember", GROUP))
    await command(bot, "/pause", GROUP, chat_type="supergroup", user_id=2)
    await command(bot, "/pause", GROUP, chat_type="supergroup", user_id=2)
    assert len(bot.tg.calls_to("getChatMember", GROUP)) == checks, "admin checks are cached"


async def test_an_anonymous_admin_counts_as_admin(bot: RunningBot) -> None:
    bot.tg.chat(GROUP, "supergroup")
    reply = await command(bot, "/subscribe cs.LG", GROUP, chat_type="supergroup", as_chat=True)
    assert reply == t("en", "subscribed", topic="cs.LG", kind="category", time="09:00", zone="UTC")
    assert not bot.tg.calls_to("getChatMember", GROUP)


async def test_commands_for_another_bot_are_ignored(bot: RunningBot) -> None:
    bot.tg.members[(GROUP, 4242)] = "administrator"
    bot.tg.send_text("/subscribe@OtherBot cs.CV", chat_id=GROUP, chat_type="supergroup")
    reply = await command(bot, "/subscribe@PapergramTestBot cs.CV", GROUP, chat_type="supergroup")
    assert reply.startswith("Subscribed to <b>cs.CV</b>")
    await asyncio.sleep(0.3)
    assert len(bot.tg.calls_to("sendMessage", GROUP)) == 1


async def test_added_removed_and_added_back(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    services_of(bot).digests.clock = clock
    bot.tg.membership(GROUP, "supergroup", "left", "member")
    [welcome] = await bot.tg.wait_for("sendMessage", chat_id=GROUP)
    assert welcome.text == t("en", "group_welcome") + "\n\n" + t("en", "group_privacy")
    bot.tg.members[(GROUP, 4242)] = "administrator"
    await command(bot, "/subscribe cs.CV", GROUP, chat_type="supergroup")
    bot.tg.membership(GROUP, "supergroup", "member", "kicked")
    store = services_of(bot).store
    for _ in range(50):
        chat = store.get_chat(GROUP)
        if chat is not None and not chat.active:
            break
        await asyncio.sleep(0.05)
    paper(arxiv_fake, "2408.10001", "Diffusion Transformers for Video")
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new")])
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    assert bot.tg.texts_to(GROUP, "new paper") == [], "no deliveries while removed"
    assert len(store.topics(GROUP)) == 1, "topics are kept"
    bot.tg.membership(GROUP, "supergroup", "left", "member")
    await bot.tg.wait_for("sendMessage", chat_id=GROUP, count=3)
    await tick(bot, clock, datetime(2024, 8, 27, 9, 30, tzinfo=UTC))
    assert len(bot.tg.texts_to(GROUP, "new paper")) == 1, "added back: deliveries resume"


async def test_a_group_upgraded_to_a_supergroup_keeps_everything(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    services_of(bot).digests.clock = clock
    bot.tg.members[(-901, 4242)] = "administrator"
    await command(bot, "/subscribe cs.CV", -901, chat_type="group")
    paper(arxiv_fake, "2408.10001", "Diffusion Transformers for Video")
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new")])
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    assert len(bot.tg.texts_to(-901, "new paper")) == 1
    bot.tg.migrate(-901, -100901)
    store = services_of(bot).store
    for _ in range(50):
        if store.get_chat(-100901) is not None:
            break
        await asyncio.sleep(0.05)
    assert [topic.text for _, topic in store.topics(-100901)] == ["cs.CV"]
    paper(arxiv_fake, "2408.10002", "Optical Flow Today")
    arxiv_fake.announce("cs.CV", "2024-08-27", [("2408.10002", "new"), ("2408.10001", "new")])
    await tick(bot, clock, datetime(2024, 8, 27, 9, 30, tzinfo=UTC))
    [digest] = bot.tg.texts_to(-100901, "new paper")
    assert "Optical Flow Today" in digest and "Diffusion Transformers" not in digest, "history moved too"


async def test_a_card_in_a_group_replies_and_the_status_goes(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake)
    asked = bot.tg.send_text("see arXiv:2408.14227", chat_id=GROUP, chat_type="supergroup")
    await bot.tg.wait_for("sendPhoto", chat_id=GROUP)
    status, card = bot.tg.calls_to("sendMessage", GROUP)[:2]
    assert status.text == t("en", "status_fetching", id="2408.14227")
    assert card.text.startswith('<b><a href="https://arxiv.org/abs/2408.14227v2">')
    assert card.params["reply_parameters"]["message_id"] == asked
    status_id = asked + 1  # the fake numbers messages in order: the status came right after the question
    assert [c.params["message_id"] for c in bot.tg.calls_to("deleteMessage", GROUP)] == [status_id]


async def test_a_channel_set_up_by_posting_in_it(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    bot.tg.channel(-100777, "papersdaily")
    post = bot.tg.post_in_channel("/subscribe cs.CV", -100777)
    [reply] = await bot.tg.wait_for("sendMessage", chat_id=-100777)
    assert reply.text == t("en", "subscribed", topic="cs.CV", kind="category", time="09:00", zone="UTC")
    [deleted] = await bot.tg.wait_for("deleteMessage", chat_id=-100777)
    assert deleted.params["message_id"] == post
    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    services_of(bot).digests.clock = clock
    paper(arxiv_fake, "2408.10001", "Diffusion Transformers for Video")
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new")])
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    [digest] = bot.tg.calls_to("sendMessage", -100777)[1:]
    assert digest.text.endswith(t("en", "via_bot", bot="PapergramTestBot"))
    assert digest.params["reply_markup"]["inline_keyboard"] == [[
        {"text": "📄 1", "url": "https://t.me/PapergramTestBot?start=card_2408_10001v1"}]]
    bot.tg.send_text("/start card_2408_10001v1", chat_id=555)
    await bot.tg.wait_for("sendPhoto", chat_id=555)


async def test_a_channel_set_up_from_a_private_chat(bot: RunningBot) -> None:
    bot.tg.channel(-100778, "labfeed")
    bot.tg.members[(-100778, 4242)] = "administrator"
    bot.tg.members[(-100778, 777000111)] = "administrator"
    assert await command(bot, "/channel @labfeed subscribe cs.CL", 4242) == t(
        "en", "channel_done", name="@labfeed",
        reply=t("en", "subscribed", topic="cs.CL", kind="category", time="09:00", zone="UTC"))
    store = services_of(bot).store
    assert [topic.text for _, topic in store.topics(-100778)] == ["cs.CL"]
    chat = store.get_chat(-100778)
    assert chat is not None and chat.type == "channel"


async def test_a_channel_refuses_strangers_and_a_bot_that_cannot_post(bot: RunningBot) -> None:
    bot.tg.channel(-100779, "otherfeed")
    assert await command(bot, "/channel @nosuchfeed subscribe cs.CL", 4242) == t(
        "en", "channel_not_found", name="@nosuchfeed")
    assert await command(bot, "/channel @otherfeed subscribe cs.CL", 4242) == t(
        "en", "channel_not_admin", name="@otherfeed")
    bot.tg.members[(-100779, 4242)] = "creator"
    assert await command(bot, "/channel @otherfeed subscribe cs.CL", 4242) == t(
        "en", "channel_bot_cannot_post", name="@otherfeed")
    bot.tg.members[(-100779, 777000111)] = "administrator"
    bot.tg.bot_can_post[-100779] = False
    bot.tg.send_text("/channel @otherfeed subscribe cs.CL", chat_id=4242)
    await asyncio.sleep(0.3)
    assert services_of(bot).store.topics(-100779) == []
    assert await command(bot, "/channel", 4242) == t("en", "channel_usage")


async def test_a_channel_republishes_only_the_figures_a_licence_allows(bot: RunningBot,
                                                                       arxiv_fake: FakeArxiv) -> None:
    """A channel is public republication: in full mode a CC BY paper's figures come with their credit, an
    arXiv-licensed paper's figures are linked on arXiv instead; both cards name their licence."""
    bot.tg.channel(-100778, "papersfull")
    bot.tg.post_in_channel("/subscribe cs.CV", -100778)
    bot.tg.post_in_channel("/settings mode full", -100778)
    await bot.tg.wait_for("sendMessage", chat_id=-100778, count=2)
    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    services_of(bot).digests.clock = clock
    paper(arxiv_fake, "2408.10001", "Diffusion Transformers for Video")
    paper(arxiv_fake, "2408.10002", "Open Diffusion Transformers").licence = \
        "http://creativecommons.org/licenses/by/4.0/"
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new"), ("2408.10002", "new")])
    await tick(bot, clock, datetime(2024, 8, 26, 9, 30, tzinfo=UTC))
    await bot.tg.wait_for("sendPhoto", chat_id=-100778)
    [photo] = bot.tg.calls_to("sendPhoto", -100778)
    assert "Open Diffusion" not in photo.params["caption"] and "© " in photo.params["caption"]
    assert 'CC BY 4.0</a>' in photo.params["caption"] and "arXiv:2408.10002v1" in photo.params["caption"]
    elsewhere = t("en", "figures_elsewhere", id="2408.10001v1", url="https://arxiv.org/html/2408.10001v1",
                  licence=t("en", "licence_arxiv"))
    assert elsewhere in bot.tg.texts_to(-100778)
    cards = bot.tg.texts_to(-100778, "Transformers")
    assert any('<a href="http://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>' in c for c in cards)
    assert any(t("en", "licence_arxiv") in c for c in cards)
    assert set(arxiv_fake.oai_requests) == {"oai:arXiv.org:2408.10001", "oai:arXiv.org:2408.10002"}, "once each"


async def test_a_group_chooses_to_post_only_licensed_figures(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    bot.tg.members[(GROUP, 1)] = "administrator"
    assert await command(bot, "/settings figures licensed", GROUP, chat_type="supergroup", user_id=1) == t(
        "en", "settings_set", name="figures", value="licensed")
    add_paper(arxiv_fake)
    bot.tg.send_text("2408.14227", chat_id=GROUP, chat_type="supergroup", user_id=1)
    [*_, note] = await bot.tg.wait_for("sendMessage", chat_id=GROUP, contains="arxiv.org/html/")
    assert note.text == t("en", "figures_elsewhere", id="2408.14227v2", url="https://arxiv.org/html/2408.14227v2",
                          licence=t("en", "licence_arxiv"))
    assert not bot.tg.calls_to("sendPhoto", GROUP) and not bot.tg.calls_to("sendMediaGroup", GROUP)
