"""DC102 secret-in-image: a token value is written into the image.

## What it does
Reports, in every stage, an ``ENV`` or ``ARG`` *value*, as written, that has the format of a
known token: an AWS access
  key id (``AKIA…``/``ASIA…``), a GitHub token (``ghp_``/``gho_``/``ghs_``/``ghu_``/``ghr_``/
  ``github_pat_``), a Slack token (``xoxb-`` …), a private key header
  (``-----BEGIN … PRIVATE KEY-----``) or a JWT (``eyJ….….…``). Documentation placeholders
  (``…EXAMPLE``, ``xxxx``) and variables whose name says they are public (``NEXT_PUBLIC_…``)
  are skipped. The message shows only the first 4 characters of the value.

Where it differs from hadolint: DL3064 reports ENV/ARG whose *name* looks sensitive
(``GITHUB_TOKEN``, ``*password*``, ``*secret*``, …) whatever the value, as a warning. DC102
reads the *value*: a real token is an error whatever the variable is called
(``ENV DEPLOY=ghp_…`` is invisible to DL3064). When both would report the same line, only
DC102's finding is kept (the engine drops that DL3064), so one secret gives one finding.
A value that refers to another variable (``ENV T=$TOKEN``) is not read again: the finding is
where the value is written. A file copied into the image because its *name* looks secret
(``.env``, ``id_rsa``, ``.npmrc``) is DC105's: a name says less than a value, so that rule is
opt-in.

## Why is this bad?
Everything in a layer, and every ENV/ARG value, can be read by anyone who can pull the image
(``docker history``, ``docker save``), in every stage whose layers are pushed or cached. Deleting
the file later does not remove it from the earlier layer.

## Example
```dockerfile
FROM node:20-slim
COPY package.json package-lock.json ./
ENV DEPLOY_KEY_ID=AKIAZ7Q3XJ4M5N6P2RST
RUN npm ci
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
FROM node:20-slim
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=aws,env=AWS_ACCESS_KEY_ID npm ci
```
Pass secrets with ``RUN --mount=type=secret`` (or ``type=ssh``) and runtime secrets through the
orchestrator's environment or secret store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lint.dockerfile import Dockerfile
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext
from lint.rules._paths import assignments

CODE = "DC102"
NAME = "secret-in-image"
SEVERITY = Severity.ERROR
MESSAGE = ("{what} puts {secret} into the image, where anyone who can pull it can read it: "
           "pass it with RUN --mount=type=secret and rotate it")
SCOPE = "all"
TAGS = ("security", "secrets")
SECURITY_SEVERITY: str | None = "8.0"
PRECISION = "high"
#: hadolint's DL3064 (a secret-looking ENV/ARG name) on a line where DC102 reports the value
#: itself: one secret, one finding.
SUPERSEDES = ("DL3064",)

_TOKENS = {
    "an AWS access key id": r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    "a GitHub token": r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})",
    "a Slack token": r"\bxox[baprs]-[A-Za-z0-9-]{10,}",
    "a private key": r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----",
    "a JWT": r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
}
_PLACEHOLDER = re.compile(r"EXAMPLE|x{4,}|X{4,}|0{8,}|\*{4,}")

def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    for ins in dockerfile.instructions:
        if ins.keyword in ("ENV", "ARG"):
            for name, value in assignments(ins):
                if (kind := token_kind(value)) and "public" not in name.lower():
                    secret = f"{kind} ({redact(value)})"
                    yield Hit(ins.line, ins.end_line,
                              args={"what": f"{ins.keyword} {name}", "secret": secret})
                    break


def token_kind(value: str) -> str | None:
    for kind, pattern in _TOKENS.items():
        match = re.search(pattern, value)
        if match and not _PLACEHOLDER.search(match.group(0)):
            return kind
    return None


def redact(value: str) -> str:
    """The first 4 characters of the token, then an ellipsis."""
    for pattern in _TOKENS.values():
        if match := re.search(pattern, value):
            return match.group(0)[:4] + "…"
    return value[:4] + "…"
