"""Conversations with a paper: a reply to one of the bot's cards, figures or answers is a question about that
paper (in groups too: a reply to the bot addresses the bot); `/fig N` as a reply and the 🔍 buttons under a
card explain a figure. The answer replies to the question and remembers its thread for follow-ups."""

from __future__ import annotations

import asyncio
import html
import logging
from dataclasses import dataclass

from telegram import Message, ReplyParameters, Update
from telegram.constants import ChatAction
from telegram.ext import ApplicationHandlerStop

from handlers.common.chat import named_papers, paper_ref, settings_for
from handlers.common.context import Context
from handlers.common.drafts import Drafts
from services import callback_data
from services.arxiv.client import ArxivUnavailable
from services.cards.passages import shortened
from services.cards.questions import MAX_QUESTION, Answer, explain_question
from services.cards.render import card_paper
from services.i18n import t
from services.models import FigureRegion, PaperMeta, PaperRef

log = logging.getLogger(__name__)

ANSWER_LIMIT = 3500
"""Characters of an LLM answer shown (a message holds 4096; the notes come after)."""


@dataclass(frozen=True)
class Target:
    """What a replied-to message of the bot's is about."""

    ref: PaperRef
    figure: str
    history: list[tuple[str, str]]


def _target(context: Context, chat_id: int, replied: Message) -> Target | None:
    """The paper (and figure, and thread) of one of the bot's messages: recorded when it was sent, or read from
    a card's facts line (a digest's card in full mode, a card sent before messages were recorded)."""
    known = context.services.store.paper_message(chat_id, replied.message_id)
    if known is not None:
        return Target(PaperRef(known.base_id, known.version), known.figure, known.history)
    ref = card_paper(replied.text or replied.caption or "")
    return Target(ref, "", []) if ref is not None else None


def _from_bot(context: Context, message: Message | None) -> bool:
    return message is not None and message.from_user is not None and message.from_user.id == context.bot.id


async def on_reply(update: Update, context: Context) -> None:
    """A reply to one of the bot's cards, figures or answers that names no paper of its own is a question about
    that paper: answered here, and no other handler sees the message."""
    message = update.effective_message
    if message is None or named_papers(message):
        return  # a paper named: the papers handler (a later group) sends its card
    if await reply_question(update, context):
        raise ApplicationHandlerStop


async def reply_question(update: Update, context: Context) -> bool:
    """A reply to one of the bot's messages, naming no paper of its own: answered as a question (True), or
    left to the caller (False: not a reply to the bot)."""
    message = update.effective_message
    if message is None or not _from_bot(context, message.reply_to_message):
        return False
    assert message.reply_to_message is not None
    lang = settings_for(update, context).language
    target = _target(context, message.chat_id, message.reply_to_message)
    if target is None:
        await message.reply_text(t(lang, "question_not_card"), do_quote=True)
        return True
    await _answer(context, message, target, message.text or message.caption or "", lang)
    return True


async def fig_command(update: Update, context: Context) -> None:
    """`/fig N` as a reply to a card: figure N explained."""
    message = update.effective_message
    assert message is not None
    lang = settings_for(update, context).language
    target = _target(context, message.chat_id, message.reply_to_message) \
        if _from_bot(context, message.reply_to_message) and message.reply_to_message else None
    number = ((context.args or [""])[0].strip().rstrip(".") or (target.figure if target else ""))[:8]
    if target is None or not number:
        await message.reply_text(t(lang, "fig_usage"), do_quote=True)
        return
    await _answer(context, message, Target(target.ref, number, []), "", lang)


async def fig_button(update: Update, context: Context) -> None:
    """🔍 Fig. N under a card: the explanation answers that figure's photo (or the card, when the photo is not
    in this chat)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    if not isinstance(query.message, Message):
        return
    versioned, number = callback_data.FIGURE.fields(query.data)
    ref = paper_ref(versioned)
    refs = [ref] if ref else []
    if not refs:
        return
    await _answer(context, query.message, Target(refs[0], number, []), "", settings_for(update, context).language)


async def _answer(context: Context, asked: Message, target: Target, question: str,
                  lang: str) -> None:
    """Look the paper up, ask, reply to `asked` with the answer, and remember the answer's thread."""
    services = context.services
    chat_id = asked.chat_id
    if len(question) > MAX_QUESTION:
        await asked.reply_text(t(lang, "question_too_long", length=len(question), limit=MAX_QUESTION), do_quote=True)
        return
    try:
        paper = (await services.papers.lookup([target.ref]))[target.ref]
    except ArxivUnavailable:
        await asked.reply_text(t(lang, "arxiv_down", id=target.ref), do_quote=True)
        return
    if paper is None:
        await asked.reply_text(t(lang, "unknown_id", id=target.ref), do_quote=True)
        return
    await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    figure = None
    question_asked = bool(question.strip())
    if target.figure:
        shown = [f for f in await services.papers.figures(paper, chat_id) if f.kind != "page"]
        figure = next((f for f in shown if f.number == target.figure), None)
        if figure is None:
            numbers = ", ".join(f.number for f in shown)
            await asked.reply_text(t(lang, "fig_unknown", number=target.figure, numbers=numbers) if shown
                                   else t(lang, "fig_none"), do_quote=True)
            return
        question = question.strip() or explain_question(figure.kind, figure.number)
    answer = await _asked(context, asked, paper, question, lang, target.history, figure)
    text = answer_html(answer, lang)
    photo = services.store.figure_message(chat_id, paper.base_id, figure.number) if figure is not None else None
    if figure is not None:  # the explanation starts with the figure it explains
        label = t(lang, "table_label" if figure.kind == "table" else "figure_label", number=figure.number)
        text = f"<b>{_escape(label)}</b>\n{text}"
    if photo is not None and not question_asked:
        sent = await context.bot.send_message(chat_id, text, reply_parameters=ReplyParameters(
            photo, allow_sending_without_reply=True))  # the photo may be gone: the answer still comes
    else:
        sent = await asked.reply_text(text, do_quote=True)
    said = answer.text or "\n".join(f"[{p.section}] {p.text}" for p in answer.passages)
    services.store.record_paper_messages(chat_id, paper, [(sent.message_id, target.figure)],
                                         [*target.history, (question, said)])


async def _asked(context: Context, asked: Message, paper: PaperMeta, question: str, lang: str,
                 history: list[tuple[str, str]], figure: FigureRegion | None) -> Answer:
    """The answer; in a private chat streamed into a draft with a stop button as the LLM writes it. A stop
    cancels the LLM request and keeps what was written (checked as a whole answer would be)."""
    services = context.services
    chat_id = asked.chat_id
    if asked.chat.type != "private" or services.papers.offline:
        return await services.questions.ask(paper, question, lang, history, figure, owner=chat_id)
    drafts = Drafts(context, chat_id, rich=False, can_stop=True)
    written: list[str] = []

    async def partial(text: str) -> None:
        written[:] = [text]
        drafts.show(lambda _rich: "💬 " + _escape(shortened(text, ANSWER_LIMIT)))

    asking = asyncio.ensure_future(services.questions.ask(paper, question, lang, history, figure, owner=chat_id,
                                                          partial=partial))
    stops = stoppable(context)
    stops[(chat_id, drafts.id)] = asking
    try:
        return await asking
    except asyncio.CancelledError:
        if (chat_id, drafts.id) not in stopped_by_readers(context):
            raise  # a shutdown: the request is not answered
        log.info("chat %s stopped an answer on %s after %d characters", chat_id, paper.versioned_id,
                 len(written[0]) if written else 0)
        return await services.questions.stopped(paper, written[0] if written else "", figure, owner=chat_id)
    finally:
        stops.pop((chat_id, drafts.id), None)
        stopped_by_readers(context).discard((chat_id, drafts.id))
        await drafts.close()


def stopped_by_readers(context: Context) -> set[tuple[int, int]]:
    """Answers (chat, draft) their reader stopped: told apart from a shutdown's cancel."""
    found: set[tuple[int, int]] = context.bot_data.setdefault("stopped_answers", set())
    return found


def stoppable(context: Context) -> dict[tuple[int, int], asyncio.Future[Answer]]:
    """Answers being written, by (chat, draft): what a stop button stops."""
    found: dict[tuple[int, int], asyncio.Future[Answer]] = context.bot_data.setdefault("stoppable", {})
    return found


async def stop_generation(update: Update, context: Context) -> None:
    """The reader pressed stop on a streamed answer (Bot API 10.3 `stopped_message_generation`)."""
    stop = update.api_kwargs.get("stopped_message_generation") or {}
    chat_id = int((stop.get("chat") or {}).get("id", 0))
    key = (chat_id, int(stop.get("draft_id") or 0))
    answering = stoppable(context).get(key)
    if answering is not None and not answering.done():
        stopped_by_readers(context).add(key)
        answering.cancel()


def answer_html(answer: Answer, lang: str) -> str:
    """The reply: the LLM's answer, or the quoted passages with their sections and why there is no LLM answer;
    then what was removed or missing."""
    why = _escape({"no_llm": t(lang, "answer_offline_no_llm"), "budget": t(lang, "answer_offline_budget")}.get(
        answer.offline) or t(lang, "answer_offline_failed", reason=answer.offline))
    if answer.text or answer.stopped:
        body = "💬 " + (_escape(shortened(answer.text, ANSWER_LIMIT)) or "…")
    elif answer.passages:
        quoted = [f"<b>{_escape(t(lang, 'answer_cited_from', section=p.section or '—'))}</b>\n"
                  f"<blockquote>{_escape(shortened(p.text))}</blockquote>" for p in answer.passages]
        body = t(lang, "answer_offline", why=why) + "\n\n" + "\n".join(quoted)
    else:
        body = t(lang, "answer_no_passage", why=why)
    notes = []
    if answer.stopped:
        notes.append(t(lang, "answer_stopped"))
    if answer.numbers_removed:
        notes.append(t(lang, "answer_numbers_removed", count=answer.numbers_removed))
    if answer.pdf_note:
        notes.append(t(lang, "answer_from_abstract", reason=_escape(answer.pdf_note)))
    return "\n\n".join([body, *notes])


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
