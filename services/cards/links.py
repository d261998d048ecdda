"""Code and project links found deterministically in the abstract, the comment and the first two pages
(footnotes included). Pure.

The LLM never writes links: a model asked for a repository invents one. A link is "code" only on a code host,
and a "project page" only where the text calls it one — a dataset or benchmark site is neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}]+|(?<![\w./@])(?:github\.com|gitlab\.com|huggingface\.co)/[^\s<>\"'()\[\]{}]+",
                  re.IGNORECASE)
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")
_PROJECT_WORDS = re.compile(r"project|web\s?page|home\s?page|website|demo|videos?|visit|more results|"
                            r"项目|主页", re.IGNORECASE)
_NOT_PROJECT = re.compile(r"dataset|data set|benchmark|leaderboard|challenge|competition", re.IGNORECASE)


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
    """The first code repository (GitHub, GitLab, Bitbucket, Codeberg) and the first project page named in
    `texts`.

    A bare `github.com/user` with no repository is ignored. Any other link is a project page only when the words
    just before it (or the link itself) say so — "Project page:", "website", "demo" — and not a dataset's.
    """
    code = project = ""
    for text in texts:
        joined = re.sub(r"(?<=[/\-_.])\n", "", text or "")  # URLs broken across PDF lines
        for match in _URL.finditer(joined):
            url = _tidy(match.group(0))
            host = _host(url)
            path = url.split(host, 1)[-1].strip("/")
            if host in _CODE_HOSTS:
                if not code and "/" in path and not path.startswith(("sponsors", "topics", "orgs")):
                    code = url
                continue
            context = joined[max(0, match.start() - 80):match.start()].rsplit(".", 1)[-1] + " " + path
            if not project and _PROJECT_WORDS.search(context) and not _NOT_PROJECT.search(context):
                project = url
    return PaperLinks(code=code, project=project)
