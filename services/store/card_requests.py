"""The journal that lets a restart finish what a user asked for."""

from __future__ import annotations

from dataclasses import dataclass

from services.store.base import StoreBase, utcnow


@dataclass(frozen=True)
class PendingRequest:
    """A card a user asked for that a previous run did not finish (the journal's row)."""

    id: int
    chat_id: int
    chat_type: str
    message_id: int
    """The message that asked (a link), or the status message for a 📄 button."""
    status_id: int
    """The bot's status message, edited as the work goes on."""
    ref: str
    """The paper as asked for: 2408.14227 or 2408.14227v2."""
    language: str
    reply_to: int | None
    """In groups the card answers this message."""
    created_at: str
    text_sent: bool
    """The card's text reached the chat: only its album is left to send."""
    provisional_ids: tuple[int, ...] = ()
    """The messages of a card quoted from the abstract while the PDF was slow: the card replaces them."""


class CardRequests(StoreBase):
    """Card requests accepted and not yet finished."""

    def add_card_request(self, chat_id: int, chat_type: str, message_id: int, status_id: int, ref: str,
                         language: str, reply_to: int | None) -> int | None:
        """Journal a request before the work starts; None when that very request is journaled already."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO card_requests (chat_id, chat_type, message_id, status_id, ref, language, "
            "reply_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [chat_id, chat_type, message_id, status_id, ref, language, reply_to, utcnow().isoformat()])
        self.db.conn.commit()
        return cursor.lastrowid if cursor.rowcount else None

    def card_text_sent(self, request_id: int) -> None:
        """The card's text reached the chat: a restart sends only what is left (the album), never the text again."""
        self.db.execute("UPDATE card_requests SET text_sent = 1 WHERE id = ?", [request_id])
        self.db.conn.commit()

    def card_provisional_sent(self, request_id: int, message_ids: list[int]) -> None:
        """A card from the abstract reached the chat: the real card edits these messages, never adds a second."""
        self.db.execute("UPDATE card_requests SET provisional_ids = ? WHERE id = ?",
                        [",".join(map(str, message_ids)), request_id])
        self.db.conn.commit()

    def finish_card_request(self, request_id: int) -> None:
        self.db.execute("DELETE FROM card_requests WHERE id = ?", [request_id])
        self.db.conn.commit()

    def card_requests(self) -> list[PendingRequest]:
        """Requests a previous run accepted and did not finish, oldest first."""
        return [PendingRequest(row["id"], row["chat_id"], row["chat_type"] or "private", row["message_id"],
                               row["status_id"], row["ref"], row["language"] or "en", row["reply_to"],
                               row["created_at"], bool(row.get("text_sent")),
                               tuple(int(x) for x in str(row.get("provisional_ids") or "").split(",") if x.isdigit()))
                for row in self._rows("SELECT * FROM card_requests ORDER BY id")]
