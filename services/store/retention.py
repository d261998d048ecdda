"""How long the store keeps things: what chats received and said for `RETENTION_DAYS`, the heavy caches for
`CACHE_DAYS`, skipped lists a week (bot.py prunes once a day)."""

from __future__ import annotations

from services.store.base import StoreBase


class Retention(StoreBase):
    """The daily pruning, over every table that grows."""

    def prune(self, history_before: str, cache_before: str, skipped_before: str) -> dict[str, int]:
        """What a chat received and said, kept `RETENTION_DAYS`; heavy caches (paper text, crops) kept less;
        skipped lists a week. Rows still on their way (pending, queued) are never pruned. Freed pages are
        reused: no VACUUM needed."""
        statements = {
            "outbox": ("DELETE FROM outbox WHERE day < ? AND state = 'failed'", history_before),
            "deliveries": ("DELETE FROM deliveries WHERE day < ? AND NOT EXISTS (SELECT 1 FROM outbox o "
                           "WHERE o.chat_id = deliveries.chat_id AND o.day = deliveries.day)", history_before),
            "digest_days": ("DELETE FROM digest_days WHERE day < ?", history_before),
            "skipped_lists": ("UPDATE digest_days SET skipped = NULL WHERE day < ? AND skipped IS NOT NULL",
                              skipped_before),
            "paper_messages": ("DELETE FROM paper_messages WHERE sent_at < ?", history_before),
            "answers": ("DELETE FROM answers WHERE created_at < ?", history_before),
            "matched_names": ("DELETE FROM matched_names WHERE created_at < ?", history_before),
            "searches": ("DELETE FROM searches WHERE created_at < ?", skipped_before),
            "signals": ("DELETE FROM signals WHERE day < ?", skipped_before[:10]),
            "summaries": ("DELETE FROM summaries WHERE created_at < ?", history_before),
            "card_requests": ("DELETE FROM card_requests WHERE created_at < ?", history_before),
            "llm_calls": ("DELETE FROM llm_calls WHERE day < ?", history_before[:10]),
            "documents": ("DELETE FROM documents WHERE created_at < ?", cache_before),
            "figures": ("DELETE FROM figures WHERE created_at IS NULL OR created_at < ?", cache_before),
            "topic_checks": ("DELETE FROM topic_checks WHERE created_at < ?", cache_before),
        }
        removed = {}
        with self.db.conn:
            for table, (sql, before) in statements.items():
                removed[table] = self.db.execute(sql, [before]).rowcount
        return removed
