"""Topics: what users may subscribe to, and which announced papers match."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from services.topics import Topic, TopicError, parse_topic


@dataclass
class Paper:
    title: str = "Scalable Diffusion Models with Transformers"
    abstract: str = "We explore a new class of diffusion models based on the transformer architecture."
    authors: tuple[str, ...] = ("William Peebles", "Saining Xie")
    categories: tuple[str, ...] = ("cs.CV", "cs.LG")


@pytest.mark.parametrize(("text", "kind", "query"), [
    ("cs.CV", "category", "cat:cs.CV"),
    ("cs.cv", "category", "cat:cs.CV"),
    ("hep-th", "category", "cat:hep-th"),
    ("diffusion models", "keyword", "all:(diffusion models)"),
    ('"diffusion model"', "keyword", 'all:"diffusion model"'),
    ('au:"Yann LeCun"', "author", 'au:"yann lecun"'),
    ("au:LeCun", "author", "au:lecun"),
    ("ti:diffusion AND cat:cs.CV", "query", "(ti:diffusion AND cat:cs.CV)"),
    ("(ti:gan OR abs:adversarial) ANDNOT cat:cs.CL", "query", "((ti:gan OR abs:adversarial) ANDNOT cat:cs.CL)"),
])
def test_topics_are_recognised(text: str, kind: str, query: str) -> None:
    topic = parse_topic(text)
    assert (topic.kind, topic.query) == (kind, query)


@pytest.mark.parametrize(("text", "reason"), [
    ("", "empty"),
    ("x" * 201, "too_long"),
    ("cs.XX", "unknown_category"),
    ("cat:cs.XX", "unknown_category"),
    ("ti:(diffusion", "syntax"),
    ("ti:diffusion AND", "syntax"),
    ("foo:bar", "unknown_field"),
    ("AND", "syntax"),
])
def test_bad_topics_say_why(text: str, reason: str) -> None:
    with pytest.raises(TopicError) as raised:
        parse_topic(text)
    assert str(raised.value) == reason


@pytest.mark.parametrize(("text", "matches"), [
    ("cs.CV", True),
    ("cs.LG", True),
    ("cs", True),
    ("cs.CL", False),
    ("diffusion models", True),
    ("diffusion model", True),
    ("transformers diffusion", True),
    ('"diffusion transformers"', False),
    ("quantum", False),
    ('au:"saining xie"', True),
    ("au:Peebles", True),
    ('au:"William Xie"', False),
    ("ti:diffusion AND cat:cs.CV", True),
    ("ti:diffusion ANDNOT cat:cs.LG", False),
    ("abs:transformer OR ti:quantum", True),
])
def test_matching(text: str, matches: bool) -> None:
    assert parse_topic(text).matches(Paper()) is matches


def test_accents_and_case_do_not_matter_for_authors() -> None:
    paper = Paper(authors=("Kaiming Hé",))
    assert parse_topic('au:"kaiming he"').matches(paper)


def test_feeds_of_a_topic() -> None:
    assert parse_topic("cs.CV").feeds() == {"cs.CV"}
    assert parse_topic("ti:x AND cat:stat.ML").feeds() == {"stat"}
    assert parse_topic("diffusion").feeds() == set()
    assert isinstance(parse_topic("cs"), Topic)
