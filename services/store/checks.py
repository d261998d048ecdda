"""The LLM's verdicts on doubtful papers of a topic (services/ranking/check.py): asked once per topic and paper,
shared by every chat with that topic."""

from __future__ import annotations

from services.store.base import StoreBase, utcnow


class TopicChecks(StoreBase):
    def topic_checks(self, topic: str, base_ids: list[str]) -> dict[str, bool]:
        """Whether each of `base_ids` is about the topic (its query), for those judged before."""
        found: dict[str, bool] = {}
        for start in range(0, len(base_ids), 500):
            chunk = base_ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update({row["base_id"]: bool(row["wanted"]) for row in self._rows(
                f"SELECT base_id, wanted FROM topic_checks WHERE topic = ? AND base_id IN ({marks})",
                [topic, *chunk])})
        return found

    def save_topic_checks(self, topic: str, verdicts: dict[str, bool], model: str) -> None:
        now = utcnow().isoformat()
        with self.db.conn:
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO topic_checks (topic, base_id, wanted, model, created_at) "
                "VALUES (?, ?, ?, ?, ?)", [(topic, b, int(w), model, now) for b, w in verdicts.items()])
