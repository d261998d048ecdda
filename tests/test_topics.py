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


def test_acronyms_are_learnt_from_abstracts_as_they_define_them() -> None:
    from services.aliases import definitions

    # sentences of real abstracts (bench/data/relevance-2026-02-24.jsonl)
    assert definitions("Recent advances in Vision Language Models (VLMs) and Vision Foundation Models (VFMs) have "
                       "opened new opportunities") == [("VLM", "Vision Language Models"),
                                                       ("VFM", "Vision Foundation Models")]
    assert definitions("Vision-Language-Action (VLA) models enable instruction-following robotic manipulation") == \
        [("VLA", "Vision-Language-Action")]
    assert definitions("Diffusion Transformers (DiT) have emerged as a widely adopted backbone") == \
        [("DiT", "Diffusion Transformers")]
    assert definitions("subtypes (e.g., comorbidities) and (2) a list of things (this one)") == []


def test_a_topic_matches_by_its_acronym_and_the_acronym_by_its_long_form() -> None:
    from services.aliases import learn

    class Paper:
        def __init__(self, title: str, abstract: str = "") -> None:
            self.title, self.abstract, self.authors, self.categories = title, abstract, (), ("cs.CV",)

    day = [Paper("Probing VLMs on charts"),
           Paper("A benchmark", "We test vision-language models (VLMs) on maps."),
           Paper("Planning with LLM-based agents", "Agents built on large language models (LLMs) plan."),
           Paper("Heat diffusion on graphs", "Graph diffusion for node classification.")]
    aliases = learn(f"{p.title}. {p.abstract}" for p in day)
    vlm = parse_topic('"vision-language models"')
    assert not vlm.matches(day[0]) and vlm.matches(day[0], aliases), "VLMs, learnt from another paper of the day"
    assert parse_topic("VLM").matches(day[1], aliases)
    agents = parse_topic("LLM agents")
    assert agents.matches(day[2], aliases)
    assert parse_topic("large language models").matches(Paper("LLM serving at scale"), aliases), "standing"
    assert not parse_topic("diffusion models").matches(day[3], aliases), "heat diffusion is no diffusion model"
