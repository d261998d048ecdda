"""The paper's text as the summarizers read it: prose only, in order, clean (drawn PDFs, real PyMuPDF)."""

from __future__ import annotations

import pytest

from services.numbers import keep_supported, numbers_in, statements
from services.pdf.clean_text import join_lines, without_equations
from services.pdf.pool import process_pdf
from services.text_match import normalize
from tests.pdfs import messy_pdf


@pytest.fixture(scope="module")
def text() -> str:
    return process_pdf(messy_pdf(), 10).content.text


def test_prose_comes_in_reading_order_with_its_headings(text: str) -> None:
    assert text.index("1 Introduction") < text.index("We study") < text.index("2 Method") < text.index(
        "The method reads the body text") < text.index("| Ours |")
    assert "1 Introduction\n\nWe study" in text, "a heading is a line of its own"


def test_debris_is_left_out(text: str) -> None:
    assert "Preprint under review" not in text, "running header"
    assert "\n1\n" not in f"\n{text}\n" and "\n2\n" not in f"\n{text}\n", "page numbers"
    assert "Figure 1: A caption" not in text, "caption"
    assert "MIT licence" not in text, "footnote"
    assert "||x - y||" not in text, "equation line"


def test_words_are_whole_and_letters_are_letters(text: str) -> None:
    assert "model that reads" in text, "a word split at a line break is joined"
    assert "self-supervised" in text, "a compound keeps its hyphen"
    assert "state-of-the-art" in text
    assert "Universität Tübingen" in text, "accents recomposed"


def test_tables_are_markdown(text: str) -> None:
    assert "| Ours | 41.2 | 0.88 |\n| Base | 37.5 | 0.81 |\n(Table 1: Scores on two benchmarks.)" in text


def test_hyphens_follow_the_papers_own_words() -> None:
    vocabulary = {"representation", "image", "billion", "fine-tuning"}
    assert join_lines(["a repre-", "sentation"], vocabulary) == "a representation"
    assert join_lines(["one billion-", "image set"], vocabulary) == "one billion-image set"
    assert join_lines(["we fine-", "tuning"], vocabulary) == "we fine-tuning"


def test_a_flattened_display_equation_leaves_the_prose_and_inline_math_stays() -> None:
    paragraph = ("We can recover c via c = 1 1−tE(Y), and the estimate ĉ = 1 1−t i=1 zt,i has a deviation of "
                 "t 1−t 1 n. "
                 "We set K = 65536 and m = 0.999. The policy πθ(y|x) is trained with β = 0.1 on 3 datasets.")
    assert without_equations(paragraph) == ("We set K = 65536 and m = 0.999. "
                                            "The policy πθ(y|x) is trained with β = 0.1 on 3 datasets.")


def test_normalize_expands_ligatures_and_keeps_exponents() -> None:
    assert normalize("Erd˝os ﬁnds 512² at 10⁶ in ﬂows") == "Erdős finds 512² at 10⁶ in flows"


def test_numbers_are_compared_as_values() -> None:
    assert numbers_in("1,024 and .5 and 50 % and 3× but not GPT-4, ResNet-50, top-1 or 3D") == {"1024", "0.5", "50",
                                                                                                 "3"}
    known = statements(["Accuracy rises from 71.0% to 76.5 % with 1024 samples, 0.50 of the cost."])
    assert keep_supported("It reaches 76.5%. It uses 1,024 samples at .5 the cost. It is 4x faster.", known) == (
        "It reaches 76.5%. It uses 1,024 samples at .5 the cost.", 1)
    assert keep_supported("准确率达到76.5%。速度快4倍。", known) == ("准确率达到76.5%。", 1)


def test_an_answer_keeps_its_paragraphs_and_lists_after_the_number_check() -> None:
    known = statements(["41.2 ROUGE-L, twice (2x) as fast"])
    answer = "It reaches 41.2 ROUGE-L.\n\n- Faster by 2x.\n- It uses 99 GPUs.\n\nIn short, it works."
    assert keep_supported(answer, known) == ("It reaches 41.2 ROUGE-L.\n\n- Faster by 2x.\n\nIn short, it works.", 1)


def test_a_code_listing_is_not_prose() -> None:
    """A JSS paper's C++ and Python listings (typewriter type): neither summarizer reads them as the paper's
    sentences; code named inside a sentence stays."""
    import pymupdf

    from tests.pdfs import PROSE, body

    doc = pymupdf.open()
    for number in range(3):
        page = doc.new_page(width=612, height=792)
        body(page, (72.0, 540.0), 60, 300, PROSE if number else "Abstract " + PROSE)
        if number == 1:
            for row, code in enumerate(['def from_prior(self):', '    """Unlike in C++, this must return a numpy array',
                                        '    of parameters, drawn from the prior of the model."""',
                                        '    return np.array([m, b, sigma]) # the slope and intercept']):
                page.insert_text((90, 340 + 12 * row), code, fontsize=10, fontname="cour")
            for row, line in enumerate(["The prior is drawn by calling rng.randn() from the model's random",
                                        "number generator, so that every run of the sampler starts afresh."]):
                page.insert_text((72, 430 + 12 * row), line, fontsize=10)
    text = process_pdf(doc.tobytes(), 10).content.text
    assert "numpy array" not in text and "from_prior" not in text and "intercept" not in text
    assert "calling rng.randn() from the model" in text


def test_what_a_reader_sees_has_no_unmapped_glyphs() -> None:
    from services.text_match import readable

    assert readable("The diagrams parallel the one in Section 1\ufffdfor n = 5.") == \
        "The diagrams parallel the one in Section 1 for n = 5."
    assert readable("ﬁgure of Universit¨at T¨ubingen") == "figure of Universität Tübingen"


def test_a_number_is_stated_about_the_same_thing_or_not_at_all() -> None:
    """2.27 is the paper's IS on CIFAR-10, not its FID on ImageNet: a card claiming the FID loses the sentence;
    restating the IS keeps it, in other words too. A table's header names its cells ("R@10")."""
    paper = statements([
        "Our model reaches an FID of 1.81 on ImageNet 256x256 with 250 sampling steps.\n\n"
        "| Model | FID | IS | R@10 |\n| Ours | 3.10 | 2.27 | 64.0 |\n| Baseline | 4.20 | 2.01 | 58.3 |\n"
        "(Table 2: Results on CIFAR-10.)"])
    assert "2.27" in paper.unsupported("It reaches an FID of 2.27 on ImageNet 256.")
    assert not paper.unsupported("It reaches an FID of 1.81 on ImageNet 256.")
    assert not paper.unsupported("Ours has an IS of 2.27 on CIFAR-10, above the baseline's 2.01.")
    assert not paper.unsupported("Ours reaches 64.0 on R@10.")
    assert paper.unsupported("It is 4x faster.") == {"4"}, "a value the paper never states"
