"""Make text taken from Dockerfiles and repositories safe to show (pure).

A pull request controls its Dockerfiles and file names, and linters quote them. Shown in a
comment, that text must not ping people (``@user``, ``@org/team``), link issues (``#123``,
``GH-123``), inject markdown or HTML (links, images, tables, ``<details>``), or close our hidden
marker; and a secret written into a Dockerfile must not be republished. ``redact`` masks secret
values; ``inline`` makes any text one line of inert markdown.

Mentions and references are broken with a zero-width space (``&#8203;``) after the trigger
character, as Renovate does: GitHub only links ``@name`` and ``#123`` written contiguously.
"""

from __future__ import annotations

import re
from urllib.parse import quote

REDACTED = "***"

_SENSITIVE = (r"[A-Za-z0-9_.-]*(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|"
               r"ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)[A-Za-z0-9_.-]*")
_VALUE = r"(?:\"[^\"]*\"|'[^']*'|[^\s\"']+)"

#: Values with a recognisable format, whatever they are assigned to.
_TOKENS = re.compile(
    r"gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}"
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9_-]{20,}"
    r"|AIza[0-9A-Za-z_-]{35}|npm_[A-Za-z0-9]{36}"
)
_PRIVATE_KEY = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.S
)
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/\s:@]+):([^/\s@]+)@")
_ASSIGNMENT = re.compile(rf"(?i)\b({_SENSITIVE})(\s*[=:]\s*)({_VALUE})")
_ENV_FORM = re.compile(rf"(?i)\b((?:ENV|ARG)\s+{_SENSITIVE})(\s+)({_VALUE})")
_AUTH_HEADER = re.compile(r"(?i)\b(bearer|basic|token)(\s+)([A-Za-z0-9._~+/=-]{8,})")


def _mask(match: re.Match[str]) -> str:
    value = match.group(3)
    bare = value.strip("\"'")
    if not bare or bare.startswith("$") or bare == REDACTED:
        return match.group(0)  # a variable reference, not a value
    return f"{match.group(1)}{match.group(2)}{REDACTED}"


def redact(text: str) -> str:
    """Mask secret values: known token formats, private keys, URL passwords, and values
    assigned to names such as ``*_TOKEN``, ``*PASSWORD*``, ``*SECRET*``, ``*API_KEY*``."""
    text = _PRIVATE_KEY.sub(REDACTED, text)
    text = _TOKENS.sub(REDACTED, text)
    text = _URL_CREDENTIALS.sub(lambda m: f"{m.group(1)}{m.group(2)}:{REDACTED}@", text)
    text = _ENV_FORM.sub(_mask, text)
    text = _ASSIGNMENT.sub(_mask, text)
    return _AUTH_HEADER.sub(_mask, text)


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
