"""Relevance through the bench: topics that match what the reader means, ranked, taught by 👍 / 👎, /like and .bib."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from handlers.presses import REPEAT_SECONDS
from services.i18n import t
from services.topics import parse_topic
from tests.conftest import Clock, RunningBot, running_bot, with_gemini
from tests.fakes.arxiv import FakeArxiv, FakePaper
from tests.fakes.gemini import FakeGemini
from tests.fakes.telegram import FakeTelegram
from tests.pdfs import paper_pdf
from tests.test_digests import command, services_of, tick

PDF = paper_pdf()
MONDAY = datetime(2024, 8, 26, 9, 30, tzinfo=UTC)
TUESDAY = datetime(2024, 8, 27, 9, 30, tzinfo=UTC)
WEDNESDAY = datetime(2024, 8, 28, 9, 30, tzinfo=UTC)


@dataclass
class Announced:
    title: str
    abstract: str
    authors: tuple[str, ...] = ("Ada Lovelace",)
    categories: tuple[str, ...] = ("cs.CV",)


@pytest.mark.parametrize(("topic", "title", "abstract", "matches"), [
    ("diffusion models", "Posterior sampling", "We train a diffusion model for inverse problems.", True),
    ("diffusion model", "Diffusion Models Beat GANs on Image Synthesis", "", True),
    ('"diffusion model"', "Diffusion Models Beat GANs", "", True),
    ('"diffusion model"', "A model of diffusion in porous media", "", False),
    ("text-to-image", "Photorealistic text to image generation", "", True),
    ("text to image", "Text-to-Image Synthesis with Transformers", "", True),
    ('"text to image"', "Image to text captioning", "", False),
    ("self-supervised", "Self supervised learning of visual features", "", True),
    ("self supervised", "Self-Supervised Learning of Visual Features", "", True),
    ("pre-training", "Pretraining language models at scale", "", True),
    ("pretraining", "Pre-training language models at scale", "", True),
    ("naive bayes", "Naïve Bayes classifiers revisited", "", True),
    ("graph neural networks", "A graph neural network for molecules", "", True),
    ("ti:diffusion AND abs:sampling", "Fast Diffusion", "Samplers that need fewer sampling steps.", True),
    ("diffusion models for video", "Video diffusion model", "", True),
])
def test_words_match_in_any_form(topic: str, title: str, abstract: str, matches: bool) -> None:
    assert parse_topic(topic).matches(Announced(title, abstract)) is matches


def test_the_topic_is_shown_as_typed() -> None:
    topic = parse_topic("Text-to-Image  Diffusion")
    assert topic.text == "Text-to-Image Diffusion"


def add(arxiv: FakeArxiv, base_id: str, title: str, abstract: str, category: str = "cs.LG",
        authors: tuple[str, ...] = ("Ada Lovelace",)) -> None:
    arxiv.add(FakePaper(base_id=base_id, title=title, authors=list(authors), category=category, abstract=abstract,
                        pdfs={1: PDF}, versions={1: "2024-08-25T10:00:00Z"}))


def digest_titles(bot: RunningBot, chat_id: int, day: str) -> list[str]:
    """Titles of the chat's digest of `day`, in the order listed."""
    import re

    texts = [x for x in bot.tg.texts_to(chat_id, day) if "new paper" in x]
    return [re.sub(r"<[^>]+>", "", m) for text in texts for m in re.findall(r"\d+\. <b><a [^>]+>(.*?)</a>", text)]


async def test_singular_and_plural_both_come_and_the_strongest_match_leads(
        bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    services_of(bot).digests.clock = clock
    add(arxiv_fake, "2408.10001", "Robust Segmentation of Cells", "A diffusion model is used to augment the data.")
    add(arxiv_fake, "2408.10002", "Diffusion Models for Video Generation",
        "We scale video diffusion models and show that diffusion models beat GANs on video.")
    add(arxiv_fake, "2408.10003", "Optical Flow Today", "We revisit optical flow.")
    add(arxiv_fake, "2408.10004", "Sampling from a Diffusion Model", "A faster sampler for diffusion models.")
    arxiv_fake.announce("cs", "2024-08-26", [(f"2408.1000{i}", "new") for i in range(1, 5)])
    await command(bot, "/subscribe diffusion models", 901)
    await tick(bot, clock, MONDAY)
    assert digest_titles(bot, 901, "2024-08-26") == [
        "Diffusion Models for Video Generation", "Sampling from a Diffusion Model", "Robust Segmentation of Cells"]


async def test_an_either_or_topic_says_what_matched(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    services_of(bot).digests.clock = clock
    add(arxiv_fake, "2408.10001", "Inverse Problems with Score Models", "We solve inverse problems.")
    add(arxiv_fake, "2408.10002", "Fast Diffusion Samplers", "Diffusion sampling in ten steps.")
    arxiv_fake.announce("cs", "2024-08-26", [("2408.10001", "new"), ("2408.10002", "new")])
    await command(bot, '/subscribe ti:diffusion OR abs:"inverse problems"', 902)
    await tick(bot, clock, MONDAY)
    [digest] = bot.tg.texts_to(902, "new paper")
    assert "<i>matches: inverse problems</i>" in digest
    assert "<i>matches: diffusion</i>" in digest


GRAPH = [("Graph Neural Networks for Molecules", "Message passing graph neural networks predict molecule properties."),
         ("Scalable Graph Transformers", "Graph neural networks and attention over large graphs of nodes."),
         ("Graph Neural Networks on Citation Graphs", "Node classification with graph convolution networks.")]
POLICY = [("Offline Reinforcement Learning", "A policy learned from logged rewards with reinforcement learning."),
          ("Reward Shaping for Agents", "Reinforcement learning agents explore with shaped rewards and policies."),
          ("Policy Gradients at Scale", "Policy gradient reinforcement learning for robot control rewards.")]


def announce_subjects(arxiv: FakeArxiv, day: str, start: int, first: list[tuple[str, str]],
                      second: list[tuple[str, str]], feed: str = "cs.LG") -> list[str]:
    ids = []
    for number, (title, abstract) in enumerate(first + second, start):
        base_id = f"2408.{number}"
        add(arxiv, base_id, f"{title} ({day})", abstract)
        ids.append(base_id)
    arxiv.announce(feed, day, [(b, "new") for b in ids])
    return ids


async def like_graphs_not_policies(bot: RunningBot, chat_id: int, day: list[str]) -> list[str]:
    """👍 two graph papers and 👎 two reinforcement learning ones of a day `announce_subjects` made; the answers."""
    for base_id in day[3:5]:
        bot.tg.press(f"rate:+:{base_id}", chat_id=chat_id)
    for base_id in day[0:2]:
        bot.tg.press(f"rate:-:{base_id}", chat_id=chat_id)
    return [a.params["text"] for a in await bot.tg.wait_for("answerCallbackQuery", count=4)]


async def test_ratings_teach_the_next_digest_and_survive_a_restart(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv) -> None:
    monday = announce_subjects(arxiv_fake, "2024-08-26", 10001, POLICY, GRAPH)
    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    async with running_bot(env, tg) as bot:
        services_of(bot).digests.clock = clock
        await command(bot, "/subscribe cs.LG", 903)
        await tick(bot, clock, MONDAY)
        assert digest_titles(bot, 903, "2024-08-26")[0].startswith("Offline Reinforcement"), "feed order at first"
        answers = await like_graphs_not_policies(bot, 903, monday)
        assert sorted(a.split(":")[0] for a in answers) == ["👍 noted", "👍 noted", "👎 noted", "👎 noted"]
        assert services_of(bot).store.rating_counts(903) == (2, 2)

        announce_subjects(arxiv_fake, "2024-08-27", 10011, POLICY, GRAPH)
        await tick(bot, clock, TUESDAY)
        tuesday = digest_titles(bot, 903, "2024-08-27")
        assert all("Graph" in title for title in tuesday[:3]), tuesday
        [digest] = bot.tg.texts_to(903, "2024-08-27")
        assert "<i>like 2 papers you rated 👍</i>" in digest.split("\n\n")[1]

    announce_subjects(arxiv_fake, "2024-08-28", 10021, POLICY, GRAPH)
    async with running_bot(env, tg) as bot:  # a restart on the same database
        services_of(bot).digests.clock = clock
        assert services_of(bot).store.rating_counts(903) == (2, 2)
        await tick(bot, clock, WEDNESDAY)
        assert all("Graph" in title for title in digest_titles(bot, 903, "2024-08-28")[:3])


async def test_with_an_embedder_the_taste_knows_a_liked_subject_in_other_words(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv) -> None:
    """Two papers whose words the chat never rated: the words model cannot tell them apart, their meaning can."""
    from tests.fakes.openai import FakeOpenAI

    server = FakeOpenAI()
    server.concepts = {"molecules": "molecule", "compounds": "molecule", "toxic": "molecule",
                       "robots": "reinforcement", "legged": "reinforcement"}  # legged robots learn by RL
    server.start()
    try:
        env.update({"EMBEDDINGS_BASE_URL": server.url, "EMBEDDINGS_MODEL": "all-minilm"})
        monday = announce_subjects(arxiv_fake, "2024-08-26", 10001, POLICY, GRAPH)
        clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
        async with running_bot(env, tg) as bot:
            services_of(bot).digests.clock = clock
            await command(bot, "/subscribe cs.LG", 916)
            await tick(bot, clock, MONDAY)
            await like_graphs_not_policies(bot, 916, monday)
            assert services_of(bot).store.rating_counts(916) == (2, 2)
            add(arxiv_fake, "2408.10011", "Networks of Legged Robots", "We study legged robots.")
            add(arxiv_fake, "2408.10012", "Learning on Compounds", "We study toxic compounds.")
            add(arxiv_fake, "2408.10013", "Offline Agents", "Reinforcement learning agents with shaped rewards.")
            arxiv_fake.announce("cs.LG", "2024-08-27", [(f"2408.1001{i}", "new") for i in (1, 2, 3)])
            await tick(bot, clock, TUESDAY)
            assert digest_titles(bot, 916, "2024-08-27") == [
                "Learning on Compounds", "Networks of Legged Robots", "Offline Agents"]
    finally:
        server.stop()


async def test_ratings_only_for_papers_the_chat_received(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    services_of(bot).digests.clock = clock
    [received, _] = announce_subjects(arxiv_fake, "2024-08-26", 10001, GRAPH[:1], POLICY[:1], feed="cs")
    await command(bot, '/subscribe "graph neural networks"', 904)
    await tick(bot, clock, MONDAY)
    bot.tg.press("rate:+:2408.10002", chat_id=904)  # announced, but not sent here
    bot.tg.press(f"rate:+:{received}", chat_id=905)  # a button forged in another chat
    answers = await bot.tg.wait_for("answerCallbackQuery", count=2)
    assert [a.params["text"] for a in answers] == [t("en", "rate_refused")] * 2
    assert all(a.params["show_alert"] for a in answers)
    store = services_of(bot).store
    assert store.rating_counts(904) == (0, 0) and store.rating_counts(905) == (0, 0)
    bot.tg.press(f"rate:+:{received}", chat_id=904)
    answers = await bot.tg.wait_for("answerCallbackQuery", count=3)
    assert answers[-1].params["text"] == t("en", "rated_like", likes=1, dislikes=0)


BIB = b"""
@misc{ho2020denoising, title={Denoising Diffusion Probabilistic Models}, author={Ho, Jonathan and Jain, Ajay},
      year={2020}, eprint={2408.10001}, archivePrefix={arXiv}, primaryClass={cs.LG}}
@article{doi, title={Scalable Graphs}, journal={CoRR}, doi={10.48550/arXiv.2408.10002}}
@inproceedings{resnet, title={Deep Residual Learning for Image Recognition}, author={He, Kaiming}, booktitle={CVPR}}
"""


async def test_like_and_a_bib_file_seed_the_taste(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add(arxiv_fake, "2408.10001", "Denoising Diffusion", "Diffusion models.")
    add(arxiv_fake, "2408.10002", "Scalable Graphs", "Graph neural networks.")
    store = services_of(bot).store
    assert await command(bot, "/like", 906) == t("en", "like_usage")
    assert await command(bot, "/like 2612.99999", 906) == t("en", "like_none")
    assert await command(bot, "/like https://arxiv.org/abs/2408.10001 arXiv:2408.10002 2612.99999", 906) == t(
        "en", "like_done", count=2, known=2, total=3)
    assert store.rating_counts(906) == (2, 0)

    bot.tg.send_document("library.bib", BIB, chat_id=907)
    [reply] = await bot.tg.wait_for("sendMessage", chat_id=907)
    assert reply.text == t("en", "bib_done", entries=3, known=3, ids=2, titles=1)
    assert store.rating_counts(907) == (3, 0)


@pytest.mark.parametrize(("data", "reply"), [
    (b"Dear reviewer, thank you for the comments.", "bib_no_entries"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "bib_not_text"),
    (b"@misc{x, title={big}}\n" * 60_000, "bib_too_big"),
])
async def test_a_bad_bib_file_changes_nothing(bot: RunningBot, data: bytes, reply: str) -> None:
    bot.tg.send_document("library.bib", data, chat_id=908)
    [answer] = await bot.tg.wait_for("sendMessage", chat_id=908)
    assert answer.text == t("en", reply, size=len(data) // 1000, limit=1000)
    assert services_of(bot).store.rating_counts(908) == (0, 0)


async def test_a_sentence_topic_matches_by_meaning(env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv,
                                                   gemini: FakeGemini) -> None:
    with_gemini(env, gemini)
    gemini.concepts = {"accelerating": "fast", "faster": "fast", "speed": "fast", "samplers": "sampler",
                       "sampling": "sampler", "denoising": "diffusion"}
    add(arxiv_fake, "2408.10001", "Accelerating Denoising Samplers", "We speed up samplers of denoising models.")
    add(arxiv_fake, "2408.10002", "Graph Neural Networks for Molecules", "Message passing for chemistry.")
    add(arxiv_fake, "2408.10003", "Diffusion in Porous Media", "A physical model of diffusion in rocks.")
    arxiv_fake.announce("cs", "2024-08-26", [(f"2408.1000{i}", "new") for i in range(1, 4)])
    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    async with running_bot(env, tg) as bot:
        services_of(bot).digests.clock = clock
        topic = "about: making diffusion sampling faster"
        for chat_id in (909, 910):
            assert await command(bot, f"/subscribe {topic}", chat_id) == t(
                "en", "subscribed", topic=topic, kind=t("en", "kind_about"), time="09:00", zone="UTC")
        await tick(bot, clock, MONDAY)
        for chat_id in (909, 910):
            assert digest_titles(bot, chat_id, "2024-08-26") == ["Accelerating Denoising Samplers"]
    assert len(gemini.embedded) == 3 + 1, "each paper and the topic embedded once, not once per chat"


async def test_a_sentence_topic_matches_by_meaning_on_a_local_embeddings_server(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv) -> None:
    """No Gemini key: an OpenAI-compatible embeddings server (Ollama's) judges meaning, and only it is asked."""
    from tests.fakes.openai import FakeOpenAI

    server = FakeOpenAI()
    server.start()
    try:
        env.update({"EMBEDDINGS_BASE_URL": server.url, "EMBEDDINGS_MODEL": "nomic-embed-text",
                    "ABOUT_THRESHOLD": "0.3"})
        server.concepts = {"accelerating": "fast", "faster": "fast", "speed": "fast", "samplers": "sampler",
                           "sampling": "sampler", "denoising": "diffusion"}
        add(arxiv_fake, "2408.10001", "Accelerating Denoising Samplers", "We speed up samplers of denoising models.")
        add(arxiv_fake, "2408.10002", "Graph Neural Networks for Molecules", "Message passing for chemistry.")
        arxiv_fake.announce("cs", "2024-08-26", [("2408.10001", "new"), ("2408.10002", "new")])
        clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
        async with running_bot(env, tg) as bot:
            services_of(bot).digests.clock = clock
            topic = "about: making diffusion sampling faster"
            assert await command(bot, f"/subscribe {topic}", 915) == t(
                "en", "subscribed", topic=topic, kind=t("en", "kind_about"), time="09:00", zone="UTC")
            await tick(bot, clock, MONDAY)
            assert digest_titles(bot, 915, "2024-08-26") == ["Accelerating Denoising Samplers"]
        assert sorted(server.embedded) == sorted(["making diffusion sampling faster",
                                                  "Accelerating Denoising Samplers\n\nWe speed up samplers of "
                                                  "denoising models.",
                                                  "Graph Neural Networks for Molecules\n\nMessage passing for "
                                                  "chemistry."])
        assert not server.requests, "embeddings only: no chat model was asked"
    finally:
        server.stop()


async def test_a_sentence_topic_goes_by_its_words_while_the_embeddings_server_is_down(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv) -> None:
    """Down: the digest comes by the sentence's words, and the chats planned next do not wait for it again."""
    from tests.fakes.openai import FakeOpenAI

    server = FakeOpenAI()
    server.embeddings_down = True
    server.start()
    try:
        env.update({"EMBEDDINGS_BASE_URL": server.url, "EMBEDDINGS_MODEL": "nomic-embed-text"})
        add(arxiv_fake, "2408.10001", "Faster Diffusion Sampling", "Making diffusion sampling faster with one step.")
        add(arxiv_fake, "2408.10002", "Graph Neural Networks for Molecules", "Message passing for chemistry.")
        arxiv_fake.announce("cs", "2024-08-26", [("2408.10001", "new"), ("2408.10002", "new")])
        clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
        async with running_bot(env, tg) as bot:
            services_of(bot).digests.clock = clock
            for chat_id in (917, 918, 919):
                await command(bot, "/subscribe about: making diffusion sampling faster", chat_id)
            await tick(bot, clock, MONDAY)
            for chat_id in (917, 918, 919):
                assert digest_titles(bot, chat_id, "2024-08-26") == ["Faster Diffusion Sampling"]
        assert server.embedding_requests <= 3, "asked once (and the client's retries), not once per chat"
    finally:
        server.stop()


async def test_a_sentence_topic_without_a_key_matches_by_its_words(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    services_of(bot).digests.clock = clock
    add(arxiv_fake, "2408.10001", "Faster Diffusion Sampling", "Fewer steps for diffusion samplers.")
    add(arxiv_fake, "2408.10002", "Graph Neural Networks for Molecules", "Message passing for chemistry.")
    arxiv_fake.announce("cs", "2024-08-26", [("2408.10001", "new"), ("2408.10002", "new")])
    topic = "about: making diffusion sampling faster"
    assert await command(bot, f"/subscribe {topic}", 911) == t(
        "en", "subscribed", topic=topic, kind=t("en", "kind_about_words"), time="09:00", zone="UTC")
    await tick(bot, clock, MONDAY)
    assert digest_titles(bot, 911, "2024-08-26") == ["Faster Diffusion Sampling"]
    [digest] = bot.tg.texts_to(911, "new paper")
    assert "<i>matches: diffusion, sampling, faster</i>" in digest


async def test_a_reading_list_saved_listed_removed_and_skipped_by_digests(bot: RunningBot,
                                                                          arxiv_fake: FakeArxiv) -> None:
    import bibtexparser

    from tests.test_paper_cards import card_of

    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    services_of(bot).digests.clock = clock
    add(arxiv_fake, "2408.10001", "Graph Neural Networks for Molecules", "Graph neural networks for chemistry.")
    add(arxiv_fake, "2408.10002", "Scalable Graph Transformers", "Graph neural networks with attention.")
    assert await command(bot, "/saved", 920) == t("en", "saved_none")
    bot.tg.send_text("2408.10001", chat_id=920)
    card = (await card_of(bot, 920))[-1]
    [[_, _, save], *_] = card.params["reply_markup"]["inline_keyboard"]
    assert save == {"text": "🔖", "callback_data": "save:2408.10001v1"}
    bot.tg.press(save["callback_data"], chat_id=920)
    await bot.tg.wait_for("answerCallbackQuery")
    await asyncio.sleep(REPEAT_SECONDS)  # pressed again later: a repeat within seconds is one action
    bot.tg.press("save:2408.10001v1", chat_id=920)
    answers = await bot.tg.wait_for("answerCallbackQuery", count=2)
    assert sorted(a.params["text"] for a in answers) == sorted([t("en", "saved_added"), t("en", "saved_already")])
    listing = await command(bot, "/saved", 920)
    assert listing.startswith("<b>Reading list</b> · 1 paper ·") and "Graph Neural Networks for Molecules" in listing

    bot.tg.send_text("/bib", chat_id=920)
    [document] = await bot.tg.wait_for("sendDocument", chat_id=920)
    [entry] = bibtexparser.parse_string(next(iter(document.files.values())).decode()).entries
    assert entry.fields_dict["eprint"].value == "2408.10001"

    arxiv_fake.announce("cs", "2024-08-26", [("2408.10001", "new"), ("2408.10002", "new")])
    await command(bot, '/subscribe "graph neural networks"', 920)
    await tick(bot, clock, MONDAY)
    assert digest_titles(bot, 920, "2024-08-26") == ["Scalable Graph Transformers"], "a saved paper is not resent"

    markup = bot.tg.calls_to("sendMessage", 920)[-1]
    bot.tg.send_text("/saved", chat_id=920)
    await bot.tg.wait_for("sendMessage", chat_id=920, count=len(bot.tg.calls_to("sendMessage", 920)) + 1)
    keyboard = bot.tg.calls_to("sendMessage", 920)[-1].params["reply_markup"]["inline_keyboard"]
    assert markup and keyboard[0][2]["callback_data"] == "unsave:0:2408.10001"
    bot.tg.press("unsave:0:2408.10001", chat_id=920)
    [edited] = await bot.tg.wait_for("editMessageText", chat_id=920, contains="reading list is empty")
    assert edited.text == t("en", "saved_none")


async def test_like_past_its_limit_says_what_it_left(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add(arxiv_fake, "2408.10001", "Denoising Diffusion", "Diffusion models.")
    ids = ["2408.10001"] + [f"2408.{20000 + i}" for i in range(204)]
    reply = await command(bot, "/like " + " ".join(ids), 908)
    assert reply == t("en", "like_done", count=1, known=1, total=200) + "\n" + t("en", "like_limit", limit=200, rest=5)
