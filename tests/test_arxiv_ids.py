"""Finding arXiv papers in messages: every way people write them, and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.arxiv.ids import OLD_ARCHIVES, find_papers, parse_entry_id
from services.models import PaperRef


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://arxiv.org/abs/2408.14227", [PaperRef("2408.14227")]),
        ("see http://arxiv.org/abs/2408.14227v2.", [PaperRef("2408.14227", 2)]),
        ("https://arxiv.org/pdf/2408.14227v1.pdf", [PaperRef("2408.14227", 1)]),
        ("https://arxiv.org/pdf/2408.14227", [PaperRef("2408.14227")]),
        ("https://arxiv.org/html/2408.14227v3", [PaperRef("2408.14227", 3)]),
        ("https://www.arxiv.org/abs/2408.14227", [PaperRef("2408.14227")]),
        ("export.arxiv.org/abs/1501.00001", [PaperRef("1501.00001")]),
        ("arXiv:2408.14227v1 is great", [PaperRef("2408.14227", 1)]),
        ("ARXIV: 0704.0001", [PaperRef("0704.0001")]),
        ("(2408.14227)", [PaperRef("2408.14227")]),
        ("[arXiv:2408.14227], and", [PaperRef("2408.14227")]),
        ("hep-th/9901001", [PaperRef("hep-th/9901001")]),
        ("https://arxiv.org/abs/math.AP/0601001v3", [PaperRef("math.AP/0601001", 3)]),
        ("arXiv:cond-mat/0211034!", [PaperRef("cond-mat/0211034")]),
        ("two: 2408.14227 and 2401.00001v2", [PaperRef("2408.14227"), PaperRef("2401.00001", 2)]),
        ("dup 2408.14227 https://arxiv.org/abs/2408.14227v2", [PaperRef("2408.14227")]),
        ("pi is 3.14159 and version 1.2.3", []),
        ("2413.12345 has month 13", []),
        ("0612.1234 is before 4-digit ids began", []),
        ("1412.12345 is a 5-digit id before 2015", []),
        ("phone 12345.67890", []),
        ("https://example.com/2408.14227x", []),
        ("foo/9901001 is no archive", []),
    ],
)
def test_finds_papers_written_every_way(text: str, expected: list[PaperRef]) -> None:
    assert find_papers(text) == expected


def test_links_hidden_behind_text_count() -> None:
    assert find_papers("this paper", ["https://arxiv.org/abs/2301.07041v2"]) == [PaperRef("2301.07041", 2)]


def test_entry_ids_from_the_api() -> None:
    assert parse_entry_id("http://arxiv.org/abs/2408.14227v2") == PaperRef("2408.14227", 2)
    assert parse_entry_id("http://arxiv.org/abs/hep-th/9901001v1") == PaperRef("hep-th/9901001", 1)
    assert parse_entry_id("http://arxiv.org/api/errors#incorrect_id_format") is None


new_ids = st.builds(
    lambda y, m, n, five: f"{y:02d}{m:02d}.{n:05d}" if five else f"{y:02d}{m:02d}.{n % 10000:04d}",
    st.integers(15, 99), st.integers(1, 12), st.integers(0, 99999), st.just(True),
) | st.builds(lambda y, m, n: f"{y:02d}{m:02d}.{n:04d}", st.integers(8, 14), st.integers(1, 12), st.integers(0, 9999))
old_ids = st.builds(lambda a, y, n: f"{a}/{y:02d}{n:05d}", st.sampled_from(OLD_ARCHIVES), st.integers(91, 99),
                    st.integers(0, 99999))
any_ids = new_ids | old_ids
versions = st.none() | st.integers(1, 30)
forms = st.sampled_from([
    "{id}", "arXiv:{id}", "https://arxiv.org/abs/{id}", "http://www.arxiv.org/pdf/{id}.pdf",
    "https://arxiv.org/pdf/{id}", "https://arxiv.org/html/{id}", "https://export.arxiv.org/abs/{id}",
])
wrappers = st.sampled_from(["{x}", "({x})", "[{x}]", "{x}.", "{x},", "see {x}!", "<{x}>", "«{x}»", "{x}\n"])


@given(any_ids, versions, forms, wrappers, st.text(alphabet=" abcxyz", max_size=10))
def test_any_id_in_any_form_is_found_exactly(id_: str, version: int | None, form: str, wrap: str, noise: str) -> None:
    written = id_ + (f"v{version}" if version else "")
    text = noise + " " + wrap.format(x=form.format(id=written)) + " " + noise
    assert find_papers(text) == [PaperRef(id_, version)]


@given(st.lists(any_ids, min_size=1, max_size=8))
def test_duplicates_count_once_and_order_is_kept(ids: list[str]) -> None:
    text = " ".join(f"arXiv:{i}" for i in ids + ids)
    expected = list(dict.fromkeys(ids))
    assert [r.base_id for r in find_papers(text)] == expected
