"""DC105 secret-file-copied: a file whose name says it holds a secret is copied into the image.

## What it does
Reports, in every stage, a ``COPY``/``ADD`` whose source is a secret by its name: ``.env``
(and ``.env.*`` other than examples and templates, and the glob ``.env*``), ``*.pem`` and
``*.key`` (not certificates, CA bundles or public/GPG keys, nor anything copied into a ``cert``
directory), ``id_rsa*`` and the other SSH private keys, ``.npmrc``, ``.pypirc``,
``credentials*.json``, ``.netrc``, ``.git-credentials`` and cloud service-account keys
(``serviceAccount*.json``), and a file of any name that a credentials variable points at
(``ENV GOOGLE_APPLICATION_CREDENTIALS=/secrets/sa.json`` after ``COPY sa.json /secrets/``).
ARG/ENV values in source paths are substituted. Remote URLs are public and not reported.

Opt-in: a name says less than a value. Judged on real files (docs/precision.md), such files were
often public material (a demo self-signed key, a ``.npmrc`` holding only settings or a
``${TOKEN}`` placeholder). Turn it on by naming it under an ``override`` level
(``override: {error: [DC105]}`` in ``.hadolint.yaml``). A token *value* in ENV/ARG is DC102's,
on by default.

## Why is this bad?
Everything in a layer can be read by anyone who can pull the image (``docker save``), in every
stage whose layers are pushed or cached. Deleting the file later does not remove it from the
earlier layer.

## Example
```dockerfile
FROM node:20-slim
COPY .npmrc package.json package-lock.json ./
RUN npm ci
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
FROM node:20-slim
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```
Pass secrets with ``RUN --mount=type=secret`` (or ``type=ssh``) and runtime secrets through the
orchestrator's environment or secret store.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from lint import globs
from lint.dockerfile import Dockerfile
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext
from lint.rules._paths import assignments, copy_parts, expanded

CODE = "DC105"
NAME = "secret-file-copied"
SEVERITY = Severity.ERROR
MESSAGE = ("{what} copies {secret}, {why}, into the image: give it to the container at run "
           "time (a mounted secret) or to the build with RUN --mount=type=secret")
SCOPE = "all"
TAGS = ("security", "secrets")
SECURITY_SEVERITY: str | None = "7.0"
PRECISION = "medium"
ENABLED = False

_FILES = (
    ".env", ".env.*", ".env[*]", "*.pem", "*.key", "id_rsa*", "id_dsa*", "id_ecdsa*",
    "id_ed25519*", ".npmrc", ".pypirc", "credentials*.json", ".netrc", ".git-credentials",
    "serviceaccount*.json", "service-account*.json",
)
_NOT_SECRET = re.compile(
    r"(\.pub$|cert|chain|bundle|(^|[-_.])ca[-_.]|gpg|pubkey|public|release|signing|keyring"
    r"|\.env\.(example|sample|template|dist|defaults?)$)",
    re.IGNORECASE,
)


def secret_file(name: str) -> bool:
    return globs.matches(name.lower(), _FILES) and not _NOT_SECRET.search(name)


#: ENV/ARG names that point at a credentials file (``GOOGLE_APPLICATION_CREDENTIALS``).
_POINTER = re.compile(r"CREDENTIALS|KEY_?FILE|TOKEN_?FILE|SECRET_?FILE|PRIVATE_?KEY_?PATH",
                      re.IGNORECASE)


def _pointed_at(dockerfile: Dockerfile) -> dict[str, str]:
    """Path -> the credentials-file variable that names it, anywhere in the file."""
    out: dict[str, str] = {}
    for ins in dockerfile.instructions:
        out.update({posixpath.normpath(value.strip("\"'")): name
                    for name, value in assignments(ins)
                    if _POINTER.search(name) and value.strip("\"'").startswith("/")})
    return out


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    pointed = _pointed_at(dockerfile)
    for ins in dockerfile.instructions:
        if ins.keyword in ("COPY", "ADD") and (parts := copy_parts(ins)):
            sources = [expanded(dockerfile, ins, p) for p in parts[0]]
            names = [posixpath.basename(p) for p in sources if "://" not in p]
            into_certs = "cert" in parts[1].lower()  # /etc/ssl/certs, ca-certificates
            found = next((n for n in names if secret_file(n) and not into_certs), None)
            why = "which by its name holds a secret"
            if found is None and pointed:
                # A file of any name that a credentials variable points at.
                dest = expanded(dockerfile, ins, parts[1])
                targets = ({posixpath.normpath(posixpath.join(dest, n)) for n in names}
                           if dest.endswith("/") else {posixpath.normpath(dest)})
                target = next(iter(sorted(targets & set(pointed))), None)
                if target is not None:
                    found = posixpath.basename(target)
                    why = f"which {pointed[target]} points at as credentials"
            if found:
                yield Hit(ins.line, ins.end_line,
                          args={"what": ins.keyword, "secret": found, "why": why})
