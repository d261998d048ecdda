"""Finding papers through the bench (issue 26): /search — arXiv's results re-ranked, ten a page, pages turned in
place, cards a tap away, the chat's taste taken into account — and 🔗 similar papers under a card."""

from __future__ import annotations

import re

from services import callback_data
from services.i18n import t
from tests.conftest import RunningBot, running_bot
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.openai import FakeOpenAI
from tests.fakes.telegram import FakeTelegram
from tests.test_digests import command, services_of
from tests.test_relevance import add


def entries(text: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m) for m in re.findall(r"\n\d+\. <b>(.*?)</b>\n", text)]


async def test_search_pages_through_the_results_and_a_card_is_a_tap_away(bot: RunningBot,
                                                                          arxiv_fake: FakeArxiv) -> None:
    for i in range(24):  # arXiv's order puts the abstracts that repeat the word first
        add(arxiv_fake, f"2408.{10100 + i}", f"Study {i} of image synthesis",
            "Diffusion appears here. " * (24 - i) + "We study synthesis.")
    add(arxiv_fake, "2408.10200", "Consistency Diffusion in One Step", "One step of a diffusion model.",
        authors=("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov"))
    assert await command(bot, "/search", 971) == t("en", "search_usage")
    first = await command(bot, "/search diffusion", 971)
    assert first.startswith(t("en", "search_header", query="diffusion", count=25, page=1, pages=3))
    assert entries(first)[0] == "Consistency Diffusion in One Step", "the title that says it comes first"
    assert len(entries(first)) == 10
    more = t("en", "more_authors", count=2)
    assert f"\nAda Lovelace, Alan Turing, Grace Hopper, {more} · 2024-08-25\n<i>One step of a diffusion model.</i>" \
        in first, "authors as cards list them, in the reader's language"
    keyboard = bot.tg.calls_to("sendMessage", 971)[-1].params["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in keyboard[0] + keyboard[1]] == [f"📄 {n}" for n in range(1, 11)]
    assert [b["text"] for b in keyboard[2]] == ["▶"]
    assert keyboard[0][0]["callback_data"] == callback_data.CARD.build("2408.10200v1")

    bot.tg.press(keyboard[2][0]["callback_data"], chat_id=971)
    [second] = await bot.tg.wait_for("editMessageText", chat_id=971)
    assert second.text.startswith(t("en", "search_header", query="diffusion", count=25, page=2, pages=3))
    assert len(entries(second.text)) == 10 and not set(entries(second.text)) & set(entries(first))
    turns = second.params["reply_markup"]["inline_keyboard"][-1]
    assert [b["text"] for b in turns] == ["◀", "▶"]
    assert second.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "📄 11"
    requests = len(arxiv_fake.api_requests)
    bot.tg.press(turns[1]["callback_data"], chat_id=971)
    [_, third] = await bot.tg.wait_for("editMessageText", chat_id=971, count=2)
    assert len(entries(third.text)) == 5 and [b["text"] for b in third.params["reply_markup"]["inline_keyboard"][-1]
                                              ] == ["◀"]
    assert len(arxiv_fake.api_requests) == requests, "pages turn without asking arXiv again"

    bot.tg.press(turns[1]["callback_data"], chat_id=972)  # another chat's search: not theirs to turn
    answers = await bot.tg.wait_for("answerCallbackQuery", count=3)
    assert answers[-1].params["text"] == t("en", "search_gone")
    assert await command(bot, "/search zebra crossings", 971) == t("en", "search_none", query="zebra crossings")


async def test_search_takes_the_chats_taste_into_account(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    for i in range(3):  # found by the same word once each, policy and graph papers taking turns in arXiv's order
        add(arxiv_fake, f"2408.{10001 + 2 * i}", f"Reward shaping for robots {i}",
            "We study policy gradients and reward shaping for robot arms.")
        add(arxiv_fake, f"2408.{10002 + 2 * i}", f"Message passing on molecules {i}",
            "We study graph neural networks and message passing on molecules.")
    for i in range(3):  # what the chat likes: no 👎 and nothing announced yet, so no model — their likeness counts
        add(arxiv_fake, f"2408.{10101 + i}", f"Graph neural networks {i}", "Message passing on molecule graphs.")
    neutral = await command(bot, "/search study", 973)
    assert [title.split()[0] for title in entries(neutral)] == ["Reward", "Message"] * 3
    await command(bot, "/like 2408.10101 2408.10102 2408.10103", 974)
    assert services_of(bot).store.rating_counts(974) == (3, 0)
    tasted = await command(bot, "/search study", 974)
    assert [title.split()[0] for title in entries(tasted)][:2] == ["Message", "Message"], entries(tasted)


async def test_similar_papers_come_from_what_the_bot_has_seen_and_from_arxiv(bot: RunningBot,
                                                                             arxiv_fake: FakeArxiv) -> None:
    add(arxiv_fake, "2408.10001", "Consistency Distillation of Diffusion Samplers",
        "We distill diffusion samplers into one step with consistency training.")
    add(arxiv_fake, "2408.10002", "Graph Neural Networks for Molecules", "Message passing on molecule graphs.")
    add(arxiv_fake, "2408.10003", "Progressive Distillation for Fast Sampling",
        "Distillation halves the sampling steps of diffusion models again and again.")
    add(arxiv_fake, "2408.10004", "One-Step Diffusion via Consistency Models",
        "Consistency models map noise to data in one step, distilled from diffusion.")
    arxiv_fake.announce("cs", "2024-08-26", [("2408.10002", "new"), ("2408.10003", "new")])
    services = services_of(bot)
    await services.digests.poll({"cs"})  # the day's announcements: part of the bot's own pool
    bot.tg.press(callback_data.SIMILAR.build("2408.10001v1"), chat_id=975)
    [reply] = await bot.tg.wait_for("sendMessage", chat_id=975)
    assert reply.text.startswith(t("en", "similar_header", title="Consistency Distillation of Diffusion Samplers"))
    titles = [re.sub(r"<[^>]+>", "", m) for m in re.findall(r"\n\d+\. (<a [^>]+>.*?</a>)", reply.text)]
    assert titles[:2] == ["One-Step Diffusion via Consistency Models", "Progressive Distillation for Fast Sampling"]
    assert "Consistency Distillation of Diffusion Samplers" not in titles
    assert "<i>shares: consistency, diffusion, distillation</i>" in reply.text, "the words it shares, as written"
    asked = [r for r in arxiv_fake.api_requests if r.get("search_query")]
    assert asked and "all:" in asked[-1]["search_query"][0], "arXiv asked for the paper's distinctive words"
    [buttons] = reply.params["reply_markup"]["inline_keyboard"]
    assert buttons[0] == {"text": "📄 1", "callback_data": callback_data.CARD.build("2408.10004")}


async def test_similar_papers_by_meaning_with_an_embeddings_server(env: dict[str, str], tg: FakeTelegram,
                                                                   arxiv_fake: FakeArxiv) -> None:
    """With an embedder (as for `about:` topics), TF-IDF's nearest papers are ordered by meaning."""
    server = FakeOpenAI()
    server.start()
    try:
        # words of like meaning embed alike: progressive distillation is what the paper does, in other words
        server.concepts = {"progressive": "consistency", "halves": "distillation", "sampling": "samplers",
                           "steps": "step", "again": "distill"}
        env.update({"EMBEDDINGS_BASE_URL": server.url, "EMBEDDINGS_MODEL": "nomic-embed-text"})
        add(arxiv_fake, "2408.10001", "Consistency Distillation of Diffusion Samplers",
            "We distill diffusion samplers into one step with consistency training.")
        add(arxiv_fake, "2408.10003", "Progressive Distillation for Fast Sampling",
            "Distillation halves the sampling steps of diffusion models again and again.")
        add(arxiv_fake, "2408.10004", "One-Step Diffusion via Consistency Models",
            "Consistency models map noise to data in one step, distilled from diffusion.")
        async with running_bot(env, tg) as bot:
            bot.tg.press(callback_data.SIMILAR.build("2408.10001v1"), chat_id=976)
            [reply] = await bot.tg.wait_for("sendMessage", chat_id=976)
            titles = [re.sub(r"<[^>]+>", "", m) for m in re.findall(r"\n\d+\. (<a [^>]+>.*?</a>)", reply.text)]
            assert titles == ["Progressive Distillation for Fast Sampling", "One-Step Diffusion via Consistency Models"]
        assert len(server.embedded) == 3, "the paper and its two candidates, each embedded once"
    finally:
        server.stop()
