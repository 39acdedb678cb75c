"""Make text taken from Dockerfiles and repositories safe to show (pure).

A pull request controls its Dockerfiles and file names, and linters quote them. Shown in a
comment, that text must not ping people (``@user``, ``@org/team``), link issues (``#123``,
``GH-123``), inject markdown or HTML (links, images, tables, ``<details>``), or close our hidden
marker; and a secret written into a Dockerfile must not be republished. ``redact`` masks secret
values (``lint.redact``); ``inline`` makes any text one line of inert markdown.

Mentions and references are broken with a zero-width space (``&#8203;``) after the trigger
character, as Renovate does: GitHub only links ``@name`` and ``#123`` written contiguously.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from lint.redact import REDACTED, redact

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
# Inline text never starts a line, so only the characters that act mid-line are escaped
# (``$`` starts GitHub's math).
_MD_PUNCT = re.compile(r"([\\`*_\[\]|~<>$])")
_MENTION = re.compile(r"[@#](?=[A-Za-z0-9_])|(?i:\bGH)(?=-\d)|(?<=:)(?=//)|(?i:\bwww)(?=\.)")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ZWSP = "\u200b"


def inline(text: str) -> str:
    """One line of inert markdown: control characters become spaces, markdown punctuation is
    backslash-escaped, ``&``/``<``/``>`` become entities, mentions and references are broken,
    URLs are not autolinked, and bidirectional overrides are dropped."""
    text = _BIDI.sub("", _CONTROL.sub(" ", text)).strip()
    text = _MENTION.sub(lambda m: m.group(0) + _ZWSP, text)
    text = text.replace("&", "&amp;")
    text = _MD_PUNCT.sub(lambda m: {"<": "&lt;", ">": "&gt;"}.get(m.group(1), "\\" + m.group(1)),
                         text)
    return text.replace(_ZWSP, "&#8203;")


def message(text: str) -> str:
    """A finding's message, ready for markdown: redacted, then neutralised."""
    return inline(redact(text))


def url_path(path: str) -> str:
    """A repository path for a URL (every character outside ``[A-Za-z0-9_.~/-]`` encoded)."""
    return quote(path, safe="/")


def marker_key(key: str) -> str:
    """A key safe inside an HTML comment (never ``--``, ``>``, or spaces)."""
    cleaned = re.sub(r"[^A-Za-z0-9_./:@\[\]-]", "_", key)
    return re.sub(r"-{2,}", "-", cleaned)


__all__ = ["REDACTED", "inline", "marker_key", "message", "redact", "url_path"]
