"""What every provider is asked: the system instruction and the card's prompt (the same text for Gemini and
OpenAI-compatible servers, so their cards are alike)."""

from __future__ import annotations

from services.languages import prompt_name
from services.models import PaperMeta, PdfContent
from services.pdf.sections import split_sections

PROMPT_VERSION = 3
"""Part of the summary cache key: bump it when the prompt or the schema changes."""


SYSTEM_INSTRUCTION = (
    "You summarize research papers for researchers who read them in a chat on their phone. You are faithful: "
    "you state only what the paper states, every number you write is one the paper gives, and a field the paper "
    "does not support is an empty string — never a guess or a placeholder such as 'xxx', 'N/A' or 'not provided'. "
    "You never write titles, authors, IDs, dates or links: those come from arXiv."
)


def _core_instructions(language_name: str) -> str:
    return (
        f"Write every field in {language_name}; keep technical terms, dataset, metric and model names in English "
        "inside it. Respect each field's length limit. `one_sentence` is the contribution with its key number, not "
        "background. `results` and `performance` give numbers with their dataset, metric and the baseline they "
        "beat. `limitations` are the ones the paper itself states. For `affiliation`, copy the first author's "
        "affiliation exactly as printed on the first page, or leave it empty."
    )


def build_prompt(paper: PaperMeta, content: PdfContent, language: str, note: str = "") -> str:
    """The paper once (abstract once, references never), the task before it and again after it: a long paper
    pushes instructions given only at the top out of the model's attention."""
    language_name = prompt_name(language)
    body = strip_references(content.text)
    return (
        f"Summarize the paper below into the JSON fields. {_core_instructions(language_name)}\n\n"
        f"Title: {paper.title}\n"
        f"Abstract: {paper.abstract}\n"
        + (f"Comment: {paper.comment}\n" if paper.comment else "")
        + f"\n--- First page ---\n{content.first_page[:4000]}\n"
        + (f"\n--- Paper text ---\n{body}\n" if body else "\n(The PDF text is unavailable: use the abstract.)\n")
        + f"\n--- End of the paper ---\nNow fill the fields. {_core_instructions(language_name)}"
        + (f"\n\nYour previous answer could not be used: {note} Answer again, as valid JSON of the schema." if note
           else "")
    )


def strip_references(text: str) -> str:
    """The paper's text without its reference list (and what follows it)."""
    kept = []
    for section in split_sections(text):
        if any(word in section.heading.lower() for word in ("reference", "bibliograph")):
            break
        kept.append((section.heading + "\n" if section.heading else "") + section.text)
    return "\n".join(kept).strip()
