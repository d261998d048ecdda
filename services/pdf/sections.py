"""Cutting a paper's text to what an LLM should read: by section, most useful sections first. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A heading line: "1 Introduction", "2.1. Method", "IV. EXPERIMENTS", "Abstract", "References", "Appendix A".
_HEADING = re.compile(
    r"^(?:(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.|[A-H](?:\.\d{1,2})*\.?)\s+)?"
    r"(?P<name>[A-Z][A-Za-z][A-Za-z \-:&,]{1,60})$"
)
_NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.)\s+[A-Z]")

_FIRST = ("abstract", "introduction", "method", "approach", "model", "experiment", "result", "evaluation",
          "conclusion", "discussion")
_LAST = ("reference", "bibliograph", "appendix", "acknowledg", "supplementary")


@dataclass
class Section:
    heading: str
    text: str

    @property
    def rank(self) -> int:
        """0: read first; 1: ordinary; 2: read last (references, appendix)."""
        name = self.heading.lower()
        if any(word in name for word in _LAST):
            return 2
        if not self.heading or any(word in name for word in _FIRST):
            return 0
        return 1


def split_sections(text: str) -> list[Section]:
    sections = [Section("", "")]
    after_references = False
    for line in text.splitlines():
        stripped = line.strip()
        match = _HEADING.match(stripped)
        is_heading = bool(match) and (
            _NUMBERED.match(stripped) is not None
            or (match is not None and match["name"].strip().lower().rstrip("s") in
            {"abstract", "reference", "appendix", "acknowledgment", "acknowledgement", "conclusion", "introduction"})
        )
        if is_heading:
            heading = stripped
            if any(w in heading.lower() for w in ("reference", "bibliograph")):
                after_references = True
            elif after_references:
                heading = "Appendix: " + heading  # everything after the references is appendix material
            sections.append(Section(heading, ""))
        else:
            sections[-1].text += line + "\n"
    return [s for s in sections if s.text.strip() or s.heading]


def budget_text(text: str, budget_chars: int) -> str:
    """The paper's text cut to `budget_chars`, dropping or trimming the least useful sections first.

    Sections keep their order in the paper; references and appendices go first, then ordinary sections are
    trimmed, and the core (abstract, introduction, method, experiments, conclusion) last.
    """
    if len(text) <= budget_chars:
        return text
    sections = split_sections(text)
    kept = {id(s): s.heading + "\n" + s.text for s in sections}
    for rank in (2, 1, 0):
        total = sum(len(v) for v in kept.values())
        if total <= budget_chars:
            break
        tier = [s for s in sections if s.rank == rank]
        tier_size = sum(len(kept[id(s)]) for s in tier)
        excess = total - budget_chars
        if tier_size <= excess or rank == 2:  # references and appendices go whole
            for s in tier:
                kept[id(s)] = ""
            continue
        share = 1 - excess / tier_size
        for s in tier:
            body = kept[id(s)]
            kept[id(s)] = body[: int(len(body) * share)]
    return "\n".join(v for v in (kept[id(s)] for s in sections) if v).strip()[:budget_chars]
