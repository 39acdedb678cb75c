"""Mask secret values in text that quotes Dockerfiles, commands or logs (pure).

A secret written into a Dockerfile must not be republished by the linter that found it: values
with a recognisable token format, private keys, URL passwords and values assigned to names such
as ``*_TOKEN`` or ``*PASSWORD*`` become ``***``. Findings are redacted where they are made
(``lint.engine.stamp``, ``lint.hadolint``); the size step redacts docker's output the same way.
"""

from __future__ import annotations

import re

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


__all__ = ["REDACTED", "redact"]
