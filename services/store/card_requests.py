"""The journal that lets a restart finish what a user asked for."""

from __future__ import annotations

from typing import Any

from services.store.base import StoreBase, utcnow


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

    def finish_card_request(self, request_id: int) -> None:
        self.db.execute("DELETE FROM card_requests WHERE id = ?", [request_id])
        self.db.conn.commit()

    def card_requests(self) -> list[dict[str, Any]]:
        """Requests a previous run accepted and did not finish, oldest first."""
        return [dict(row) for row in self._rows("SELECT * FROM card_requests ORDER BY id")]
