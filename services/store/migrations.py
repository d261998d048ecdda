"""The database schema, as numbered migrations. Never edit a landed migration: add the next one.

Each column's meaning is written here once.
"""

from __future__ import annotations

import json

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("papergram")
MIGRATIONS_TABLE = Migrations.migrations_table


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    db.table("chats").create(
        {
            "id": int,  # Telegram chat id
            "type": str,  # private, group, supergroup, channel
            "title": str,  # group/channel title or the user's name, for logs and /channel replies
            "language": str,  # "en" or "zh": language of prose in cards and replies
            "timezone": str,  # IANA zone for the digest time
            "digest_time": str,  # "HH:MM" local time of the daily digest
            "mode": str,  # "overview" (one message per topic) or "full" (every card)
            "active": int,  # 0 when the bot was removed or blocked; subscriptions are kept
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        defaults={"language": "en", "timezone": "UTC", "digest_time": "09:00", "mode": "overview", "active": 1},
        not_null={"type", "language", "timezone", "digest_time", "mode", "active"},
    )
    db.table("subscriptions").create(
        {
            "id": int,
            "chat_id": int,
            "topic": str,  # the text the user typed, shown back in /topics
            "kind": str,  # keyword, category, author, query
            "query": str,  # normalized arXiv query used for matching
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("chat_id", "chats", "id")],
        not_null={"chat_id", "topic", "kind", "query"},
    )
    db.table("subscriptions").create_index(["chat_id", "query"], unique=True)
    db.table("papers").create(
        {
            "base_id": str,  # 2408.14227 or hep-th/9901001, no version
            "version": int,
            "title": str,
            "authors": str,  # JSON list, exactly as arXiv lists them
            "abstract": str,
            "primary_category": str,
            "categories": str,  # JSON list
            "comment": str,
            "published": str,  # ISO time of v1
            "updated": str,  # ISO time of this version
            "journal_ref": str,
            "doi": str,
            "is_latest": int,  # 1 for the newest version arXiv knew of at fetched_at
            "fetched_at": str,  # when arXiv was asked; refreshed after a day
        },
        pk=("base_id", "version"),
    )
    db.table("documents").create(
        {
            "base_id": str,
            "version": int,
            "first_page": str,  # text of page 1: affiliations and code links are checked against it
            "pages": int,
            "note": str,  # why the PDF could not be used, empty when it could
            "created_at": str,
        },
        pk=("base_id", "version"),
    )
    db.table("summaries").create(
        {
            "base_id": str,
            "version": int,
            "language": str,
            "model": str,  # model name, or "extractive" for the offline summarizer
            "prompt_version": int,
            "data": str,  # JSON of the prose fields
            "created_at": str,
        },
        pk=("base_id", "version", "language", "model", "prompt_version"),
    )
    db.table("figures").create(
        {
            "base_id": str,
            "version": int,
            "kind": str,  # figure, table, page
            "number": str,  # as printed: "3", "A.1", "IV"
            "page": int,  # 0-based
            "bbox": str,  # JSON [x0, y0, x1, y1] in PDF points, graphic and caption
            "caption": str,
            "image": bytes,
            "mime": str,
            "extractor_version": int,  # crops are recomputed when the extractor improves
        },
        pk=("base_id", "version", "kind", "number"),
    )
    db.table("deliveries").create(
        {
            "id": int,
            "chat_id": int,
            "base_id": str,
            "day": str,  # announcement day (YYYY-MM-DD) of the digest, or the request day for links
            "state": str,  # pending (recorded before sending), sent, failed
            "message_ids": str,  # JSON list of Telegram message ids once sent
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"chat_id", "base_id", "day", "state"},
    )
    db.table("deliveries").create_index(["chat_id", "base_id"], unique=True)


@migrations(name="0002_chat_preferences")
def m0002_chat_preferences(db: Database) -> None:
    chats = db.table("chats")
    chats.add_column("replacements", int, not_null_default=0)  # 1: also send papers announced as new versions
    chats.add_column("crosslists", int, not_null_default=1)  # 1: include cross-listed papers
    chats.add_column("archives", str)  # comma-separated archives for keyword topics; NULL: the default
    db.table("llm_calls").create(
        {"day": str, "calls": int},  # UTC day -> LLM requests made, for LLM_DAILY_BUDGET
        pk="day",
    )


@migrations(name="0003_digests")
def m0003_digests(db: Database) -> None:
    chats = db.table("chats")
    chats.add_column("paused", int, not_null_default=0)  # 1: /pause — no digests until /resume
    chats.add_column("quiet_note", int, not_null_default=0)  # 1: say so on days arXiv announces nothing
    chats.add_column("last_digest_day", str)  # newest announcement day already put in a digest for this chat
    chats.add_column("last_digest_local", str)  # the chat's local date of its last scheduled digest
    db.table("announcements").create(
        {
            "base_id": str,
            "version": int,
            "day": str,  # announcement day (YYYY-MM-DD) as the feed states it
            "announce_type": str,  # new, cross, replace, replace-cross
            "title": str,
            "authors": str,  # JSON list
            "abstract": str,
            "categories": str,  # JSON list
            "first_seen": str,  # when Papergram first saw it in a feed (UTC ISO)
        },
        pk=("base_id", "day"),
    )
    db.table("announcements").create_index(["day"])
    db.table("feeds").create(
        {
            "name": str,  # cs.CV, cs, stat …
            "last_day": str,  # announcement day of the newest batch seen
            "last_new_at": str,  # when a batch with unseen IDs last appeared (UTC ISO)
            "last_polled": str,
            "status": str,  # ok, quiet (no announcements), stale (no new batch for too long), broken
        },
        pk="name",
    )
    db.table("outbox").create(
        {
            "id": int,
            "chat_id": int,
            "day": str,
            "kind": str,  # text (HTML message) or photos (the figures of `base_ids[0]`)
            "text": str,
            "buttons": str,  # JSON [[{"text":…, "data":…}]]
            "base_ids": str,  # JSON list of papers this message delivers
            "state": str,  # pending, sending (recorded before the request), sent, held (chat gone), failed
            "message_ids": str,  # JSON list once sent
            "attempts": int,
            "not_before": str,  # retry time after a transient failure (UTC ISO)
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"chat_id", "kind", "state"},
    )
    db.table("outbox").create_index(["state", "chat_id"])


@migrations(name="0004_document_text")
def m0004_document_text(db: Database) -> None:
    # the budgeted text the summarizer reads: a second language is summarized without a new download
    db.table("documents").add_column("text", str)


@migrations(name="0005_relevance")
def m0005_relevance(db: Database) -> None:
    db.table("ratings").create(
        {
            "chat_id": int,
            "base_id": str,
            "vote": int,  # 1 (👍, /like, a .bib entry) or -1 (👎)
            "source": str,  # button, like, bib
            "title": str,  # a copy of what the taste model reads: ratings outlive announcements
            "abstract": str,
            "authors": str,  # JSON list
            "created_at": str,
            "updated_at": str,
        },
        pk=("chat_id", "base_id"),
    )
    db.table("chat_models").create(
        {
            "chat_id": int,
            "model": str,  # JSON of services.taste.TasteModel (numbers only, never a pickle)
            "trained_at": str,
        },
        pk="chat_id",
    )
    db.table("cards_sent").create(
        {
            "chat_id": int,
            "base_id": str,  # a card of this paper was sent to this chat (a link, a 📄 button): it may be rated
            "sent_at": str,
        },
        pk=("chat_id", "base_id"),
    )
    db.table("embeddings").create(
        {
            "key": str,  # "paper:<base_id>" (title + abstract) or "topic:<normalized about: query>"
            "model": str,  # embedding model name
            "vector": bytes,  # float32 little-endian, unit length
            "created_at": str,
        },
        pk=("key", "model"),
    )


@migrations(name="0006_card_requests")
def m0006_card_requests(db: Database) -> None:
    db.table("card_requests").create(
        {
            "id": int,
            "chat_id": int,
            "chat_type": str,
            "message_id": int,  # the message that asked (a link), or the status message for a 📄 button
            "status_id": int,  # the bot's status message, edited as the work goes on
            "ref": str,  # the paper as asked for: 2408.14227 or 2408.14227v2
            "language": str,
            "reply_to": int,  # in groups the card answers this message
            "created_at": str,  # a request found at start-up is finished, or, when too old, answered
        },
        pk="id",
        not_null={"chat_id", "message_id", "status_id", "ref"},
    )
    db.table("card_requests").create_index(["chat_id", "message_id", "ref"], unique=True)


@migrations(name="0007_service_state")
def m0007_service_state(db: Database) -> None:
    db.table("service_state").create(
        {"key": str, "value": str},  # last_tick: when the scheduler last ran (UTC ISO), for `bot.py health`
        pk="key",
    )
    db.table("llm_calls").add_column("cache_hits", int, not_null_default=0)  # summaries served from the cache


@migrations(name="0008_reading_list")
def m0008_reading_list(db: Database) -> None:
    db.table("saved").create(
        {
            "chat_id": int,  # a group's list is the group's
            "base_id": str,
            "versioned_id": str,  # the version the card showed
            "title": str,
            "saved_at": str,
        },
        pk=("chat_id", "base_id"),
    )


@migrations(name="0009_questions")
def m0009_questions(db: Database) -> None:
    db.table("paper_messages").create(
        {
            "chat_id": int,
            "message_id": int,  # a message of the bot's about one paper: a card, a figure, an answer
            "base_id": str,
            "version": int,
            "figure": str,  # the figure's number for a figure photo, else ""
            "history": str,  # an answer: JSON [[question, answer], …], the thread a reply to it continues
            "sent_at": str,
        },
        pk=("chat_id", "message_id"),
    )
    db.table("answers").create(
        {
            "key": str,  # hash of paper, language, model, figure and the folded question (first questions only)
            "text": str,
            "created_at": str,
        },
        pk="key",
    )


@migrations(name="0010_retention")
def m0010_retention(db: Database) -> None:
    """What a chat received, one row per chat and day once sent (per-paper rows only while on their way), and
    what a capped digest left out; sent outbox rows go (their deliveries say what was received)."""
    db.table("digest_days").create(
        {
            "chat_id": int,
            "day": str,
            "received": bytes,  # base_ids in digest order, once sent (see Store.mark_sent): store._pack
            "skipped": bytes,  # base_ids in ranking order: what "Show N more" sends, kept a week
        },
        pk=("chat_id", "day"),
    )
    days: dict[tuple[int, str], dict[str, list[str]]] = {}
    for chat_id, day, base_id, state in db.execute(
            "SELECT chat_id, day, base_id, state FROM deliveries WHERE state IN ('sent', 'skipped') ORDER BY id"):
        days.setdefault((chat_id, day), {"sent": [], "skipped": []})[state].append(base_id)
    db.conn.executemany(  # JSON lists: the store reads them as well as its packed ones
        "INSERT INTO digest_days (chat_id, day, received, skipped) VALUES (?, ?, ?, ?)",
        [(c, d, json.dumps(lists["sent"]) if lists["sent"] else None,
          json.dumps(lists["skipped"]) if lists["skipped"] else None) for (c, d), lists in days.items()])
    db.execute("DELETE FROM deliveries WHERE state IN ('sent', 'skipped', 'failed')")
    db.execute("DELETE FROM outbox WHERE state = 'sent'")
    db.table("deliveries").create_index(["day"])
    db.table("outbox").create_index(["day"])
    for table in ("documents", "figures", "paper_messages", "answers", "summaries"):
        column = "sent_at" if table == "paper_messages" else "created_at"
        if column not in db.table(table).columns_dict:
            db.table(table).add_column(column, str)
        db.table(table).create_index([column])


@migrations(name="0011_card_text_sent")
def m0011_card_text_sent(db: Database) -> None:
    """A journaled card request remembers that its text went out (the album follows when its crops exist)."""
    db.table("card_requests").add_column("text_sent", int, not_null_default=0)


@migrations(name="0012_outbox_paper")
def m0012_outbox_paper(db: Database) -> None:
    """An album in the outbox names its paper in a column of its own (it was carried inside `text`)."""
    db.table("outbox").add_column("paper", str)
    db.execute("UPDATE outbox SET paper = text, text = '' WHERE kind = 'photos'")


@migrations(name="0013_group_cards")
def m0013_group_cards(db: Database) -> None:
    """A group's admins may have 📄 post cards in the group (`/settings group_cards here`); by default a card
    opens in the reader's private chat."""
    db.table("chats").add_column("group_cards_here", int, not_null_default=0)


@migrations(name="0014_catalogs")
def m0014_catalogs(db: Database) -> None:
    """The bot's own texts translated into other languages (once, by the configured LLM, checked)."""
    db.table("catalogs").create({"lang": str, "texts": str, "created_at": str}, pk="lang")


@migrations(name="0015_card_provisional")
def m0015_card_provisional(db: Database) -> None:
    """A card quoted from the abstract while a slow PDF arrives: its messages, which the real card replaces in
    place (after a restart too)."""
    db.table("card_requests").add_column("provisional_ids", str, not_null_default="")


@migrations(name="0016_licences")
def m0016_licences(db: Database) -> None:
    """Each paper's licence as arXiv states it (read once a month), and what a chat republishes of figures."""
    db.table("licences").create({"base_id": str, "uri": str, "fetched_at": str}, pk="base_id")
    db.table("chats").add_column("figures", str, not_null_default="")


@migrations(name="0017_revisions_told")
def m0017_revisions_told(db: Database) -> None:
    """New versions of papers a chat had, told of once in its digest (with 🔀 to see what changed)."""
    db.table("revisions_told").create({"chat_id": int, "base_id": str, "version": int},
                                      pk=("chat_id", "base_id", "version"))


@migrations(name="0018_rich_cards")
def m0018_rich_cards(db: Database) -> None:
    """How a chat gets its cards (`rich`, `classic`, "" for the bot's default), and when rich messages were last
    refused there (an older self-hosted Bot API server): classic for a day, then rich is tried again."""
    db.table("chats").add_column("cards", str, not_null_default="")
    db.table("chats").add_column("rich_refused_at", str, not_null_default="")


@migrations(name="0019_figure_files")
def m0019_figure_files(db: Database) -> None:
    """Telegram's file IDs of figures the bot sent: cards posted into other chats (guest, inline) reuse them."""
    db.table("figure_files").create({"base_id": str, "version": int, "number": str, "file_id": str},
                                    pk=("base_id", "version", "number"))


@migrations(name="0020_outbox_overview")
def m0020_outbox_overview(db: Database) -> None:
    """A digest list's structure beside its HTML: sent as a rich message where the chat takes them."""
    db.table("outbox").add_column("overview", str)


@migrations(name="0021_topic_names")
def m0021_topic_names(db: Database) -> None:
    """A topic's other names: `also`, those the chat kept when /subscribe proposed them, and `never`, those it
    stopped matching by (JSON lists); and which other name matched a paper a chat received, for 👎 to offer
    "stop matching RL for this topic"."""
    db.table("subscriptions").add_column("also", str, not_null_default="[]")
    db.table("subscriptions").add_column("never", str, not_null_default="[]")
    db.table("matched_names").create({"id": int, "chat_id": int, "base_id": str, "query": str, "name": str,
                                      "created_at": str}, pk="id")
    db.table("matched_names").create_index(["chat_id", "base_id"])


@migrations(name="0022_searches")
def m0022_searches(db: Database) -> None:
    """A chat's /search results, kept so ◀ ▶ page through them without asking arXiv again (JSON list of hits)."""
    db.table("searches").create({"id": int, "chat_id": int, "query": str, "hits": str, "created_at": str}, pk="id")
    db.table("searches").create_index(["chat_id"])


@migrations(name="0023_saved_read")
def m0023_saved_read(db: Database) -> None:
    """A paper on the reading list is read or not yet (the reader marks it; the weekly digest reminds of the rest)."""
    db.table("saved").add_column("read", int, not_null_default=0)


@migrations(name="0024_signals")
def m0024_signals(db: Database) -> None:
    """Popularity signals read today (a day of Hugging Face upvotes, a repository's stars, a paper's citations):
    each source is asked at most once a day per key."""
    db.table("signals").create({"source": str, "key": str, "day": str, "value": str}, pk=("source", "key"))


@migrations(name="0025_popularity")
def m0025_popularity(db: Database) -> None:
    """How much what the field is reading lifts a paper in this chat's ranking: `off`, `low`, `high` ("" = low)."""
    db.table("chats").add_column("popularity", str, not_null_default="")


@migrations(name="0026_schedule")
def m0026_schedule(db: Database) -> None:
    """When the digest comes: "" every announcement day, `weekly:fri` once a week on that day."""
    db.table("chats").add_column("schedule", str, not_null_default="")


@migrations(name="0027_topic_checks")
def m0027_topic_checks(db: Database) -> None:
    """The LLM's verdict on a paper a topic's words could not decide (services/ranking/check.py), per topic query
    and paper: asked once, shared by every chat with that topic."""
    db.table("topic_checks").create({"topic": str, "base_id": str, "wanted": int, "model": str, "created_at": str},
                                    pk=("topic", "base_id"))


@migrations(name="0028_words_only")
def m0028_words_only(db: Database) -> None:
    """A chat may keep a topic to its words: after a 👎 on a paper the LLM added in other words, it adds no more."""
    db.table("subscriptions").add_column("words_only", int, not_null_default=0)
