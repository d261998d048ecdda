"""The one SQLite file behind Papergram: one `Store`, each of its concerns in a module of its own, numbered
migrations, and the guard that refuses a file that is not ours. Imports arxiv (announcement types) and kernel."""

from __future__ import annotations

from services.store.base import StoreBase, utcnow
from services.store.card_requests import CardRequests
from services.store.chats import ChatRecords
from services.store.checks import TopicChecks
from services.store.conversations import ConversationRecords, PaperMessage
from services.store.deliveries import SKIPPED_KEPT, DeliveryRecords, QueuedDigest
from services.store.feeds import FeedRecords
from services.store.paper_cache import PaperCache
from services.store.ratings import ReaderRecords
from services.store.retention import Retention
from services.store.searches import Search, SearchHit, SearchRecords
from services.store.signals import SignalRecords
from services.store.usage import UsageRecords

__all__ = ["SKIPPED_KEPT", "PaperMessage", "QueuedDigest", "Search", "SearchHit", "Store", "StoreBase", "utcnow"]


class Store(ChatRecords, FeedRecords, DeliveryRecords, CardRequests, ReaderRecords, UsageRecords, PaperCache,
            ConversationRecords, SearchRecords, SignalRecords, TopicChecks, Retention):
    """Typed reads and writes; callers never see rows or SQL."""
