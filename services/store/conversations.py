"""Which paper each of the bot's messages is about, and answers already given."""

from __future__ import annotations

import json
from dataclasses import dataclass

from services.models import FigureImage, PaperMeta
from services.store.base import StoreBase, utcnow


@dataclass(frozen=True)
class PaperMessage:
    """What a message of the bot's is about: a paper, one of its figures, or an answer in a thread."""

    base_id: str
    version: int
    figure: str
    history: list[tuple[str, str]]


class ConversationRecords(StoreBase):
    """The messages about a paper and cached answers."""

    def record_paper_messages(self, chat_id: int, paper: PaperMeta, messages: list[tuple[int, str]],
                              history: list[tuple[str, str]] | None = None) -> None:
        """The bot's messages about `paper` in a chat — (message id, figure number or "") — so that a reply to
        any of them asks that paper (that figure); an answer carries its thread's `history`."""
        now = utcnow().isoformat()
        thread = json.dumps(history or [], ensure_ascii=False)
        with self.db.conn:
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO paper_messages (chat_id, message_id, base_id, version, figure, history, "
                "sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(chat_id, message_id, paper.base_id, paper.version, figure, thread, now)
                 for message_id, figure in messages])

    def record_figure_messages(self, chat_id: int, paper: PaperMeta, message_ids: list[int],
                               figures: list[FigureImage]) -> None:
        """An album's photos, each about its figure (a first-page render is about the paper)."""
        self.record_paper_messages(chat_id, paper, [(i, f.number if f.kind != "page" else "")
                                                    for i, f in zip(message_ids, figures, strict=False)])

    def figure_message(self, chat_id: int, base_id: str, figure: str) -> int | None:
        """The latest photo of that figure of that paper sent to this chat (an explanation replies to it); answers
        about the figure carry a thread, photos none."""
        row = next(iter(self._rows("SELECT message_id FROM paper_messages WHERE chat_id = ? AND base_id = ? AND "
                                   "figure = ? AND coalesce(history, '[]') = '[]' ORDER BY sent_at DESC, "
                                   "message_id DESC LIMIT 1",
                                   [chat_id, base_id, figure])), None)
        return int(row["message_id"]) if row else None

    def paper_message(self, chat_id: int, message_id: int) -> PaperMessage | None:
        row = next(iter(self._rows("SELECT base_id, version, figure, history FROM paper_messages "
                                   "WHERE chat_id = ? AND message_id = ?", [chat_id, message_id])), None)
        if row is None:
            return None
        history = [(str(q), str(a)) for q, a in json.loads(row["history"] or "[]")]
        return PaperMessage(row["base_id"], int(row["version"]), row["figure"] or "", history)

    def cached_answer(self, key: str) -> str | None:
        row = next(iter(self._rows("SELECT text FROM answers WHERE key = ?", [key])), None)
        return str(row["text"]) if row else None

    def save_answer(self, key: str, text: str) -> None:
        with self.db.conn:
            self.db.execute("INSERT OR REPLACE INTO answers (key, text, created_at) VALUES (?, ?, ?)",
                            [key, text, utcnow().isoformat()])
