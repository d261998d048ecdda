"""Chats and their topic subscriptions."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from services.models import ChatSettings
from services.store.base import StoreBase, utcnow
from services.topics import Topic


class ChatRecords(StoreBase):
    """A chat's settings, its topics, its migrations and its leaving."""

    def get_chat(self, chat_id: int) -> ChatSettings | None:
        """One indexed read (plain SQL: sqlite-utils' `get` re-reads the table's schema every time)."""
        row = next(iter(self._rows("SELECT * FROM chats WHERE id = ?", [chat_id])), None)
        return None if row is None else self._chat(row)

    @staticmethod
    def _chat(row: dict[str, Any]) -> ChatSettings:
        return ChatSettings(
            chat_id=row["id"],
            type=row["type"],
            title=row["title"] or "",
            language=row["language"],
            timezone=row["timezone"],
            digest_time=row["digest_time"],
            mode=row["mode"],
            active=bool(row["active"]),
            paused=bool(row.get("paused") or 0),
            replacements=bool(row.get("replacements") or 0),
            crosslists=bool(row.get("crosslists", 1)),
            archives=row.get("archives") or "",
            quiet_note=bool(row.get("quiet_note") or 0),
            group_cards_here=bool(row.get("group_cards_here") or 0),
            figures=row.get("figures") or "",
            cards=row.get("cards") or "",
            popularity=row.get("popularity") or "",
            schedule=row.get("schedule") or "",
            rich_refused_at=row.get("rich_refused_at") or "",
            last_digest_day=row.get("last_digest_day") or "",
            last_digest_local=row.get("last_digest_local") or "",
        )

    def ensure_chat(self, chat_id: int, chat_type: str, title: str, language: str) -> ChatSettings:
        """Return the chat's settings, creating it with `language` on first contact; keeps the title fresh."""
        existing = self.get_chat(chat_id)
        now = utcnow().isoformat()
        if existing is None:
            self._table("chats").insert(
                {
                    "id": chat_id,
                    "type": chat_type,
                    "title": title,
                    "language": language,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            return ChatSettings(chat_id=chat_id, type=chat_type, title=title, language=language)
        if existing.title != title or existing.type != chat_type:
            self._table("chats").update(chat_id, {"title": title, "type": chat_type, "updated_at": now})
            existing = replace(existing, title=title, type=chat_type)
        return existing

    def update_chat(self, chat_id: int, **changes: Any) -> None:
        changes = {k: int(v) if isinstance(v, bool) else v for k, v in changes.items()}
        self._table("chats").update(chat_id, {**changes, "updated_at": utcnow().isoformat()})

    async def active_zones(self) -> list[str]:
        return [row["timezone"] for row in await self.read(
            "SELECT DISTINCT timezone FROM chats WHERE active = 1 AND paused = 0")]

    async def due_chats(self, local: dict[str, tuple[str, str, str]]) -> list[ChatSettings]:
        """Active chats with topics whose digest time has passed today in their zone, whose digest of today is
        not made and — weekly chats — whose day it is: `local` gives each zone's (HH:MM, YYYY-MM-DD, weekday) now.
        One query: an idle minute at 50,000 chats reads no chat at all."""
        if not local:
            return []
        clauses = " OR ".join("(timezone = ? AND digest_time <= ? AND coalesce(last_digest_local, '') != ? "
                              "AND schedule IN ('', ?))" for _ in local)
        params = [value for zone, (clock, today, weekday) in local.items()
                  for value in (zone, clock, today, f"weekly:{weekday}")]
        return [self._chat(row) for row in await self.read(
            f"SELECT * FROM chats WHERE active = 1 AND paused = 0 AND ({clauses}) "
            "AND id IN (SELECT chat_id FROM subscriptions) ORDER BY id", params)]

    async def active_topics(self) -> list[tuple[str, Topic]]:
        """Every distinct (chat archives, topic) among chats that receive digests: what the feeds must cover,
        in one query however many chats share a topic."""
        return [(row["archives"] or "", Topic(row["kind"], row["topic"], row["query"])) for row in await self.read(
            "SELECT DISTINCT c.archives, s.kind, min(s.topic) AS topic, s.query FROM subscriptions s "
            "JOIN chats c ON c.id = s.chat_id WHERE c.active = 1 AND c.paused = 0 "
            "GROUP BY c.archives, s.kind, s.query")]

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: everything of the old id moves to the new one."""
        with self.db.conn:
            if self.get_chat(new_id) is None:
                self.db.execute("UPDATE chats SET id = ?, type = 'supergroup' WHERE id = ?", [new_id, old_id])
            else:
                self.db.execute("DELETE FROM chats WHERE id = ?", [old_id])
            for table in ("subscriptions", "deliveries", "outbox", "ratings", "chat_models", "cards_sent",
                          "card_requests", "saved", "digest_days", "revisions_told", "matched_names",
                          "searches"):
                self.db.execute(f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?", [new_id, old_id])

    # Subscriptions -------------------------------------------------------------------------------------

    def topics(self, chat_id: int) -> list[tuple[int, Topic]]:
        return [(row["id"], _topic(row)) for row in self._rows(
            "SELECT id, kind, topic, query, also, never, words_only FROM subscriptions WHERE chat_id = ? ORDER BY id",
            [chat_id])]

    def add_topic(self, chat_id: int, topic: Topic) -> bool:
        """False when the chat already has this topic."""
        if any(existing.query == topic.query for _, existing in self.topics(chat_id)):
            return False
        self._table("subscriptions").insert({"chat_id": chat_id, "topic": topic.text, "kind": topic.kind,
                                             "query": topic.query, "also": json.dumps(list(topic.also)),
                                             "never": json.dumps(list(topic.never)),
                                             "created_at": utcnow().isoformat()})
        return True

    def topic(self, chat_id: int, subscription_id: int) -> Topic | None:
        return next((topic for sid, topic in self.topics(chat_id) if sid == subscription_id), None)

    def name_topic(self, chat_id: int, subscription_id: int, also: tuple[str, ...], never: tuple[str, ...]) -> None:
        """Keep the other names a chat's topic matches by, and those it stopped matching by."""
        self.db.execute("UPDATE subscriptions SET also = ?, never = ? WHERE chat_id = ? AND id = ?",
                        [json.dumps(list(also)), json.dumps(list(never)), chat_id, subscription_id])

    def keep_to_words(self, chat_id: int, subscription_id: int) -> None:
        """The chat's topic takes papers with its words only: the LLM adds none in other words."""
        self.db.execute("UPDATE subscriptions SET words_only = 1 WHERE chat_id = ? AND id = ?",
                        [chat_id, subscription_id])

    def remove_topic(self, chat_id: int, subscription_id: int) -> Topic | None:
        for sid, topic in self.topics(chat_id):
            if sid == subscription_id:
                self.db.execute("DELETE FROM subscriptions WHERE id = ?", [sid])
                return topic
        return None

    def hold_chat(self, chat_id: int) -> None:
        """The chat blocked or removed the bot: keep its messages, send them if it comes back."""
        with self.db.conn:
            self.db.execute("UPDATE outbox SET state = 'pending' WHERE chat_id = ? AND state = 'sending'", [chat_id])
            self.db.execute("UPDATE chats SET active = 0, updated_at = ? WHERE id = ?", [utcnow().isoformat(),
                                                                                        chat_id])


def _topic(row: dict[str, Any]) -> Topic:
    return Topic(row["kind"], row["topic"], row["query"], tuple(json.loads(row.get("also") or "[]")),
                 tuple(json.loads(row.get("never") or "[]")), bool(row.get("words_only")))
