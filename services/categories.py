"""arXiv's category taxonomy (https://arxiv.org/category_taxonomy), for validating `/subscribe cs.CV`."""

from __future__ import annotations

_TAXONOMY = {
    "cs": "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA NE NI OH OS PF "
          "PL RO SC SD SE SI SY",
    "econ": "EM GN TH",
    "eess": "AS IV SP SY",
    "math": "AC AG AP AT CA CO CT CV DG DS FA GM GN GR GT HO IT KT LO MG MP NA NT OA OC PR QA RA RT SG SP ST",
    "astro-ph": "CO EP GA HE IM SR",
    "cond-mat": "dis-nn mes-hall mtrl-sci other quant-gas soft stat-mech str-el supr-con",
    "nlin": "AO CD CG PS SI",
    "physics": "acc-ph ao-ph app-ph atm-clus atom-ph bio-ph chem-ph class-ph comp-ph data-an ed-ph flu-dyn "
               "gen-ph geo-ph hist-ph ins-det med-ph optics plasm-ph pop-ph soc-ph space-ph",
    "q-bio": "BM CB GN MN NC OT PE QM SC TO",
    "q-fin": "CP EC GN MF PM PR RM ST TR",
    "stat": "AP CO ME ML OT TH",
}
_STANDALONE = ("gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nucl-ex", "nucl-th", "quant-ph")

CATEGORIES: frozenset[str] = frozenset(
    [f"{archive}.{sub}" for archive, subs in _TAXONOMY.items() for sub in subs.split()] + list(_STANDALONE)
)
ARCHIVES: frozenset[str] = frozenset([*_TAXONOMY, *_STANDALONE])
DEFAULT_ARCHIVES = ("cs", "stat", "eess")
"""Archives whose announcements keyword, author and query topics search unless a chat or DISCOVERY_ARCHIVES
says otherwise."""
_BY_LOWER = {c.lower(): c for c in CATEGORIES | ARCHIVES}


def canonical_category(text: str) -> str | None:
    """`cs.cv` → `cs.CV`; an archive (`cs`, `hep-th`) is kept; None for anything arXiv does not have."""
    return _BY_LOWER.get(text.strip().lower())


def archive_of(category: str) -> str:
    return category.split(".", 1)[0]
