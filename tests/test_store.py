"""The store: migrations keep data, and what goes in comes back out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from services.models import FigureImage, PaperMeta
from services.store import Store
from services.store.migrations import migrations

PAPER = PaperMeta(
    base_id="2408.14227", version=2, title="A <b>&amp; title", authors=("Ada Lovelace", "Alan Turing"),
    abstract="We do things.", primary_category="cs.CV", categories=("cs.CV", "cs.LG"), comment="ECCV'24",
    published=datetime(2024, 8, 26, tzinfo=UTC), updated=datetime(2024, 9, 1, tzinfo=UTC),
)


def test_upgrading_a_filled_database_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="0002_chat_preferences")
    db["chats"].insert({"id": 7, "type": "group", "title": "Lab", "language": "zh", "created_at": "x"})
    db["subscriptions"].insert({"chat_id": 7, "topic": "cs.CV", "kind": "category", "query": "cat:cs.CV"})
    db.close()

    store = Store(path)
    chat = store.get_chat(7)
    assert chat is not None and chat.language == "zh" and chat.title == "Lab" and chat.digest_time == "09:00"
    assert [r["topic"] for r in store.db["subscriptions"].rows] == ["cs.CV"]
    assert store.db["chats"].get(7)["crosslists"] == 1
    assert {m.name for m in migrations.applied(store.db)} >= {"0001_initial", "0002_chat_preferences"}


def test_papers_round_trip_and_expire(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.db")
    store.save_paper(PAPER, is_latest=True)
    assert store.get_paper("2408.14227", None, max_age=timedelta(days=1)) == PAPER
    assert store.get_paper("2408.14227", 2, max_age=timedelta(days=1)) == PAPER
    assert store.get_paper("2408.14227", 1, max_age=timedelta(days=1)) is None
    assert store.get_paper("2408.14227", None, max_age=timedelta(seconds=-1)) is None


def test_figures_are_cached_per_extractor_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "f.db")
    figure = FigureImage("figure", "1", 0, (1.0, 2.0, 3.0, 4.0), "Figure 1: x", image=b"\x89PNG")
    store.save_figures(PAPER, [figure], extractor_version=1)
    assert store.get_figures(PAPER, 1) == [figure]
    assert store.get_figures(PAPER, 2) is None
