"""Code and project links found deterministically in the abstract, the comment and the first page. Pure.

The LLM never writes links: a model asked for a repository invents one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}]+|(?<![\w./@])(?:github\.com|gitlab\.com|huggingface\.co)/[^\s<>\"'()\[\]{}]+",
                  re.IGNORECASE)
_CODE_HOSTS = ("github.com", "gitlab.com", "huggingface.co")


@dataclass(frozen=True)
class PaperLinks:
    code: str = ""
    project: str = ""


def _tidy(url: str) -> str:
    """Strip what ends the sentence, not the URL: a full stop, a comma, a closing bracket or quote."""
    url = url.rstrip(".,;:!?'\")]}>*")
    if not url.lower().startswith("http"):
        url = "https://" + url
    return url


def _host(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url.lower()).split("/", 1)[0]


def find_links(*texts: str) -> PaperLinks:
    """The first code repository (GitHub, GitLab, Hugging Face) and the first project page named in `texts`.

    A `github.io` site is a project page, not code; a bare `github.com/user` with no repository is ignored.
    """
    code = project = ""
    for text in texts:
        joined = re.sub(r"(?<=[/\-_.])\n", "", text or "")  # URLs broken across PDF lines
        for raw in _URL.findall(joined):
            url = _tidy(raw)
            host = _host(url)
            path = url.split(host, 1)[-1].strip("/")
            if host in _CODE_HOSTS:
                if not code and "/" in path and not path.startswith(("sponsors", "topics", "orgs")):
                    code = url
            elif not project and (host.endswith(("github.io", "gitlab.io")) or "project" in url.lower()):
                project = url
    return PaperLinks(code=code, project=project)
