"""A topic's other names through the bench: proposed at /subscribe and dropped with ✖, shown by /topics, named in
a digest's "why", and stopped after a 👎 — and the words of a topic standing together (issue 25)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from services.aliases import learn
from services.i18n import t
from services.topics import Topic, parse_topic
from tests.conftest import Clock, RunningBot, running_bot, with_gemini
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.gemini import FakeGemini
from tests.fakes.telegram import FakeTelegram
from tests.test_digests import command, services_of, tick
from tests.test_relevance import MONDAY, TUESDAY, add, digest_titles


@dataclass
class Paper:
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ("cs.CL",)


STANDING = learn(())

# Sentences of real abstracts (bench/data/relevance-2026-02-24.jsonl, relevance-2025-10-14.jsonl)
TABULAR = Paper("Analyzing LLM Instruction Optimization for Tabular Fact Verification",
                "Instruction optimization provides a lightweight, model-agnostic approach to enhancing the reasoning "
                "performance of large language models (LLMs). We find that instruction optimization consistently "
                "improves verification accuracy, with SIMBA providing the largest benefits for ReAct agents.")
SURVEY = Paper("Post-Quantum Cryptography and Quantum-Safe Security: A Comprehensive Survey",
               "This survey maps the space from foundations to practice. Building upward, we examine protocol "
               "integration (TLS, DNSSEC), PKI and certificate hygiene, and deployment in constrained and "
               "high-assurance environments (IoT, cloud, finance, blockchain).")


def test_words_of_a_topic_stand_together_in_a_sentence_or_the_title() -> None:
    agents = parse_topic("LLM agents")
    assert not agents.matches(TABULAR, STANDING), "LLMs in one sentence, ReAct agents in another"
    assert agents.matches(Paper("Benchmarks", "We build LLM-based agents that plan. They win."), STANDING)
    assert agents.matches(Paper("Agents that use tools", "Large language models (LLMs) call APIs."), STANDING) is False
    assert agents.matches(Paper("Tool-using LLM agents"), STANDING), "the title holds both"


def test_a_topic_named_only_in_a_list_matches_below_the_papers_about_it() -> None:
    blockchain = parse_topic("blockchain")
    found = blockchain.match(SURVEY, STANDING)
    assert found is not None and not found.firm
    about = blockchain.match(Paper("A Survey of Transaction Tracing Techniques for Blockchain Systems"), STANDING)
    assert about is not None and about.firm
    listed = parse_topic("LLM agents").match(
        Paper("A classifier", "Our classifier removes any dependence on LLMs, RAG, or agents and runs on a phone."),
        STANDING)
    assert listed is not None and not listed.firm


def test_kinds_of_a_thing_are_found_under_its_name_not_the_reverse() -> None:
    scans = Paper("Self-supervised depth", "We segment organs in CT scans of the chest.")
    assert parse_topic('"medical imaging"').matches(scans, STANDING)
    assert not parse_topic('"CT scans"').matches(Paper("Medical imaging at scale", "We study medical imaging."),
                                                 STANDING)
    ethereum = Paper("Toxic Ink on Immutable Paper", "On Ethereum, users embed messages in transactions.")
    found = parse_topic("blockchain").match(ethereum, STANDING)
    assert found is not None and found.aliases == ("Ethereum",)


def test_a_name_written_as_one_word_is_found() -> None:
    """The held-out day's chest "Xray" (bench/data/relevance-2026-02-26.jsonl) is an X-ray."""
    xray = Paper("PSF-Med", "A benchmark of 19,748 chest Xray questions for medical VLMs.")
    assert parse_topic('"medical imaging"').matches(xray, STANDING)


def test_a_topic_keeps_its_own_names_and_drops_those_it_was_told_to() -> None:
    rl_only = Paper("Scaling RL for reasoning", "We scale RL to long chains of thought.")
    rl = parse_topic("reinforcement learning")
    assert rl.match(rl_only, STANDING) is not None
    assert rl.match(rl_only, STANDING).aliases == ("RL",)  # type: ignore[union-attr]
    stopped = Topic(rl.kind, rl.text, rl.query, never=("RL",))
    assert not stopped.matches(rl_only, STANDING)
    kept = Topic(rl.kind, rl.text, rl.query, also=("reward learning",), never=("RL",))
    assert kept.matches(Paper("Reward learning from humans", "We study reward learning."), STANDING)


async def test_subscribe_proposes_other_names_once_and_a_cross_drops_one(
        env: dict[str, str], tg: FakeTelegram, gemini: FakeGemini) -> None:
    gemini.answer = "1. RL\n2. Deep RL\n- reinforcement learning\n<b>bad</b>\nPolicy optimization"
    async with running_bot(with_gemini(env, gemini), tg) as bot:
        reply = await command(bot, "/subscribe reinforcement learning", 961)
        names = "Deep RL, RL, policy optimization, GRPO, RLHF, PPO"
        assert reply == t("en", "subscribed", topic="reinforcement learning", kind="keywords", time="09:00",
                          zone="UTC") + "\n\n" + t("en", "names_offered", topic="reinforcement learning", names=names)
        asked = gemini.turns()
        assert "other names" in asked[0][1] and asked[-1][1] == "Topic: reinforcement learning"
        keyboard = tg.calls_to("sendMessage", 961)[-1].params["reply_markup"]["inline_keyboard"]
        assert [b["text"] for row in keyboard for b in row] == ["✖ " + n for n in names.split(", ")]
        tg.press(keyboard[0][1]["callback_data"], chat_id=961)  # ✖ RL
        [edited] = await tg.wait_for("editMessageText", chat_id=961)
        assert edited.text.endswith(t("en", "names_offered", topic="reinforcement learning",
                                      names="Deep RL, policy optimization, GRPO, RLHF, PPO"))
        [answer] = await tg.wait_for("answerCallbackQuery")
        assert answer.params["text"] == t("en", "name_dropped", name="RL", topic="reinforcement learning")
        listing = await command(bot, "/topics", 961)
        assert listing.splitlines()[1:] == [
            "1. reinforcement learning", t("en", "topics_also", names="Deep RL, policy optimization, GRPO, RLHF, PPO"),
            t("en", "topics_never", names="RL")]
        requests = len(gemini.requests)
        await command(bot, "/subscribe cs.LG", 961)
        assert len(gemini.requests) == requests, "categories have no other names to ask for"


async def test_a_dislike_offers_to_stop_matching_by_the_other_name(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    services_of(bot).digests.clock = clock
    add(arxiv_fake, "2408.10001", "Scaling RL for Reasoning Models", "We scale RL to long chains of thought.")
    add(arxiv_fake, "2408.10002", "Reinforcement Learning for Robot Control", "Reinforcement learning moves arms.")
    add(arxiv_fake, "2408.10003", "A Survey of Security", "We cover many settings (IoT, cloud, finance, "
                                                          "reinforcement learning).")
    arxiv_fake.announce("cs", "2024-08-26", [(f"2408.1000{i}", "new") for i in range(1, 4)])
    reply = await command(bot, "/subscribe reinforcement learning", 962)
    assert t("en", "names_offered", topic="reinforcement learning", names="RL, policy optimization, GRPO, RLHF, "
                                                                          "PPO") in reply, "known names, offline too"
    await tick(bot, clock, MONDAY)
    assert digest_titles(bot, 962, "2024-08-26") == [
        "Reinforcement Learning for Robot Control", "Scaling RL for Reasoning Models", "A Survey of Security"]
    [digest] = bot.tg.texts_to(962, "new paper")
    assert f"<i>{t('en', 'why_alias', names='RL', topic='reinforcement learning')}</i>" in digest

    sent = len(bot.tg.calls_to("sendMessage", 962))
    bot.tg.press("rate:-:2408.10001", chat_id=962)
    offer = (await bot.tg.wait_for("sendMessage", chat_id=962, count=sent + 1))[-1]
    assert offer.text == t("en", "stop_name_offer", topic="reinforcement learning", name="RL")
    [[button]] = offer.params["reply_markup"]["inline_keyboard"]
    assert button["text"] == t("en", "stop_name_button", name="RL")
    bot.tg.press("rate:-:2408.10002", chat_id=962)  # its own words: 👎 teaches the taste, offers nothing
    await bot.tg.wait_for("answerCallbackQuery", count=2)
    bot.tg.press(button["callback_data"], chat_id=962)
    edits = await bot.tg.wait_for("editMessageText", chat_id=962,
                                  count=len(bot.tg.calls_to("editMessageText", 962)) + 1)
    assert edits[-1].text == t("en", "stop_name_done", name="RL", topic="reinforcement learning")
    assert t("en", "topics_never", names="RL") in await command(bot, "/topics", 962)
    assert [c.text for c in bot.tg.calls_to("sendMessage", 962)].count(offer.text) == 1

    add(arxiv_fake, "2408.10011", "RL Fine-Tuning of Small Models", "RL with verifiable rewards.")
    add(arxiv_fake, "2408.10012", "GRPO Without a Critic", "We revisit GRPO for math reasoning.")
    arxiv_fake.announce("cs", "2024-08-27", [("2408.10011", "new"), ("2408.10012", "new")])
    await tick(bot, clock, TUESDAY)
    assert digest_titles(bot, 962, "2024-08-27") == ["GRPO Without a Critic"]
    bot.tg.press("sn:999999", chat_id=962)  # a forged record: nothing changes, the reader is told
    answers = await bot.tg.wait_for("answerCallbackQuery", count=4)
    assert answers[-1].params["text"] == t("en", "stop_name_gone")


async def test_proposals_count_against_the_day_s_llm_budget(
        env: dict[str, str], tg: FakeTelegram, gemini: FakeGemini) -> None:
    env["LLM_DAILY_BUDGET"] = "1"
    gemini.answer = "Deep RL"
    async with running_bot(with_gemini(env, gemini), tg) as bot:
        assert "Deep RL" in await command(bot, "/subscribe reinforcement learning", 963)
        reply = await command(bot, "/subscribe diffusion models", 963)
        assert len(gemini.requests) == 1, "the budget of one was spent on the first proposal"
        assert reply.startswith(t("en", "subscribed", topic="diffusion models", kind="keywords", time="09:00",
                                  zone="UTC")), "the topic is taken all the same"
